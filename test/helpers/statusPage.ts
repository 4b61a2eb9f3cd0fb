import { rawRequest } from './rest';

/** A status page response. */
export interface PageReply {
  status: number;
  headers: Headers;
  text: string;
}

/** A minimal cookie-keeping client of the status page (no redirects followed, so tests see every 303). */
export class StatusClient {
  cookie = '';
  /** from: local address to call from (127.x.y.z), so the gateway sees another client address. */
  constructor(
    readonly baseUrl: string,
    readonly from?: string,
  ) {}

  /** GET a page with the session cookie. */
  async get(path: string, headers: Record<string, string> = {}): Promise<PageReply> {
    return this.send('GET', path, undefined, headers);
  }

  /** POST a urlencoded form with the session cookie. */
  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<PageReply> {
    return this.send('POST', path, new URLSearchParams(form).toString(), { 'Content-Type': 'application/x-www-form-urlencoded', ...headers });
  }

  /** Signs in through the form; returns the login reply. */
  async login(username: string, password: string): Promise<PageReply> {
    return this.post('/status/login', { username, password });
  }

  /** The CSRF token of the current page's forms. */
  async csrf(): Promise<string> {
    const page = await this.get('/status');
    const m = /name="csrf" value="([^"]+)"/.exec(page.text);
    if (!m) throw new Error(`no CSRF token on the page (status ${page.status})`);
    return m[1];
  }

  private async send(method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<PageReply> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie && !h.Cookie) h.Cookie = this.cookie;
    const res = await rawRequest(`${this.baseUrl}${path}`, method, h, body, this.from);
    const set = res.headers.get('set-cookie');
    if (set) {
      const [pair] = set.split(';');
      this.cookie = pair.endsWith('=') ? '' : pair;
    }
    return { status: res.status, headers: res.headers, text: res.body.toString('utf8') };
  }
}

/** The `<tr>` of one segment on the status page (its markup), or undefined. */
export function segmentRow(html: string, id: number): string | undefined {
  const m = new RegExp(`<tr data-segment-id="${id}"[\\s\\S]*?</tr>`).exec(html);
  return m?.[0];
}
