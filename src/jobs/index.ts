import { Services } from '../services';
import { IMPORT_JOB } from '../services/imports';
import { TX_IMPORT_JOB } from '../services/transactionalData';
import { Logger } from '../lib/logger';
import { JobRunner } from './runner';
import { registerSegmentJobs, SegmentSweeper, SweeperState } from './segmentJobs';
import { registerSendJobs } from './sendJobs';

/** Attempts an import job gets before its import is marked Failed. */
const IMPORT_MAX_ATTEMPTS = 5;

/** The background machinery of one process: the job runner and the segment sweeper. */
export interface Background {
  runner: JobRunner;
  /** The sweeper's last/next run (live object, for the status page). */
  sweeperState: SweeperState;
  sweeper: SegmentSweeper;
  start(): void;
  stop(): Promise<void>;
}

/** Wires every job handler to its service; the only place background work is assembled. */
export function createBackground(s: Services, log: Logger): Background {
  const runner = new JobRunner(s.jobs, s.config.instanceId, {
    pollMs: s.config.jobPollMs,
    concurrency: 2,
    maxAttempts: IMPORT_MAX_ATTEMPTS,
    log,
    metrics: s.metrics,
  });
  runner.register(IMPORT_JOB, async (job, ctx) => {
    try {
      return (await s.imports.runJob(job.ref, ctx)) === 'released' ? 'released' : undefined;
    } catch (e) {
      if (job.attempts >= IMPORT_MAX_ATTEMPTS) await s.imports.markFailed(job.ref, job.attempts);
      throw e;
    }
  });
  runner.register(TX_IMPORT_JOB, async (job, ctx) => {
    try {
      return (await s.transactionalData.runImportJob(job.ref, ctx)) === 'released' ? 'released' : undefined;
    } catch (e) {
      if (job.attempts >= IMPORT_MAX_ATTEMPTS) await s.transactionalData.markImportFailed(job.ref, job.attempts);
      throw e;
    }
  });
  registerSegmentJobs(runner, s, log);
  registerSendJobs(runner, s, log);
  const sweeper = new SegmentSweeper(s, log);
  return {
    runner,
    sweeperState: sweeper.state,
    sweeper,
    start: () => {
      runner.start();
      sweeper.start();
    },
    stop: async () => {
      // why: the runner is told to stop first and at once; stopping the cron task can take seconds, and running
      // import chunks must hand their leases back at their next heartbeat, not after that.
      await Promise.all([runner.stop(), sweeper.stop()]);
    },
  };
}
