import { NextFunction, Request, Response } from 'express';
import { DomainError, ErrorKind, isDomainError, RetryLater } from '../../domain/errors';
import { Logger } from '../../lib/logger';
import { transientAsDomain } from '../../services/transient';
import { closeIfUnread } from '../http/body';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  auth: 401,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
  tooLarge: 413,
  unsupportedMedia: 415,
  rateLimited: 429,
  unsupported: 400,
  unavailable: 503,
};

/** HTTP status for a domain error kind. */
export function statusOf(kind: ErrorKind): number {
  return STATUS[kind];
}

/** Authorization failure exactly as the vendor words it. */
export const AUTH_DENIED = 'Authorization has been denied for this request.';

/** Turns body-parser and domain errors into the vendor's `{"message": "<text> ERROR_CODE"}`; hides everything else. */
export function restErrorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const e = toDomain(err);
    closeIfUnread(req, res);
    if (e) {
      if (e.kind === 'auth') {
        res.set('WWW-Authenticate', 'Basic realm="contactgate"');
        res.status(401).json({ message: AUTH_DENIED });
        return;
      }
      res.locals.errorCode = e.token;
      // why: the unread rest of a refused body would otherwise be drained to keep the connection alive; closing it
      // stops a client from making the gateway read megabytes it has already refused.
      if (e.kind === 'tooLarge' || e.kind === 'unsupportedMedia') res.set('Connection', 'close');
      if (e instanceof RetryLater) res.set('Retry-After', String(e.retryAfterS));
      res.status(statusOf(e.kind)).json({ message: e.message });
      return;
    }
    const id = String(res.locals.correlationId ?? '');
    log.error({ err, correlationId: id, path: req.path }, 'unexpected error');
    res.status(500).json({ message: `An unexpected error occurred (correlation id ${id}). ERROR_UNKNOWN` });
  };
}

/** Maps parser errors (bad JSON, too large) and domain errors to domain errors; undefined for real faults. */
export function toDomain(err: unknown): DomainError | undefined {
  if (isDomainError(err)) return err;
  const e = err as { type?: string; status?: number; expose?: boolean };
  if (e?.type === 'entity.too.large' || e?.status === 413) return new DomainError('REQUEST_TOO_LARGE');
  if (e?.type === 'entity.parse.failed') return new DomainError('BODY_DOES_NOT_MATCH_CONTENT_TYPE', 'The request body is not valid JSON.');
  if (e?.type === 'encoding.unsupported') return new DomainError('CONTENT_ENCODING_NOT_SUPPORTED');
  if (e?.type === 'charset.unsupported') return new DomainError('CONTENT_TYPE_IS_NOT_SUPPORTED');
  const transient = transientAsDomain(err);
  if (transient) return transient;
  if (e?.type === 'request.aborted') return new DomainError('MALFORMED_REQUEST', 'The request was aborted.');
  // why: the router answers a path such as /v2/contacts/%ZZ with a URIError-derived 400 that is not marked expose.
  if (err instanceof URIError || (e?.status === 400 && /decode param/i.test(String((err as Error)?.message)))) {
    return new DomainError('MALFORMED_REQUEST', 'The request path is not correctly encoded.');
  }
  if (e?.expose && typeof e.status === 'number' && e.status >= 400 && e.status < 500) return new DomainError('MALFORMED_REQUEST');
  return undefined;
}
