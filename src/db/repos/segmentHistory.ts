import { Knex } from 'knex';
import { num } from '../sql';

/** One row of refresh history. */
export interface RefreshHistoryRow {
  id: number;
  segmentId: number;
  jobId: number | null;
  owner: string | null;
  reason: string;
  mode: string;
  status: string;
  changedContacts: number | null;
  memberCount: number | null;
  horizonSeq: number | null;
  requestedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  error: string | null;
}

/** SQL for the refresh history of segments (one row per refresh run, shown by the API and the status page). */
export class SegmentHistoryRepo {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  /** Starts a history row for one run of a refresh job. */
  async startHistory(h: HistoryStart): Promise<number> {
    const [id] = await this.db('segment_refreshes').insert({ ...historyColumns(h), status: 'running' });
    return Number(id);
  }

  /** Records a finished run in one row (a refresh done inside another refresh's pass, start to end in one commit). */
  async addDoneHistory(h: HistoryStart & { changed: number; memberCount: number; now: number }): Promise<void> {
    await this.db('segment_refreshes').insert({
      ...historyColumns(h),
      status: 'done',
      changed_contacts: h.changed,
      member_count: h.memberCount,
      finished_at: h.now,
    });
  }

  /** Marks earlier runs of the same job that never finished (their process died) as abandoned. */
  async abandonHistory(jobId: number, exceptId: number, now: number): Promise<void> {
    await this.db('segment_refreshes').where({ job_id: jobId, status: 'running' }).whereNot({ id: exceptId }).update({ status: 'abandoned', finished_at: now });
  }

  /** Ends a history row. */
  async endHistory(id: number, o: { status: 'done' | 'failed'; changed?: number; memberCount?: number; error?: string; now: number }): Promise<void> {
    await this.db('segment_refreshes').where({ id }).update({
      status: o.status,
      changed_contacts: o.changed ?? null,
      member_count: o.memberCount ?? null,
      error: o.error?.slice(0, 2000) ?? null,
      finished_at: o.now,
    });
  }

  /** A segment's refresh history, newest first. */
  async history(segmentId: number, limit = 50): Promise<RefreshHistoryRow[]> {
    const rows = await this.db('segment_refreshes').where({ segment_id: segmentId }).orderBy('id', 'desc').limit(limit);
    return rows.map((r) => ({
      id: Number(r.id),
      segmentId: Number(r.segment_id),
      jobId: num(r.job_id),
      owner: (r.owner as string | null) ?? null,
      reason: String(r.reason),
      mode: String(r.mode),
      status: String(r.status),
      changedContacts: num(r.changed_contacts),
      memberCount: num(r.member_count),
      horizonSeq: num(r.horizon_seq),
      requestedAt: Number(r.requested_at),
      startedAt: num(r.started_at),
      finishedAt: num(r.finished_at),
      error: (r.error as string | null) ?? null,
    }));
  }
}

/** What a history row records when its run starts. */
export interface HistoryStart {
  segmentId: number;
  accountId: number;
  jobId: number;
  owner: string;
  reason: string;
  mode: string;
  requestedAt: number;
  startedAt: number;
  horizon: number;
}

function historyColumns(h: HistoryStart): Record<string, unknown> {
  return {
    segment_id: h.segmentId,
    account_id: h.accountId,
    job_id: h.jobId,
    owner: h.owner,
    reason: h.reason.slice(0, 12),
    mode: h.mode,
    requested_at: h.requestedAt,
    started_at: h.startedAt,
    horizon_seq: h.horizon,
  };
}
