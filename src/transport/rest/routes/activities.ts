import { ContactActivitySummary } from '../../../domain/activity';
import { actorOf } from '../auth';
import { ci, queryParam } from '../input';
import { isoDate } from '../mappers';
import { arrayOf, ref } from '../openapiSchemas';
import { PAGED, Route } from '../route';

const iso = (t: number | null) => (t === null ? null : isoDate(t));

/** ApiCampaignContactSummary (estimated forwards and the first open's IP are not tracked: zero / null). */
function summaryOut(s: ContactActivitySummary): Record<string, unknown> {
  return {
    contactId: s.contactId,
    email: s.email,
    numOpens: s.numOpens,
    numPageViews: s.numPageViews,
    numClicks: s.numClicks,
    numForwards: s.numForwards,
    // why: the gateway records forwards it is told of; the vendor's estimate of unreported forwards has no source here.
    numEstimatedForwards: 0,
    numReplies: s.numReplies,
    dateSent: iso(s.dateSent),
    dateFirstOpened: iso(s.dateFirstOpened),
    dateLastOpened: iso(s.dateLastOpened),
    firstOpenIp: null,
    unsubscribed: s.unsubscribed,
    softBounced: s.softBounced,
    hardBounced: s.hardBounced,
  };
}

const paging = (q: Record<string, unknown>, since?: string) => ({ select: queryParam(q, 'select'), skip: queryParam(q, 'skip'), since });

/** The three campaign activity reads, without and with a `since-date/:date` suffix. */
function activityReads(suffix: '' | '/since-date/:date'): Route[] {
  const since = suffix ? ' since a date' : '';
  const base = { method: 'get', kind: 'vendor', tag: 'Campaigns', query: PAGED, xml: null } as const;
  return [
    {
      ...base, path: `/campaigns/:id/activities${suffix}`, summary: `Per-contact activity of a campaign${since}.`, ok: [200, arrayOf(ref('ApiCampaignContactSummary'))],
      handler: async (req, res, { s }) => {
        const list = await s.activities.summary(actorOf(res).accountId, req.params.id, paging(req.query, req.params.date));
        res.json(list.map(summaryOut));
      },
    },
    {
      ...base, path: `/campaigns/:id/opens${suffix}`, summary: `Opens of a campaign${since}.`, ok: [200, arrayOf(ref('ApiCampaignContactOpen'))],
      handler: async (req, res, { s }) => {
        const list = await s.activities.events(actorOf(res).accountId, req.params.id, 'open', paging(req.query, req.params.date));
        res.json(
          list.map((e) => ({
            contactId: e.contactId,
            email: e.email,
            mailClient: null,
            mailClientVersion: null,
            ipAddress: null,
            userAgent: null,
            isHtml: true,
            isForward: false,
            dateOpened: isoDate(e.occurredAt),
          })),
        );
      },
    },
    {
      ...base, path: `/campaigns/:id/clicks${suffix}`, summary: `Clicks of a campaign${since}.`, ok: [200, arrayOf(ref('ApiCampaignContactClick'))],
      handler: async (req, res, { s }) => {
        const list = await s.activities.events(actorOf(res).accountId, req.params.id, 'click', paging(req.query, req.params.date));
        res.json(
          list.map((e) => ({ contactId: e.contactId, email: e.email, url: e.url, ipAddress: null, userAgent: null, dateClicked: isoDate(e.occurredAt), keyword: null })),
        );
      },
    },
  ];
}

/** Activity ingestion (our extension: POST /v2/activity-events) and the vendor's campaign activity reads. */
export const activityRoutes: Route[] = [
  {
    method: 'post', path: '/activity-events', kind: 'extension', tag: 'Activity', summary: 'Ingest delivery-platform events (one or an array, idempotent by eventId).',
    body: { oneOf: [ref('ApiActivityEvent'), arrayOf(ref('ApiActivityEvent'))] }, ok: [200, ref('ApiActivityIngestResult')], xml: null,
    handler: async (req, res, { s }) => {
      const list = Array.isArray(req.body) ? req.body : [req.body];
      const events = list.map((e: unknown) => {
        const o = ci(e, 'event');
        return {
          eventId: o.get('eventId'),
          type: o.get('type'),
          campaignId: o.get('campaignId'),
          sendId: o.get('sendId'),
          contactId: o.get('contactId'),
          email: o.get('email'),
          url: o.get('url'),
          occurredAt: o.get('occurredAt'),
          bounceType: o.get('bounceType'),
          linkGroup: o.get('linkGroup'),
          replyType: o.get('replyType'),
          subject: o.get('subject'),
          message: o.get('message'),
          marker: o.get('marker'),
          value: o.get('value'),
          valueType: o.get('valueType'),
          bookmark: o.get('bookmark'),
        };
      });
      res.json(await s.activities.ingest(actorOf(res).accountId, events));
    },
  },
  ...activityReads(''),
  ...activityReads('/since-date/:date'),
];
