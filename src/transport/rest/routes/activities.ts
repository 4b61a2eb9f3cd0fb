import { Router } from 'express';
import { Services } from '../../../services';
import { ContactActivitySummary } from '../../../domain/activity';
import { actorOf } from '../auth';
import { ci, queryParam } from '../input';
import { isoDate } from '../mappers';

const iso = (t: number | null) => (t === null ? null : isoDate(t));

/** ApiCampaignContactSummary (fields the gateway does not track are zero / null / false). */
function summaryOut(s: ContactActivitySummary): Record<string, unknown> {
  return {
    contactId: s.contactId,
    email: s.email,
    numOpens: s.numOpens,
    numPageViews: 0,
    numClicks: s.numClicks,
    numForwards: 0,
    numEstimatedForwards: 0,
    numReplies: 0,
    dateSent: iso(s.dateSent),
    dateFirstOpened: iso(s.dateFirstOpened),
    dateLastOpened: iso(s.dateLastOpened),
    firstOpenIp: null,
    unsubscribed: s.unsubscribed,
    softBounced: s.softBounced,
    hardBounced: s.hardBounced,
  };
}

/** Activity ingestion (our extension: POST /v2/activity-events) and the vendor's campaign activity reads. */
export function mountActivities(r: Router, s: Services): void {
  r.post('/activity-events', async (req, res) => {
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
      };
    });
    res.json(await s.activities.ingest(actorOf(res).accountId, events));
  });
  const paging = (q: Record<string, unknown>, since?: string) => ({ select: queryParam(q, 'select'), skip: queryParam(q, 'skip'), since });
  for (const suffix of ['', '/since-date/:date']) {
    r.get(`/campaigns/:id/activities${suffix}`, async (req, res) => {
      const list = await s.activities.summary(actorOf(res).accountId, req.params.id, paging(req.query, (req.params as Record<string, string>).date));
      res.json(list.map(summaryOut));
    });
    r.get(`/campaigns/:id/opens${suffix}`, async (req, res) => {
      const list = await s.activities.events(actorOf(res).accountId, req.params.id, 'open', paging(req.query, (req.params as Record<string, string>).date));
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
    });
    r.get(`/campaigns/:id/clicks${suffix}`, async (req, res) => {
      const list = await s.activities.events(actorOf(res).accountId, req.params.id, 'click', paging(req.query, (req.params as Record<string, string>).date));
      res.json(
        list.map((e) => ({ contactId: e.contactId, email: e.email, url: e.url, ipAddress: null, userAgent: null, dateClicked: isoDate(e.occurredAt), keyword: null })),
      );
    });
  }
}
