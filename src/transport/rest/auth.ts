import { NextFunction, Request, Response } from 'express';
import { AccountService, Actor } from '../../services/accounts';
import { DomainError } from '../../domain/errors';
import { UsageGuard } from '../../services/usage';
import { parseBasic } from '../basicAuth';


/** Express middleware: HTTP Basic login to an account and its call quota; sets res.locals.actor or fails. */
export function basicAuth(accounts: AccountService, usage?: UsageGuard) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const creds = parseBasic(req.headers.authorization);
    if (!creds) return next(new DomainError('INVALID_LOGIN'));
    try {
      const actor: Actor = await accounts.authenticate(creds.username, creds.password);
      res.locals.actor = actor;
      res.locals.accountId = actor.accountId;
      usage?.hit(actor.accountId);
      next();
    } catch (e) {
      next(e);
    }
  };
}

/** The authenticated caller of a request. */
export function actorOf(res: Response): Actor {
  return res.locals.actor as Actor;
}
