import { NextFunction, Request, Response } from 'express';
import { DomainError } from '../../domain/errors';
import { Aborted, readBody, TooLarge } from '../soap/shared/body';

/** Media types read as JSON bodies. */
const JSON_TYPES = ['application/json', 'text/json', 'application/*+json'];

/**
 * Reads JSON request bodies (objects or arrays; an empty body is `{}`) with the shared capped reader: a body over
 * `limit` is refused with 413 as soon as the cap is passed, and a compressed body with 415 before it is read.
 * why: express.json drains the whole of an oversized body before answering 413; this answers at once and closes.
 */
export function jsonBody(limit: number) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    if (!req.is(JSON_TYPES)) return next();
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(String(req.headers['content-type'] ?? ''))?.[1]?.toLowerCase();
    if (charset && !charset.startsWith('utf-')) return next(new DomainError('CONTENT_TYPE_IS_NOT_SUPPORTED', `The charset ${charset} is not supported; send UTF-8.`));
    let text: string;
    try {
      text = (await readBody(req, limit)).toString('utf8').replace(/^\uFEFF/, '');
    } catch (e) {
      if (e instanceof TooLarge) return next(new DomainError('REQUEST_TOO_LARGE'));
      if (e instanceof Aborted) return next(new DomainError('MALFORMED_REQUEST', 'The request was aborted.'));
      return next(e);
    }
    if (text.trim() === '') {
      req.body = {};
      return next();
    }
    // why: as express.json's strict mode, only an object or array is a request body.
    if (!/^\s*[[{]/.test(text)) return next(new DomainError('BODY_DOES_NOT_MATCH_CONTENT_TYPE', 'The request body is not valid JSON.'));
    try {
      req.body = JSON.parse(text);
    } catch {
      return next(new DomainError('BODY_DOES_NOT_MATCH_CONTENT_TYPE', 'The request body is not valid JSON.'));
    }
    next();
  };
}
