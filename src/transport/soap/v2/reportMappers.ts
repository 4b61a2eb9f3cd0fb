import { BookmarkViews, ContactActivitySummary, ReportedEvent } from '../../../domain/activity';
import { CampaignSummary } from '../../../domain/campaignSummary';
import { TransportServices } from '../../../services';
import { Actor } from '../../../services/accounts';
import { SoapCall, SoapHandler } from '../shared/endpoint';
import { AnyValue } from '../shared/xsd';
import { Decoded } from '../shared/decode';
import { bookOut, campaignOut, contactOut } from './mappers';

// v2 SOAP wire names of the campaign reporting operations (ApiCampaignSummary, ApiCampaignContact*) live only here.

type Rec = Record<string, unknown>;

/** ApiCampaignContactSummary out (what the gateway does not track is zero / absent / false). */
export function activitySummaryOut(a: ContactActivitySummary): Rec {
  return {
    ContactId: a.contactId,
    Email: a.email,
    NumOpens: a.numOpens,
    NumPageViews: a.numPageViews,
    NumClicks: a.numClicks,
    NumForwards: a.numForwards,
    // why: estimated forwards come from the vendor's open-tracking heuristics, which a delivery platform does not post.
    NumEstimatedForwards: 0,
    NumReplies: a.numReplies,
    DateSent: a.dateSent,
    DateFirstOpened: a.dateFirstOpened,
    DateLastOpened: a.dateLastOpened,
    FirstOpenIp: null,
    Unsubscribed: a.unsubscribed,
    SoftBounced: a.softBounced,
    HardBounced: a.hardBounced,
  };
}

/**
 * ApiCampaignSummary out. The gateway records no plain-text-part activity, ISP complaints or mail blocks, so the Text*
 * members and those counters are 0 and each Total* equals its HTML counterpart.
 */
export function campaignSummaryOut(s: CampaignSummary): Rec {
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
    IspComplaints: 0,
    MailBlocks: 0,
    Sent: s.sent,
    Delivered: s.delivered,
  };
  const out: Rec = { DateSent: s.dateSent };
  for (const [k, v] of Object.entries(html)) {
    out[`Num${k}`] = v;
    out[`NumText${k}`] = 0;
    out[`NumTotal${k}`] = v;
  }
  out.NumRecipientsClicked = s.recipientsClicked;
  const r = s.rates;
  Object.assign(out, {
    PercentageDelivered: r.delivered,
    PercentageUniqueOpens: r.uniqueOpens,
    PercentageOpens: r.opens,
    PercentageUnsubscribes: r.unsubscribes,
    PercentageReplies: r.replies,
    PercentageHardBounces: r.hardBounces,
    PercentageSoftBounces: r.softBounces,
    PercentageUsersClicked: r.usersClicked,
    PercentageClicksToOpens: r.clicksToOpens,
  });
  return out;
}

/** ApiCampaignContactClick out (the link group travels as Keyword). */
export function clickOut(e: ReportedEvent): Rec {
  return { ContactId: e.contactId, Email: e.email, Url: e.url, IpAddress: null, UserAgent: null, DateClicked: e.occurredAt, Keyword: e.linkGroup };
}

/** ApiCampaignContactOpen out. */
export function openOut(e: ReportedEvent): Rec {
  return { ContactId: e.contactId, Email: e.email, MailClient: null, MailClientVersion: null, IpAddress: null, UserAgent: null, IsHtml: true, IsForward: false, DateOpened: e.occurredAt };
}

/** ApiCampaignContactPageView out. */
export function pageViewOut(e: ReportedEvent): Rec {
  return { ContactId: e.contactId, Email: e.email, Url: e.url, DateViewed: e.occurredAt };
}

/** True when a reply's message looks like HTML. */
export function isHtmlMessage(m: string | null): boolean {
  return m !== null && /<[a-z][^>]*>/i.test(m);
}

/** ApiCampaignContactReply out (the reply comes from the contact's address). */
export function replyOut(e: ReportedEvent): Rec {
  return {
    ContactId: e.contactId,
    Email: e.email,
    FromAddress: e.email,
    ToAddress: null,
    Subject: e.subject,
    Message: e.message,
    IsHtml: isHtmlMessage(e.message),
    DateReplied: e.occurredAt,
    ReplyType: e.name ?? 'Reply',
  };
}

const ROI_XSD: Record<string, AnyValue['xsdType']> = { Numeric: 'decimal', Date: 'dateTime', Boolean: 'boolean', String: 'string' };

/** An ROI value typed by its data type (xsi:type on the wire). */
export function roiValueOut(e: ReportedEvent): AnyValue {
  const t = e.valueType ?? 'String';
  if (e.value === null) return { xsdType: 'string', value: null };
  if (t === 'Numeric') return { xsdType: 'decimal', value: Number(e.value) };
  if (t === 'Boolean') return { xsdType: 'boolean', value: e.value === 'true' };
  return { xsdType: ROI_XSD[t], value: e.value };
}

/** ApiCampaignContactRoiDetail out. */
export function roiOut(e: ReportedEvent): Rec {
  return { ContactId: e.contactId, Email: e.email, MarkerName: e.name, DataType: e.valueType ?? 'String', Value: roiValueOut(e), DateEntered: e.occurredAt };
}

/** ApiCampaignContactSocialBookmarkView out. */
export function bookmarkOut(b: BookmarkViews): Rec {
  return { ContactId: b.contactId, Email: b.email, BookmarkName: b.bookmark, NumViews: b.numViews };
}

/** The v2 campaign reporting operations, mapped onto the shared campaign-report service. */
export function v2ReportHandlers(s: TransportServices): Record<string, SoapHandler<Actor>> {
  type C = SoapCall<Actor>;
  const acc = (c: C) => c.actor.accountId;
  const page = (a: Decoded) => ({ select: a.select, skip: a.skip });
  const r = s.campaignReports;
  const ev = (type: 'open' | 'click' | 'pageView' | 'reply' | 'roi', by: 'all' | 'contact' | 'since') => async (c: C) =>
    r.events(acc(c), c.args.campaignId, type, {
      ...page(c.args),
      contactId: by === 'contact' ? c.args.contactId : undefined,
      since: by === 'since' ? c.args.startDate : undefined,
    });
  return {
    GetCampaignSummary: async (c) => campaignSummaryOut(await r.summary(acc(c), c.args.campaignId)),
    GetCampaignContactActivity: async (c) => activitySummaryOut(await r.contactActivity(acc(c), c.args.campaignId, c.args.contactId)),
    GetCampaignActivities: async (c) => (await r.contactActivities(acc(c), c.args.campaignId, page(c.args))).map(activitySummaryOut),
    GetCampaignActivitiesSinceDate: async (c) =>
      (await r.contactActivities(acc(c), c.args.campaignId, { ...page(c.args), since: c.args.startDate })).map(activitySummaryOut),
    GetCampaignClicks: async (c) => (await ev('click', 'all')(c)).map(clickOut),
    GetCampaignContactClicks: async (c) => (await ev('click', 'contact')(c)).map(clickOut),
    GetCampaignOpens: async (c) => (await ev('open', 'all')(c)).map(openOut),
    GetCampaignContactOpens: async (c) => (await ev('open', 'contact')(c)).map(openOut),
    GetCampaignPageViewsSinceDate: async (c) => (await ev('pageView', 'since')(c)).map(pageViewOut),
    GetCampaignContactPageViews: async (c) => (await ev('pageView', 'contact')(c)).map(pageViewOut),
    GetCampaignContactReplies: async (c) => (await ev('reply', 'contact')(c)).map(replyOut),
    GetCampaignRoiDetailsSinceDate: async (c) => (await ev('roi', 'since')(c)).map(roiOut),
    GetCampaignContactRoiDetails: async (c) => (await ev('roi', 'contact')(c)).map(roiOut),
    GetCampaignSocialBookmarkViews: async (c) => (await r.bookmarkViews(acc(c), c.args.campaignId, page(c.args))).map(bookmarkOut),
    GetCampaignContactSocialBookmarkViews: async (c) =>
      (await r.bookmarkViews(acc(c), c.args.campaignId, { ...page(c.args), contactId: c.args.contactId })).map(bookmarkOut),
    GetCampaignHardBouncingContacts: async (c) =>
      (await r.hardBouncers(acc(c), c.args.campaignId, { ...page(c.args), withFullData: c.args.withFullData === true })).map(contactOut),
    GetSentCampaignsWithActivitySinceDate: async (c) => (await r.campaignsWithActivitySince(acc(c), c.args.startDate, page(c.args))).map(campaignOut),
    GetAddressBooksForCampaign: async (c) => (await r.addressBooksForCampaign(acc(c), c.args.campaignId, page(c.args))).map(bookOut),
    GetCampaignsForAddressBook: async (c) => (await r.campaignsForAddressBook(acc(c), c.args.addressBookId, page(c.args))).map(campaignOut),
  };
}
