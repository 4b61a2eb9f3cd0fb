import { complex, Field, Operation, xs, XsdType } from '../shared/xsd';

// The v1 (ASMX) campaign reporting types and operations, described once (the WSDL, decoding and encoding follow).
// why: member names and order are the vendor's 2011 WSDL's exactly (lower-case members on the APICampaignContact*
// types, `NumISPComplaints`, `DateSent` after the counters); the *2/*3 types extend their predecessors by
// complexContent, as the vendor's do, so strict clients generated from either WSDL see the same classes.

const N = 'http://apiconnector.com';
const opt = (name: string, type: XsdType): Field => ({ name, type, optional: true });
const req = (name: string, type: XsdType): Field => ({ name, type });
const items = (name: string, type: XsdType): Field => ({ name, type, optional: true, many: true, nillable: true });
const arrayOf = (t: XsdType) => complex(N, `ArrayOf${t.q.name}`, [items(t.q.name, t)]);

/** APICampaignSummary counter names (ints), in schema order; DateSent and the percentages follow. */
export const V1_SUMMARY_COUNTERS = [
  ...['UniqueOpens', 'UniqueTextOpens', 'TotalUniqueOpens', 'Opens', 'TextOpens', 'TotalOpens', 'Clicks', 'TextClicks', 'TotalClicks'],
  ...['PageViews', 'TotalPageViews', 'TextPageViews', 'Forwards', 'TextForwards', 'EstimatedForwards', 'TextEstimatedForwards'],
  ...['TotalEstimatedForwards', 'Replies', 'TextReplies', 'TotalReplies', 'HardBounces', 'TextHardBounces', 'TotalHardBounces'],
  ...['SoftBounces', 'TextSoftBounces', 'TotalSoftBounces', 'Unsubscribes', 'TextUnsubscribes', 'TotalUnsubscribes', 'ISPComplaints'],
  ...['TextISPComplaints', 'TotalISPComplaints', 'MailBlocks', 'TextMailBlocks', 'TotalMailBlocks', 'Sent', 'TextSent', 'TotalSent'],
  ...['RecipientsClicked', 'Delivered', 'TextDelivered', 'TotalDelivered'],
].map((n) => `Num${n}`);
/** APICampaignSummary percentage names (doubles), in schema order. */
export const V1_SUMMARY_PERCENTAGES = [
  'PercentageDelivered',
  'PercentageUniqueOpens',
  'PercentageOpens',
  'PercentageUnsubscribes',
  'PercentageReplies',
  'PercentageHardBounces',
  'PercentageSoftBounces',
  'PercentageUsersClicked',
  'PercentageClicksToOpens',
] as const;

/** APICampaignSummary. */
export const APICampaignSummary = complex(N, 'APICampaignSummary', [
  ...V1_SUMMARY_COUNTERS.map((n) => req(n, xs.int)),
  req('DateSent', xs.dateTime),
  ...V1_SUMMARY_PERCENTAGES.map((n) => req(n, xs.double)),
]);
/** APICampaignContactClick. */
export const APICampaignContactClick = complex(N, 'APICampaignContactClick', [
  opt('url', xs.string),
  opt('ipAddress', xs.string),
  opt('userAgent', xs.string),
  req('dateClicked', xs.dateTime),
]);
/** APICampaignContactClick2: APICampaignContactClick + Email. */
export const APICampaignContactClick2 = complex(N, 'APICampaignContactClick2', [opt('Email', xs.string)], APICampaignContactClick);
/** APICampaignContactClick3: APICampaignContactClick2 + Keyword. */
export const APICampaignContactClick3 = complex(N, 'APICampaignContactClick3', [opt('Keyword', xs.string)], APICampaignContactClick2);
/** APICampaignContactForward. */
export const APICampaignContactForward = complex(N, 'APICampaignContactForward', [req('numForwards', xs.int)]);
/** APICampaignContactOpen. */
export const APICampaignContactOpen = complex(N, 'APICampaignContactOpen', [
  opt('ipAddress', xs.string),
  opt('userAgent', xs.string),
  req('isHtml', xs.boolean),
  req('isForward', xs.boolean),
  req('dateOpened', xs.dateTime),
]);
/** APICampaignContactOpen2: APICampaignContactOpen + Email, MailClient, MailClientVersion. */
export const APICampaignContactOpen2 = complex(
  N,
  'APICampaignContactOpen2',
  [opt('Email', xs.string), opt('MailClient', xs.string), opt('MailClientVersion', xs.string)],
  APICampaignContactOpen,
);
/** APICampaignContactPageView. */
export const APICampaignContactPageView = complex(N, 'APICampaignContactPageView', [opt('url', xs.string), req('dateViewed', xs.dateTime)]);
/** APICampaignContactROIDetail (the value travels as text, its type by name). */
export const APICampaignContactROIDetail = complex(N, 'APICampaignContactROIDetail', [
  opt('marker', xs.string),
  opt('type', xs.string),
  opt('value', xs.string),
  req('dateEntered', xs.dateTime),
]);
/** APICampaignContactReply. */
export const APICampaignContactReply = complex(N, 'APICampaignContactReply', [
  opt('toAddress', xs.string),
  opt('fromAddress', xs.string),
  opt('subject', xs.string),
  opt('message', xs.string),
  req('isHtml', xs.boolean),
  req('dateReplied', xs.dateTime),
  opt('replyType', xs.string),
]);
/** APICampaignContactSocialBookmark. */
export const APICampaignContactSocialBookmark = complex(N, 'APICampaignContactSocialBookmark', [opt('name', xs.string), req('numViews', xs.int)]);

/** The types the reporting operations need from the main v1 schema (passed in to avoid an import cycle). */
export interface V1BaseTypes {
  APIContact: XsdType;
  APIAddressBook: XsdType;
  APICampaign: XsdType;
  APICampaignContactSummary: XsdType;
  ArrayOfString: XsdType;
  op(name: string, input: Field[], result?: Field): Operation;
  res(type: XsdType): Field;
}

/** The 22 v1 reporting operations, in the vendor WSDL's order. */
export function v1ReportOperations(t: V1BaseTypes): Operation[] {
  const { op, res } = t;
  const cid = req('campaignId', xs.int);
  const contactId = req('contactId', xs.int);
  const select = req('select', xs.int);
  const skip = req('skip', xs.int);
  const contacts = arrayOf(t.APIContact);
  const perContact = (name: string, item: XsdType) => op(name, [cid, contactId, select, skip], res(arrayOf(item)));
  return [
    op('ListHardBouncingContacts', [cid], res(contacts)),
    op('ListHardBouncesContacts2', [cid, select, skip], res(contacts)),
    op('ListHardBouncingContactsWithLabels', [cid, opt('labels', t.ArrayOfString)], res(contacts)),
    op('ListHardBouncingContactsWithLabels2', [cid, select, skip, opt('labels', t.ArrayOfString)], res(contacts)),
    op('ListCampaignOpeners', [cid, select, skip], res(arrayOf(APICampaignContactOpen2))),
    op('ListCampaignClickers', [cid, select, skip], res(arrayOf(APICampaignContactClick2))),
    op('ListCampaignClickers2', [cid, select, skip], res(arrayOf(APICampaignContactClick3))),
    op('ListCampaignActivitiesSinceDate', [cid, req('startDate', xs.dateTime), select, skip], res(arrayOf(t.APICampaignContactSummary))),
    op('ListCampaignContactActivity', [cid, contactId], res(t.APICampaignContactSummary)),
    op('ListAddressBooksForCampaign', [req('campaignID', xs.int)], res(arrayOf(t.APIAddressBook))),
    op('ListCampaignsForAddressBook', [req('addressBookID', xs.int)], res(arrayOf(t.APICampaign))),
    perContact('ListCampaignContactReplies', APICampaignContactReply),
    perContact('ListCampaignContactClicks', APICampaignContactClick),
    perContact('ListCampaignContactClicks2', APICampaignContactClick3),
    perContact('ListCampaignContactPageViews', APICampaignContactPageView),
    perContact('ListCampaignContactOpens', APICampaignContactOpen),
    perContact('ListCampaignContactRoiDetail', APICampaignContactROIDetail),
    op('GetCampaignContactForwardInfo', [cid, contactId, req('getEstimates', xs.boolean)], res(APICampaignContactForward)),
    perContact('ListCampaignContactSocialBookmarkViews', APICampaignContactSocialBookmark),
    op('ListCampaigns2', [select, skip], res(arrayOf(t.APICampaign))),
    op('ListSentCampaignsWithActivitySinceDate', [req('startDate', xs.dateTime)], res(arrayOf(t.APICampaign))),
    op('GetCampaignSummary', [cid], res(APICampaignSummary)),
  ];
}
