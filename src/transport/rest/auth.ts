import { NextFunction, Request, Response } from 'express';
import { Actor } from '../../services/accounts';
import { DomainError } from '../../domain/errors';
import { Logger } from '../../lib/logger';
import { TransportServices } from '../../services';
import { parseBasic } from '../basicAuth';
import { login } from '../login';

/** Express middleware: HTTP Basic login to an account and its call quota; sets res.locals.actor or fails. */
export function basicAuth(s: TransportServices, log: Logger) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const creds = parseBasic(req.headers.authorization);
    if (!creds) return next(new DomainError('INVALID_LOGIN'));
    try {
      const actor: Actor = await login(s, log, req, 'rest', creds.username, creds.password);
      res.locals.actor = actor;
      res.locals.accountId = actor.accountId;
      s.usage.hit(actor.accountId);
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
