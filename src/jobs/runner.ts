import { Logger, silentLogger } from '../lib/logger';
import { Metrics } from '../lib/metrics';
import { Job, JobQueue } from '../services/jobQueue';

/** What a job handler gets besides its job: a heartbeat that keeps the lease and says whether to go on. */
export interface JobContext {
  /** Renews the lease; resolves false when the lease was lost or the runner is stopping (the handler must stop). */
  heartbeat(): Promise<boolean>;
  /** True once the runner has been asked to stop. */
  readonly stopping: boolean;
  /** Whether this run took the job over from a process whose lease expired. */
  readonly takeover: boolean;
}

/** Runs one job; throwing marks the attempt failed. Return 'released' when stopping left the job unfinished. */
export type JobHandler = (job: Job, ctx: JobContext) => Promise<void | 'released'>;

/** Counters the runner keeps (metrics read them). */
export interface RunnerStats {
  started: number;
  completed: number;
  failed: number;
  takeovers: number;
}

/** Polls the job queue and runs due jobs with registered handlers, a bounded number at a time. */
export class JobRunner {
  private readonly handlers = new Map<string, JobHandler>();
  private timer?: NodeJS.Timeout;
  private running = new Set<Promise<void>>();
  private stoppingFlag = false;
  readonly stats: RunnerStats = { started: 0, completed: 0, failed: 0, takeovers: 0 };

  constructor(
    private readonly queue: JobQueue,
    private readonly owner: string,
    private readonly opts: { pollMs: number; concurrency?: number; maxAttempts?: number; retryDelayMs?: number; log?: Logger; metrics?: Metrics },
  ) {}

  /** Registers the handler of one job type. */
  register(type: string, handler: JobHandler): this {
    this.handlers.set(type, handler);
    return this;
  }

  /** Starts polling. */
  start(): void {
    this.stoppingFlag = false;
    const tick = async () => {
      try {
        await this.fill();
      } catch (e) {
        (this.opts.log ?? silentLogger).error({ err: e }, 'job poll failed');
      }
      if (!this.stoppingFlag) this.timer = setTimeout(tick, this.opts.pollMs);
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Stops polling, asks running handlers to stop at their next heartbeat and waits for them. */
  async stop(): Promise<void> {
    this.stoppingFlag = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.running]);
  }

  /** Runs due jobs until none is left (tests and `run-once` tools call this instead of waiting). */
  async drain(maxJobs = 10_000): Promise<number> {
    let n = 0;
    while (n < maxJobs) {
      const claimed = await this.queue.claim([...this.handlers.keys()], this.owner);
      if (!claimed) break;
      await this.execute(claimed.job, claimed.takeover);
      n++;
    }
    return n;
  }

  private async fill(): Promise<void> {
    const max = this.opts.concurrency ?? 2;
    while (!this.stoppingFlag && this.running.size < max) {
      const claimed = await this.queue.claim([...this.handlers.keys()], this.owner);
      if (!claimed) return;
      const p = this.execute(claimed.job, claimed.takeover).finally(() => this.running.delete(p));
      this.running.add(p);
    }
  }

  private async execute(job: Job, takeover: boolean): Promise<void> {
    const log = this.opts.log ?? silentLogger;
    const handler = this.handlers.get(job.type)!;
    this.stats.started++;
    if (takeover) {
      this.stats.takeovers++;
      this.opts.metrics?.leaseTakeovers.inc({ type: job.type });
      log.warn({ jobId: job.id, type: job.type, ref: job.ref }, 'took over a job whose lease had expired');
    }
    let lost = false;
    const runner = this;
    const ctx: JobContext = {
      heartbeat: async () => {
        // why: better-sqlite3 answers synchronously, so a job can chain promises for its whole run and starve timers,
        // signal handlers (SIGTERM) and HTTP requests; one turn of the event loop per heartbeat lets them in.
        await new Promise<void>((res) => setImmediate(res));
        if (runner.stoppingFlag) return false;
        const ok = await runner.queue.renewIfDue(job, runner.owner);
        if (!ok) lost = true;
        return ok;
      },
      get stopping() {
        return runner.stoppingFlag;
      },
      takeover,
    };
    try {
      const outcome = await handler(job, ctx);
      if (outcome === 'released') {
        if (!lost) await this.queue.release(job, this.owner);
        return;
      }
      if (!lost) await this.queue.complete(job, this.owner);
      this.stats.completed++;
      this.opts.metrics?.jobs.inc({ type: job.type, outcome: 'completed' });
    } catch (e) {
      this.stats.failed++;
      this.opts.metrics?.jobs.inc({ type: job.type, outcome: 'failed' });
      const msg = e instanceof Error ? e.message : String(e);
      log.error({ err: e, jobId: job.id, type: job.type, ref: job.ref }, 'job failed');
      if (lost) return;
      const retry = job.attempts < (this.opts.maxAttempts ?? 5);
      await this.queue.fail(job, this.owner, msg.slice(0, 2000), retry ? (this.opts.retryDelayMs ?? 5000) * job.attempts : undefined);
    }
  }
}
