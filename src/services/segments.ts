import { Clock } from '../lib/clock';
import { DomainError } from '../domain/errors';
import { Store } from '../db/store';
import { Config } from '../config';
import { JobQueue } from './jobQueue';

/** Refresh progress statuses (ApiSegmentRefreshStatuses). */
export type SegmentRefreshStatus = 'NotStarted' | 'NotFinished' | 'Finished' | 'Failed';

/** A segment as every read shows it: the vendor's id/name/contacts plus freshness. */
export interface SegmentView {
  id: number;
  name: string;
  /** Members as of lastRefreshed. */
  contacts: number;
  kind: 'realtime' | 'behavioural';
  lastRefreshed: number | null;
  pendingRefresh: boolean;
  staleSince: number | null;
  refreshDueBy: number | null;
  rules?: unknown;
}

/** A refresh's id (the segment id, as the vendor used) and status (ApiSegmentRefresh). */
export interface SegmentRefreshState {
  id: number;
  status: SegmentRefreshStatus;
}

/** Segments: rules, real-time membership, deferred coalesced refresh. (Engine lands with issue 4.) */
export class SegmentService {
  constructor(
    protected readonly store: Store,
    protected readonly clock: Clock,
    protected readonly jobs: JobQueue,
    protected readonly config: Config,
  ) {}

  /** The account's segments with freshness, with paging. */
  async list(_accountId: number, _o: { select?: unknown; skip?: unknown }): Promise<SegmentView[]> {
    return [];
  }

  /** Queues a refresh (or joins the one queued or running) and returns its state. */
  async requestRefresh(_accountId: number, _id: unknown, _reason = 'manual'): Promise<SegmentRefreshState> {
    throw new DomainError('SEGMENT_NOT_FOUND');
  }

  /** The state of the segment's latest refresh. */
  async refreshStatus(_accountId: number, _id: unknown): Promise<SegmentRefreshState> {
    throw new DomainError('SEGMENT_NOT_FOUND');
  }
}
