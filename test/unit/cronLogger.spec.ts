import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger } from '../../src/lib/logger';
import { systemClock } from '../../src/lib/clock';
import { SegmentSweeper } from '../../src/jobs/segmentJobs';
import { Services } from '../../src/services';

describe('node-cron writes through our JSON logger, never to the console', function () {
  this.timeout(20_000);

  it("a tick blocked by overlap prevention is a JSON warn record, not a coloured [NODE-CRON][WARN] console line", async () => {
    const records: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n')) if (line) records.push(JSON.parse(line));
        done();
      },
    });
    const log = createLogger('info', sink);
    // a sweep that does not end until the test lets it: the next (every-second) tick overlaps it
    let release!: () => void;
    const hanging = new Promise<void>((res) => (release = res));
    let sweeps = 0;
    const s = {
      config: { segmentSweepCron: '* * * * * *' },
      clock: systemClock,
      metrics: { sweeperRuns: { inc: () => undefined } },
      segments: {
        sweepOnce: async () => {
          sweeps++;
          await hanging;
          return [];
        },
      },
    } as unknown as Services;
    const consoleLines: string[] = [];
    const saved = { warn: console.warn, info: console.info, error: console.error, debug: console.debug };
    for (const k of Object.keys(saved) as Array<keyof typeof saved>) console[k] = (...a: unknown[]) => void consoleLines.push(a.join(' '));
    const sweeper = new SegmentSweeper(s, log);
    try {
      sweeper.start();
      // node-cron ticks on real time: wait (bounded) for its overlap warning to arrive
      const deadline = Date.now() + 10_000;
      while (!records.some((r) => r.component === 'node-cron') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      release();
      await sweeper.stop();
      Object.assign(console, saved);
    }
    // the start sweep hangs; the blocked tick is then caught up by one more sweep once it is released (sweeper's rule)
    expect(sweeps).to.be.within(1, 2);
    const cron = records.filter((r) => r.component === 'node-cron');
    expect(cron.length, JSON.stringify(consoleLines)).to.be.greaterThan(0);
    // node-cron reports the blocked tick as a warning (and may add an error-level record of the lost slot)
    expect(cron.some((r) => r.level === 40 && r.msg === 'task still running, new execution blocked by overlap prevention!'), JSON.stringify(cron)).to.equal(true);
    expect(consoleLines.filter((l) => l.includes('NODE-CRON'))).to.deep.equal([]);
  });
});
