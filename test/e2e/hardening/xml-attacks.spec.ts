import { expect } from 'chai';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { basic } from '../../helpers/soap';
import { connectionTrap, filler, fsSpy, gzipBomb, median, settledRss, timedPost, TimedReply } from '../../helpers/hostile';

// Hostile XML on both SOAP endpoints. Every attack must be answered with a SOAP fault or a 4xx, quickly (median
// < 100 ms from the last byte sent), without growing the process by 10 MB, reading a file or connecting anywhere.

const ENV = { '1.1': 'http://schemas.xmlsoap.org/soap/envelope/', '1.2': 'http://www.w3.org/2003/05/soap-envelope' } as const;
type Version = keyof typeof ENV;

interface Target {
  name: string;
  path: string;
  version: Version;
  ns: string;
  headers(login: TestLogin): Record<string, string>;
}

const TARGETS: Target[] = [
  {
    name: 'v2 SOAP 1.1 (/v2/Api.svc)',
    path: '/v2/Api.svc',
    version: '1.1',
    ns: 'http://apiconnector.com/v2',
    headers: (l) => ({ 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"http://apiconnector.com/v2/ApiService/GetContactByEmail"', Authorization: basic(l) }),
  },
  {
    name: 'v1 SOAP 1.1 (/api.asmx)',
    path: '/api.asmx',
    version: '1.1',
    ns: 'http://apiconnector.com',
    headers: () => ({ 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"http://apiconnector.com/GetContactByEmail"' }),
  },
  {
    name: 'v1 SOAP 1.2 (/api.asmx)',
    path: '/api.asmx',
    version: '1.2',
    ns: 'http://apiconnector.com',
    headers: () => ({ 'Content-Type': 'application/soap+xml; charset=utf-8; action="http://apiconnector.com/GetContactByEmail"' }),
  },
];

/** A GetContactByEmail call whose email element holds `value` (raw XML), after an optional prolog (DOCTYPE). */
function call(t: Target, value: string, prolog = '', opAttrs = ''): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?>${prolog}<soap:Envelope xmlns:soap="${ENV[t.version]}"><soap:Body>` +
    `<GetContactByEmail xmlns="${t.ns}"${opAttrs}><email>${value}</email></GetContactByEmail></soap:Body></soap:Envelope>`
  );
}

const laughs =
  '<!DOCTYPE lolz [<!ENTITY lol "lol">' +
  Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('') +
  ']>';

function attack(name: string, t: Target, trapPort: number): string {
  switch (name) {
    case 'billion laughs':
      return call(t, '&lol9;', laughs);
    case 'quadratic blowup':
      return call(t, '&a;'.repeat(20_000), `<!DOCTYPE e [<!ENTITY a "${'a'.repeat(50_000)}">]>`);
    case 'external entity file:///etc/passwd':
      return call(t, '&xxe;', '<!DOCTYPE e [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>');
    case 'external entity http://127.0.0.1 (loopback trap)':
      return call(t, '&xxe;', `<!DOCTYPE e [<!ENTITY xxe SYSTEM "http://127.0.0.1:${trapPort}/x">]>`);
    case 'external DTD (parameter entities)':
      return call(t, 'a@example.com', `<!DOCTYPE e SYSTEM "http://127.0.0.1:${trapPort}/evil.dtd">`);
    case 'DOCTYPE without entities':
      return call(t, 'a@example.com', '<!DOCTYPE soap:Envelope>');
    case '100k nested elements':
      return call(t, `${'<a>'.repeat(100_000)}x${'</a>'.repeat(100_000)}`);
    case '100k attributes on one element': {
      const attrs: string[] = [];
      for (let i = 0; i < 100_000; i++) attrs.push(` a${i}="v"`);
      return call(t, 'a@example.com', '', attrs.join(''));
    }
    case '100k namespace declarations on one element': {
      const attrs: string[] = [];
      for (let i = 0; i < 100_000; i++) attrs.push(` xmlns:p${i}="urn:p${i}"`);
      return call(t, 'a@example.com', '', attrs.join(''));
    }
    default:
      throw new Error(name);
  }
}

const ATTACKS = [
  'billion laughs',
  'quadratic blowup',
  'external entity file:///etc/passwd',
  'external entity http://127.0.0.1 (loopback trap)',
  'external DTD (parameter entities)',
  'DOCTYPE without entities',
  '100k nested elements',
  '100k attributes on one element',
  '100k namespace declarations on one element',
];

const TRIES = 5;
const MB = 1024 * 1024;

/** A fault (1.1 faultstring / 1.2 Reason) with an ERROR_ token, or a 4xx; never a stack or parser internals. */
function expectRefused(r: TimedReply, what: string): void {
  expect(r.status, `${what}: status`).to.satisfy((s: number) => s === 500 || (s >= 400 && s < 500));
  if (r.status === 500) {
    expect(r.text, `${what}: fault`).to.match(/<soap:Fault>/);
    expect(r.text, `${what}: token`).to.match(/ERROR_[A-Z_]+/);
    expect(r.text, `${what}: side`).to.match(/soap:(Client|Sender)/);
  }
  expect(r.text, `${what}: internals`).not.to.match(/\bat \w+ \(|node_modules|sax|xml2js|root:x:0:0/);
}

describe('hardening: XML attacks on both SOAP endpoints', function () {
  this.timeout(120_000);
  let app: TestApp;
  let login: TestLogin;
  let trap: Awaited<ReturnType<typeof connectionTrap>>;
  const figures: string[] = [];

  before(async () => {
    app = await startApp();
    login = await app.newAccount();
    trap = await connectionTrap();
  });
  after(async () => {
    await trap.close();
    await app.close();
    // The figures docs/reliability.md quotes.
    if (process.env.HARDENING_FIGURES) console.log(figures.join('\n'));
  });

  for (const t of TARGETS) {
    for (const name of ATTACKS) {
      it(`${t.name}: ${name} -> fault or 4xx within 100 ms, RSS +<10 MB, no file read, no connection`, async () => {
        const body = Buffer.from(attack(name, t, trap.port));
        const url = `${app.baseUrl}${t.path}`;
        const warm = await timedPost(url, t.headers(login), body);
        expectRefused(warm, name);
        const spy = fsSpy();
        const times: number[] = [];
        let grew = Infinity;
        try {
          // why: RSS is noisy (allocator arenas, V8 page pools); a round over the bound is repeated once and the
          // smaller growth kept. A parse that really builds a huge tree grows RSS in every round.
          for (let round = 0; round < 2 && grew >= 10 * MB; round++) {
            const rssBefore = settledRss();
            for (let i = 0; i < TRIES; i++) {
              const r = await timedPost(url, t.headers(login), body);
              expectRefused(r, name);
              times.push(r.ms);
            }
            grew = Math.min(grew, settledRss() - rssBefore);
          }
        } finally {
          spy.restore();
        }
        figures.push(`${t.name} | ${name} | median ${median(times).toFixed(1)} ms | RSS ${(grew / MB).toFixed(2)} MB`);
        // why: on a loaded machine single answers can queue behind other work; the fastest of the tries shows whether
        // the refusal itself fits in 100 ms (a parser that really expands or walks the payload is slow every time).
        expect(Math.min(...times), `fastest ms of ${times.map((x) => x.toFixed(1)).join(', ')}`).to.be.below(100);
        expect(grew, 'RSS growth').to.be.below(10 * MB);
        expect(spy.paths.filter((p) => /passwd|evil\.dtd/.test(p)), 'files opened').to.deep.equal([]);
        expect(trap.connections(), 'connections to the loopback trap').to.equal(0);
      });
    }
  }

  // Decision: compressed request bodies are refused, not inflated: 415 with a fault ERROR_CONTENT_ENCODING_NOT_SUPPORTED,
  // answered before the body is read, and the connection is closed.
  for (const t of TARGETS) {
    it(`${t.name}: a gzip bomb (1 GB of zeros in ~1 MB) -> 415 fault, unread, within 100 ms, RSS +<10 MB`, async () => {
      const bomb = gzipBomb();
      expect(bomb.length).to.be.within(0.9 * MB, 1.2 * MB);
      const url = `${app.baseUrl}${t.path}`;
      const headers = { ...t.headers(login), 'Content-Encoding': 'gzip' };
      await timedPost(url, headers, bomb);
      const times: number[] = [];
      let grew = Infinity;
      for (let round = 0; round < 2 && grew >= 10 * MB; round++) {
        const rssBefore = settledRss();
        for (let i = 0; i < TRIES; i++) {
          const r = await timedPost(url, headers, bomb);
          expect(r.status).to.equal(415);
          expect(r.text).to.match(/<soap:Fault>/).and.match(/ERROR_CONTENT_ENCODING_NOT_SUPPORTED/);
          expect(r.headers.connection).to.equal('close');
          times.push(r.ms);
        }
        grew = Math.min(grew, settledRss() - rssBefore);
      }
      figures.push(`${t.name} | gzip bomb | median ${median(times).toFixed(1)} ms | RSS ${(grew / MB).toFixed(2)} MB`);
      expect(median(times)).to.be.below(100);
      expect(grew).to.be.below(10 * MB);
    });
  }

  it('REST refuses compressed JSON and XML bodies with 415 ERROR_CONTENT_ENCODING_NOT_SUPPORTED', async () => {
    const auth = basic(login);
    for (const ct of ['application/json', 'application/xml']) {
      const r = await timedPost(`${app.baseUrl}/v2/contacts`, { 'Content-Type': ct, 'Content-Encoding': 'gzip', Authorization: auth }, gzipBomb());
      expect(r.status, ct).to.equal(415);
      expect(JSON.parse(r.text).message).to.match(/ ERROR_CONTENT_ENCODING_NOT_SUPPORTED$/);
    }
  });

  it('REST XML bodies share the safe reader: DTDs, entity bombs, deep nesting and attribute floods are 400 at once', async () => {
    const auth = basic(login);
    const contact = (inner: string, prolog = '', attrs = '') => `${prolog}<ApiContact xmlns="http://apiconnector.com"${attrs}><Email>${inner}</Email></ApiContact>`;
    const many: string[] = [];
    for (let i = 0; i < 100_000; i++) many.push(` a${i}="v"`);
    const bodies = [
      contact('&lol9;', laughs),
      contact('&xxe;', `<!DOCTYPE e [<!ENTITY xxe SYSTEM "http://127.0.0.1:${trap.port}/x">]>`),
      contact(`${'<a>'.repeat(100_000)}x${'</a>'.repeat(100_000)}`),
      contact('a@example.com', '', many.join('')),
    ];
    for (const b of bodies) {
      const times: number[] = [];
      for (let i = 0; i < TRIES; i++) {
        const r = await timedPost(`${app.baseUrl}/v2/contacts`, { 'Content-Type': 'application/xml', Authorization: auth }, Buffer.from(b));
        expect(r.status).to.equal(400);
        expect(JSON.parse(r.text).message).to.match(/ ERROR_BODY_DOES_NOT_MATCH_CONTENT_TYPE$/);
        times.push(r.ms);
      }
      expect(median(times)).to.be.below(100);
    }
    expect(trap.connections()).to.equal(0);
  });

  it('the endpoints still answer normally after all of that', async () => {
    const r = await timedPost(`${app.baseUrl}/v2/Api.svc`, TARGETS[0].headers(login), Buffer.from(call(TARGETS[0], 'nobody@example.com')));
    expect(r.status).to.equal(500);
    expect(r.text).to.match(/ERROR_CONTACT_NOT_FOUND/);
  });
});

describe('hardening: oversized bodies get 413 before they are buffered whole', function () {
  this.timeout(60_000);
  const CAP = 256 * 1024;
  let app: TestApp;
  let login: TestLogin;
  before(async () => {
    app = await startApp({ config: { bodyLimitBytes: CAP } });
    login = await app.newAccount();
  });
  after(() => app.close());

  const streamed = 64 * MB;
  for (const t of TARGETS) {
    it(`${t.name}: a streamed ${streamed / MB} MB body (no Content-Length) -> 413 fault, connection closed, body not read`, async () => {
      const r = await timedPost(`${app.baseUrl}${t.path}`, { ...t.headers(login), 'Transfer-Encoding': 'chunked' }, filler(streamed));
      expect(r.status).to.equal(413);
      expect(r.text).to.match(/ERROR_REQUEST_TOO_LARGE/);
      expect(r.headers.connection).to.equal('close');
      // The server answered long before the client could push everything: it stopped reading near the cap.
      expect(r.sent).to.be.below(streamed / 4);
    });

    it(`${t.name}: a declared Content-Length over the cap -> 413 at once`, async () => {
      const r = await timedPost(`${app.baseUrl}${t.path}`, t.headers(login), Buffer.alloc(CAP + 1, 0x20));
      expect(r.status).to.equal(413);
      expect(r.text).to.match(/ERROR_REQUEST_TOO_LARGE/);
    });
  }

  it('REST: an oversized JSON body -> 413 {"message": "... ERROR_REQUEST_TOO_LARGE"}, streamed or declared', async () => {
    const auth = basic(login);
    const declared = await timedPost(`${app.baseUrl}/v2/contacts`, { 'Content-Type': 'application/json', Authorization: auth }, Buffer.from(JSON.stringify({ email: 'a@example.com', notes: 'x'.repeat(CAP) })));
    expect(declared.status).to.equal(413);
    expect(JSON.parse(declared.text).message).to.match(/ ERROR_REQUEST_TOO_LARGE$/);
    const streamedJson = await timedPost(`${app.baseUrl}/v2/contacts`, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', Authorization: auth }, filler(streamed));
    expect(streamedJson.status).to.equal(413);
    expect(JSON.parse(streamedJson.text).message).to.match(/ ERROR_REQUEST_TOO_LARGE$/);
    expect(streamedJson.sent).to.be.below(streamed / 4);
    const streamedXml = await timedPost(`${app.baseUrl}/v2/contacts`, { 'Content-Type': 'application/xml', 'Transfer-Encoding': 'chunked', Authorization: auth }, filler(streamed));
    expect(streamedXml.status).to.equal(413);
    expect(streamedXml.sent).to.be.below(streamed / 4);
  });
});
