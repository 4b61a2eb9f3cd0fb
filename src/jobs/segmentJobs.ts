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
  /** Ticks this process missed (event loop blocked, or the previous sweep still running) and caught up on. */
  missedTicks: number;
  /** When the last catch-up sweep ran (after a missed tick, or at start). */
  lastCatchUpAt: number | null;
}

/** Why a sweep ran: its cron tick, a catch-up for missed ticks, or the catch-up when the sweeper starts. */
export type SweepCause = 'tick' | 'missed' | 'start';

/** What one sweep did (test seam: SegmentSweeper.onSweep). */
export interface SweepReport {
  cause: SweepCause;
  at: number;
  queued: Array<{ id: number; reason: string; joined: boolean }>;
}

/** Options of a sweeper; tests drive it with a fake clock and their own idea of the next tick. */
export interface SweeperOptions {
  /** The time of the next cron tick as seen from now (default: now + node-cron's msToNext once started). */
  nextTickAt?: (now: number) => number | undefined;
}

/**
 * The node-cron sweeper: on each tick it calls SegmentService.sweepOnce (all logic lives there, driven by the clock).
 * why: a tick can be lost (node-cron skips a slot when the event loop was blocked past it, "missed execution ...
 * Possible blocking IO", or when the previous sweep still runs; a restart loses every tick while it is down), and the
 * max-delay rule queues a refresh at the LAST tick before its deadline, so one lost tick would push a refresh past its
 * refreshDueBy. Deadlines are facts in the database and a sweep reads them against now, so the sweeper catches up: it
 * sweeps at once when it starts and as soon as node-cron reports a missed or overlapped slot (several lost slots cost
 * one catch-up sweep), and counts every lost slot in contactgate_sweeper_missed_ticks_total.
 */
export class SegmentSweeper {
  private task?: ScheduledTask;
  private chain: Promise<void> = Promise.resolve();
  private catchUp?: Promise<void>;
  private stopped = false;
  /** Last and next run, for the status page. */
  readonly state: SweeperState = { lastRunAt: null, nextRunAt: null, lastQueued: 0, missedTicks: 0, lastCatchUpAt: null };
  /** Called after every sweep (tests wait on it instead of sleeping). */
  onSweep: (r: SweepReport) => void = () => undefined;

  constructor(
    private readonly s: Services,
    private readonly log: Logger = silentLogger,
    private readonly opts: SweeperOptions = {},
  ) {
    if (!cron.validate(s.config.segmentSweepCron)) throw new Error(`SEGMENT_SWEEP_CRON is not a valid cron expression: ${s.config.segmentSweepCron}`);
  }

  /**
   * Starts ticking, and sweeps once at once (catch-up for the ticks lost while no process ran). node-cron's noOverlap
   * is per process only; cross-process safety comes from the job leases.
   */
  start(): void {
    this.stopped = false;
    const task = cron.schedule(this.s.config.segmentSweepCron, () => this.runOnce(), {
      name: `segment-sweeper-${process.pid}`,
      noOverlap: true,
      logger: cronLogger(this.log),
    });
    const lost = (ctx: { date: Date }) => this.missed(ctx.date);
    task.on('execution:missed', lost);
    task.on('execution:overlap', lost);
    this.task = task;
    this.state.nextRunAt = this.nextTickAt(this.s.clock.now()) ?? null;
    void this.runOnce('start');
  }

  /**
   * One sweep (what each cron tick runs): queues due refreshes, counts the run, records last/next run. Sweeps of one
   * sweeper run one after the other. Never throws.
   */
  runOnce(cause: SweepCause = 'tick'): Promise<void> {
    const run = this.chain.then(() => this.sweep(cause));
    this.chain = run;
    return run;
  }

  /**
   * A tick was lost (node-cron reports the slot when its timer wakes up late, or when the previous sweep was still
   * running): counts it and queues one catch-up sweep for all the slots lost together. Returns when that sweep is done.
   */
  missed(slot: Date | number): Promise<void> {
    this.state.missedTicks++;
    this.s.metrics.sweeperMissedTicks.inc();
    this.log.warn({ slot: new Date(slot).toISOString() }, 'segment sweeper missed a tick; catching up');
    // why: node-cron reports each lost slot on its own; waiting one turn of the event loop lets them all be counted
    // before the one catch-up sweep starts.
    this.catchUp ??= new Promise<void>((res) => setImmediate(res)).then(() => {
      this.catchUp = undefined;
      // why: node-cron may report a lost slot while the sweeper is being stopped; no sweep starts after stop().
      return this.stopped ? undefined : this.runOnce('missed');
    });
    return this.catchUp;
  }

  /** Stops ticking and waits for a sweep in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.task) await this.task.destroy();
    this.task = undefined;
    await this.chain;
  }

  private nextTickAt(now: number): number | undefined {
    if (this.opts.nextTickAt) return this.opts.nextTickAt(now);
    // why: relative to the injected clock (node-cron counts on the wall clock), so the look-ahead is right under a fake one.
    const ms = this.task?.msToNext();
    return ms === null || ms === undefined ? undefined : now + Math.max(0, ms);
  }

  private async sweep(cause: SweepCause): Promise<void> {
    try {
      const now = this.s.clock.now();
      const next = this.nextTickAt(now);
      const queued = await this.s.segments.sweepOnce({ nextTickAt: next });
      this.s.metrics.sweeperRuns.inc();
      Object.assign(this.state, { lastRunAt: now, nextRunAt: next ?? null, lastQueued: queued.length });
      if (cause !== 'tick') this.state.lastCatchUpAt = now;
      if (queued.length) this.log.info({ queued, cause }, 'segment sweep queued refreshes');
      this.onSweep({ cause, at: now, queued });
    } catch (e) {
      this.log.error({ err: e, cause }, 'segment sweep failed');
    }
  }
}
