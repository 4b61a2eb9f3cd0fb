import { Campaign } from '../../../domain/campaign';
import { CampaignInput } from '../../../services/campaigns';
import { actorOf } from '../auth';
import { ci, CiObject, queryParam } from '../input';
import { arrayOf, ref } from '../openapiSchemas';
import { PAGED, Route } from '../route';

/** ApiCampaign (REST casing). */
export function campaignOut(c: Campaign): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    subject: c.subject,
    fromName: c.fromName,
    fromAddress: c.fromAddress === null ? null : { id: c.fromAddressId, email: c.fromAddress },
    htmlContent: c.htmlContent,
    plainTextContent: c.plainTextContent,
    replyAction: c.replyAction,
    replyToAddress: c.replyToAddress,
    isSplitTest: c.isSplitTest === true,
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

const tag = 'Campaigns';

/** Vendor campaign routes under /v2/campaigns (create, get, list, update, delete). */
export const campaignRoutes: Route[] = [
  {
    method: 'get', path: '/campaigns', kind: 'vendor', tag, summary: 'List campaigns.', query: PAGED, ok: [200, arrayOf(ref('ApiCampaign'))], xml: 'ArrayOfApiCampaign',
    handler: async (req, res, { s }) => {
      const list = await s.campaigns.list(actorOf(res).accountId, { select: queryParam(req.query, 'select'), skip: queryParam(req.query, 'skip') });
      res.json(list.map(campaignOut));
    },
  },
  {
    method: 'post', path: '/campaigns', kind: 'vendor', tag, summary: 'Create a campaign.', body: ref('ApiCampaign'), ok: [201, ref('ApiCampaign')], xml: 'ApiCampaign',
    handler: async (req, res, { s }) => res.status(201).json(campaignOut(await s.campaigns.create(actorOf(res).accountId, campaignIn(ci(req.body))))),
  },
  {
    method: 'get', path: '/campaigns/:id', kind: 'vendor', tag, summary: 'Get a campaign.', ok: [200, ref('ApiCampaign')], xml: 'ApiCampaign',
    handler: async (req, res, { s }) => res.json(campaignOut(await s.campaigns.get(actorOf(res).accountId, req.params.id))),
  },
  {
    method: 'put', path: '/campaigns/:id', kind: 'vendor', tag, summary: 'Update a campaign.', body: ref('ApiCampaign'), ok: [200, ref('ApiCampaign')], xml: 'ApiCampaign',
    handler: async (req, res, { s }) => res.json(campaignOut(await s.campaigns.update(actorOf(res).accountId, req.params.id, campaignIn(ci(req.body))))),
  },
  {
    method: 'delete', path: '/campaigns/:id', kind: 'vendor', tag, summary: 'Delete a campaign.', ok: [204],
    handler: async (req, res, { s }) => {
      await s.campaigns.delete(actorOf(res).accountId, req.params.id);
      res.status(204).end();
    },
  },
];
