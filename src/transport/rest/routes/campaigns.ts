import { Router } from 'express';
import { Services } from '../../../services';
import { Campaign } from '../../../domain/campaign';
import { CampaignInput } from '../../../services/campaigns';
import { actorOf } from '../auth';
import { ci, CiObject, queryParam } from '../input';

/** ApiCampaign (REST casing). */
export function campaignOut(c: Campaign): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    subject: c.subject,
    fromName: c.fromName,
    fromAddress: c.fromAddress === null ? null : { id: 0, email: c.fromAddress },
    htmlContent: c.htmlContent,
    plainTextContent: c.plainTextContent,
    replyAction: c.replyAction,
    replyToAddress: c.replyToAddress,
    isSplitTest: false,
    status: c.status,
  };
}

/** ApiCampaign in (any casing); fromAddress may be `{id, email}` or a plain address. */
export function campaignIn(b: CiObject): CampaignInput {
  const from = b.get('fromAddress');
  const fromAddress = from !== null && typeof from === 'object' ? ci(from, 'fromAddress').get('email') : from;
  return {
    name: b.get('name'),
    subject: b.get('subject'),
    fromName: b.get('fromName'),
    fromAddress,
    htmlContent: b.get('htmlContent'),
    plainTextContent: b.get('plainTextContent'),
    replyAction: b.get('replyAction'),
    replyToAddress: b.get('replyToAddress'),
  };
}

/** Vendor campaign routes under /v2/campaigns (create, get, list, update, delete). */
export function mountCampaigns(r: Router, s: Services): void {
  r.get('/campaigns', async (req, res) => {
    const list = await s.campaigns.list(actorOf(res).accountId, { select: queryParam(req.query, 'select'), skip: queryParam(req.query, 'skip') });
    res.json(list.map(campaignOut));
  });
  r.post('/campaigns', async (req, res) => {
    res.status(201).json(campaignOut(await s.campaigns.create(actorOf(res).accountId, campaignIn(ci(req.body)))));
  });
  r.get('/campaigns/:id', async (req, res) => {
    res.json(campaignOut(await s.campaigns.get(actorOf(res).accountId, req.params.id)));
  });
  r.put('/campaigns/:id', async (req, res) => {
    res.json(campaignOut(await s.campaigns.update(actorOf(res).accountId, req.params.id, campaignIn(ci(req.body)))));
  });
  r.delete('/campaigns/:id', async (req, res) => {
    await s.campaigns.delete(actorOf(res).accountId, req.params.id);
    res.status(204).end();
  });
}
