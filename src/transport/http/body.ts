import { Request, Response } from 'express';
import { DomainError } from '../../domain/errors';

/**
 * Bytes of request bodies that all requests in flight may hold together (one per app). A body is counted from its
 * first byte (or its declared Content-Length) until its response is done, because its text and parse tree live
 * that long: so no mix of parallel requests, however large or hostile, can hold more than this in memory at once.
 */
export class BodyBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  /** Takes n bytes; false (and nothing taken) when they do not fit. */
  take(n: number): boolean {
    if (this.used + n > this.limit) return false;
    this.used += n;
    return true;
  }

  /** Gives back n bytes taken before. */
  give(n: number): void {
    this.used = Math.max(0, this.used - n);
  }

  /** Bytes held now. */
  get inUse(): number {
    return this.used;
  }
}

/** The app's body budget (set by createApp in `app.locals.bodyBudget`); none in apps built without it. */
export function budgetOf(req: Request): BodyBudget | undefined {
  return req.app?.locals?.bodyBudget as BodyBudget | undefined;
}

/** True when the request carries a body that nothing has read yet. */
export function hasUnreadBody(req: Request): boolean {
  if (req.readableEnded || req.complete) return false;
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

/** The app's per-request body cap (set by createApp in `app.locals.bodyLimitBytes`). */
function bodyLimitOf(req: Request): number {
  return Number(req.app?.locals?.bodyLimitBytes ?? 0);
}

/**
 * Decides what happens to a body refused before it was read: one of declared length within the body cap is drained
 * after the answer (Node discards it; nothing is buffered), so a client still uploading reads the answer (a 401
 * challenge, a 503) rather than a reset; one over the cap or of unknown length gets `Connection: close`, so the
 * gateway never reads what it refused.
 */
export function closeIfUnread(req: Request, res: Response): void {
  if (!hasUnreadBody(req) || res.headersSent) return;
  const declared = Number(req.headers['content-length']);
  if (!Number.isFinite(declared) || declared > bodyLimitOf(req)) res.setHeader('Connection', 'close');
}

/**
 * Sends `100 Continue` to a client that waits for it (`Expect: 100-continue`, as .NET proxies send), once the
 * request has passed every check made before its body is read. The server never sends it by itself (see
 * `httpServer`), so a refused request gets its final answer instead of an invitation to upload.
 */
export function continueIfExpected(req: Request): void {
  const res = req.res;
  if (!res || res.headersSent || !/100-continue/i.test(String(req.headers.expect ?? ''))) return;
  if ((res.locals as Record<string, unknown>).continued) return;
  (res.locals as Record<string, unknown>).continued = true;
  res.writeContinue();
}

/**
 * The checks a body passes before anything else is done for its request (also before the login): any
 * Content-Encoding other than identity (CONTENT_ENCODING_NOT_SUPPORTED) and a declared length over `limit`
 * (REQUEST_TOO_LARGE) are refused as DomainErrors with the connection marked to close, the body unread.
 */
export function precheckBody(req: Request, limit: number): void {
  const encoding = String(req.headers['content-encoding'] ?? '').trim().toLowerCase();
  const declared = Number(req.headers['content-length']);
  // why: no SOAP client of the era compressed requests; inflating would let a 1 MB gzip bomb cost 1 GB of work.
  const e =
    encoding !== '' && encoding !== 'identity'
      ? new DomainError('CONTENT_ENCODING_NOT_SUPPORTED')
      : Number.isFinite(declared) && declared > limit
        ? new DomainError('REQUEST_TOO_LARGE')
        : undefined;
  if (!e) return;
  if (req.res && !req.res.headersSent) req.res.setHeader('Connection', 'close');
  throw e;
}

/**
 * Reads the raw request body, refusing (as DomainErrors, with the connection marked to close) anything over `limit`
 * bytes before buffering it all, any Content-Encoding other than identity before reading a byte, and any body that
 * does not fit the app's body budget (SYSTEM_SERVICETEMPORARILYUNAVAILABLE, with Retry-After).
 */
export function readBody(req: Request, limit: number): Promise<Buffer> {
  const res = req.res;
  const refuse = (e: DomainError, drain = false): Promise<never> => {
    if (res && !res.headersSent) {
      if (!drain) res.setHeader('Connection', 'close');
      if (e.kind === 'unavailable') res.setHeader('Retry-After', '1');
    }
    return Promise.reject(e);
  };
  try {
    precheckBody(req, limit);
  } catch (e) {
    return Promise.reject(e);
  }
  const declared = Number(req.headers['content-length']);
  const budget = budgetOf(req);
  let held = 0;
  const hold = (n: number): boolean => {
    if (!budget) return true;
    if (!budget.take(n)) return false;
    if (held === 0) res?.once('close', () => budget.give(held));
    held += n;
    return true;
  };
  const busy = () => new DomainError('SYSTEM_SERVICETEMPORARILYUNAVAILABLE', 'The gateway holds as many request bodies as it may at once; retry the call shortly.');
  // why: a declared length is reserved whole before a byte is read, so a refused upload is never invited (100) or read.
  // why: its declared length is within the cap, so it is drained (not held) and the client reads the 503.
  if (Number.isFinite(declared) && declared > 0 && !hold(declared)) return refuse(busy(), true);
  continueIfExpected(req);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const fail = (e: DomainError) => {
      done = true;
      chunks.length = 0;
      req.resume();
      refuse(e).catch(reject);
    };
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limit) return fail(new DomainError('REQUEST_TOO_LARGE'));
      if (size > held && !hold(size - held)) return fail(busy());
      chunks.push(c);
    });
    req.on('end', () => {
      if (!done) {
        done = true;
        resolve(Buffer.concat(chunks));
      }
    });
    req.on('error', () => {
      if (!done) fail(new DomainError('MALFORMED_REQUEST', 'The request was aborted.'));
    });
    // why: a client that hangs up mid-body may emit neither 'end' nor 'error'; never leave the read pending.
    req.on('close', () => {
      if (!done) fail(new DomainError('MALFORMED_REQUEST', 'The request was aborted.'));
    });
  });
}
