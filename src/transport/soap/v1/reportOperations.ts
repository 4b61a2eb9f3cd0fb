import { BookmarkViews, ReportedEvent } from '../../../domain/activity';
import { CampaignSummary } from '../../../domain/campaignSummary';
import { TransportServices } from '../../../services';
import { Actor } from '../../../services/accounts';
import { ContactView } from '../../../services/contacts';
import { ReportedType } from '../../../services/campaignReports';
import { activitySummaryOut, bookOut, campaignOut, contactOut, NO_DATE, Wire } from './mappers';
import { V1_SUMMARY_PERCENTAGES } from './reportSchema';

// v1 wire names of the campaign reporting operations (APICampaignSummary, APICampaignContact*) live only here.

type Op = (s: TransportServices, actor: Actor, args: Wire) => Promise<unknown>;

/**
 * APICampaignSummary out. The gateway records no plain-text-part activity, ISP complaints or mail blocks, so the Text*
 * members and those counters are 0 and each Total* equals its HTML counterpart; an unsent campaign's DateSent is .NET's
 * unset DateTime.
 */
export function campaignSummaryOut(s: CampaignSummary): Wire {
  const html: Record<string, number> = {
    UniqueOpens: s.uniqueOpens,
    Opens: s.opens,
    Clicks: s.clicks,
    PageViews: s.pageViews,
    Forwards: s.forwards,
    EstimatedForwards: 0,
    Replies: s.replies,
    HardBounces: s.hardBounces,
    SoftBounces: s.softBounces,
    Unsubscribes: s.unsubscribes,
    ISPComplaints: 0,
    MailBlocks: 0,
    Sent: s.sent,
    Delivered: s.delivered,
  };
  const out: Wire = {};
  for (const [k, v] of Object.entries(html)) {
    out[`Num${k}`] = v;
    out[`NumText${k}`] = 0;
    out[`NumTotal${k}`] = v;
  }
  out.NumRecipientsClicked = s.recipientsClicked;
  out.DateSent = s.dateSent ?? NO_DATE;
  const r = s.rates;
  const values = [r.delivered, r.uniqueOpens, r.opens, r.unsubscribes, r.replies, r.hardBounces, r.softBounces, r.usersClicked, r.clicksToOpens];
  V1_SUMMARY_PERCENTAGES.forEach((n, i) => (out[n] = values[i]));
  return out;
}

/** APICampaignContactClick / Click2 / Click3 out (the link group travels as Keyword). */
export function clickOut(e: ReportedEvent): Wire {
  return { url: e.url ?? undefined, dateClicked: e.occurredAt, Email: e.email, Keyword: e.linkGroup ?? undefined };
}

/** APICampaignContactOpen / Open2 out. */
export function openOut(e: ReportedEvent): Wire {
  return { isHtml: true, isForward: false, dateOpened: e.occurredAt, Email: e.email };
}

/** APICampaignContactPageView out. */
export function pageViewOut(e: ReportedEvent): Wire {
  return { url: e.url ?? undefined, dateViewed: e.occurredAt };
}

/** APICampaignContactReply out (the reply comes from the contact's address). */
export function replyOut(e: ReportedEvent): Wire {
  return {
    fromAddress: e.email,
    subject: e.subject ?? undefined,
    message: e.message ?? undefined,
    isHtml: e.message !== null && /<[a-z][^>]*>/i.test(e.message),
    dateReplied: e.occurredAt,
    replyType: e.name ?? 'Reply',
  };
}

/** APICampaignContactROIDetail out. */
export function roiOut(e: ReportedEvent): Wire {
  return { marker: e.name ?? undefined, type: e.valueType ?? 'String', value: e.value ?? undefined, dateEntered: e.occurredAt };
}

/** APICampaignContactSocialBookmark out. */
export function bookmarkOut(b: BookmarkViews): Wire {
  return { name: b.bookmark, numViews: b.numViews };
}

/** APIContact out with only the data fields named by `labels` (case-insensitive). */
export function labelledContactOut(c: ContactView, labels: unknown): Wire {
  const wanted = new Set((Array.isArray(labels) ? labels : []).filter((l): l is string => typeof l === 'string').map((l) => l.trim().toUpperCase()));
  return contactOut({ ...c, fields: (c.fields ?? []).filter((f) => wanted.has(f.key.toUpperCase())) });
}

const page = (a: Wire) => ({ select: a.select, skip: a.skip });

function events(type: ReportedType, perContact: boolean): (s: TransportServices, actor: Actor, a: Wire) => Promise<ReportedEvent[]> {
  return (s, actor, a) => s.campaignReports.events(actor.accountId, a.campaignId, type, { ...page(a), contactId: perContact ? a.contactId : undefined });
}

async function bouncers(s: TransportServices, actor: Actor, a: Wire, paged: boolean, labels?: unknown): Promise<Wire[]> {
  const list = await s.campaignReports.hardBouncers(actor.accountId, a.campaignId, { ...(paged ? page(a) : {}), withFullData: labels !== undefined });
  return list.map((c) => (labels === undefined ? contactOut(c) : labelledContactOut(c, labels)));
}

/** The 22 v1 reporting operations, each calling the shared campaign-report service. */
export const V1_REPORT_HANDLERS: Readonly<Record<string, Op>> = {
  GetCampaignSummary: async (s, actor, a) => campaignSummaryOut(await s.campaignReports.summary(actor.accountId, a.campaignId)),
  GetCampaignContactForwardInfo: async (s, actor, a) => ({
    // why: estimates are not tracked; with getEstimates the recorded forwards are the best estimate there is.
    numForwards: (await s.campaignReports.forwards(actor.accountId, a.campaignId, a.contactId)).numForwards,
  }),
  ListCampaignActivitiesSinceDate: async (s, actor, a) =>
    (await s.campaignReports.contactActivities(actor.accountId, a.campaignId, { ...page(a), since: a.startDate })).map(activitySummaryOut),
  ListCampaignContactActivity: async (s, actor, a) => activitySummaryOut(await s.campaignReports.contactActivity(actor.accountId, a.campaignId, a.contactId)),
  ListCampaignContactOpens: async (s, actor, a) => (await events('open', true)(s, actor, a)).map(openOut),
  ListCampaignContactClicks: async (s, actor, a) => (await events('click', true)(s, actor, a)).map(clickOut),
  ListCampaignContactClicks2: async (s, actor, a) => (await events('click', true)(s, actor, a)).map(clickOut),
  ListCampaignContactPageViews: async (s, actor, a) => (await events('pageView', true)(s, actor, a)).map(pageViewOut),
  ListCampaignContactReplies: async (s, actor, a) => (await events('reply', true)(s, actor, a)).map(replyOut),
  ListCampaignContactRoiDetail: async (s, actor, a) => (await events('roi', true)(s, actor, a)).map(roiOut),
  ListCampaignContactSocialBookmarkViews: async (s, actor, a) =>
    (await s.campaignReports.bookmarkViews(actor.accountId, a.campaignId, { ...page(a), contactId: a.contactId })).map(bookmarkOut),
  ListCampaignOpeners: async (s, actor, a) => (await events('open', false)(s, actor, a)).map(openOut),
  ListCampaignClickers: async (s, actor, a) => (await events('click', false)(s, actor, a)).map(clickOut),
  ListCampaignClickers2: async (s, actor, a) => (await events('click', false)(s, actor, a)).map(clickOut),
  ListHardBouncingContacts: async (s, actor, a) => bouncers(s, actor, a, false),
  ListHardBouncesContacts2: async (s, actor, a) => bouncers(s, actor, a, true),
  ListHardBouncingContactsWithLabels: async (s, actor, a) => bouncers(s, actor, a, false, a.labels ?? []),
  ListHardBouncingContactsWithLabels2: async (s, actor, a) => bouncers(s, actor, a, true, a.labels ?? []),
  ListSentCampaignsWithActivitySinceDate: async (s, actor, a) =>
    (await s.campaignReports.campaignsWithActivitySince(actor.accountId, a.startDate, {})).map(campaignOut),
  ListCampaignsForAddressBook: async (s, actor, a) =>
    // why: ints are required elements; a client that leaves one out means "none", which no book has.
    (await s.campaignReports.campaignsForAddressBook(actor.accountId, a.addressBookID ?? 0, {})).map(campaignOut),
  ListAddressBooksForCampaign: async (s, actor, a) => (await s.campaignReports.addressBooksForCampaign(actor.accountId, a.campaignID, {})).map(bookOut),
  ListCampaigns2: async (s, actor, a) => (await s.campaigns.list(actor.accountId, page(a))).map(campaignOut),
};
