import { Knex } from 'knex';
import { Dialect } from '../connection';
import { num, parseJson, skipLocked } from '../sql';

/** A persisted unit of background work. */
export interface Job {
  id: number;
  accountId: number | null;
  type: string;
  ref: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  payload: Record<string, unknown>;
  runAfter: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  attempts: number;
  lastError: string | null;
  createdAt: number;
  finishedAt: number | null;
}

/** What enqueue did: a new job, or the already queued/running one with the same dedupe key. */
export interface Enqueued {
  job: Job;
  joined: boolean;
}

/** SQL for the job queue and its leases. */
export class JobRepo {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Queues a job. With a dedupe key, a job with the same key that is still queued or running is returned instead
   * (the key is cleared when a job ends), so repeated requests join one job.
   */
  async enqueue(j: {
    type: string;
    ref: string;
    accountId?: number | null;
    runAfter: number;
    now: number;
    dedupeKey?: string;
    payload?: Record<string, unknown>;
  }): Promise<Enqueued> {
    if (j.dedupeKey) {
      const existing = await this.db('jobs').where({ dedupe_key: j.dedupeKey }).first();
      if (existing) return { job: toJob(existing), joined: true };
    }
    const [id] = await this.db('jobs').insert({
      account_id: j.accountId ?? null,
      type: j.type,
      ref: j.ref,
      status: 'queued',
      dedupe_key: j.dedupeKey ?? null,
      payload: JSON.stringify(j.payload ?? {}),
      run_after: j.runAfter,
      attempts: 0,
      created_at: j.now,
      updated_at: j.now,
    });
    return { job: (await this.get(Number(id)))!, joined: false };
  }

  /** One job by id. */
  async get(id: number): Promise<Job | undefined> {
    const r = await this.db('jobs').where({ id }).first();
    return r ? toJob(r) : undefined;
  }

  /** The newest job of a type for a ref (e.g. the refresh job of a segment). */
  async latestFor(type: string, ref: string): Promise<Job | undefined> {
    const r = await this.db('jobs').where({ type, ref }).orderBy('id', 'desc').first();
    return r ? toJob(r) : undefined;
  }

  /**
   * Picks the next due job (queued, or running with an expired lease) of the given types; call inside a transaction
   * and then claim it. MySQL skips rows other claimers hold; SQLite has a single writer.
   */
  async pickDue(types: string[], now: number): Promise<Job | undefined> {
    const placeholders = types.map(() => '?').join(',');
    const sql =
      `select * from jobs where type in (${placeholders}) and run_after <= ? and ` +
      `(status = 'queued' or (status = 'running' and lease_until < ?)) order by run_after, id limit 1${skipLocked(this.dialect)}`;
    const res = await this.db.raw(sql, [...types, now, now]);
    const rows = this.dialect === 'mysql' ? res[0] : res;
    return rows.length ? toJob(rows[0]) : undefined;
  }

  /** Queued, due jobs of a type for one account, except one job, oldest first (candidates to run in a batch). */
  async queuedFor(type: string, accountId: number, exceptId: number, now: number, limit: number): Promise<Job[]> {
    const rows = await this.db('jobs')
      .where({ type, account_id: accountId, status: 'queued' })
      .where('run_after', '<=', now)
      .whereNot({ id: exceptId })
      .orderBy('id')
      .limit(limit);
    return rows.map(toJob);
  }

  /**
   * Locks those of these jobs that are still queued and due, for the caller's transaction; returns their ids. MySQL
   * skips rows another claimer holds; SQLite has a single writer.
   */
  async lockQueued(ids: number[], now: number): Promise<number[]> {
    if (ids.length === 0) return [];
    const sql = `select id from jobs where id in (${ids.map(() => '?').join(',')}) and status = 'queued' and run_after <= ?${skipLocked(this.dialect)}`;
    const res = await this.db.raw(sql, [...ids, now]);
    const rows = (this.dialect === 'mysql' ? res[0] : res) as Array<{ id: unknown }>;
    return rows.map((r) => Number(r.id));
  }

  /** Marks jobs locked by lockQueued as done by this transaction's work (one attempt each). */
  async completeLocked(ids: number[], now: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db('jobs')
      .whereIn('id', ids)
      .where({ status: 'queued' })
      .update({ status: 'done', dedupe_key: null, lease_owner: null, lease_until: null, finished_at: now, updated_at: now })
      .increment('attempts', 1);
  }

  /** Takes a lease on a picked job. */
  async claim(id: number, owner: string, now: number, leaseMs: number): Promise<void> {
    await this.db('jobs')
      .where({ id })
      .update({ status: 'running', lease_owner: owner, lease_until: now + leaseMs, updated_at: now })
      .increment('attempts', 1);
  }

  /** Extends a lease; false when the lease was lost to another process (the caller must stop). */
  async renew(id: number, owner: string, now: number, leaseMs: number): Promise<boolean> {
    const n = await this.db('jobs')
      .where({ id, lease_owner: owner, status: 'running' })
      .update({ lease_until: now + leaseMs, updated_at: now });
    return n > 0;
  }

  /** Marks a job done (only by its lease owner); false when the lease was lost. */
  async complete(id: number, owner: string, now: number): Promise<boolean> {
    const n = await this.db('jobs')
      .where({ id, lease_owner: owner, status: 'running' })
      .update({ status: 'done', dedupe_key: null, lease_owner: null, lease_until: null, finished_at: now, updated_at: now });
    return n > 0;
  }

  /** Marks a job failed for good, or queues it again at retryAt. */
  async fail(id: number, owner: string, now: number, error: string, retryAt?: number): Promise<void> {
    const q = this.db('jobs').where({ id, lease_owner: owner });
    if (retryAt !== undefined) {
      await q.update({ status: 'queued', lease_owner: null, lease_until: null, run_after: retryAt, last_error: error, updated_at: now });
    } else {
      await q.update({
        status: 'failed',
        dedupe_key: null,
        lease_owner: null,
        lease_until: null,
        last_error: error,
        finished_at: now,
        updated_at: now,
      });
    }
  }

  /** Queues a running job again at runAt without counting the attempt (a job waiting on other work). */
  async postpone(id: number, owner: string, now: number, runAt: number): Promise<boolean> {
    const n = await this.db('jobs')
      .where({ id, lease_owner: owner, status: 'running' })
      .update({ status: 'queued', lease_owner: null, lease_until: null, run_after: runAt, updated_at: now })
      .decrement('attempts', 1);
    return n > 0;
  }

  /** Gives a running job back to the queue at once (graceful shutdown). */
  async release(id: number, owner: string, now: number): Promise<void> {
    await this.db('jobs')
      .where({ id, lease_owner: owner, status: 'running' })
      .update({ status: 'queued', lease_owner: null, lease_until: null, updated_at: now });
  }

  /** Counts jobs by status for some types (status page, metrics). */
  async countByStatus(types: string[]): Promise<Record<string, number>> {
    const rows: Array<Record<string, unknown>> = await this.db('jobs')
      .whereIn('type', types)
      .whereIn('status', ['queued', 'running'])
      .groupBy('status')
      .select('status')
      .count({ n: '*' });
    const out: Record<string, number> = { queued: 0, running: 0 };
    for (const r of rows) out[String(r.status)] = Number(r.n);
    return out;
  }
}

function toJob(r: Record<string, unknown>): Job {
  return {
    id: Number(r.id),
    accountId: num(r.account_id),
    type: String(r.type),
    ref: String(r.ref),
    status: r.status as Job['status'],
    payload: parseJson<Record<string, unknown>>(r.payload, {}),
    runAfter: Number(r.run_after),
    leaseOwner: (r.lease_owner as string | null) ?? null,
    leaseUntil: num(r.lease_until),
    attempts: Number(r.attempts),
    lastError: (r.last_error as string | null) ?? null,
    createdAt: Number(r.created_at),
    finishedAt: num(r.finished_at),
  };
}
