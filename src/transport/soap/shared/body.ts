import { Request } from 'express';

/** Raised when a request body passes the size cap. */
export class TooLarge extends Error {}

/** Raised when the client goes away before the body is complete. */
export class Aborted extends Error {}

/** Reads the raw request body, refusing (before buffering it all) anything over `limit` bytes. */
export function readBody(req: Request, limit: number): Promise<Buffer> {
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
