import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/lib/logger';
import { createApp } from '../../../src/app';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';

describe('health, readiness, metrics and request logs', () => {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  let app: TestApp;
  let login: TestLogin;
  before(async () => {
    const log = createLogger('info', sink);
    app = await startApp({ build: (services) => createApp({ services, log }) });
    login = await app.newAccount();
  });
  after(() => app.close());

  it('GET /health is live and GET /ready checks the database and migrations', async () => {
    const c = new RestClient(app.baseUrl);
    expect((await c.get('/health')).body).to.deep.equal({ status: 'ok' });
    const r = await c.get('/ready');
    expect(r.status).to.equal(200);
    expect(r.body).to.deep.equal({ status: 'ready' });
  });

  it('counts requests by dialect, route template and status in /metrics', async () => {
    const api = new RestClient(app.baseUrl, login);
    await api.get('/v2/contacts/12345');
    await api.get('/v2/account-info');
    const text = (await new RestClient(app.baseUrl).get('/metrics')).text;
    expect(text).to.match(/contactgate_requests_total\{dialect="rest",operation="GET \/v2\/contacts\/:idOrEmail",status="404"\} 1/);
    expect(text).to.match(/contactgate_requests_total\{dialect="rest",operation="GET \/v2\/account-info",status="200"\} 1/);
    expect(text).to.include('contactgate_request_duration_seconds_bucket');
    expect(text).to.include('contactgate_oldest_stale_segment_age_seconds');
  });

  it('writes one JSON line per request with correlation id, account and status, and never the password', async () => {
    lines.length = 0;
    const api = new RestClient(app.baseUrl, login);
    const r = await api.call('GET', '/v2/account-info', undefined, { 'X-Correlation-Id': 'corr-123' });
    expect(r.headers.get('x-correlation-id')).to.equal('corr-123');
    await new RestClient(app.baseUrl, { username: login.username, password: 'wrong-secret-xyz' }).get('/v2/account-info');
    const reqLines = lines.filter((l) => l.msg === 'request');
    expect(reqLines).to.have.length(2);
    expect(reqLines[0]).to.include({ correlationId: 'corr-123', dialect: 'rest', account: login.accountId, status: 200 });
    expect(reqLines[0].durationMs).to.be.a('number');
    expect(reqLines[1].status).to.equal(401);
    const all = JSON.stringify(lines);
    expect(all).not.to.include(login.password);
    expect(all).not.to.include('wrong-secret-xyz');
    expect(all.toLowerCase()).not.to.include('basic ');
  });
});
