import { expect } from 'chai';
import { startApp, TestApp } from '../helpers/app';
import { testConfig } from '../helpers/db';
import { GatewayProcess, startGateway } from '../helpers/process';
import { systemClock } from '../../src/lib/clock';
import { SegmentWriteHooks } from '../../src/services/segmentHooks';

// kill -9 of a gateway process in the middle of a segment refresh, on both engines: a RESTARTED gateway on the same
// database (SQLite: the same file) takes the job over once the lease expires and completes it exactly once, with
// the members a plain recomputation gives: nothing lost (writes made while the victim was dead included), nothing doubled.

describe('segment refresh survives kill -9 of its gateway process (restart on the same database)', function () {
  this.timeout(120_000);
  let app: TestApp;
  const gateways: GatewayProcess[] = [];

  const wait = (ms: number) => new Promise((res) => setTimeout(res, ms));
  /** Polls (real child processes run on real time) until cond holds or the deadline passes. */
  async function until(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await cond()) return;
      await wait(100);
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  const dbEnv = (): Record<string, string> => {
    const db = testConfig().db;
    return db.client === 'sqlite'
      ? { DB_CLIENT: 'sqlite', DB_FILENAME: db.filename }
      : { DB_CLIENT: 'mysql2', DB_HOST: db.host, DB_PORT: String(db.port), DB_USER: db.user, DB_PASSWORD: db.password, DB_NAME: db.database };
  };
  const gateway = async (name: string, extra: Record<string, string> = {}) => {
    const g = await startGateway({ ...dbEnv(), INSTANCE_ID: name, JOB_LEASE: '2s', JOB_POLL_INTERVAL: '50ms', SEGMENT_SWEEP_CRON: '*/1 * * * * *', SEGMENT_REFRESH_QUIET: '1s', ...extra });
    gateways.push(g);
    return g;
  };

  before(async () => {
    app = await startApp({ clock: systemClock });
  });
  after(async () => {
    for (const g of gateways) if (g.child.exitCode === null && g.child.signalCode === null) g.child.kill('SIGTERM');
    await Promise.all(gateways.map((g) => g.exited));
    await app.close();
  });

  it('the refresh running in a killed process is completed exactly once by the restarted process, with the right members', async () => {
    const s = app.services;
    const hooks = new SegmentWriteHooks(systemClock);
    const { accountId } = await app.newAccount('kill-9 refresh');
    await s.dataFields.create(accountId, { name: 'SCORE', type: 'Numeric' });
    const scores = new Map<number, number>();
    for (let i = 0; i < 120; i++) scores.set((await s.contacts.create(accountId, { email: `k${i}@example.com`, dataFields: { SCORE: i } })).id, i);
    const ids = [...scores.keys()];
    const seg = (await s.segments.create(accountId, { name: 'ge60', rules: { all: [{ dataField: 'SCORE', op: '>=', value: 60 }] } })).id;
    const bulk = async (batch: number[], score: number) => {
      await s.store.tx(async (r) => {
        await r.db('contacts').whereIn('id', batch).update({ data: JSON.stringify({ SCORE: score }) });
        await hooks.bulkWrite(r, accountId, batch);
      });
      for (const id of batch) scores.set(id, score);
    };
    await bulk(ids.filter((_, i) => i % 3 === 0), 99);

    // The victim holds its refresh for a minute (SEGMENT_REFRESH_TEST_HOLD) so it is surely mid-refresh when killed.
    const victim = await gateway('victim', { SEGMENT_REFRESH_TEST_HOLD: '60s' });
    let run: { id: number; jobId: number } | undefined;
    await until(
      async () => {
        const row = await s.store.knex('segment_refreshes').where({ segment_id: seg, status: 'running', owner: 'victim' }).first();
        if (row) run = { id: Number(row.id), jobId: Number(row.job_id) };
        return run !== undefined;
      },
      30_000,
      'the victim to start the refresh',
    );
    victim.child.kill('SIGKILL');
    expect(await victim.exited).to.equal('SIGKILL');
    expect((await s.store.knex('jobs').where({ id: run!.jobId }).first()).status).to.equal('running');

    // Writes while nobody is alive: the completed refresh must include them.
    await bulk(ids.filter((_, i) => i % 5 === 0), 10);
    await bulk(ids.filter((_, i) => i % 7 === 0), 75);

    await gateway('restarted');
    await until(async () => (await s.store.knex('jobs').where({ id: run!.jobId }).first())?.status === 'done', 30_000, 'the restarted process to finish the job');
    await until(async () => !(await s.segments.get(accountId, seg)).pendingRefresh, 30_000, 'the segment to be current');

    const want = ids.filter((id) => scores.get(id)! >= 60).sort((a, b) => a - b);
    const rows = await s.store.knex('segment_members').where({ segment_id: seg }).orderBy('contact_id').select('contact_id');
    const got = rows.map((r) => Number(r.contact_id));
    expect(got, 'members equal a plain recomputation, none doubled').to.deep.equal(want);
    expect((await s.segments.get(accountId, seg)).contacts).to.equal(want.length);
    const runs = await s.store.knex('segment_refreshes').where({ job_id: run!.jobId }).orderBy('id');
    expect(runs.filter((r) => r.status === 'done'), 'completed exactly once').to.have.length(1);
    expect(runs.find((r) => r.status === 'done')!.owner).to.equal('restarted');
    expect(runs.find((r) => Number(r.id) === run!.id)!.status).to.equal('abandoned');
    expect(runs.filter((r) => r.status === 'running')).to.have.length(0);
  });
});
