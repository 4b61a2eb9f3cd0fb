// A campaign's summary: counters derived from its activity rows (never stored), and the rates computed from them.
// Definitions are documented in docs/campaigns.md ("Campaign summary counters").

/** Counters of one campaign, as counted from its activity rows. */
export interface CampaignCounters {
  /** `sent` events (one per recipient of each send; delivery platforms may post more). */
  sent: number;
  /** Distinct contacts with a `sent` event. */
  sentContacts: number;
  opens: number;
  /** Distinct contacts with an open. */
  uniqueOpens: number;
  clicks: number;
  /** Distinct contacts with a click. */
  recipientsClicked: number;
  pageViews: number;
  forwards: number;
  replies: number;
  /** Distinct contacts with a hard bounce on this campaign. */
  hardBounces: number;
  /** Distinct contacts with a soft bounce on this campaign. */
  softBounces: number;
  /** Distinct contacts who unsubscribed from this campaign. */
  unsubscribes: number;
  socialBookmarkViews: number;
  /** ROI detail entries. */
  roiEntries: number;
  /** Sum of the Numeric ROI values (4 decimals). */
  roiTotal: number;
  /** Earliest `sent` event (null before the campaign is sent). */
  dateSent: number | null;
}

/** Rates in percent (0-100, two decimals; 0 when the base is 0). */
export interface CampaignRates {
  delivered: number;
  uniqueOpens: number;
  opens: number;
  unsubscribes: number;
  replies: number;
  hardBounces: number;
  softBounces: number;
  usersClicked: number;
  clicksToOpens: number;
}

/** The summary the reporting operations return. */
export interface CampaignSummary extends CampaignCounters {
  /** sent - hard bounces - soft bounces (never below 0). */
  delivered: number;
  rates: CampaignRates;
}

const pct = (n: number, base: number) => (base > 0 ? Math.round((n / base) * 10000) / 100 : 0);

/** Derives delivered and the rates from the counters. */
export function summarize(c: CampaignCounters): CampaignSummary {
  const delivered = Math.max(0, c.sent - c.hardBounces - c.softBounces);
  return {
    ...c,
    delivered,
    rates: {
      delivered: pct(delivered, c.sent),
      uniqueOpens: pct(c.uniqueOpens, delivered),
      opens: pct(c.opens, delivered),
      unsubscribes: pct(c.unsubscribes, delivered),
      replies: pct(c.replies, delivered),
      hardBounces: pct(c.hardBounces, c.sent),
      softBounces: pct(c.softBounces, c.sent),
      usersClicked: pct(c.recipientsClicked, delivered),
      clicksToOpens: pct(c.recipientsClicked, c.uniqueOpens),
    },
  };
}
