import { expect } from 'chai';
import { startApp, TestApp } from '../helpers/app';
import { FakeClock } from '../../src/lib/clock';
import { silentLogger } from '../../src/lib/logger';
import { JobRunner } from '../../src/jobs/runner';
import { registerSegmentJobs, SegmentSweeper, SweepReport } from '../../src/jobs/segmentJobs';
import { SegmentWriteHooks } from '../../src/services/segmentHooks';
import { Services } from '../../src/services';

const MIN = 60_000;

// DESIGN invariant 10, second half: the max-delay promise does not depend on every cron tick arriving. The max-delay
// rule queues a refresh at the LAST tick before its deadline, so a lost tick (event loop blocked past the slot, or a
// restart) used to push the refresh past refreshDueBy. The sweeper now catches up at once on a missed tick and when it
// starts. (The restart across a real process kill is in sweeperRestart.spec.ts.)

describe('segment sweeper: missed cron ticks do not break the max delay (invariant 10)', function () {
  this.timeout(60_000);
  let app: TestApp;
  let s: Services;
  let clock: FakeClock;
  let runner: JobRunner;
  let hooks: SegmentWriteHooks;
  before(async () => {
    clock = new FakeClock(Date.UTC(2031, 8, 1, 10, 0, 0));
    // cron every second, so the node-cron test below loses real ticks within a few seconds; writes never "go quiet"
    // here (1 h debounce), so only the max delay (30 min) can start a refresh
    app = await startApp({ clock, config: { segmentSweepCron: '* * * * * *', segmentRefreshQuietMs: 60 * MIN } });
    s = app.services;
    runner = new JobRunner(s.jobs, 'sweeper-test-runner', { pollMs: 10 });
    registerSegmentJobs(runner, s);
    hooks = new SegmentWriteHooks(clock);
  });
  after(() => app.close());

  /** A fresh segment SCORE >= 100 over 3 contacts, and a bulk write helper for it. */
  async function staleable(): Promise<{ accountId: number; seg: number; bulk: () => Promise<void> }> {
    const { accountId } = await app.newAccount();
    await s.dataFields.create(accountId, { name: 'SCORE', type: 'Numeric' });
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await s.contacts.create(accountId, { email: `c${i}@x.com`, dataFields: { SCORE: i } })).id);
    const seg = (await s.segments.create(accountId, { name: 'high', rules: { all: [{ dataField: 'SCORE', op: '>=', value: 100 }] } })).id;
    await runner.drain();
    let n = 0;
    const bulk = () =>
      s.store.tx(async (r) => {
        const id = ids[n++ % 3];
        await r.db('contacts').where({ id }).update({ data: JSON.stringify({ SCORE: 100 + n }) });
        await hooks.bulkWrite(r, accountId, [id]);
      });
    return { accountId, seg, bulk };
  }

  const missedTotal = async () => Number(/^contactgate_sweeper_missed_ticks_total (\d+)/m.exec(await s.metrics.render())?.[1] ?? NaN);

  it('an event loop blocked past the last tick before the deadline: the catch-up starts the refresh before the max delay', async () => {
    clock.set(Date.UTC(2031, 8, 1, 10, 0, 0));
    const t0 = clock.now();
    const { accountId, seg, bulk } = await staleable();
    // a fake-clock sweeper whose cron ticks on every minute
    const sweeper = new SegmentSweeper(s, silentLogger, { nextTickAt: (now) => Math.floor(now / MIN) * MIN + MIN });
    const missed0 = await missedTotal();
    // an import writes every minute from 10:00: the max delay makes the refresh due by 10:30
    for (let m = 0; m < 28; m++) {
      clock.set(t0 + m * MIN);
      await bulk();
      await sweeper.runOnce();
      expect((await s.segments.get(accountId, seg)).refreshStatus, `tick ${m}`).to.equal('Finished');
    }
    expect((await s.segments.get(accountId, seg)).refreshDueBy).to.equal(t0 + 30 * MIN);
    // the event loop is blocked from 10:27:59 to 10:29:40, across the 10:28 tick and 10:29, the last tick before the
    // deadline; node-cron reports both slots when its timer wakes up
    const causes: string[] = [];
    sweeper.onSweep = (r) => causes.push(r.cause);
    clock.set(t0 + 29 * MIN + 40_000);
    await Promise.all([sweeper.missed(new Date(t0 + 28 * MIN)), sweeper.missed(new Date(t0 + 29 * MIN))]);
    expect(causes, 'one catch-up sweep for both lost slots').to.deep.equal(['missed']);
    expect(await missedTotal()).to.equal(missed0 + 2);
    expect(sweeper.state).to.include({ missedTicks: 2, lastCatchUpAt: t0 + 29 * MIN + 40_000 });
    expect((await s.segments.get(accountId, seg)).refreshStatus).to.equal('NotFinished');
    await runner.drain();
    const run = (await s.segments.history(accountId, seg))[0];
    expect(run).to.include({ status: 'done', reason: 'sweep' });
    expect(run.startedAt).to.be.below(t0 + 30 * MIN);
    expect((await s.segments.get(accountId, seg)).staleSince).to.equal(null);
  });

  it('a sweeper that starts sweeps at once: a deadline that passed while no process ran is refreshed without waiting for a tick', async () => {
    clock.set(Date.UTC(2031, 8, 2, 10, 0, 0));
    const { accountId, seg, bulk } = await staleable();
    await bulk();
    clock.advance(45 * MIN); // nobody swept: the deadline passed 15 minutes ago
    const sweeper = new SegmentSweeper(s, silentLogger, { nextTickAt: () => Date.UTC(2032, 0, 1) });
    const first = new Promise<SweepReport>((res) => (sweeper.onSweep = res));
    sweeper.start();
    try {
      const r = await first;
      expect(r.cause).to.equal('start');
      expect(r.queued.map((q) => q.id)).to.include(seg);
      expect(sweeper.state.lastCatchUpAt).to.equal(clock.now());
    } finally {
      await sweeper.stop();
    }
    await runner.drain();
    expect((await s.segments.get(accountId, seg)).pendingRefresh).to.equal(false);
  });

  it('node-cron: ticks lost while the event loop is blocked are counted and caught up by one sweep', async () => {
    clock.set(Date.UTC(2031, 8, 3, 10, 0, 0));
    const { accountId, seg, bulk } = await staleable();
    const sweeper = new SegmentSweeper(s, silentLogger);
    const reports: SweepReport[] = [];
    let wake: (() => void) | undefined;
    sweeper.onSweep = (r) => {
      reports.push(r);
      wake?.();
    };
    /** The first sweep with this cause among the reports from index `from` on (waits for it). */
    const sweepWith = (cause: SweepReport['cause'], from = 0) =>
      new Promise<SweepReport>((res) => {
        const look = () => {
          const r = reports.slice(from).find((x) => x.cause === cause);
          if (r) res(r);
        };
        wake = look;
        look();
      });
    const missed0 = await missedTotal();
    sweeper.start();
    try {
      await sweepWith('start');
      await sweepWith('tick'); // node-cron ticks (every second)
      expect((await s.segments.get(accountId, seg)).pendingRefresh).to.equal(false);
      await bulk();
      clock.advance(31 * MIN); // the segment is past its deadline; the next sweep must queue it
      // block the event loop across at least two one-second slots: node-cron cannot run them
      const mark = reports.length;
      const until = Date.now() + 2_300;
      while (Date.now() < until) {
        /* busy: a long synchronous import parse, say */
      }
      const r = await sweepWith('missed', mark);
      expect(r.queued.map((q) => q.id)).to.include(seg);
      expect(sweeper.state.missedTicks).to.be.at.least(1);
      expect((await missedTotal()) - missed0).to.equal(sweeper.state.missedTicks);
    } finally {
      await sweeper.stop();
    }
    await runner.drain();
    expect((await s.segments.get(accountId, seg)).pendingRefresh).to.equal(false);
  });
});
