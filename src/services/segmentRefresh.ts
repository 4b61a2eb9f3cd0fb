import { Clock } from '../lib/clock';
import { Config } from '../config';
import { dayTurnAfter, dayTurnedAt, SegmentKind } from '../domain/segmentRules';
import { Repos, Store } from '../db/store';
import { SegmentRow } from '../db/repos/segments';
import { Job } from './jobQueue';

/** The job type of a segment refresh. */
export const SEGMENT_REFRESH_JOB = 'segment-refresh';

/** Segments evaluated by one statement of a batched incremental refresh (bounds the statement's size). */
const EVAL_PASS = 32;

/** Most segments one incremental pass takes on (bounds the length of its transaction); the rest run in later passes. */
const PASS_MAX = 128;

/** What the job handler needs from the runner. */
export interface RefreshContext {
  heartbeat(): Promise<boolean>;
  readonly takeover: boolean;
}

/** A refresh that ran inside another segment's refresh (same changed contacts, same commit). */
export interface BatchedRefresh {
  segmentId: number;
  reason: string;
  changed: number;
  memberCount: number;
}

/** The outcome of one refresh run. */
export interface RefreshOutcome {
  status: 'done' | 'failed' | 'lost' | 'gone';
  mode?: 'full' | 'incremental';
  changed?: number;
  memberCount?: number;
  /** Other segments' queued incremental refreshes done in the same pass. */
  batched?: BatchedRefresh[];
  error?: string;
}

/** Test seams: code run between reading the change horizon and applying it. */
export interface SegmentTestHooks {
  afterHorizon?: (segmentId: number) => Promise<void>;
}

/**
 * One run of a segment refresh job: the horizon read, the full or incremental recompute (batched with the account's
 * other queued incremental refreshes), the history rows and the job's completion, all in the members' commit.
 */
export class SegmentRefreshRun {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly testHooks: SegmentTestHooks,
  ) {}

  /**
   * Runs one refresh job. The change horizon is read under the account lock (so every bulk write at or below it has
   * committed), then the members are updated in one transaction that also re-checks this process's lease on the job
   * row (held until commit, so no other process can take the job over mid-write). Failures are recorded, not thrown.
   */
  async run(job: Job, ctx: RefreshContext): Promise<RefreshOutcome> {
    const segId = Number(job.ref);
    const owner = job.leaseOwner ?? 'unknown';
    const first = await this.store.repos.segments.getById(segId);
    if (!first) return { status: 'gone' };
    const horizon = await this.store.tx((r) => r.accounts.currentChangeSeq(first.accountId));
    const startedAt = this.clock.now();
    const plannedFull = needsFull(first, startedAt) || job.payload.full === true;
    const histId = await this.store.repos.segmentHistory.startHistory({
      segmentId: segId,
      accountId: first.accountId,
      jobId: job.id,
      owner,
      reason: String(job.payload.reason ?? 'manual'),
      mode: plannedFull ? 'full' : 'incremental',
      requestedAt: job.createdAt,
      startedAt,
      horizon,
    });
    if (ctx.takeover) await this.store.repos.segmentHistory.abandonHistory(job.id, histId, startedAt);
    try {
      await this.testHooks.afterHorizon?.(segId);
      if (this.config.segmentRefreshHoldMs > 0) await this.hold(ctx);
      // why: the history row and the job are closed in the same commit as the members, so a lease that expires after
      // the commit cannot hand the same refresh to another process a second time.
      const done = async <T extends { changed: number; memberCount: number }>(r: Repos, out: T): Promise<T> => {
        const now = this.clock.now();
        await r.segmentHistory.endHistory(histId, { status: 'done', changed: out.changed, memberCount: out.memberCount, now });
        await r.jobs.complete(job.id, owner, now);
        return out;
      };
      const res = await this.refreshTx(async (r) => {
        // why: the job row stays locked until commit; a process whose lease expired cannot write stale results.
        if (!(await r.jobs.renew(job.id, owner, this.clock.now(), this.config.jobLeaseMs))) return 'lost' as const;
        const s = await r.segments.getById(segId);
        if (!s) return 'gone' as const;
        const at = this.clock.now();
        if (plannedFull || needsFull(s, at)) {
          // why: `at` both fixes the rules' "today" and dates the members' expiry, so a midnight passing during the
          // statement cannot leave yesterday's members marked as today's.
          const count = await r.segmentEval.applyFull(s.id, s.accountId, s.rules, at);
          const relativeUntil = dayTurnAfter(s.rules, s.kind, at);
          await r.segments.finishRefresh(s.id, s.accountId, { horizon, rulesVersion: s.rulesVersion, memberCount: count, full: true, relativeUntil, now: this.clock.now() });
          return done(r, { mode: 'full' as const, changed: count, memberCount: count });
        }
        const batch = await this.joinBatch(r, job, s);
        const { changed, counts } = await this.applyIncremental(r, [s, ...batch.map((b) => b.segment)], horizon);
        const batched: BatchedRefresh[] = [];
        for (const b of batch) {
          const reason = String(b.job.payload.reason ?? 'manual');
          const memberCount = counts.get(b.segment.id)!;
          await r.segmentHistory.addDoneHistory({
            segmentId: b.segment.id, accountId: b.segment.accountId, jobId: b.job.id, owner, reason, mode: 'incremental',
            requestedAt: b.job.createdAt, startedAt, horizon, changed, memberCount, now: this.clock.now(),
          });
          batched.push({ segmentId: b.segment.id, reason, changed, memberCount });
        }
        await r.jobs.completeLocked(batch.map((b) => b.job.id), this.clock.now());
        return done(r, { mode: 'incremental' as const, changed, memberCount: counts.get(s.id)!, batched });
      });
      const now = this.clock.now();
      if (res === 'lost' || res === 'gone') {
        if (res === 'lost') await this.store.repos.segmentHistory.endHistory(histId, { status: 'failed', error: 'lease lost', now });
        return { status: res };
      }
      await this.store.tx((r) => r.segments.pruneChanges(first.accountId));
      return { status: 'done', ...res };
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const now = this.clock.now();
      await this.store.repos.segments.failRefresh(segId, msg, now);
      await this.store.repos.segmentHistory.endHistory(histId, { status: 'failed', error: msg, now });
      return { status: 'failed', error: msg };
    }
  }

  /** A refresh's transaction: on SQLite with the wider page cache, set back to the default when it ends either way. */
  private async refreshTx<T>(fn: (r: Repos) => Promise<T>): Promise<T> {
    try {
      return await this.store.tx(async (r) => {
        await r.segmentEval.setPageCache(this.config.segmentRefreshCacheMb);
        return fn(r);
      });
    } finally {
      await this.store.repos.segmentEval.setPageCache(0);
    }
  }

  /**
   * Re-evaluates the contacts changed up to horizon against every segment of group (real-time ones that need no full
   * refresh) in one pass: the changed contacts since the lowest applied horizon of the group are copied once, then
   * evaluated for up to EVAL_PASS segments per statement; each segment's flips and freshness are written. Returns how
   * many contacts were evaluated and each segment's new member count.
   */
  private async applyIncremental(r: Repos, group: SegmentRow[], horizon: number): Promise<{ changed: number; counts: Map<number, number> }> {
    const from = Math.min(...group.map((g) => g.appliedChangeSeq));
    const changed = await r.segmentEval.loadChanged(group[0].accountId, from, horizon);
    const counts = new Map<number, number>();
    try {
      for (let i = 0; i < group.length; i += EVAL_PASS) {
        const pass = group.slice(i, i + EVAL_PASS);
        if (changed) await r.segmentEval.evaluateLoaded(pass, this.clock.now());
        for (const [k, g] of pass.entries()) {
          const d = changed ? await r.segmentEval.applyEvaluated(g.id, k) : { added: 0, removed: 0 };
          await r.segments.finishRefresh(g.id, g.accountId, { horizon, rulesVersion: g.rulesVersion, delta: d.added - d.removed, full: false, now: this.clock.now() });
          counts.set(g.id, g.memberCount + d.added - d.removed);
        }
      }
    } finally {
      await r.segmentEval.dropChanged();
    }
    return { changed, counts };
  }

  /**
   * The other real-time segments of the account whose incremental refresh is queued and due, locked for this
   * transaction. why: they all re-evaluate the same changed contacts, so one pass (one copy of the changed contacts, one
   * commit) serves them all; each keeps its own job, history row and freshness, exactly as if it had run alone.
   * Segments that need a full refresh, behavioural ones, and jobs another process holds are left to their own runs.
   */
  private async joinBatch(r: Repos, job: Job, s: SegmentRow): Promise<Array<{ job: Job; segment: SegmentRow }>> {
    const now = this.clock.now();
    const jobs = (await r.jobs.queuedFor(SEGMENT_REFRESH_JOB, s.accountId, job.id, now, PASS_MAX - 1)).filter((j) => j.payload.full !== true && j.ref !== String(s.id));
    const segments = new Map((await r.segments.getByIds(s.accountId, jobs.map((j) => Number(j.ref)))).map((g) => [g.id, g]));
    const candidates: Array<{ job: Job; segment: SegmentRow }> = [];
    for (const j of jobs) {
      const g = segments.get(Number(j.ref));
      if (g && !needsFull(g, now)) candidates.push({ job: j, segment: g });
    }
    const locked = new Set(await r.jobs.lockQueued(candidates.map((c) => c.job.id), now));
    return candidates.filter((c) => locked.has(c.job.id));
  }

  private async hold(ctx: RefreshContext): Promise<void> {
    // why: an operator/test aid (SEGMENT_REFRESH_TEST_HOLD) that stretches a refresh so lease takeover can be shown.
    const until = Date.now() + this.config.segmentRefreshHoldMs;
    const beat = Math.max(50, Math.floor(this.config.jobLeaseMs / 3));
    while (Date.now() < until) {
      await new Promise((res) => setTimeout(res, Math.min(beat, until - Date.now())));
      if (!(await ctx.heartbeat())) return;
    }
  }
}

/**
 * Whether a refresh of the segment must recompute every member. why (day turn): once the UTC day has turned, any
 * contact of the account may cross a time-relative cutoff, not only the changed ones; with data fields stored as JSON
 * (no index on a date field) finding the contacts whose dates lie between yesterday's and today's cutoffs reads every
 * contact of the account anyway, so the incremental variant would save only the writes of unchanged members, while
 * the full recompute is one DELETE + one INSERT ... SELECT, costs what the hand-written SQL costs, and also applies
 * every pending bulk change in the same statement.
 */
function needsFull(s: { kind: SegmentKind; fullRequested: boolean; membersRulesVersion: number; rulesVersion: number; relativeUntil: number | null }, now: number): boolean {
  return s.kind === 'behavioural' || s.fullRequested || s.membersRulesVersion !== s.rulesVersion || dayTurnedAt(s, now) !== null;
}
