import { ContactStatus } from './enums';

/** Delivery-platform event types the gateway ingests. */
export const ACTIVITY_TYPES = ['sent', 'open', 'click', 'bounce', 'unsubscribe'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** One ingested campaign event. */
export interface Activity {
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

/** Per-contact activity counts of one campaign (the vendor's ApiCampaignContactSummary, trimmed). */
export interface ContactActivitySummary {
  contactId: number;
  email: string;
  numOpens: number;
  numClicks: number;
  dateSent: number | null;
  dateFirstOpened: number | null;
  dateLastOpened: number | null;
  unsubscribed: boolean;
  softBounced: boolean;
  hardBounced: boolean;
}
