import { Services } from '../services';
import { Logger } from '../lib/logger';
import { JobRunner } from './runner';
import { registerSegmentJobs, SegmentSweeper } from './segmentJobs';

/** The background machinery of one process: the job runner and the segment sweeper. */
export interface Background {
  runner: JobRunner;
  start(): void;
  stop(): Promise<void>;
}

/** Wires every job handler to its service; the only place background work is assembled. */
export function createBackground(s: Services, log: Logger): Background {
  const runner = new JobRunner(s.jobs, s.config.instanceId, { pollMs: s.config.jobPollMs, concurrency: 2, log, metrics: s.metrics });
  registerSegmentJobs(runner, s, log);
  const sweeper = new SegmentSweeper(s, log);
  return {
    runner,
    start: () => {
      runner.start();
      sweeper.start();
    },
    stop: async () => {
      await sweeper.stop();
      await runner.stop();
    },
  };
}
