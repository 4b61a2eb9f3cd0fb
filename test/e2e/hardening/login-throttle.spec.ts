import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createApp } from '../../../src/app';
import { FakeClock } from '../../../src/lib/clock';
import { createLogger } from '../../../src/lib/logger';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { faultCode, faultText, v1Call, v2Call } from '../../helpers/dialects';
import { RestClient } from '../../helpers/rest';
import { StatusClient } from '../../helpers/statusPage';

// Issue #23 §2: the login throttle counts failures per (username, source address). Each sentence of the design is
// tested on every surface that takes a password: REST, v1 SOAP, v2 SOAP and the status page sign-in.
//  1. the credential cache never answers a wrong password, and never lets a throttled source through;
//  2. a success resets its source's count (a client that mixes right and wrong calls is never refused);
//  3. a correct password from a source that is not failing is never refused (no lock-out weapon);
//  4. throttled answers are dialect-correct (REST 429 + Retry-After; v2 401 + WWW-Authenticate + fault; v1 a
//     fault; status page 429 + Retry-After) and logged (warn, username and source, never the password).

const MAX = 4;
const WINDOW_MS = 15 * 60_000;
const ATTACKER = '127.0.0.2';
const OWNER = '127.0.0.3';

/** How a login attempt ended, read strictly from the dialect's answer. */
type Outcome = 'ok' | 'wrong' | 'throttled';
type Creds = Pick<TestLogin, 'username' | 'password'>;

interface Surface {
  name: string;
  attempt(app: TestApp, login: Creds, from?: string): Promise<Outcome>;
}

function retryAfterOk(h: Headers): void {
  const v = Number(h.get('retry-after'));
  expect(Number.isInteger(v) && v > 0 && v <= WINDOW_MS / 1000, `Retry-After ${h.get('retry-after')}`).to.equal(true);
}

const SURFACES: Surface[] = [
  {
    name: 'REST',
    async attempt(app, login, from) {
      const r = await new RestClient(app.baseUrl, login, from).get('/v2/account-info');
      if (r.status === 200) return 'ok';
      if (r.status === 401) {
        expect(r.headers.get('www-authenticate')).to.equal('Basic realm="contactgate"');
        return 'wrong';
      }
      expect(r.status, r.text).to.equal(429);
      expect(r.body.message).to.match(/ ERROR_LOGIN_THROTTLED$/);
      retryAfterOk(r.headers);
      return 'throttled';
    },
  },
  {
    name: 'v2 SOAP',
    async attempt(app, login, from) {
      const r = await v2Call(app.baseUrl, login, 'GetServerTime', '', from);
      if (r.status === 200) return 'ok';
      // why: the contract wants every login problem on v2 as 401 + WWW-Authenticate with a fault body, never a 500.
      expect(r.status, r.text).to.equal(401);
      expect(r.headers.get('www-authenticate')).to.equal('Basic realm="contactgate"');
      expect(faultCode(r)).to.equal('soap:Client');
      const text = faultText(r) ?? '';
      if (/ ERROR_INVALID_LOGIN$/.test(text)) return 'wrong';
      expect(text).to.match(/ ERROR_LOGIN_THROTTLED$/);
      return 'throttled';
    },
  },
  {
    name: 'v1 SOAP',
    async attempt(app, login, from) {
      const r = await v1Call(app.baseUrl, login, 'GetCurrentAccountInfo', '', '1.1', from);
      if (r.status === 200) return 'ok';
      expect(r.status, r.text).to.equal(500);
      expect(faultCode(r)).to.equal('soap:Client');
      const text = faultText(r) ?? '';
      expect(text).to.match(/^Server was unable to process request\. ---> /);
      if (/ ERROR_INVALID_LOGIN$/.test(text)) return 'wrong';
      expect(text).to.match(/ ERROR_LOGIN_THROTTLED$/);
      return 'throttled';
    },
  },
  {
    name: 'status page',
    async attempt(app, login, from) {
      const page = new StatusClient(app.baseUrl, from);
      const r = await page.login(login.username, login.password);
      if (r.status === 303) {
        expect(page.cookie).to.match(/^cg_status=./);
        return 'ok';
      }
      expect(r.headers.get('set-cookie')).to.equal(null);
      if (r.status === 401) {
        expect(r.text).to.include('Wrong username or password.');
        return 'wrong';
      }
      expect(r.status, r.text).to.equal(429);
      expect(r.text).to.include('Too many failed logins');
      retryAfterOk(r.headers);
      return 'throttled';
    },
  },
];

describe('hardening: login throttle per (username, source) on REST, v1, v2 and the status page', () => {
  let app: TestApp;
  const clock = new FakeClock(Date.UTC(2026, 6, 1, 8, 0, 0));
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      raw.push(String(chunk));
      cb();
    },
  });
  const logLines = () =>
    raw
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  before(async () => {
    app = await startApp({
      clock,
      config: { loginMaxFailures: MAX, loginThrottleWindowMs: WINDOW_MS, rateLimitPerHour: 0 },
      build: (services) => createApp({ services, log: createLogger('info', sink) }),
    });
  });
  after(() => app.close());

  const wrongOf = (l: TestLogin): Creds => ({ username: l.username, password: `${l.password}-wrong` });
  async function times(n: number, f: () => Promise<Outcome>): Promise<Outcome[]> {
    const out: Outcome[] = [];
    for (let i = 0; i < n; i++) out.push(await f());
    return out;
  }

  for (const s of SURFACES) {
    describe(s.name, () => {
      it('the cache never answers a wrong password and never lets a throttled source in, even with the right one', async () => {
        const login = await app.newAccount();
        expect(await s.attempt(app, login, ATTACKER)).to.equal('ok'); // now cached for 60 s
        const guesses = await times(MAX + 2, () => s.attempt(app, wrongOf(login), ATTACKER));
        expect(guesses).to.deep.equal([...Array(MAX).fill('wrong'), 'throttled', 'throttled']);
        // The right password from the throttled source is refused too: otherwise 200 vs 429 tells a guesser the answer.
        expect(await s.attempt(app, login, ATTACKER)).to.equal('throttled');
        expect(await s.attempt(app, login, OWNER)).to.equal('ok');
        clock.advance(WINDOW_MS);
        expect(await s.attempt(app, login, ATTACKER)).to.equal('ok');
      });

      it('a success resets its source: a client that mixes right and wrong calls is never refused', async () => {
        const login = await app.newAccount();
        const seen: Outcome[] = [];
        // Each round: the right password (mostly answered from the 60 s credential cache), then two wrong ones.
        for (let i = 0; i < 3 * MAX; i++) {
          seen.push(await s.attempt(app, login));
          seen.push(await s.attempt(app, wrongOf(login)));
          seen.push(await s.attempt(app, wrongOf(login)));
          clock.advance(25_000);
        }
        expect(seen).to.deep.equal(Array.from({ length: 9 * MAX }, (_, i) => (i % 3 ? 'wrong' : 'ok')));
        // After a success, MAX - 1 wrong calls in a row still leave the right password in.
        expect(await s.attempt(app, login)).to.equal('ok');
        expect(await times(MAX - 1, () => s.attempt(app, wrongOf(login)))).to.deep.equal(Array(MAX - 1).fill('wrong'));
        expect(await s.attempt(app, login)).to.equal('ok');
      });

      it('a correct password from a source that is not failing is never refused, on any surface, and throttling is logged', async () => {
        const login = await app.newAccount();
        raw.length = 0;
        const attack = await times(3 * MAX, () => s.attempt(app, wrongOf(login), ATTACKER));
        expect(attack.filter((o) => o === 'wrong')).to.have.length(MAX);
        expect(attack.slice(MAX)).to.deep.equal(Array(2 * MAX).fill('throttled'));
        for (const other of SURFACES) {
          expect(await other.attempt(app, login, OWNER), other.name).to.equal('ok');
          expect(await other.attempt(app, login), other.name).to.equal('ok');
          expect(await other.attempt(app, login, ATTACKER), other.name).to.equal('throttled');
        }
        const warned = logLines().filter((l) => l.msg === 'login throttled');
        expect(warned.length).to.be.at.least(2 * MAX);
        for (const w of warned) expect(w).to.include({ level: 40, username: login.username, source: ATTACKER });
        expect(raw.join('')).to.not.include(login.password);
      });
    });
  }

  it('parallel guesses from one source get at most the allowance of password checks; parallel right logins all pass', async () => {
    const login = await app.newAccount();
    const guesses = await Promise.all(
      Array.from({ length: 4 * MAX }, (_, i) => SURFACES[0].attempt(app, { username: login.username, password: `guess-${i}-wrong` }, ATTACKER)),
    );
    expect(guesses.filter((o) => o === 'wrong').length).to.be.at.most(MAX);
    expect(guesses.filter((o) => o === 'throttled').length).to.be.at.least(3 * MAX);
    const fresh = await app.newAccount();
    const rights = await Promise.all(Array.from({ length: 4 * MAX }, () => SURFACES[0].attempt(app, fresh, OWNER)));
    expect(rights).to.deep.equal(Array(4 * MAX).fill('ok'));
  });

  it('Retry-After counts down to the end of the lock', async () => {
    const login = await app.newAccount();
    await times(MAX, () => SURFACES[0].attempt(app, wrongOf(login), ATTACKER));
    const rest = new RestClient(app.baseUrl, login, ATTACKER);
    expect((await rest.get('/v2/account-info')).headers.get('retry-after')).to.equal(String(WINDOW_MS / 1000));
    clock.advance(10 * 60_000);
    expect((await rest.get('/v2/account-info')).headers.get('retry-after')).to.equal(String(5 * 60));
    clock.advance(5 * 60_000);
    expect((await rest.get('/v2/account-info')).status).to.equal(200);
  });

  it('X-Forwarded-For is ignored unless TRUST_PROXY is on', async () => {
    const login = await app.newAccount();
    await times(MAX, () => SURFACES[0].attempt(app, wrongOf(login), ATTACKER));
    const spoof = await new RestClient(app.baseUrl, login, ATTACKER).get('/v2/account-info', { 'X-Forwarded-For': '203.0.113.9' });
    expect(spoof.status).to.equal(429);
  });
});

describe('hardening: login throttle behind a trusted proxy (TRUST_PROXY)', () => {
  let app: TestApp;
  before(async () => {
    app = await startApp({ config: { loginMaxFailures: MAX, loginThrottleWindowMs: WINDOW_MS, rateLimitPerHour: 0, trustProxy: 1 } });
  });
  after(() => app.close());

  it('counts by the address the proxy appended (the last X-Forwarded-For entry), not by what the client wrote before it', async () => {
    const login = await app.newAccount();
    const wrong = new RestClient(app.baseUrl, { username: login.username, password: 'wrong-password-1' });
    for (let i = 0; i < MAX; i++) {
      // A client can put anything before the proxy's entry; only the last one counts.
      expect((await wrong.get('/v2/account-info', { 'X-Forwarded-For': `198.51.100.${i}, 203.0.113.7` })).status).to.equal(401);
    }
    const right = new RestClient(app.baseUrl, login);
    expect((await right.get('/v2/account-info', { 'X-Forwarded-For': '203.0.113.7' })).status).to.equal(429);
    expect((await right.get('/v2/account-info', { 'X-Forwarded-For': '203.0.113.7, 203.0.113.8' })).status).to.equal(200);
    expect((await right.get('/v2/account-info')).status).to.equal(200);
  });
});
