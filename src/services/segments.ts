import { Clock } from '../lib/clock';
import { DomainError } from '../domain/errors';
import { dayTurnedAt, parseRules, RuleGroup, rulesToJson, RuleNode } from '../domain/segmentRules';
import { isUniqueViolation, Repos, Store } from '../db/store';
import { SegmentRow } from '../db/repos/segments';
import { RefreshHistoryRow } from '../db/repos/segmentHistory';

/** One row of a segment's refresh history (what the status page and the CLI show). */
export type { RefreshHistoryRow };
import { Config } from '../config';
import { Job, JobQueue } from './jobQueue';
import { ContactService, ContactView, ListOptions } from './contacts';
import { Dependency } from './dataFields';
import { page } from './paging';
import { BatchedRefresh, RefreshContext, RefreshOutcome, SEGMENT_REFRESH_JOB, SegmentRefreshRun, SegmentTestHooks } from './segmentRefresh';

/** The refresh run's types and job name, where callers have always found them. */
export { SEGMENT_REFRESH_JOB };
export type { BatchedRefresh, RefreshContext, RefreshOutcome, SegmentTestHooks };

/** How long after a failed refresh a waiting campaign send queues the segment's refresh again. */
export const FAILED_REFRESH_RETRY_MS = 60_000;

/** The job type of a segment refresh (ref = segment id). */


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
    return this.store.repos.segmentHistory.history(s.id);
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

  /** Runs one refresh job (see SegmentRefreshRun.run). */
  async runRefresh(job: Job, ctx: RefreshContext): Promise<RefreshOutcome> {
    return new SegmentRefreshRun(this.store, this.clock, this.config, this.testHooks).run(job, ctx);
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
