import { DomainError } from './errors';

/** Campaign statuses (v2 ApiCampaignStatuses subset the gateway uses). */
export const CAMPAIGN_STATUSES = ['Unsent', 'Sending', 'Sent', 'Paused', 'Cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** What happens to replies (ApiCampaignReplyActions / v1 ReplyActions). */
export const REPLY_ACTIONS = ['Unset', 'WebMailForward', 'Webmail', 'Delete'] as const;
export type ReplyAction = (typeof REPLY_ACTIONS)[number];

/** A campaign as the shared service returns it. */
export interface Campaign {
  id: number;
  name: string;
  subject: string | null;
  fromName: string | null;
  fromAddress: string | null;
  /** The id of the account's custom from address that is the sender, or 0 (any other address). */
  fromAddressId: number;
  htmlContent: string | null;
  plainTextContent: string | null;
  replyAction: ReplyAction;
  replyToAddress: string | null;
  status: CampaignStatus;
  createdAt: number;
  updatedAt: number;
  /** A split-test campaign (has versions A, B, ...); present where the read asks for it, absent = not known (false). */
  isSplitTest?: boolean;
}

/** Checks optional campaign text: a string of at most max characters, or null. */
export function campaignText(v: unknown, name: string, max: number): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new DomainError('CAMPAIGN_INVALID', `${name} must be text.`);
  if (v.length > max) throw new DomainError('CAMPAIGN_INVALID', `${name} is longer than ${max} characters.`);
  return v;
}
