import { reportTotals } from '../domain/importReport';
import { Clock } from '../lib/clock';
import { Store } from '../db/store';
import { RecentSendRow } from '../db/repos/statusReads';
import { ImportProgress, IMPORT_JOB, progressOf } from './imports';
import { JobQueue } from './jobQueue';
import { SEGMENT_REFRESH_JOB, SegmentService, SegmentView } from './segments';

/** What the status page shows of this process's segment sweeper (structurally the sweeper's own state). */
export interface SweeperStatus {
  lastRunAt: number | null;
  nextRunAt: number | null;
  lastQueued: number;
  /** Cron ticks this process lost and caught up on. */
  missedTicks?: number;
  /** When the last catch-up sweep ran (after a missed tick, or at start). */
  lastCatchUpAt?: number | null;
}

/** A segment as the status page lists it: its freshness plus whether a refresh runs now and whether it is overdue. */
export interface StatusSegment extends SegmentView {
  /** A process holds a live lease on the segment's refresh job. */
  refreshRunning: boolean;
  /** refreshDueBy has passed and no refresh is running: the freshness promise is being broken right now. */
  overdue: boolean;
}

/** Live process state the status page reads, handed in by main.ts (transports never import jobs). */
export interface StatusSources {
  /** The sweeper's state; absent when this process runs no sweeper (RUN_JOBS off). */
  sweeper?: () => SweeperStatus;
}

/** An import line of the status page: progress plus what identifies it. */
export interface ImportLine extends ImportProgress {
  fileName: string;
  dialect: string | null;
  addressBookId: number | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Why the import ended other than Finished (a stable error code, e.g. NO_EMAIL_COLUMN); null otherwise. */
  errorCode: string | null;
  /** Rows written (new or updated) and rows refused (invalid, duplicate, failed) so far. */
  imported: number;
  rejected: number;
}

/** A recent campaign send and the segments refreshed for it. */
export interface SendLine {
  id: string;
  campaignId: number | null;
  campaignName: string | null;
  status: string;
  sendDate: number | null;
  recipients: number | null;
  refreshedSegments: Array<{ id: number; name: string | null }>;
}

/** Queued and running background jobs (all accounts) by kind. */
export interface QueueCounts {
  segmentRefresh: { queued: number; running: number };
  imports: { queued: number; running: number };
}

/** Everything the status page shows for one account. */
export interface AccountStatus {
  accountId: number;
  now: number;
  segments: StatusSegment[];
  /** True when the account has more segments than were listed. */
  segmentsTruncated: boolean;
  imports: ImportLine[];
  sends: SendLine[];
  /** Where the sends came from: the sends service, the campaign_sends table, or nowhere (an error). */
  sendsSource: 'service' | 'table' | 'unavailable';
  queue: QueueCounts;
}

/** The narrow interface a campaign-sends service may offer; used when present at run time. */
export interface RecentSendsSource {
  recent(accountId: number, n: number): Promise<unknown[]>;
}

/** Limits of one status page. */
export interface StatusLimits {
  segments: number;
  imports: number;
  sends: number;
}

const DEFAULT_LIMITS: StatusLimits = { segments: 500, imports: 10, sends: 10 };

/** Read model of the status page: one account's segments, imports, sends and the job queue. */
export class StatusService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly segments: SegmentService,
    private readonly jobs: JobQueue,
    /** Returns the campaign-sends service if this build has one (read at call time, so wiring order is free). */
    private readonly liveSends: () => unknown = () => undefined,
  ) {}

  /** One account's status; every list is scoped to that account. */
  async overview(accountId: number, limits: Partial<StatusLimits> = {}): Promise<AccountStatus> {
    const l = { ...DEFAULT_LIMITS, ...limits };
    const segs = await this.segments.list(accountId, { select: l.segments + 1, skip: 0 });
    const segments = await this.withOverdue(segs.slice(0, l.segments));
    const [imports, sent, queue] = await Promise.all([this.recentImports(accountId, l.imports), this.recentSends(accountId, l.sends), this.queue()]);
    const names = new Map(segs.map((s) => [s.id, s.name]));
    const sends = sent.rows.map((r) => ({ ...r, refreshedSegments: r.refreshedSegments.map((id) => ({ id, name: names.get(id) ?? null })) }));
    return { accountId, now: this.clock.now(), segments, segmentsTruncated: segs.length > l.segments, imports, sends, sendsSource: sent.source, queue };
  }

  /**
   * Marks each segment whose refresh runs now (a live lease on its job) and each overdue one: refreshDueBy in the
   * past and no refresh running (queued and waiting, or not queued at all: no process ran the sweeper or the jobs).
   */
  async withOverdue(segs: SegmentView[]): Promise<StatusSegment[]> {
    const now = this.clock.now();
    const running = await this.store.repos.statusReads.runningRefs(SEGMENT_REFRESH_JOB, segs.filter((g) => g.pendingRefresh).map((g) => String(g.id)), now);
    return segs.map((g) => {
      const refreshRunning = running.has(String(g.id));
      return { ...g, refreshRunning, overdue: g.refreshDueBy !== null && g.refreshDueBy < now && !refreshRunning };
    });
  }

  /** An account's newest imports with progress (rows done/total, rows/s, ETA). */
  async recentImports(accountId: number, n: number): Promise<ImportLine[]> {
    const now = this.clock.now();
    return (await this.store.repos.imports.recent(accountId, n)).map((imp) => ({
      ...progressOf(imp, now),
      fileName: imp.fileName,
      dialect: imp.dialect,
      addressBookId: imp.addressBookId,
      createdAt: imp.createdAt,
      startedAt: imp.startedAt,
      finishedAt: imp.finishedAt,
      errorCode: imp.errorCode,
      ...reportTotals(imp.report),
    }));
  }

  /**
   * An account's newest campaign sends with the ids of the segments refreshed for them. Reads through the sends
   * service's `recent(accountId, n)` when the build has one, else the campaign_sends table directly.
   */
  async recentSends(accountId: number, n: number): Promise<{ rows: Array<Omit<SendLine, 'refreshedSegments'> & { refreshedSegments: number[] }>; source: AccountStatus['sendsSource'] }> {
    const live = this.liveSends() as Partial<RecentSendsSource> | undefined;
    if (live && typeof live.recent === 'function') {
      const rows = await live.recent(accountId, n);
      return { rows: (Array.isArray(rows) ? rows : []).slice(0, n).map(normaliseSend), source: 'service' };
    }
    const rows = await this.store.repos.statusReads.recentSends(accountId, n);
    return { rows: rows.map(fromRow), source: 'table' };
  }

  /** Queued and running segment refreshes and imports, across all accounts (the sweeper's queue). */
  async queue(): Promise<QueueCounts> {
    const [seg, imp] = await Promise.all([this.jobs.counts([SEGMENT_REFRESH_JOB]), this.jobs.counts([IMPORT_JOB])]);
    return { segmentRefresh: { queued: seg.queued ?? 0, running: seg.running ?? 0 }, imports: { queued: imp.queued ?? 0, running: imp.running ?? 0 } };
  }
}

function fromRow(r: RecentSendRow) {
  return { id: r.id, campaignId: r.campaignId, campaignName: r.campaignName, status: r.status, sendDate: r.sendDate, recipients: r.recipients, refreshedSegments: r.refreshedSegments };
}

/** Accepts the likely shapes a sends service returns (camelCase or PascalCase, dates as ms or ISO text). */
function normaliseSend(raw: unknown) {
  const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const pick = (...keys: string[]) => {
    for (const k of keys) if (o[k] !== undefined && o[k] !== null) return o[k];
    return undefined;
  };
  const campaign = pick('campaign', 'Campaign') as Record<string, unknown> | undefined;
  const segs = pick('refreshedSegments', 'RefreshedSegments', 'segmentsRefreshed', 'refreshedSegmentIds');
  return {
    id: String(pick('id', 'Id', 'sendId', 'SendId') ?? ''),
    campaignId: numberOrNull(pick('campaignId', 'CampaignId') ?? campaign?.id),
    campaignName: textOrNull(pick('campaignName', 'CampaignName') ?? campaign?.name),
    status: String(pick('status', 'Status') ?? ''),
    sendDate: timeOrNull(pick('sendDate', 'SendDate', 'createdAt')),
    recipients: numberOrNull(pick('recipients', 'recipientCount', 'Recipients')),
    refreshedSegments: (Array.isArray(segs) ? segs : [])
      .map((x) => numberOrNull(x && typeof x === 'object' ? (x as Record<string, unknown>).id : x))
      .filter((x): x is number => x !== null && Number.isInteger(x) && x > 0),
  };
}

function numberOrNull(v: unknown): number | null {
  const n = typeof v === 'string' && v.trim() ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

function textOrNull(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function timeOrNull(v: unknown): number | null {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}
