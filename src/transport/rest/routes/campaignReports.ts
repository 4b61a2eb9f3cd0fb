import { actorOf } from '../auth';
import { boolQuery, queryParam } from '../input';
import { bookOut, contactOut } from '../mappers';
import { arrayOf, ref } from '../openapiSchemas';
import { activitySummaryJson, bookmarkJson, campaignSummaryJson, clickJson, clickWithGroupsJson, openJson, pageViewJson, replyJson, roiJson, roiXmlOut } from '../reportMappers';
import { PAGED, PAGED_FULL, Route } from '../route';
import { campaignOut } from './campaigns';
import { ReportedType } from '../../../services/campaignReports';

const tag = 'Campaigns';
const obj = { type: 'object' } as const;
const paging = (q: Record<string, unknown>) => ({ select: queryParam(q, 'select'), skip: queryParam(q, 'skip') });
const base = { method: 'get', kind: 'vendor', tag, xml: null } as const;

/** Item types of the list answers that have an XML form (`Accept: application/xml` answers `ArrayOf<item>`). */
type XmlItem = 'ApiCampaignContactSummary' | 'ApiCampaignContactOpen' | 'ApiCampaignContactClick' | 'ApiCampaignContactClickWithGroups' |
  'ApiCampaignContactPageView' | 'ApiCampaignContactReply' | 'ApiCampaignContactRoiDetail' | 'ApiCampaignContactSocialBookmarkView' | 'ApiContact' |
  'ApiAddressBook' | 'ApiCampaign';

/** A list answer: documented as an array of the item schema, written in XML as `ArrayOf<item>`; JSON only without one. */
function answer(item?: XmlItem): Pick<Route, 'ok' | 'xml' | 'xmlOut'> {
  if (!item) return { ok: [200, arrayOf(obj)], xml: null };
  // why: an ROI value is `anyType`: in XML it carries the xsi:type of its data type, as v2 SOAP writes it.
  return { ok: [200, arrayOf(ref(item))], xml: `ArrayOf${item}`, ...(item === 'ApiCampaignContactRoiDetail' ? { xmlOut: roiXmlOut } : {}) };
}

/** One contact's events of one type in a campaign: /campaigns/:id/activities/:contactId/<what>. */
function contactEvents(what: string, type: ReportedType, out: (e: Parameters<typeof clickJson>[0]) => Record<string, unknown>, item?: XmlItem): Route {
  return {
    ...base, path: `/campaigns/:id/activities/:contactId/${what}`, summary: `One contact's ${what} of a campaign.`, query: PAGED, ...answer(item),
    handler: async (req, res, { s }) => {
      const list = await s.campaignReports.events(actorOf(res).accountId, req.params.id, type, { ...paging(req.query), contactId: req.params.contactId });
      res.json(list.map(out));
    },
  };
}

/** A campaign's events of one type since a date: /campaigns/:id/<what>/since-date/:date. */
function eventsSince(what: string, type: ReportedType, out: (e: Parameters<typeof clickJson>[0]) => Record<string, unknown>, item?: XmlItem): Route {
  return {
    ...base, path: `/campaigns/:id/${what}/since-date/:date`, summary: `A campaign's ${what} since a date.`, query: PAGED, ...answer(item),
    handler: async (req, res, { s }) => {
      const list = await s.campaignReports.events(actorOf(res).accountId, req.params.id, type, { ...paging(req.query), since: req.params.date });
      res.json(list.map(out));
    },
  };
}

/** A campaign's per-contact activity, opens and clicks, without and with a `since-date/:date` suffix. */
function campaignReads(suffix: '' | '/since-date/:date'): Route[] {
  const since = suffix ? ' since a date' : '';
  const at = (req: { params: Record<string, string>; query: Record<string, unknown> }) => ({ ...paging(req.query), since: suffix ? req.params.date : undefined });
  return [
    {
      ...base, path: `/campaigns/:id/activities${suffix}`, summary: `Per-contact activity of a campaign${since}.`, query: PAGED, ...answer('ApiCampaignContactSummary'),
      handler: async (req, res, { s }) => res.json((await s.campaignReports.contactActivities(actorOf(res).accountId, req.params.id, at(req))).map(activitySummaryJson)),
    },
    {
      ...base, path: `/campaigns/:id/opens${suffix}`, summary: `Opens of a campaign${since}.`, query: PAGED, ...answer('ApiCampaignContactOpen'),
      handler: async (req, res, { s }) => res.json((await s.campaignReports.events(actorOf(res).accountId, req.params.id, 'open', at(req))).map(openJson)),
    },
    {
      ...base, path: `/campaigns/:id/clicks${suffix}`, summary: `Clicks of a campaign${since}.`, query: PAGED, ...answer('ApiCampaignContactClick'),
      handler: async (req, res, { s }) => res.json((await s.campaignReports.events(actorOf(res).accountId, req.params.id, 'click', at(req))).map(clickJson)),
    },
    {
      ...base, path: `/campaigns/:id/clicks-with-groups${suffix}`, summary: `Clicks of a campaign with their link's id and groups${since}.`, query: PAGED,
      ...answer('ApiCampaignContactClickWithGroups'),
      handler: async (req, res, { s }) => res.json((await s.campaignReports.clicksWithGroups(actorOf(res).accountId, req.params.id, at(req))).map(clickWithGroupsJson)),
    },
  ];
}

/**
 * The vendor's campaign reporting routes (summary, per-contact activity, page views, replies, ROI details, social
 * bookmark views, hard bouncers, campaign/address-book links), on the shared campaign-report service that v1 and v2
 * SOAP use too. Mounted before the campaign routes: `/campaigns/with-activity-since/:date` is not `/campaigns/:id`.
 */
export const campaignReportRoutes: Route[] = [
  {
    ...base, path: '/campaigns/with-activity-since/:date', summary: 'Sent campaigns with activity since a date.', query: PAGED, ...answer('ApiCampaign'),
    handler: async (req, res, { s }) => res.json((await s.campaignReports.campaignsWithActivitySince(actorOf(res).accountId, req.params.date, paging(req.query))).map(campaignOut)),
  },
  ...campaignReads(''),
  ...campaignReads('/since-date/:date'),
  {
    ...base, path: '/campaigns/:id/summary', summary: "A campaign's summary (counters from its exact rollups).", ok: [200, ref('ApiCampaignSummary')], xml: 'ApiCampaignSummary',
    handler: async (req, res, { s }) => res.json(campaignSummaryJson(await s.campaignReports.summary(actorOf(res).accountId, req.params.id))),
  },
  {
    ...base, path: '/campaigns/:id/activities/:contactId', summary: "One contact's activity summary for a campaign.", ok: [200, ref('ApiCampaignContactSummary')], xml: 'ApiCampaignContactSummary',
    handler: async (req, res, { s }) =>
      res.json(activitySummaryJson(await s.campaignReports.contactActivity(actorOf(res).accountId, req.params.id, req.params.contactId))),
  },
  contactEvents('clicks', 'click', clickJson, 'ApiCampaignContactClick'),
  {
    ...base, path: '/campaigns/:id/activities/:contactId/clicks-with-groups', summary: "One contact's clicks of a campaign with their link's id and groups.", query: PAGED,
    ...answer('ApiCampaignContactClickWithGroups'),
    handler: async (req, res, { s }) =>
      res.json((await s.campaignReports.clicksWithGroups(actorOf(res).accountId, req.params.id, { ...paging(req.query), contactId: req.params.contactId })).map(clickWithGroupsJson)),
  },
  contactEvents('opens', 'open', openJson, 'ApiCampaignContactOpen'),
  contactEvents('page-views', 'pageView', pageViewJson, 'ApiCampaignContactPageView'),
  contactEvents('replies', 'reply', replyJson, 'ApiCampaignContactReply'),
  contactEvents('roi-details', 'roi', roiJson, 'ApiCampaignContactRoiDetail'),
  {
    ...base, path: '/campaigns/:id/activities/:contactId/social-bookmark-views', summary: "One contact's social bookmark views of a campaign.", query: PAGED, ...answer('ApiCampaignContactSocialBookmarkView'),
    handler: async (req, res, { s }) =>
      res.json((await s.campaignReports.bookmarkViews(actorOf(res).accountId, req.params.id, { ...paging(req.query), contactId: req.params.contactId })).map(bookmarkJson)),
  },
  eventsSince('page-views', 'pageView', pageViewJson, 'ApiCampaignContactPageView'),
  eventsSince('roi-details', 'roi', roiJson, 'ApiCampaignContactRoiDetail'),
  {
    ...base, path: '/campaigns/:id/social-bookmark-views', summary: "A campaign's social bookmark views.", query: PAGED, ...answer('ApiCampaignContactSocialBookmarkView'),
    handler: async (req, res, { s }) => res.json((await s.campaignReports.bookmarkViews(actorOf(res).accountId, req.params.id, paging(req.query))).map(bookmarkJson)),
  },
  {
    ...base, path: '/campaigns/:id/hard-bouncing-contacts', summary: 'Contacts that hard-bounced on a campaign.', query: PAGED_FULL, ...answer('ApiContact'),
    handler: async (req, res, { s }) =>
      res.json(
        (await s.campaignReports.hardBouncers(actorOf(res).accountId, req.params.id, { ...paging(req.query), withFullData: boolQuery(queryParam(req.query, 'withFullData')) === true })).map(
          contactOut,
        ),
      ),
  },
  {
    ...base, path: '/campaigns/:id/address-books', summary: 'The address books a campaign was sent to.', query: PAGED, ...answer('ApiAddressBook'),
    handler: async (req, res, { s }) => res.json((await s.campaignReports.addressBooksForCampaign(actorOf(res).accountId, req.params.id, paging(req.query))).map(bookOut)),
  },
  {
    ...base, path: '/address-books/:id/campaigns', summary: 'The campaigns sent to an address book.', query: PAGED, ...answer('ApiCampaign'),
    handler: async (req, res, { s }) => res.json((await s.campaignReports.campaignsForAddressBook(actorOf(res).accountId, req.params.id, paging(req.query))).map(campaignOut)),
  },
];
