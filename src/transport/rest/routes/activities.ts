import { actorOf } from '../auth';
import { ci } from '../input';
import { arrayOf, ref } from '../openapiSchemas';
import { Route } from '../route';

/** Activity ingestion (our extension: POST /v2/activity-events); the reads are campaign reports (campaignReports.ts). */
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
];
