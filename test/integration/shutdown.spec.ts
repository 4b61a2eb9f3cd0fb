import { expect } from 'chai';
import { logRecords, startGateway } from '../helpers/process';
import { scratchDbEnv } from '../helpers/db';
import { RestClient } from '../helpers/rest';
import { connect } from '../../src/db/connection';
import { loadConfig } from '../../src/config';
import { IMPORT_JOB } from '../../src/services/imports';

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
    const demo = logRecords(first.stdout()).filter((r) => r.oneTime === true);
    expect(demo, first.output()).to.have.length(1);
    expect(demo[0]).to.include({ msg: 'demo account created (login shown once; keep it)' });
    expect(demo[0].apiUsername).to.be.a('string');
    expect(demo[0].apiPassword).to.be.a('string');
    const second = await startGateway(env);
    try {
      expect(logRecords(second.stdout()).filter((r) => r.oneTime === true)).to.deep.equal([]);
      const r = await new RestClient(second.baseUrl, { username: String(demo[0].apiUsername), password: String(demo[0].apiPassword) }).get('/v2/account-info');
      expect(r.status).to.equal(200);
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await second.exited).to.equal(0);
  });
});

describe('graceful shutdown during a running import', function () {
  this.timeout(180_000);
  const ROWS = 30_000;
  const CHUNK = 100;

  it('SIGTERM lets the running chunk commit, releases the lease (job queued again), exits 0; a second process finishes with exactly the rows', async () => {
    const user = `term-${process.pid}-${Date.now()}@example.com`;
    const env = { ...scratchDbEnv('term'), BOOTSTRAP_API_USER: user, BOOTSTRAP_API_PASSWORD: 'secret-pass-2', IMPORT_CHUNK_ROWS: String(CHUNK), JOB_POLL_INTERVAL: '50ms', JOB_LEASE: '10m' };
    const { knex } = await connect(loadConfig({ ...process.env, ...env }).db);
    try {
      const first = await startGateway({ ...env, INSTANCE_ID: 'first' });
      const api = new RestClient(first.baseUrl, { username: user, password: 'secret-pass-2' });
      const lines = ['Email,FIRSTNAME'];
      for (let i = 0; i < ROWS; i++) lines.push(`term${i}@shutdown.test,N${i}`);
      const up = await api.post('/v2/contacts/import', { fileName: 'big.csv', data: Buffer.from(lines.join('\n')).toString('base64') });
      expect(up.status, up.text).to.equal(202);
      const id = up.body.id as string;
      // wait on the progress itself (first chunk committed), not on a timer
      const deadline = Date.now() + 60_000;
      for (;;) {
        const row = await knex('imports').where({ id }).first('rows_done');
        if (Number(row.rows_done) > 0) break;
        if (Date.now() > deadline) throw new Error(`import made no progress:\n${first.output()}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      first.child.kill('SIGTERM');
      expect(await first.exited, first.output()).to.equal(0);

      const imp = await knex('imports').where({ id }).first('status', 'rows_done');
      expect(imp.status, 'still unfinished: SIGTERM came mid-import').to.equal('NotFinished');
      const done = Number(imp.rows_done);
      expect(done).to.be.greaterThan(0).and.lessThan(ROWS);
      expect(done % CHUNK, 'only whole chunks are committed').to.equal(0);
      const [{ n }] = await knex('contacts').where('email', 'like', '%@shutdown.test').count({ n: '*' });
      expect(Number(n), 'the committed chunks are all there, nothing half-written').to.equal(done);
      const job = await knex('jobs').where({ type: IMPORT_JOB, ref: id }).first('status', 'lease_owner', 'lease_until');
      expect(job, 'lease handed back, job queued again (not waiting for the 10 minute lease to expire)').to.deep.include({ status: 'queued', lease_owner: null, lease_until: null });

      const second = await startGateway({ ...env, INSTANCE_ID: 'second' });
      try {
        const api2 = new RestClient(second.baseUrl, { username: user, password: 'secret-pass-2' });
        const end = Date.now() + 120_000;
        let status = '';
        while (Date.now() < end) {
          status = (await api2.get(`/v2/contacts/import/${id}`)).body.status;
          if (status !== 'NotFinished') break;
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(status).to.equal('Finished');
        const report = (await api2.get(`/v2/contacts/import/${id}/report`)).body;
        expect(report.newContacts).to.equal(ROWS);
        const [{ n: total }] = await knex('contacts').where('email', 'like', '%@shutdown.test').count({ n: '*' });
        expect(Number(total)).to.equal(ROWS);
        // the job row is completed just after the import's last commit: wait for it, then check it
        let job2: { status: string } | undefined;
        while (Date.now() < end) {
          job2 = await knex('jobs').where({ type: IMPORT_JOB, ref: id }).first('status');
          if (job2?.status !== 'running') break;
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(job2).to.deep.equal({ status: 'done' });
      } finally {
        second.child.kill('SIGTERM');
      }
      expect(await second.exited).to.equal(0);
    } finally {
      await knex.destroy();
    }
  });
});
