import { SplitCampaign, SplitResults } from '../../../services/splitTests';
import { actorOf } from '../auth';
import { ci } from '../input';
import { ref } from '../openapiSchemas';
import { Route } from '../route';

// REST split-test campaigns (issue #21): create one with its versions, read each version's result.

/** apiSplitTestCampaign (REST casing): one list entry per version. */
export function splitCampaignJson(x: SplitCampaign): Record<string, unknown> {
  const c = x.campaign;
  return {
    id: c.id,
    name: c.name,
    subjects: x.versions.map((v) => v.subject),
    fromNames: x.versions.map((v) => v.fromName),
    fromAddresses: x.versions.map((v) => ({ id: 0, email: v.fromAddress })),
    htmlContents: x.versions.map((v) => v.htmlContent),
    plainTextContents: x.versions.map((v) => v.plainTextContent),
    replyAction: c.replyAction,
    replyToAddress: c.replyToAddress,
    status: c.status,
    splitTestOptions: x.option,
    splitTestCount: x.versions.length,
  };
}

/** apiCampaignSplitTestResults (REST casing). */
export function splitResultsJson(r: SplitResults): Record<string, unknown> {
  return {
    versions: r.versions.map((v) => ({
      subjectLine: v.subject,
      fromName: v.fromName,
      fromAddress: v.fromAddress,
      htmlContent: v.htmlContent,
      plainTextContent: v.plainTextContent,
      version: v.version,
      winningVersion: v.winning,
      resultsActual: v.actual,
      resultsPercentage: v.percentage,
    })),
    // why: before the first split-test send there is no metric yet; the vendor's enum default stands for "none".
    splitTestWinnerMetric: r.metric ?? 'NotAvailableInThisVersion',
  };
}

const base = { kind: 'vendor', tag: 'Campaigns', xml: null } as const;

/** The vendor's split-test routes. */
export const splitTestRoutes: Route[] = [
  {
    ...base, method: 'post', path: '/campaigns/split-test', summary: 'Create a split-test campaign (2 to 5 versions: A is also the campaign itself).',
    body: ref('ApiSplitTestCampaign'), ok: [201, ref('ApiSplitTestCampaign')],
    handler: async (req, res, { s }) => {
      const b = ci(req.body);
      const from = b.get('fromAddresses');
      const fromAddresses = Array.isArray(from) ? from.map((f: unknown) => (f !== null && typeof f === 'object' ? ci(f, 'fromAddress').get('email') : f)) : from;
      const created = await s.splitTests.createCampaign(actorOf(res).accountId, {
        name: b.get('name'),
        subjects: b.get('subjects'),
        fromNames: b.get('fromNames'),
        fromAddresses,
        htmlContents: b.get('htmlContents'),
        plainTextContents: b.get('plainTextContents'),
        replyAction: b.get('replyAction'),
        replyToAddress: b.get('replyToAddress'),
        option: b.get('splitTestOptions'),
        count: b.get('splitTestCount'),
      });
      res.status(201).json(splitCampaignJson(created));
    },
  },
  {
    ...base, method: 'get', path: '/campaigns/:campaignId/split-test', summary: "A split-test campaign's versions with their results and the winner.",
    ok: [200, ref('ApiCampaignSplitTestResults')],
    handler: async (req, res, { s }) => res.json(splitResultsJson(await s.splitTests.results(actorOf(res).accountId, req.params.campaignId))),
  },
];
