import { Router } from 'express';
import { Services } from '../../../services';
import { CampaignSend } from '../../../domain/send';
import { actorOf } from '../auth';
import { ci, queryParam } from '../input';
import { isoDate } from '../mappers';
import { withExtensions } from '../extensions';

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

/** Campaign send routes: POST /campaigns/send (202), progress, recipients, and the cancel extension. */
export function mountSends(r: Router, s: Services): void {
  r.post('/campaigns/send', async (req, res) => {
    const b = ci(req.body);
    const sent = await s.sends.send(actorOf(res).accountId, {
      campaignId: b.get('campaignId'),
      addressBookIds: b.get('addressBookIds'),
      contactIds: b.get('contactIds'),
      sendDate: b.get('sendDate'),
    });
    res.status(202).json(sendOut(sent, withExtensions(req, 'vendor')));
  });
  r.get('/campaigns/send/:id', async (req, res) => {
    res.json(sendOut(await s.sends.get(actorOf(res).accountId, req.params.id), withExtensions(req, 'vendor')));
  });
  r.get('/campaigns/send/:id/recipients', async (req, res) => {
    const list = await s.sends.recipients(actorOf(res).accountId, req.params.id, {
      select: queryParam(req.query, 'select'),
      skip: queryParam(req.query, 'skip'),
    });
    res.json(list.map((x) => ({ contactId: x.contactId, email: x.email })));
  });
  // Extension: cancels a send that has not started (a scheduled one, typically).
  r.post('/campaigns/send/:id/cancel', async (req, res) => {
    res.json(sendOut(await s.sends.cancel(actorOf(res).accountId, req.params.id), withExtensions(req, 'extension')));
  });
}
