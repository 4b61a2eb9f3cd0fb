import { Router } from 'express';
import { requestBase } from '../../soap/shared/http';
import { Services } from '../../../services';
import { actorOf } from '../auth';
import { accountOut } from '../mappers';

/** GET /v2/account-info (authenticated). */
export function mountAccount(r: Router, s: Services): void {
  r.get('/account-info', async (req, res) => {
    const a = actorOf(res);
    res.json(accountOut(await s.accounts.get(a.accountId), a.username, requestBase(req), s.usage.remaining(a.accountId)));
  });
}
