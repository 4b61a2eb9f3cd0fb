import { expect } from 'chai';
import { startApp, TestApp } from '../helpers/app';
import { testConfig } from '../helpers/db';
import { GatewayProcess, startGateway } from '../helpers/process';
import { systemClock } from '../../src/lib/clock';
import { JobRunner } from '../../src/jobs/runner';
import { registerSegmentJobs } from '../../src/jobs/segmentJobs';
import { SegmentWriteHooks } from '../../src/services/segmentHooks';

// DESIGN invariant 10: a restart never pushes a refresh past its refreshDueBy. The only gateway process is killed
// (kill -9) while a segment is stale; its deadline passes while no process is alive (the status page says "overdue");
// a restarted gateway on the same database (SQLite: the same file) refreshes it at once. Both processes run the sweeper
// on a schedule that does not tick during the test (1 January only), so only the catch-up at start can do it.

describe('a restarted gateway refreshes a segment whose deadline passed while no process ran (real processes)', function () {
  this.timeout(120_000);
  let app: TestApp;
  const gateways: GatewayProcess[] = [];

  const wait = (ms: number) => new Promise((res) => setTimeout(res, ms));
  /** Polls (real child processes run on real time) until cond holds or the deadline passes. */
  async function until(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await cond()) return;
      await wait(50);
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  const dbEnv = (): Record<string, string> => {
    const db = testConfig().db;
    return db.client === 'sqlite'
      ? { DB_CLIENT: 'sqlite', DB_FILENAME: db.filename }
      : { DB_CLIENT: 'mysql2', DB_HOST: db.host, DB_PORT: String(db.port), DB_USER: db.user, DB_PASSWORD: db.password, DB_NAME: db.database };
  };
  const gateway = async (name: string) => {
    const g = await startGateway({ ...dbEnv(), INSTANCE_ID: name, JOB_POLL_INTERVAL: '50ms', SEGMENT_SWEEP_CRON: '0 0 1 1 *' });
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

  it('kill -9 of the only process, deadline passes, restart: the refresh starts at once, not at the next tick', async () => {
    const s = app.services;
    const { accountId } = await app.newAccount('restart catch-up');
    await s.dataFields.create(accountId, { name: 'SCORE', type: 'Numeric' });
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) ids.push((await s.contacts.create(accountId, { email: `r${i}@example.com`, dataFields: { SCORE: i } })).id);
    const seg = (await s.segments.create(accountId, { name: 'ge30', rules: { all: [{ dataField: 'SCORE', op: '>=', value: 30 }] } })).id;
    const local = new JobRunner(s.jobs, 'test-process', { pollMs: 50 });
    registerSegmentJobs(local, s);
    await local.drain();
    expect((await s.segments.get(accountId, seg)).contacts).to.equal(10);

    const only = await gateway('only');
    // an import chunk commits: every contact below 30 now scores 99
    await s.store.tx(async (r) => {
      await r.db('contacts').whereIn('id', ids.slice(0, 30)).update({ data: JSON.stringify({ SCORE: 99 }) });
      await new SegmentWriteHooks(systemClock).bulkWrite(r, accountId, ids.slice(0, 30));
    });
    only.child.kill('SIGKILL');
    expect(await only.exited).to.equal('SIGKILL');
    // The deadline passes while no process is alive (the stale mark is dated 31 minutes back instead of waiting).
    await s.store.knex('segments').where({ id: seg }).update({ stale_since: Date.now() - 31 * 60_000 });
    const before = await s.segments.get(accountId, seg);
    expect(before.refreshDueBy).to.be.below(Date.now());
    expect(before.refreshStatus).to.equal('Finished'); // nothing queued it: the killed process never swept again
    const shown = (await s.status.overview(accountId)).segments.find((g) => g.id === seg)!;
    expect(shown).to.include({ overdue: true, refreshRunning: false });

    const startedAt = Date.now();
    await gateway('restarted');
    const listeningAt = Date.now();
    await until(async () => !(await s.segments.get(accountId, seg)).pendingRefresh, 20_000, 'the restarted process to refresh the segment');
    const run = (await s.segments.history(accountId, seg))[0];
    expect(run).to.include({ owner: 'restarted', reason: 'sweep', status: 'done' });
    expect(run.startedAt!, 'the refresh started as the process came up').to.be.within(startedAt, listeningAt + 5_000);
    expect((await s.segments.get(accountId, seg)).contacts).to.equal(40);
    expect((await s.status.overview(accountId)).segments.find((g) => g.id === seg)).to.include({ overdue: false });
  });
});
