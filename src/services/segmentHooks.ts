import { Repos } from '../db/store';

/** What the contact services tell the segment engine about writes, inside the write's own transaction. */
export interface SegmentHooks {
  /** A single-contact write: re-evaluate these contacts against the account's real-time segments now. */
  singleWrite(r: Repos, accountId: number, contactIds: number[]): Promise<void>;
  /** A bulk write: record these contacts as changed and mark the account's real-time segments stale. */
  bulkWrite(r: Repos, accountId: number, contactIds: number[]): Promise<void>;
}

/** Hooks that do nothing (used until the segment engine is wired in, and by tools that need no segments). */
export const noSegmentHooks: SegmentHooks = {
  singleWrite: async () => undefined,
  bulkWrite: async () => undefined,
};
