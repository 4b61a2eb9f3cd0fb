import { actorOf } from '../auth';
import { ref } from '../openapiSchemas';
import { Route } from '../route';
import { campaignOut } from './campaigns';

const tag = 'Campaigns';

/** Vendor routes that copy a campaign and read it with details. */
export const campaignCopyRoutes: Route[] = [
  {
    method: 'post', path: '/campaigns/:id/copy', kind: 'vendor', tag, summary: 'Copy a campaign (a new Unsent campaign named "Copy of ...").', ok: [201, ref('ApiCampaign')], xml: 'ApiCampaign',
    handler: async (req, res, { s }) => res.status(201).json(campaignOut(await s.campaigns.copy(actorOf(res).accountId, req.params.id))),
  },
  {
    method: 'get', path: '/campaigns/:id/with-details', kind: 'vendor', tag, summary: 'Get a campaign with its type, tags, split-test options and sent date.', ok: [200, ref('ApiCampaignDetails')], xml: null,
    handler: async (req, res, { s }) => {
      const accountId = actorOf(res).accountId;
      const c = await s.campaigns.get(accountId, req.params.id);
      const sent = (await s.campaignReports.summary(accountId, c.id)).dateSent;
      // why: the gateway has no triggered campaigns, tags or split tests: Standard, [] and [] as the vendor answered
      // for a plain campaign; sentDate is the first send's (null while unsent).
      res.json({ ...campaignOut(c), type: 'Standard', tags: [], splitTestOptions: [], sentDate: sent === null ? null : new Date(sent).toISOString() });
    },
  },
];
