import { CampaignSend } from '../../../domain/send';
import { actorOf } from '../auth';
import { ci, queryParam } from '../input';
import { isoDate } from '../mappers';
import { withExtensions } from '../extensions';
import { arrayOf, ref } from '../openapiSchemas';
import { PAGED, Route } from '../route';

/** Our extension properties of ApiCampaignSend (documented in docs/rest.md and the OpenAPI document). */
export const SEND_EXTENSION_KEYS = ['recipients', 'refreshedSegments'] as const;

/** ApiCampaignSend (REST casing); with `ext` (extensions.ts) also our `recipients` and `refreshedSegments`. */
export function sendOut(s: CampaignSend, ext: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: s.id,
    campaignId: s.campaignId,
    addressBookIds: s.addressBookIds,
    contactIds: s.contactIds,
    sendDate: isoDate(s.sendDate),
    status: s.status,
  };
  if (!ext) return out;
  out.recipients = s.recipients;
  out.refreshedSegments = s.refreshedSegments;
  return out;
}

const tag = 'Campaigns';

/** Campaign send routes: POST /campaigns/send (202), progress, recipients, and the cancel extension. */
export const sendRoutes: Route[] = [
  {
    method: 'post', path: '/campaigns/send', kind: 'vendor', tag, summary: 'Send a campaign to address books, segments or contacts (stale segments are refreshed first).',
    body: ref('ApiCampaignSend'), ok: [202, ref('ApiCampaignSend')], xml: 'ApiCampaignSend',
    handler: async (req, res, { s, route }) => {
      const b = ci(req.body);
      const input = { campaignId: b.get('campaignId'), addressBookIds: b.get('addressBookIds'), contactIds: b.get('contactIds'), sendDate: b.get('sendDate') };
      // A split test (splitTestOptions with a test percentage) goes through the split-test service (issue #21).
      const o = b.get('splitTestOptions');
      const split = o !== null && typeof o === 'object' ? ci(o, 'splitTestOptions') : undefined;
      const pct = split?.get('testPercentage');
      const sent =
        split && pct !== undefined && pct !== null && pct !== 0
          ? await s.splitTests.send(actorOf(res).accountId, { ...input, metric: split.get('testMetric'), percentage: pct, periodHours: split.get('testPeriodHours') })
          : await s.sends.send(actorOf(res).accountId, input);
      res.status(202).json(sendOut(sent, withExtensions(req, route.kind)));
    },
  },
  {
    method: 'get', path: '/campaigns/send/:id', kind: 'vendor', tag, summary: 'Progress of a send.', ok: [200, ref('ApiCampaignSend')], xml: 'ApiCampaignSend',
    handler: async (req, res, { s, route }) => res.json(sendOut(await s.sends.get(actorOf(res).accountId, req.params.id), withExtensions(req, route.kind))),
  },
  {
    method: 'get', path: '/campaigns/send/:id/recipients', kind: 'extension', tag, summary: 'Contacts a send went to.', query: PAGED, ok: [200, arrayOf(ref('ApiContact'))], xml: null,
    handler: async (req, res, { s }) => {
      const list = await s.sends.recipients(actorOf(res).accountId, req.params.id, {
        select: queryParam(req.query, 'select'),
        skip: queryParam(req.query, 'skip'),
      });
      res.json(list.map((x) => ({ contactId: x.contactId, email: x.email })));
    },
  },
  {
    // Cancels a send that has not started (a scheduled one, typically).
    method: 'post', path: '/campaigns/send/:id/cancel', kind: 'extension', tag, summary: 'Cancel a send that has not started.', ok: [200, ref('ApiCampaignSend')], xml: null,
    handler: async (req, res, { s, route }) => res.json(sendOut(await s.sends.cancel(actorOf(res).accountId, req.params.id), withExtensions(req, route.kind))),
  },
];
