import { Request } from 'express';
import { DomainError } from '../../../domain/errors';

/** Raised when a request body passes the size cap. */
export class TooLarge extends Error {}

/** Raised when the client goes away before the body is complete. */
export class Aborted extends Error {}

/**
 * Reads the raw request body, refusing (before buffering it all) anything over `limit` bytes, and refusing any
 * Content-Encoding other than identity before reading a byte (CONTENT_ENCODING_NOT_SUPPORTED).
 */
export function readBody(req: Request, limit: number): Promise<Buffer> {
  const encoding = String(req.headers['content-encoding'] ?? '').trim().toLowerCase();
  // why: no SOAP client of the era compressed requests; inflating would let a 1 MB gzip bomb cost 1 GB of work.
  if (encoding !== '' && encoding !== 'identity') return Promise.reject(new DomainError('CONTENT_ENCODING_NOT_SUPPORTED'));
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new TooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limit) {
        done = true;
        chunks.length = 0;
        req.resume();
        reject(new TooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!done) {
        done = true;
        resolve(Buffer.concat(chunks));
      }
    });
    req.on('error', (e) => {
      if (!done) {
        done = true;
        reject(e);
      }
    });
    // why: a client that hangs up mid-body may emit neither 'end' nor 'error'; never leave the read pending.
    req.on('close', () => {
      if (!done) {
        done = true;
        reject(new Aborted());
      }
    });
  });
}
