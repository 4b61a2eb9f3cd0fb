import { NextFunction, Request, Response } from 'express';
import { DomainError } from '../../domain/errors';

// The one switch for our extension properties on REST objects (CONTRACT §10: vendor shapes stay pure).
// why: strict vendor client libraries map each JSON object onto a class with a fixed key set and throw on any other
// key (`Offset "recipients" not allowed`), so vendor routes answer exactly the vendor's properties unless asked.

/** The request header that asks for our extension properties on vendor routes (`true` or `false`). */
export const EXTENSIONS_HEADER = 'X-Contactgate-Extensions';

/** How a REST route shapes its objects: `vendor` routes honour the switch, `extension` routes always carry ours. */
export type RouteKind = 'vendor' | 'extension';

/** Reads the switch: true for `true`/`1`, false when absent or `false`/`0` (any case); other values are refused. */
export function parseExtensionsHeader(v: string | string[] | undefined): boolean {
  const raw = (Array.isArray(v) ? v[0] : v)?.trim().toLowerCase();
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new DomainError('PARAMETER_INVALID', `The ${EXTENSIONS_HEADER} header must be true or false.`);
}

/** Whether the caller asked for extension properties on vendor routes (the header, validated by extensionsSwitch). */
export function extensionsWanted(req: Request): boolean {
  return parseExtensionsHeader(req.headers[EXTENSIONS_HEADER.toLowerCase()]);
}

/** Whether a route of this kind answers with our extension properties for this request. */
export function withExtensions(req: Request, kind: RouteKind): boolean {
  return kind === 'extension' || extensionsWanted(req);
}

/**
 * Express middleware for the REST router: refuses a malformed switch once, before any route runs, and marks answers
 * as varying with it. why: a shared cache must not hand a strict client the extended shape another caller asked for.
 */
export function extensionsSwitch() {
  return (req: Request, res: Response, next: NextFunction): void => {
    res.vary(EXTENSIONS_HEADER);
    try {
      parseExtensionsHeader(req.headers[EXTENSIONS_HEADER.toLowerCase()]);
      next();
    } catch (e) {
      next(e);
    }
  };
}
