import { SegmentRefreshState, SegmentView } from '../../services/segments';
import { isoDate } from './mappers';

// REST wire names of segments (ApiSegment + our freshness extension fields, ApiSegmentRefresh).

/** ApiSegment `{id, name, contacts}` plus the freshness extension fields (ISO dates or null); rules when known. */
export function segmentOut(s: SegmentView): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: s.id,
    name: s.name,
    contacts: s.contacts,
    kind: s.kind,
    lastRefreshed: s.lastRefreshed === null ? null : isoDate(s.lastRefreshed),
    pendingRefresh: s.pendingRefresh,
    staleSince: s.staleSince === null ? null : isoDate(s.staleSince),
    refreshDueBy: s.refreshDueBy === null ? null : isoDate(s.refreshDueBy),
  };
  if (s.rules !== undefined) out.rules = s.rules;
  return out;
}

/** ApiSegmentRefresh `{id, status}`. */
export function segmentRefreshOut(r: SegmentRefreshState): Record<string, unknown> {
  return { id: r.id, status: r.status };
}
