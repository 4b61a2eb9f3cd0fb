import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import { collectGarbage } from './gc';
import { expect } from 'chai';

/** What a hostile request got back, and how long after its last byte left us the answer started. */
export interface TimedReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** ms from the last body byte handed to the socket to the response headers (0 when the answer came first). */
  ms: number;
  /** Body bytes written before the server answered or closed. */
  sent: number;
}

/**
 * POSTs a body (one buffer, or a chunk generator streamed with back-pressure) and times the answer from the last byte
 * sent. Write errors after the server has answered (it may refuse and close before reading everything) are expected.
 */
export function timedPost(url: string, headers: Record<string, string>, body: Buffer | Iterable<Buffer>, keepAlive = false): Promise<TimedReply> {
  return new Promise((resolve, reject) => {
    let lastByteAt: number | undefined;
    let answeredAt: number | undefined;
    let sent = 0;
    let settled = false;
    const h: Record<string, string> = { ...headers };
    if (Buffer.isBuffer(body)) h['Content-Length'] = String(body.length);
    // why: `agent: false` makes node send `Connection: close`; real SOAP clients keep the connection alive, and then a
    // body the server refused unread is drained after the answer instead of being cut off.
    const agent = keepAlive ? new http.Agent({ keepAlive: true, maxSockets: 1 }) : false;
    const req = http.request(url, { method: 'POST', headers: h, agent }, (res) => {
      answeredAt = performance.now();
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        settled = true;
        const ms = lastByteAt === undefined || answeredAt! < lastByteAt ? 0 : answeredAt! - lastByteAt;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), ms, sent });
        req.destroy();
        if (agent) agent.destroy();
      });
      res.on('error', () => undefined);
    });
    req.on('error', (e) => {
      if (answeredAt === undefined && !settled) reject(e);
    });
    if (Buffer.isBuffer(body)) {
      sent = body.length;
      req.end(body, () => (lastByteAt = performance.now()));
      return;
    }
    const it = body[Symbol.iterator]();
    const pump = (): void => {
      for (;;) {
        if (answeredAt !== undefined || req.destroyed) return;
        const n = it.next();
        if (n.done) {
          req.end(() => (lastByteAt = performance.now()));
          return;
        }
        sent += n.value.length;
        if (!req.write(n.value)) {
          req.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

/** The median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export { collectGarbage };

/** Resident set size in bytes after a full collection. */
export function settledRss(): number {
  collectGarbage();
  return process.memoryUsage().rss;
}

/** A loopback TCP listener that counts every connection made to it (an XXE target that must never be reached). */
export async function connectionTrap(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server = net.createServer((s) => {
    n++;
    s.destroy();
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const port = (server.address() as net.AddressInfo).port;
  return { port, connections: () => n, close: () => new Promise<void>((res) => server.close(() => res())) };
}

type FsFn = 'readFile' | 'readFileSync' | 'open' | 'openSync' | 'createReadStream';
/**
 * Records every path this process opens through node:fs (and fs.promises) while installed; restore() puts the
 * originals back. Lets a test prove an XXE payload made the gateway read no file.
 */
export function fsSpy(): { paths: string[]; restore: () => void } {
  const paths: string[] = [];
  const names: FsFn[] = ['readFile', 'readFileSync', 'open', 'openSync', 'createReadStream'];
  const target = fs as unknown as Record<string, (...a: unknown[]) => unknown>;
  const saved = names.map((n) => [n, target[n]] as const);
  for (const [n, orig] of saved) {
    target[n] = function (this: unknown, ...a: unknown[]) {
      paths.push(String(a[0]));
      return orig.apply(this, a);
    };
  }
  const p = fs.promises as unknown as Record<string, (...a: unknown[]) => unknown>;
  const savedP = (['readFile', 'open'] as const).map((n) => [n, p[n]] as const);
  for (const [n, orig] of savedP) {
    p[n] = function (this: unknown, ...a: unknown[]) {
      paths.push(String(a[0]));
      return orig.apply(this, a);
    };
  }
  return {
    paths,
    restore() {
      for (const [n, orig] of saved) target[n] = orig;
      for (const [n, orig] of savedP) p[n] = orig;
    },
  };
}

/** ~1 GB of zeros gzip-compressed to ~1 MB (64 concatenated gzip members of 16 MiB each; gunzip reads them all). */
export function gzipBomb(): Buffer {
  const member = zlib.gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
  return Buffer.concat(Array(64).fill(member));
}

/** Chunks of `size` bytes of filler until `total` bytes (for a streamed body with no Content-Length). */
export function* filler(total: number, size = 64 * 1024, byte = 0x20): Generator<Buffer> {
  const chunk = Buffer.alloc(size, byte);
  for (let sent = 0; sent < total; sent += size) yield chunk;
}

/** Fails when any well-known prototype picked up a property or lost its shape. */
export function assertClean(where: string): void {
  const probe = {} as Record<string, unknown>;
  for (const k of ['polluted', 'isAdmin', 'p1', 'p2', 'p3', 'x']) {
    expect(probe[k], `${where}: ({}).${k}`).to.equal(undefined);
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, k), `${where}: Object.prototype.${k}`).to.equal(false);
    expect(Object.prototype.hasOwnProperty.call(Array.prototype, k), `${where}: Array.prototype.${k}`).to.equal(false);
    expect(Object.prototype.hasOwnProperty.call(Function.prototype, k), `${where}: Function.prototype.${k}`).to.equal(false);
  }
  expect(probe.constructor, where).to.equal(Object);
  expect(Object.getPrototypeOf(probe), where).to.equal(Object.prototype);
  expect(typeof Object.prototype.toString, where).to.equal('function');
}
