import { CustomFromAddress } from '../../../domain/fromAddress';
import { actorOf } from '../auth';
import { ci, queryParam } from '../input';
import { arrayOf, ref } from '../openapiSchemas';
import { PAGED, Route } from '../route';

/** ApiCampaignFromAddress (REST casing). */
export function fromAddressOut(a: CustomFromAddress): Record<string, unknown> {
  return { id: a.id, email: a.email };
}

const tag = 'Campaigns';

/** The vendor's list of custom from addresses, and our extension routes that manage them. */
export const fromAddressRoutes: Route[] = [
  {
    method: 'get', path: '/custom-from-addresses', kind: 'vendor', tag, summary: 'List the custom from addresses campaigns may be sent from.', query: PAGED,
    ok: [200, arrayOf(ref('ApiCampaignFromAddress'))], xml: 'ArrayOfApiCampaignFromAddress',
    handler: async (req, res, { s }) => {
      const list = await s.fromAddresses.list(actorOf(res).accountId, { select: queryParam(req.query, 'select'), skip: queryParam(req.query, 'skip') });
      res.json(list.map(fromAddressOut));
    },
  },
  {
    method: 'post', path: '/custom-from-addresses', kind: 'extension', tag, summary: 'Add a custom from address (`{"email"}`); 201 with its id.',
    body: ref('ApiCampaignFromAddress'), ok: [201, ref('ApiCampaignFromAddress')], errors: [409], xml: 'ApiCampaignFromAddress',
    handler: async (req, res, { s }) => res.status(201).json(fromAddressOut(await s.fromAddresses.add(actorOf(res).accountId, ci(req.body).get('email')))),
  },
  {
    method: 'delete', path: '/custom-from-addresses/:id', kind: 'extension', tag, summary: 'Remove a custom from address.', ok: [204],
    handler: async (req, res, { s }) => {
      await s.fromAddresses.remove(actorOf(res).accountId, req.params.id);
      res.status(204).end();
    },
  },
];
