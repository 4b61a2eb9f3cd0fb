/** Send statuses (v1 SendProgress / v2 ApiCampaignSendStatuses without NotAvailableInThisVersion). */
export const SEND_STATUSES = ['NotSent', 'Scheduled', 'Sending', 'Sent', 'Cancelled'] as const;
export type SendStatus = (typeof SEND_STATUSES)[number];

/** A campaign send as the shared service returns it. */
export interface CampaignSend {
  id: string;
  accountId: number;
  campaignId: number;
  addressBookIds: number[];
  contactIds: number[];
  sendDate: number;
  status: SendStatus;
  /** How many contacts the send went to (null until the audience is snapshotted). */
  recipients: number | null;
  /** Segments refreshed for this send before its audience was taken. */
  refreshedSegments: number[];
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

/** One contact a send went to. */
export interface SendRecipient {
  contactId: number;
  email: string;
}
