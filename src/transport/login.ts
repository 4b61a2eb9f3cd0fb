import { IncomingMessage } from 'node:http';
import { isDomainError, RetryLater } from '../domain/errors';
import { Logger } from '../lib/logger';
import { TransportServices } from '../services';
import { Actor } from '../services/accounts';
import { requestSource } from './clientSource';

/**
 * Signs a caller in for any transport (REST, v1, v2, status page): the login counts against the request's source
 * address, and a refusal by the login throttle is logged (username and source, never the password).
 */
export async function login(s: TransportServices, log: Logger, req: IncomingMessage, dialect: string, username: string | undefined, password: string | undefined): Promise<Actor> {
  const source = requestSource(req);
  try {
    return await s.accounts.authenticate(username, password, source);
  } catch (e) {
    if (isDomainError(e) && e.code === 'LOGIN_THROTTLED') {
      const retryAfterS = e instanceof RetryLater ? e.retryAfterS : undefined;
      log.warn({ dialect, username: username?.slice(0, 254), source, retryAfterS }, 'login throttled');
    }
    throw e;
  }
}
