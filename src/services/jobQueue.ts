import { Clock } from '../lib/clock';
import { Store, Repos } from '../db/store';
import { Enqueued, Job } from '../db/repos/jobs';

export type { Job } from '../db/repos/jobs';

/** The persisted job queue with database leases; any gateway process may claim any job, never two at once. */
export class JobQueue {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly leaseMs: number,
  ) {}

  /** Queues a job inside the caller's transaction (so it exists exactly when the caller's write commits). */
  async enqueueIn(
    r: Repos,
    j: { type: string; ref: string; accountId?: number; runAfter?: number; dedupeKey?: string; payload?: Record<string, unknown> },
  ): Promise<Enqueued> {
    const now = this.clock.now();
    return r.jobs.enqueue({ ...j, runAfter: j.runAfter ?? now, now });
  }

  /** Claims the next due job of these types for owner; a running job whose lease expired is taken over. */
  async claim(types: string[], owner: string): Promise<{ job: Job; takeover: boolean } | undefined> {
    return this.store.tx(async (r) => {
      const now = this.clock.now();
      const job = await r.jobs.pickDue(types, now);
      if (!job) return undefined;
      await r.jobs.claim(job.id, owner, now, this.leaseMs);
      return { job: { ...job, status: 'running', leaseOwner: owner, leaseUntil: now + this.leaseMs, attempts: job.attempts + 1 }, takeover: job.status === 'running' };
    });
  }

  /** Extends the lease; false when another process has taken the job over. */
  renew(job: Job, owner: string): Promise<boolean> {
    return this.store.repos.jobs.renew(job.id, owner, this.clock.now(), this.leaseMs);
  }

  /**
   * Extends the lease once a sixth of it has run since it was last taken or extended (`job.leaseUntil` is moved on);
   * true without a write before that. why: an import beats once per chunk, and on MariaDB each renewal is a
   * committed write of its own (a log flush), hundreds per import for a lease that lasts a minute. The lease cannot
   * have expired in between, so no other process can have taken the job over.
   */
  async renewIfDue(job: Job, owner: string): Promise<boolean> {
    const now = this.clock.now();
    if (job.leaseUntil !== null && job.leaseUntil - now > (this.leaseMs * 5) / 6) return true;
    const ok = await this.store.repos.jobs.renew(job.id, owner, now, this.leaseMs);
    if (ok) job.leaseUntil = now + this.leaseMs;
    return ok;
  }

  /** Marks the job done; false when the lease had been lost. */
  complete(job: Job, owner: string): Promise<boolean> {
    return this.store.repos.jobs.complete(job.id, owner, this.clock.now());
  }

  /** Marks the job failed, or queues it again after delayMs. */
  fail(job: Job, owner: string, error: string, delayMs?: number): Promise<void> {
    const now = this.clock.now();
    return this.store.repos.jobs.fail(job.id, owner, now, error, delayMs === undefined ? undefined : now + delayMs);
  }

  /** Queues a running job again after delayMs without counting the attempt (it waits on other work). */
  postpone(job: Job, owner: string, delayMs: number): Promise<boolean> {
    const now = this.clock.now();
    return this.store.repos.jobs.postpone(job.id, owner, now, now + delayMs);
  }

  /** Gives a job back to the queue at once (graceful shutdown). */
  release(job: Job, owner: string): Promise<void> {
    return this.store.repos.jobs.release(job.id, owner, this.clock.now());
  }

  /** One job by id. */
  get(id: number): Promise<Job | undefined> {
    return this.store.repos.jobs.get(id);
  }

  /** The newest job of a type for one ref (e.g. an import's job), with its attempts and last error. */
  latestFor(type: string, ref: string): Promise<Job | undefined> {
    return this.store.repos.jobs.latestFor(type, ref);
  }

  /** Queued and running counts for some job types. */
  counts(types: string[]): Promise<Record<string, number>> {
    return this.store.repos.jobs.countByStatus(types);
  }
}
