import { expect } from 'chai';
import { startGateway } from '../helpers/process';
import { scratchDbEnv } from '../helpers/db';
import { RestClient } from '../helpers/rest';

describe('process start-up and graceful shutdown', function () {
  this.timeout(60_000);
  it('bootstraps the configured API user, serves it, and exits 0 on SIGTERM', async () => {
    const user = `boot-${process.pid}-${Date.now()}@example.com`;
    const gw = await startGateway({ ...scratchDbEnv('proc'), BOOTSTRAP_API_USER: user, BOOTSTRAP_API_PASSWORD: 'secret-pass-1' });
    try {
      const ok = await new RestClient(gw.baseUrl, { username: user, password: 'secret-pass-1' }).get('/v2/account-info');
      expect(ok.status).to.equal(200);
      const bad = await new RestClient(gw.baseUrl, { username: user, password: 'nope-nope-1' }).get('/v2/account-info');
      expect(bad.status).to.equal(401);
      expect(gw.output()).not.to.include('secret-pass-1');
    } finally {
      gw.child.kill('SIGTERM');
    }
    expect(await gw.exited).to.equal(0);
  });

  it('prints a demo login once on a fresh database and not on the next start', async () => {
    const env = { ...scratchDbEnv('demo'), BOOTSTRAP_API_USER: '', BOOTSTRAP_API_PASSWORD: '' };
    const first = await startGateway(env);
    first.child.kill('SIGTERM');
    expect(await first.exited).to.equal(0);
    const m = /API username: (\S+)\n\s+API password: (\S+)/.exec(first.output());
    expect(m, first.output()).to.not.equal(null);
    const second = await startGateway(env);
    try {
      expect(second.output()).not.to.include('Demo account created');
      const r = await new RestClient(second.baseUrl, { username: m![1], password: m![2] }).get('/v2/account-info');
      expect(r.status).to.equal(200);
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await second.exited).to.equal(0);
  });
});
