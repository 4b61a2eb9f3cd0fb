import { SegmentRefreshState, SegmentView } from '../../services/segments';
import { isoDate } from './mappers';

// REST wire names of segments (ApiSegment + our freshness extension fields, ApiSegmentRefresh).

/** Our extension properties of ApiSegment (documented in docs/rest.md and the OpenAPI document). */
export const SEGMENT_EXTENSION_KEYS = ['kind', 'lastRefreshed', 'pendingRefresh', 'staleSince', 'refreshDueBy', 'rules'] as const;

/**
 * ApiSegment: exactly the vendor's `{id, name, contacts}`; with `ext` also the freshness extension fields (ISO dates
 * or null) and the rules when known. `ext` comes from extensions.ts (the switch, or an extension route).
 */
export function segmentOut(s: SegmentView, ext: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { id: s.id, name: s.name, contacts: s.contacts };
  if (!ext) return out;
  out.kind = s.kind;
  out.lastRefreshed = s.lastRefreshed === null ? null : isoDate(s.lastRefreshed);
  out.pendingRefresh = s.pendingRefresh;
  out.staleSince = s.staleSince === null ? null : isoDate(s.staleSince);
  out.refreshDueBy = s.refreshDueBy === null ? null : isoDate(s.refreshDueBy);
  if (s.rules !== undefined) out.rules = s.rules;
  return out;
}

/** ApiSegmentRefresh `{id, status}`. */
export function segmentRefreshOut(r: SegmentRefreshState): Record<string, unknown> {
  return { id: r.id, status: r.status };
}
