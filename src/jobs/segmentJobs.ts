import cron, { ScheduledTask } from 'node-cron';
import { Services } from '../services';
import { SEGMENT_REFRESH_JOB } from '../services/segments';
import { Logger, silentLogger } from '../lib/logger';
import { JobRunner } from './runner';
import { cronLogger } from './cronLogger';

/** Registers the segment refresh job handler on a runner. */
export function registerSegmentJobs(runner: JobRunner, s: Services, log: Logger = silentLogger): void {
  runner.register(SEGMENT_REFRESH_JOB, async (job, ctx) => {
    const started = process.hrtime.bigint();
    const out = await s.segments.runRefresh(job, ctx);
    const mode = out.mode ?? 'unknown';
    s.metrics.segmentRefreshes.inc({ mode, reason: String(job.payload.reason ?? 'manual'), status: out.status });
    if (out.status === 'done') s.metrics.segmentRefreshSeconds.observe({ mode }, Number(process.hrtime.bigint() - started) / 1e9);
    for (const b of out.batched ?? []) s.metrics.segmentRefreshes.inc({ mode, reason: b.reason, status: out.status });
    if (out.status === 'failed') log.error({ segmentId: job.ref, error: out.error }, 'segment refresh failed');
    else log.info({ segmentId: job.ref, ...out }, 'segment refresh finished');
  });
}

/** What the status page shows of the sweeper. */
export interface SweeperState {
  lastRunAt: number | null;
  nextRunAt: number | null;
  lastQueued: number;
}

/** The node-cron sweeper: on each tick it calls SegmentService.sweepOnce (all logic lives there, driven by the clock). */
export class SegmentSweeper {
  private task?: ScheduledTask;
  /** Last and next run, for the status page. */
  readonly state: SweeperState = { lastRunAt: null, nextRunAt: null, lastQueued: 0 };

  constructor(
    private readonly s: Services,
    private readonly log: Logger = silentLogger,
  ) {
    if (!cron.validate(s.config.segmentSweepCron)) throw new Error(`SEGMENT_SWEEP_CRON is not a valid cron expression: ${s.config.segmentSweepCron}`);
  }

  /** Starts ticking. node-cron's noOverlap is per process only; cross-process safety comes from the job leases. */
  start(): void {
    this.task = cron.schedule(this.s.config.segmentSweepCron, () => this.runOnce(), {
      name: `segment-sweeper-${process.pid}`,
      noOverlap: true,
      logger: cronLogger(this.log),
    });
    this.state.nextRunAt = this.task.getNextRun()?.getTime() ?? null;
  }

  /** One sweep (what each cron tick runs): queues due refreshes, counts the run, records last/next run. Never throws. */
  async runOnce(): Promise<void> {
    try {
      const next = this.task?.getNextRun()?.getTime();
      const queued = await this.s.segments.sweepOnce({ nextTickAt: next });
      this.s.metrics.sweeperRuns.inc();
      Object.assign(this.state, { lastRunAt: this.s.clock.now(), nextRunAt: next ?? null, lastQueued: queued.length });
      if (queued.length) this.log.info({ queued }, 'segment sweep queued refreshes');
    } catch (e) {
      this.log.error({ err: e }, 'segment sweep failed');
    }
  }

  /** Stops ticking. */
  async stop(): Promise<void> {
    if (this.task) await this.task.destroy();
    this.task = undefined;
  }
}
