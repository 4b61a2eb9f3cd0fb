import { Clock } from '../lib/clock';
import { DomainError } from '../domain/errors';
import { dayTurnAfter, parseRules, RuleGroup, rulesToJson, RuleNode, SegmentKind } from '../domain/segmentRules';
import { isUniqueViolation, Repos, Store } from '../db/store';
import { SegmentRow, RefreshHistoryRow } from '../db/repos/segments';

/** One row of a segment's refresh history (what the status page and the CLI show). */
export type { RefreshHistoryRow };
import { Config } from '../config';
import { Job, JobQueue } from './jobQueue';
import { ContactService, ContactView, ListOptions } from './contacts';
import { Dependency } from './dataFields';
import { page } from './paging';

/** Segments evaluated by one statement of a batched incremental refresh (bounds the statement's size). */
const EVAL_PASS = 32;

/** Most segments one incremental pass takes on (bounds the length of its transaction); the rest run in later passes. */
const PASS_MAX = 128;

/** How long after a failed refresh a waiting campaign send queues the segment's refresh again. */
export const FAILED_REFRESH_RETRY_MS = 60_000;

/** The job type of a segment refresh (ref = segment id). */
export const SEGMENT_REFRESH_JOB = 'segment-refresh';

/** Refresh progress statuses (ApiSegmentRefreshStatuses). */
export type SegmentRefreshStatus = 'NotStarted' | 'NotFinished' | 'Finished' | 'Failed';

/** A segment as every read shows it: the vendor's id/name/contacts plus freshness. */
export interface SegmentView {
  id: number;
  name: string;
  /** Members as of lastRefreshed (real-time segments also follow single writes at once). */
  contacts: number;
  kind: 'realtime' | 'behavioural';
  lastRefreshed: number | null;
  pendingRefresh: boolean;
  staleSince: number | null;
  refreshDueBy: number | null;
  rules?: unknown;
  /** Status of the latest refresh request. */
  refreshStatus?: SegmentRefreshStatus;
  /** The account (CLI listings). */
  accountId?: number;
}

/** A refresh's id (the segment id, as the vendor used) and status (ApiSegmentRefresh). */
export interface SegmentRefreshState {
  id: number;
  status: SegmentRefreshStatus;
}

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

/** Segments: rules, real-time membership, deferred coalesced refresh, freshness. */
export class SegmentService {
  /** Tests set this to act between a refresh's horizon read and its commit. */
  testHooks: SegmentTestHooks = {};

  constructor(
    protected readonly store: Store,
    protected readonly clock: Clock,
    protected readonly jobs: JobQueue,
    protected readonly config: Config,
    protected readonly contacts?: ContactService,
  ) {}

  /** The account's segments with freshness, with paging. */
  async list(accountId: number, o: { select?: unknown; skip?: unknown }): Promise<SegmentView[]> {
    const p = page(o.select, o.skip, this.config.maxSelect);
    return (await this.store.repos.segments.list(accountId, p)).map((s) => this.view(s));
  }

  /** Every account's segments (CLI), or one account's, with rules and freshness. */
  async listAll(accountId?: number): Promise<SegmentView[]> {
    const out: SegmentView[] = [];
    for (let skip = 0; ; skip += 1000) {
      const rows = await this.store.repos.segments.list(accountId, { skip, select: 1000 });
      out.push(...rows.map((s) => ({ ...this.view(s, true), accountId: s.accountId })));
      if (rows.length < 1000) return out;
    }
  }

  /** One segment with its rules and freshness. */
  async get(accountId: number, id: unknown): Promise<SegmentView> {
    return this.view(await this.mustGet(this.store.repos, accountId, id), true);
  }

  /** Defines a segment (extension); its members are computed by a full refresh queued in the same transaction. */
  async create(accountId: number, input: { name?: unknown; rules?: unknown }): Promise<SegmentView> {
    const name = segmentName(input.name);
    const id = await this.store.tx(async (r) => {
      const parsed = await this.validate(r, accountId, input.rules);
      if (await r.addressBooks.findByName(accountId, 'segment', name)) throw new DomainError('SEGMENT_INVALID', 'A segment with that name already exists.');
      const now = this.clock.now();
      const newId = await r.addressBooks.create(accountId, 'segment', name, 'Private', now);
      await r.segments.insert(newId, accountId, parsed.root, parsed.kind, now);
      await this.enqueue(r, accountId, newId, 'rules', true);
      return newId;
    });
    return this.get(accountId, id);
  }

  /** Renames a segment and/or replaces its rules (a rule change queues a full refresh). */
  async update(accountId: number, id: unknown, input: { name?: unknown; rules?: unknown }): Promise<SegmentView> {
    const sid = await this.store.tx(async (r) => {
      const s = await this.mustGet(r, accountId, id);
      const now = this.clock.now();
      if (input.name !== undefined && input.name !== null) {
        const name = segmentName(input.name);
        const clash = await r.addressBooks.findByName(accountId, 'segment', name);
        if (clash && clash.id !== s.id) throw new DomainError('SEGMENT_INVALID', 'A segment with that name already exists.');
        await r.addressBooks.update(accountId, s.id, name, 'Private', now);
      }
      if (input.rules !== undefined && input.rules !== null) {
        const parsed = await this.validate(r, accountId, input.rules);
        await r.segments.updateRules(s.id, parsed.root, parsed.kind, now);
        await this.enqueue(r, accountId, s.id, 'rules', true);
      }
      return s.id;
    });
    return this.get(accountId, sid);
  }

  /** Deletes a segment and its memberships. */
  async delete(accountId: number, id: unknown): Promise<void> {
    await this.store.tx(async (r) => {
      const s = await this.mustGet(r, accountId, id);
      await r.addressBooks.delete(accountId, s.id);
    });
  }

  /** The segment's members (as of lastRefreshed), with paging. */
  async listContacts(accountId: number, id: unknown, o: ListOptions): Promise<ContactView[]> {
    const s = await this.mustGet(this.store.repos, accountId, id);
    const p = page(o.select, o.skip, this.config.maxSelect);
    const rows = await this.store.repos.contacts.list(accountId, { ...p, segmentId: s.id });
    return this.contacts ? this.contacts.views(accountId, rows, o.withFullData) : rows;
  }

  /** Queues a refresh (or joins the one queued or running) and returns its state. */
  async requestRefresh(accountId: number, id: unknown, reason = 'manual', o: { full?: boolean } = {}): Promise<SegmentRefreshState> {
    const s = await this.mustGet(this.store.repos, accountId, id);
    await this.withDuplicateRetry(() => this.store.tx((r) => this.enqueue(r, accountId, s.id, reason, o.full ?? false)));
    return { id: s.id, status: 'NotFinished' };
  }

  /** The state of the segment's latest refresh. */
  async refreshStatus(accountId: number, id: unknown): Promise<SegmentRefreshState> {
    const s = await this.mustGet(this.store.repos, accountId, id);
    return { id: s.id, status: s.refreshStatus };
  }

  /** The segment's refresh history, newest first. */
  async history(accountId: number, id: unknown): Promise<RefreshHistoryRow[]> {
    const s = await this.mustGet(this.store.repos, accountId, id);
    return this.store.repos.segments.history(s.id);
  }

  /**
   * One sweep: queues a refresh (joining any queued or running one) for every segment that is due: stale real-time
   * segments whose bulk writes went quiet for the debounce period, or that would pass the max delay before the next
   * tick (nextTickAt); time-relative real-time segments whose UTC day has turned (reason 'day'); and segments with a
   * rule change, a full request or an unfinished request without a job. Every condition is read from the database
   * against now, so a sweep that comes late (a missed tick, a restart) catches up on everything that fell due meanwhile.
   */
  async sweepOnce(o: { nextTickAt?: number } = {}): Promise<Array<{ id: number; reason: string; joined: boolean }>> {
    const now = this.clock.now();
    const lookahead = Math.max(now, o.nextTickAt ?? now);
    const due = await this.store.repos.segments.dueForSweep(
      now,
      now - this.config.segmentRefreshQuietMs,
      lookahead - this.config.segmentRefreshMaxDelayMs,
    );
    const out: Array<{ id: number; reason: string; joined: boolean }> = [];
    for (const d of due) {
      const joined = await this.withDuplicateRetry(() => this.store.tx((r) => this.enqueue(r, d.accountId, d.id, d.reason, false)));
      out.push({ id: d.id, reason: d.reason, joined });
    }
    return out;
  }

  /**
   * Runs one refresh job. The change horizon is read under the account lock (so every bulk write at or below it has
   * committed), then the members are updated in one transaction that also re-checks this process's lease on the job
   * row (held until commit, so no other process can take the job over mid-write). Failures are recorded, not thrown.
   */
  async runRefresh(job: Job, ctx: RefreshContext): Promise<RefreshOutcome> {
    const segId = Number(job.ref);
    const owner = job.leaseOwner ?? 'unknown';
    const first = await this.store.repos.segments.getById(segId);
    if (!first) return { status: 'gone' };
    const horizon = await this.store.tx((r) => r.accounts.currentChangeSeq(first.accountId));
    const startedAt = this.clock.now();
    const plannedFull = needsFull(first, startedAt) || job.payload.full === true;
    const histId = await this.store.repos.segments.startHistory({
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
    if (ctx.takeover) await this.store.repos.segments.abandonHistory(job.id, histId, startedAt);
    try {
      await this.testHooks.afterHorizon?.(segId);
      if (this.config.segmentRefreshHoldMs > 0) await this.hold(ctx);
      // why: the history row and the job are closed in the same commit as the members, so a lease that expires after
      // the commit cannot hand the same refresh to another process a second time.
      const done = async <T extends { changed: number; memberCount: number }>(r: Repos, out: T): Promise<T> => {
        const now = this.clock.now();
        await r.segments.endHistory(histId, { status: 'done', changed: out.changed, memberCount: out.memberCount, now });
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
          const count = await r.segments.applyFull(s.id, s.accountId, s.rules, at);
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
          await r.segments.addDoneHistory({
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
        if (res === 'lost') await this.store.repos.segments.endHistory(histId, { status: 'failed', error: 'lease lost', now });
        return { status: res };
      }
      await this.store.tx((r) => r.segments.pruneChanges(first.accountId));
      return { status: 'done', ...res };
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const now = this.clock.now();
      await this.store.repos.segments.failRefresh(segId, msg, now);
      await this.store.repos.segments.endHistory(histId, { status: 'failed', error: msg, now });
      return { status: 'failed', error: msg };
    }
  }

  /**
   * For a campaign send (invariant 9): of the given ids (books and segments share one id space), the segments whose
   * members are not current. A refresh (reason 'send') is queued or joined for each; the send job should wait (run
   * again later) until this returns an empty list, so a send never goes to a stale audience by accident.
   */
  async prepareForSend(accountId: number, ids: number[]): Promise<number[]> {
    const pending: number[] = [];
    for (const id of [...new Set(ids)]) {
      const s = await this.store.repos.segments.get(accountId, id);
      if (!s) continue;
      if (!this.view(s).pendingRefresh) continue;
      pending.push(s.id);
      // why: a refresh that keeps failing would be queued again on every poll of every send waiting for it (once a
      // second); after a failure the send still waits, but asks again only once FAILED_REFRESH_RETRY_MS has passed.
      if (s.refreshStatus === 'Failed' && this.clock.now() - s.updatedAt < FAILED_REFRESH_RETRY_MS) continue;
      await this.withDuplicateRetry(() => this.store.tx((r) => this.enqueue(r, accountId, s.id, 'send', false)));
    }
    return pending;
  }

  /** Seconds since the oldest unreflected bulk write or day turn of any segment (0 when every segment is fresh). */
  async oldestStaleAgeSeconds(): Promise<number> {
    const t = await this.store.repos.segments.oldestStaleSince(this.clock.now());
    return t === null ? 0 : Math.max(0, (this.clock.now() - t) / 1000);
  }

  /** Data-field dependency finder: the segments whose rules use the field. */
  async fieldDependencies(r: Repos, accountId: number, fieldName: string): Promise<Dependency[]> {
    const name = fieldName.toUpperCase();
    const out: Dependency[] = [];
    for (const s of await r.segments.allRules(accountId)) {
      if (usesField(s.rules, name)) out.push({ type: 'AddressBook', objectId: s.id });
    }
    return out;
  }

  /**
   * The freshness view of a segment row. A time-relative real-time segment whose UTC day has turned since its last
   * full refresh is stale from that midnight (staleSince = the midnight, or the earlier first unreflected bulk write)
   * and due by the midnight + the max delay at the latest.
   */
  view(s: SegmentRow, withRules = false): SegmentView {
    const rulesPending = s.membersRulesVersion !== s.rulesVersion || s.fullRequested;
    const dayTurned = dayTurnedAt(s, this.clock.now());
    const staleSince = dayTurned === null ? s.staleSince : Math.min(s.staleSince ?? dayTurned, dayTurned);
    const pendingRefresh = s.refreshStatus === 'NotFinished' || staleSince !== null || rulesPending;
    let refreshDueBy: number | null = null;
    if (s.staleSince !== null) {
      refreshDueBy = Math.min((s.lastStaleWriteAt ?? s.staleSince) + this.config.segmentRefreshQuietMs, s.staleSince + this.config.segmentRefreshMaxDelayMs);
    }
    if (dayTurned !== null) {
      const due = dayTurned + this.config.segmentRefreshMaxDelayMs;
      refreshDueBy = refreshDueBy === null ? due : Math.min(refreshDueBy, due);
    }
    if (pendingRefresh && (s.refreshStatus === 'NotFinished' || rulesPending)) {
      const requested = s.refreshRequestedAt ?? s.updatedAt;
      refreshDueBy = refreshDueBy === null ? requested : Math.min(refreshDueBy, requested);
    }
    const v: SegmentView = {
      id: s.id,
      name: s.name,
      contacts: s.memberCount,
      kind: s.kind,
      lastRefreshed: s.lastRefreshedAt,
      pendingRefresh,
      staleSince,
      refreshDueBy,
      refreshStatus: s.refreshStatus,
    };
    if (withRules) v.rules = rulesToJson(s.rules);
    return v;
  }

  /** A refresh's transaction: on SQLite with the wider page cache, set back to the default when it ends either way. */
  private async refreshTx<T>(fn: (r: Repos) => Promise<T>): Promise<T> {
    try {
      return await this.store.tx(async (r) => {
        await r.segments.setPageCache(this.config.segmentRefreshCacheMb);
        return fn(r);
      });
    } finally {
      await this.store.repos.segments.setPageCache(0);
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
    const changed = await r.segments.loadChanged(group[0].accountId, from, horizon);
    const counts = new Map<number, number>();
    try {
      for (let i = 0; i < group.length; i += EVAL_PASS) {
        const pass = group.slice(i, i + EVAL_PASS);
        if (changed) await r.segments.evaluateLoaded(pass, this.clock.now());
        for (const [k, g] of pass.entries()) {
          const d = changed ? await r.segments.applyEvaluated(g.id, k) : { added: 0, removed: 0 };
          await r.segments.finishRefresh(g.id, g.accountId, { horizon, rulesVersion: g.rulesVersion, delta: d.added - d.removed, full: false, now: this.clock.now() });
          counts.set(g.id, g.memberCount + d.added - d.removed);
        }
      }
    } finally {
      await r.segments.dropChanged();
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

  private async enqueue(r: Repos, accountId: number, segmentId: number, reason: string, full: boolean): Promise<boolean> {
    const e = await this.jobs.enqueueIn(r, {
      type: SEGMENT_REFRESH_JOB,
      ref: String(segmentId),
      accountId,
      dedupeKey: `${SEGMENT_REFRESH_JOB}:${segmentId}`,
      payload: { reason, full },
    });
    await r.segments.markRequested(segmentId, this.clock.now(), full, e.joined);
    return e.joined;
  }

  private async withDuplicateRetry<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      // why: two processes may queue the same segment at once; the loser joins the winner's job on retry.
      if (!isUniqueViolation(e)) throw e;
      return fn();
    }
  }

  private async validate(r: Repos, accountId: number, raw: unknown) {
    if (raw === undefined || raw === null) throw new DomainError('SEGMENT_INVALID', 'rules are required: {"all": [...]} or {"any": [...]}.');
    const parsed = parseRules(raw, await r.dataFields.list(accountId));
    const books = await r.segments.existingBookIds(accountId, parsed.bookIds);
    const missingBook = parsed.bookIds.find((b) => !books.includes(b));
    if (missingBook !== undefined) throw new DomainError('ADDRESSBOOK_NOT_FOUND', `Address book ${missingBook} does not exist.`);
    const campaigns = await r.segments.existingCampaignIds(accountId, parsed.campaignIds);
    const missingCampaign = parsed.campaignIds.find((c) => !campaigns.includes(c));
    if (missingCampaign !== undefined) throw new DomainError('CAMPAIGN_NOT_FOUND', `Campaign ${missingCampaign} does not exist.`);
    return parsed;
  }

  private async mustGet(r: Repos, accountId: number, id: unknown): Promise<SegmentRow> {
    const n = typeof id === 'string' && /^\d+$/.test(id.trim()) ? Number(id) : id;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 2 ** 31) throw new DomainError('SEGMENT_NOT_FOUND');
    const s = await r.segments.get(accountId, n);
    if (!s) throw new DomainError('SEGMENT_NOT_FOUND');
    return s;
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

/** The midnight since which a time-relative segment's members are out of date (null when they are not). */
function dayTurnedAt(s: { relativeUntil: number | null }, now: number): number | null {
  return s.relativeUntil !== null && now >= s.relativeUntil ? s.relativeUntil : null;
}

function usesField(n: RuleNode, name: string): boolean {
  if (n.type === 'group') return n.items.some((i) => usesField(i, name));
  return n.type === 'field' && n.field === name;
}

function segmentName(raw: unknown): string {
  if (typeof raw !== 'string' || !raw.trim()) throw new DomainError('SEGMENT_INVALID', 'A segment needs a name.');
  if (raw.trim().length > 200) throw new DomainError('SEGMENT_INVALID', 'A segment name may have at most 200 characters.');
  return raw.trim();
}

/** Re-exported for callers that build rules in code. */
export type { RuleGroup };
