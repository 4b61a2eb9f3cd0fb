import { ContactStatus } from './enums';

/**
 * Delivery-platform event types the gateway ingests. `bounce` carries a bounceType (hard or soft); the others are
 * one kind each: opens, clicks (URL and link group), page views (URL), replies (reply type, subject, message),
 * ROI details (marker, data type, value), social bookmark views (bookmark name), forwards and unsubscribes.
 */
export const ACTIVITY_TYPES = ['sent', 'open', 'click', 'pageView', 'reply', 'roi', 'socialBookmarkView', 'forward', 'bounce', 'unsubscribe'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** Reply kinds (the vendor's ApiCampaignReplyTypes without NotAvailableInThisVersion). */
export const REPLY_TYPES = ['Reply', 'AutoReply', 'ChallengeResponse', 'Unsafe'] as const;
export type ReplyType = (typeof REPLY_TYPES)[number];

/** Data types of an ROI marker's value (the vendor's ApiRoiDetailDataTypes). */
export const ROI_DATA_TYPES = ['String', 'Numeric', 'Date', 'Boolean'] as const;
export type RoiDataType = (typeof ROI_DATA_TYPES)[number];

/** Type-specific details of an event; absent members are null. */
export interface ActivityDetail {
  /** Click: the link group of the clicked link. */
  linkGroup: string | null;
  /** Reply: its type; ROI: the marker name; social bookmark view: the bookmark (network) name. */
  name: string | null;
  /** ROI: the value as text (numbers in invariant form, dates ISO-8601, booleans true/false). */
  value: string | null;
  /** ROI: the value's data type. */
  valueType: RoiDataType | null;
  /** Reply: subject line. */
  subject: string | null;
  /** Reply: message body. */
  message: string | null;
}

/** One ingested campaign event. */
export interface Activity extends Partial<ActivityDetail> {
  eventId: string;
  type: ActivityType;
  campaignId: number | null;
  sendId: string | null;
  contactId: number;
  url: string | null;
  occurredAt: number;
}

/** The contact status an event sets, if any (bounces and unsubscribes change who may be mailed). */
export function statusAfter(type: ActivityType, bounceType: 'hard' | 'soft'): ContactStatus | undefined {
  if (type === 'unsubscribe') return 'Unsubscribed';
  if (type === 'bounce') return bounceType === 'soft' ? 'SoftBounced' : 'HardBounced';
  return undefined;
}

/** Per-contact activity counts of one campaign (the vendor's ApiCampaignContactSummary). */
export interface ContactActivitySummary {
  contactId: number;
  email: string;
  numOpens: number;
  numPageViews: number;
  numClicks: number;
  numForwards: number;
  numReplies: number;
  dateSent: number | null;
  dateFirstOpened: number | null;
  dateLastOpened: number | null;
  unsubscribed: boolean;
  softBounced: boolean;
  hardBounced: boolean;
}

/** One reported event of a campaign with its contact's email (opens, clicks, page views, replies, ROI details). */
export interface ReportedEvent extends ActivityDetail {
  contactId: number;
  email: string;
  url: string | null;
  occurredAt: number;
}

/** Social bookmark views of one contact and bookmark, counted. */
export interface BookmarkViews {
  contactId: number;
  email: string;
  bookmark: string;
  numViews: number;
}

/** A click with the link groups of its link (the vendor's ApiCampaignContactClickWithGroups). */
export interface ClickWithGroups extends ReportedEvent {
  /** A stable id of the clicked URL (see linkIdOf). */
  linkId: number;
  /** The click's link group with the time of the campaign's first click in it (empty without a group). */
  groups: Array<{ name: string; createdAt: number }>;
}

/**
 * The id the gateway reports for a campaign link: FNV-1a of the URL folded to 31 bits (1 and up; 0 without a URL).
 * why: the vendor numbered the links of its own campaign editor; the gateway holds no link table, so a link is known
 * by its URL and the same URL always reports the same id.
 */
export function linkIdOf(url: string | null): number {
  if (!url) return 0;
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(url)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return (h & 0x7fffffff) || 1;
}
