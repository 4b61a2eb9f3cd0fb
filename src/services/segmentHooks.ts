import { Clock } from '../lib/clock';
import { Repos } from '../db/store';
import { SegmentChange, SegmentDepIndex } from './segmentDeps';
import { SegmentRuleCache } from './segmentRuleCache';

/**
 * What the contact services tell the segment engine about writes, inside the write's own transaction. This is the
 * whole freshness contract between writers and the engine: writes only. Staleness that no write causes (a
 * time-relative rule's UTC day turning, DESIGN invariant 10) is not signalled through here: it is read from
 * `segments.relative_until` against the clock by the freshness views and the sweeper.
 */
export interface SegmentHooks {
  /**
   * A single-contact write: re-evaluate these contacts against the account's real-time segments now. `changed` says
   * what the write changed (contact properties, data fields, books whose subscribed membership changed; see
   * segmentDeps.contactChange); only segments whose rules read one of those are re-evaluated, so the caller must name
   * everything it changed. Omitted or 'any' (a contact created or deleted): every real-time segment.
   */
  singleWrite(r: Repos, accountId: number, contactIds: number[], changed?: SegmentChange): Promise<void>;
  /**
   * A bulk write: record these contacts as changed and mark the account's real-time segments stale. With `changed`
   * (what the write changed, as for singleWrite), only the segments whose rules read it are marked; the others are
   * told the change is not theirs (their applied change sequence moves past it when they are fresh).
   */
  bulkWrite(r: Repos, accountId: number, contactIds: number[], changed?: SegmentChange): Promise<void>;
  /** Contacts are about to be deleted: take them out of every segment and keep member counts exact. */
  beforeDelete?(r: Repos, accountId: number, contactIds: number[]): Promise<void>;
}

/** Hooks that do nothing (used until the segment engine is wired in, and by tools that need no segments). */
export const noSegmentHooks: SegmentHooks = {
  singleWrite: async () => undefined,
  bulkWrite: async () => undefined,
};

/**
 * The segment engine's write hooks: real-time re-evaluation for single writes, deferred change log for bulk writes.
 * One instance serves one database (its rule cache is keyed by account id).
 */
export class SegmentWriteHooks implements SegmentHooks {
  private readonly rules = new SegmentRuleCache();

  constructor(private readonly clock: Clock) {}

  /**
   * Re-evaluates the contacts against the real-time segments the change can affect (DESIGN invariant 11): one
   * statement evaluates all their predicates, one read gets the current memberships, and only flips are written.
   * why: a segment the write cannot affect is skipped even when it is stale; its pending refresh re-evaluates the
   * contact anyway (bulk changes are in the change log, rule changes refresh in full).
   */
  async singleWrite(r: Repos, accountId: number, contactIds: number[], changed: SegmentChange = 'any'): Promise<void> {
    const ids = [...new Set(contactIds)].filter((id) => Number.isInteger(id) && id > 0);
    if (ids.length === 0) return;
    const ev = await this.rules.evaluationFor(r, accountId, this.clock.now(), changed);
    if (!ev) return;
    const flips = await r.segmentSingle.evaluate(accountId, ids, ev);
    if (flips.adds.length || flips.removes.length) await r.segmentSingle.apply(flips);
  }

  /**
   * Records the changed contacts under the next change sequence (taken under the account row lock) and marks the
   * account's real-time segments stale. Nothing is recorded when the account has no real-time segment: a segment
   * created later starts with a full refresh, which waits for this writer's lock and so sees its rows.
   */
  async bulkWrite(r: Repos, accountId: number, contactIds: number[], changed: SegmentChange = 'any'): Promise<void> {
    if (contactIds.length === 0) return;
    const seq = await r.accounts.nextChangeSeq(accountId);
    const now = this.clock.now();
    let only: number[] | undefined;
    if (changed !== 'any') {
      const segs = await r.segments.ofKind(accountId, 'realtime');
      only = new SegmentDepIndex(segs.map((g) => g.rules)).affected(changed).map((k) => segs[k].id);
      // why: a fresh segment the write cannot affect has nothing to re-evaluate up to this change; moving its applied
      // sequence past it keeps the change log prunable (pruneChanges keeps rows above the lowest applied sequence).
      await r.segments.skipChange(accountId, seq, only);
      if (only.length === 0) return;
    }
    const marked = await r.segments.markStale(accountId, seq, now, only);
    if (marked > 0) await r.segments.recordChanges(accountId, seq, contactIds, now);
  }

  /** Removes the contacts from every segment and lowers the member counts, before the contacts go. */
  async beforeDelete(r: Repos, accountId: number, contactIds: number[]): Promise<void> {
    await r.segments.removeContacts(accountId, contactIds);
  }
}
