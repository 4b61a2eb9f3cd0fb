import { Clock } from '../lib/clock';
import { Repos } from '../db/store';

/**
 * What the contact services tell the segment engine about writes, inside the write's own transaction. This is the
 * whole freshness contract between writers and the engine: writes only. Staleness that no write causes (a
 * time-relative rule's UTC day turning, DESIGN invariant 10) is not signalled through here: it is read from
 * `segments.relative_until` against the clock by the freshness views and the sweeper.
 */
export interface SegmentHooks {
  /** A single-contact write: re-evaluate these contacts against the account's real-time segments now. */
  singleWrite(r: Repos, accountId: number, contactIds: number[]): Promise<void>;
  /** A bulk write: record these contacts as changed and mark the account's real-time segments stale. */
  bulkWrite(r: Repos, accountId: number, contactIds: number[]): Promise<void>;
  /** Contacts are about to be deleted: take them out of every segment and keep member counts exact. */
  beforeDelete?(r: Repos, accountId: number, contactIds: number[]): Promise<void>;
}

/** Hooks that do nothing (used until the segment engine is wired in, and by tools that need no segments). */
export const noSegmentHooks: SegmentHooks = {
  singleWrite: async () => undefined,
  bulkWrite: async () => undefined,
};

/** The segment engine's write hooks: real-time re-evaluation for single writes, deferred change log for bulk writes. */
export class SegmentWriteHooks implements SegmentHooks {
  constructor(private readonly clock: Clock) {}

  /** Re-evaluates the contacts against every real-time segment (one DELETE + one INSERT ... SELECT per segment). */
  async singleWrite(r: Repos, accountId: number, contactIds: number[]): Promise<void> {
    const ids = [...new Set(contactIds)].filter((id) => Number.isInteger(id) && id > 0);
    if (ids.length === 0) return;
    const segments = await r.segments.ofKind(accountId, 'realtime');
    const now = this.clock.now();
    for (const s of segments) {
      const d = await r.segments.applyForIds(s.id, accountId, s.rules, now, ids);
      await r.segments.addToCount(s.id, d.added - d.removed);
    }
  }

  /**
   * Records the changed contacts under the next change sequence (taken under the account row lock) and marks the
   * account's real-time segments stale. Nothing is recorded when the account has no real-time segment: a segment
   * created later starts with a full refresh, which waits for this writer's lock and so sees its rows.
   */
  async bulkWrite(r: Repos, accountId: number, contactIds: number[]): Promise<void> {
    if (contactIds.length === 0) return;
    const seq = await r.accounts.nextChangeSeq(accountId);
    const now = this.clock.now();
    const marked = await r.segments.markStale(accountId, seq, now);
    if (marked > 0) await r.segments.recordChanges(accountId, seq, contactIds, now);
  }

  /** Removes the contacts from every segment and lowers the member counts, before the contacts go. */
  async beforeDelete(r: Repos, accountId: number, contactIds: number[]): Promise<void> {
    await r.segments.removeContacts(accountId, contactIds);
  }
}
