import { Router, Request } from 'express';
import { Services } from '../../../services';
import { actorOf } from '../auth';
import { accountOut } from '../mappers';

/** The base URL the caller used (honouring a proxy's X-Forwarded-Proto/Host). */
export function publicBase(req: Request): string {
  const proto = String(req.headers['x-forwarded-proto'] ?? req.protocol).split(',')[0].trim();
  const host = String(req.headers['x-forwarded-host'] ?? req.headers.host ?? 'localhost').split(',')[0].trim();
  return `${proto}://${host}`;
}

/** GET /v2/account-info (authenticated). */
export function mountAccount(r: Router, s: Services): void {
  r.get('/account-info', async (req, res) => {
    const a = actorOf(res);
    res.json(accountOut(await s.accounts.get(a.accountId), a.username, publicBase(req)));
  });
}
