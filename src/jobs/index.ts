import { Services } from '../services';
import { Logger } from '../lib/logger';
import { JobRunner } from './runner';

/** The background machinery of one process: the job runner (and, once registered, the segment sweeper). */
export interface Background {
  runner: JobRunner;
  start(): void;
  stop(): Promise<void>;
}

/** Wires every job handler to its service; the only place background work is assembled. */
export function createBackground(s: Services, log: Logger): Background {
  const runner = new JobRunner(s.jobs, s.config.instanceId, { pollMs: s.config.jobPollMs, concurrency: 2, log, metrics: s.metrics });
  return {
    runner,
    start: () => runner.start(),
    stop: () => runner.stop(),
  };
}
