import { NextFunction, Request, Response } from 'express';
import { DomainError } from '../../domain/errors';
import { readBody } from '../http/body';

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
      return next(e);
    }
    if (text.trim() === '') {
      req.body = {};
      return next();
    }
    // why: as express.json's strict mode, only an object or array is a request body.
    if (!/^\s*[[{]/.test(text)) return next(new DomainError('BODY_DOES_NOT_MATCH_CONTENT_TYPE', 'The request body is not valid JSON.'));
    const crowded = crowdedJson(text);
    if (crowded) return next(new DomainError('REQUEST_TOO_LARGE', crowded));
    try {
      req.body = JSON.parse(text);
    } catch {
      return next(new DomainError('BODY_DOES_NOT_MATCH_CONTENT_TYPE', 'The request body is not valid JSON.'));
    }
    next();
  };
}

/** Most values (objects, arrays, and the items in them) one JSON body may hold. */
export const MAX_JSON_VALUES = 200_000;

// why: bodies this small cannot hold enough values to matter; larger ones are counted before JSON.parse builds them.
const SCAN_FROM_CHARS = 64 * 1024;

/**
 * Why a JSON text holds too many values to parse (a flood of tiny items costs ~60 bytes of heap each), or undefined.
 * Counts commas and openers outside strings in one pass; a long string (a base64 import) costs one pass over it.
 */
export function crowdedJson(text: string, max = MAX_JSON_VALUES): string | undefined {
  if (text.length < SCAN_FROM_CHARS) return undefined;
  let values = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 44 || c === 123 || c === 91) {
      if (++values > max) return `The request body holds more than ${max} JSON values.`;
    }
  }
  return undefined;
}
