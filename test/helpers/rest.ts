import http from 'node:http';
import { TestLogin } from './app';

/** A response as the tests read it. */
export interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

/** The switch that asks vendor routes for our extension properties too. */
export const WITH_EXTENSIONS: Record<string, string> = { 'X-Contactgate-Extensions': 'true' };

/** A small REST client authenticated as one test account. */
export class RestClient {
  constructor(
    private readonly baseUrl: string,
    private readonly login?: Pick<TestLogin, 'username' | 'password'>,
    /** Local address to call from (127.x.y.z), so the gateway sees another client address. */
    private readonly from?: string,
    /** Headers sent with every request (e.g. the X-Contactgate-Extensions switch). */
    private readonly defaults: Record<string, string> = {},
  ) {}

  /** Sends a request; JSON bodies are serialised, string bodies go as they are. */
  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const h: Record<string, string> = { Accept: 'application/json', ...this.defaults, ...headers };
    if (this.login) h.Authorization = `Basic ${Buffer.from(`${this.login.username}:${this.login.password}`).toString('base64')}`;
    let payload: string | Buffer | undefined;
    if (body !== undefined) {
      if (typeof body === 'string' || Buffer.isBuffer(body)) payload = body;
      else {
        payload = JSON.stringify(body);
        h['Content-Type'] ??= 'application/json';
      }
    }
    // node:http rather than fetch: fetch refuses a GET with a body, which real clients send.
    const res = await rawRequest(`${this.baseUrl}${path}`, method, h, payload, this.from);
    const text = res.body.toString('utf8');
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed, text };
  }
  get(path: string, headers?: Record<string, string>) {
    return this.call('GET', path, undefined, headers);
  }
  post(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.call('POST', path, body ?? {}, headers);
  }
  put(path: string, body?: unknown) {
    return this.call('PUT', path, body ?? {});
  }
  delete(path: string) {
    return this.call('DELETE', path);
  }
}

/** One HTTP request with any method and body (from a given local address if set); resolves with status, headers and the raw body. */
export function rawRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string | Buffer,
  from?: string,
): Promise<{ status: number; headers: Headers; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    if (body !== undefined) h['Content-Length'] = String(Buffer.byteLength(body));
    const req = http.request(url, { method, headers: h, localAddress: from }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}
