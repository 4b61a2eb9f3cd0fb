import { createBackground } from '../../src/jobs';
import { JobRunner } from '../../src/jobs/runner';
import { FakeClock } from '../../src/lib/clock';
import { silentLogger } from '../../src/lib/logger';
import { Services } from '../../src/services';

/** A runner with every job handler (imports, segment refreshes, sends), drained by hand in tests. */
export function allJobsRunner(s: Services): JobRunner {
  return createBackground(s, silentLogger).runner;
}

/**
 * Runs due jobs until the queue is quiet; a send waiting on a segment refresh postpones itself by
 * config.sendSegmentWaitMs, so the fake clock is moved by that much between rounds (never a sleep).
 */
export async function settle(runner: JobRunner, s: Services, clock: FakeClock, rounds = 6): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await runner.drain();
    const c = await s.jobs.counts(['campaign-send', 'segment-refresh']);
    if (c.queued === 0 && c.running === 0) return;
    clock.advance(s.config.sendSegmentWaitMs);
  }
}
