import { BookmarkViews, ClickWithGroups, ContactActivitySummary, ReportedEvent } from '../../domain/activity';
import { CampaignSummary } from '../../domain/campaignSummary';
import { isoDate } from './mappers';
import type { AnyValue } from '../soap/shared/xsd';

// REST (JSON, camelCase) wire names of the campaign reporting routes live only here.

type Rec = Record<string, unknown>;
const iso = (t: number | null) => (t === null ? null : isoDate(t));

/** ApiCampaignContactSummary (estimated forwards and the first open's IP are not tracked: zero / null). */
export function activitySummaryJson(a: ContactActivitySummary): Rec {
  return {
    contactId: a.contactId,
    email: a.email,
    numOpens: a.numOpens,
    numPageViews: a.numPageViews,
    numClicks: a.numClicks,
    numForwards: a.numForwards,
    // why: the vendor estimates unreported forwards from open tracking; a delivery platform posts no such figure.
    numEstimatedForwards: 0,
    numReplies: a.numReplies,
    dateSent: iso(a.dateSent),
    dateFirstOpened: iso(a.dateFirstOpened),
    dateLastOpened: iso(a.dateLastOpened),
    firstOpenIp: null,
    unsubscribed: a.unsubscribed,
    softBounced: a.softBounced,
    hardBounced: a.hardBounced,
  };
}

/**
 * ApiCampaignSummary, members in the vendor's REST order. The gateway records no plain-text-part activity, ISP
 * complaints or mail blocks: the text counters are 0 and each total equals its HTML counterpart.
 * why: the vendor's REST type names the text unique opens numUniqueTextOpens and has no numTotalForwards, unlike
 * its pattern elsewhere; strict clients reject any other key, so the list is spelled out.
 */
export function campaignSummaryJson(s: CampaignSummary): Rec {
  const r = s.rates;
  return {
    dateSent: iso(s.dateSent),
    numUniqueOpens: s.uniqueOpens,
    numUniqueTextOpens: 0,
    numTotalUniqueOpens: s.uniqueOpens,
    numOpens: s.opens,
    numTextOpens: 0,
    numTotalOpens: s.opens,
    numClicks: s.clicks,
    numTextClicks: 0,
    numTotalClicks: s.clicks,
    numPageViews: s.pageViews,
    numTotalPageViews: s.pageViews,
    numTextPageViews: 0,
    numForwards: s.forwards,
    numTextForwards: 0,
    numEstimatedForwards: 0,
    numTextEstimatedForwards: 0,
    numTotalEstimatedForwards: 0,
    numReplies: s.replies,
    numTextReplies: 0,
    numTotalReplies: s.replies,
    numHardBounces: s.hardBounces,
    numTextHardBounces: 0,
    numTotalHardBounces: s.hardBounces,
    numSoftBounces: s.softBounces,
    numTextSoftBounces: 0,
    numTotalSoftBounces: s.softBounces,
    numUnsubscribes: s.unsubscribes,
    numTextUnsubscribes: 0,
    numTotalUnsubscribes: s.unsubscribes,
    numIspComplaints: 0,
    numTextIspComplaints: 0,
    numTotalIspComplaints: 0,
    numMailBlocks: 0,
    numTextMailBlocks: 0,
    numTotalMailBlocks: 0,
    numSent: s.sent,
    numTextSent: 0,
    numTotalSent: s.sent,
    numRecipientsClicked: s.recipientsClicked,
    numDelivered: s.delivered,
    numTextDelivered: 0,
    numTotalDelivered: s.delivered,
    percentageDelivered: r.delivered,
    percentageUniqueOpens: r.uniqueOpens,
    percentageOpens: r.opens,
    percentageUnsubscribes: r.unsubscribes,
    percentageReplies: r.replies,
    percentageHardBounces: r.hardBounces,
    percentageSoftBounces: r.softBounces,
    percentageUsersClicked: r.usersClicked,
    percentageClicksToOpens: r.clicksToOpens,
  };
}

/** ApiCampaignContactClick (the link group travels as keyword). */
export function clickJson(e: ReportedEvent): Rec {
  return { contactId: e.contactId, email: e.email, url: e.url, ipAddress: null, userAgent: null, dateClicked: isoDate(e.occurredAt), keyword: e.linkGroup };
}

/** ApiCampaignContactClickWithGroups: the click, its link's id and its link groups. */
export function clickWithGroupsJson(e: ClickWithGroups): Rec {
  return { ...clickJson(e), linkId: e.linkId, groups: e.groups.map((g) => ({ name: g.name, dateCreated: isoDate(g.createdAt) })) };
}

/** ApiCampaignContactOpen. */
export function openJson(e: ReportedEvent): Rec {
  return { contactId: e.contactId, email: e.email, mailClient: null, mailClientVersion: null, ipAddress: null, userAgent: null, isHtml: true, isForward: false, dateOpened: isoDate(e.occurredAt) };
}

/** ApiCampaignContactPageView. */
export function pageViewJson(e: ReportedEvent): Rec {
  return { contactId: e.contactId, email: e.email, url: e.url, dateViewed: isoDate(e.occurredAt) };
}

/** ApiCampaignContactReply (the reply comes from the contact's address). */
export function replyJson(e: ReportedEvent): Rec {
  const m = e.message;
  return {
    contactId: e.contactId,
    email: e.email,
    fromAddress: e.email,
    toAddress: null,
    subject: e.subject,
    message: m,
    isHtml: m !== null && /<[a-z][^>]*>/i.test(m),
    dateReplied: isoDate(e.occurredAt),
    replyType: e.name ?? 'Reply',
  };
}

/** ApiCampaignContactRoiDetail (the value typed by its data type). */
export function roiJson(e: ReportedEvent): Rec {
  const t = e.valueType ?? 'String';
  const value = e.value === null ? null : t === 'Numeric' ? Number(e.value) : t === 'Boolean' ? e.value === 'true' : e.value;
  return { contactId: e.contactId, email: e.email, markerName: e.name, dataType: t, value, dateEntered: isoDate(e.occurredAt) };
}

const ROI_XSD: Record<string, AnyValue['xsdType']> = { Numeric: 'decimal', Date: 'dateTime', Boolean: 'boolean', String: 'string' };

/** ApiCampaignContactRoiDetail list for XML: each JSON `value` typed by its `dataType` (xsi:type, as v2 SOAP writes it). */
export function roiXmlOut(json: unknown): unknown {
  if (!Array.isArray(json)) return json;
  return json.map((r: Rec) => {
    const v = r.value as string | number | boolean | null;
    const value: AnyValue = v === null ? { xsdType: 'string', value: null } : { xsdType: ROI_XSD[String(r.dataType)] ?? 'string', value: v };
    return { ...r, value };
  });
}

/** ApiCampaignContactSocialBookmarkView. */
export function bookmarkJson(b: BookmarkViews): Rec {
  return { contactId: b.contactId, email: b.email, bookmarkName: b.bookmark, numViews: b.numViews };
}
