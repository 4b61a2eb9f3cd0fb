import { requestBase } from '../../soap/shared/http';
import { actorOf } from '../auth';
import { accountOut } from '../mappers';
import { ref } from '../openapiSchemas';
import { Route } from '../route';

/** GET /v2/account-info (authenticated). */
export const accountRoutes: Route[] = [
  {
    method: 'get', path: '/account-info', kind: 'vendor', tag: 'Account', summary: 'The account of the API user, with its API endpoint.', ok: [200, ref('ApiAccount')], xml: 'ApiAccount',
    handler: async (req, res, { s }) => {
      const a = actorOf(res);
      res.json(accountOut(await s.accounts.get(a.accountId), a.username, requestBase(req), s.usage.remaining(a.accountId)));
    },
  },
];
