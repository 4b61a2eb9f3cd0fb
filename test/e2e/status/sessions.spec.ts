import { expect } from 'chai';
import { FakeClock } from '../../../src/lib/clock';
import { startApp, TestApp } from '../../helpers/app';
import { StatusClient } from '../../helpers/statusPage';

// Issue #23 §3: status page sessions live in the database, so every gateway process accepts the same sessions and a
// sign-out on any process ends the session on all of them. "Processes" here are three gateway apps, each with its
// own services (caches, throttle) and HTTP server, on the one test database.

const T0 = Date.UTC(2030, 6, 1, 9, 0, 0);
const signedIn = (html: string, accountName: string) => html.includes(accountName) && !html.includes('action="/status/login"');

describe('status page sessions across processes: sign-in anywhere, sign-out everywhere', () => {
  const clock = new FakeClock(T0);
  let p1: TestApp;
  let p2: TestApp;
  let p3: TestApp;
  before(async () => {
    [p1, p2, p3] = await Promise.all([startApp({ clock }), startApp({ clock }), startApp({ clock })]);
  });
  after(async () => {
    await Promise.all([p1, p2, p3].map((p) => p.close()));
  });

  /** A client of process p carrying the given cookie. */
  const on = (p: TestApp, cookie: string) => Object.assign(new StatusClient(p.baseUrl), { cookie });

  it('a session made on one process opens the page on another; signing out on a third ends it on all three', async () => {
    const login = await p1.newAccount('Session account');
    const a = new StatusClient(p1.baseUrl);
    expect((await a.login(login.username, login.password)).status).to.equal(303);
    const cookie = a.cookie;
    for (const p of [p1, p2, p3]) expect(signedIn((await on(p, cookie).get('/status')).text, 'Session account')).to.equal(true);
    // The form token is the session's, whichever process rendered the page.
    const csrf = await on(p2, cookie).csrf();
    expect(await on(p1, cookie).csrf()).to.equal(csrf);

    const out = await on(p3, cookie).post('/status/logout', { csrf });
    expect(out.status).to.equal(303);
    expect(out.headers.get('set-cookie')).to.match(/^cg_status=; .*Max-Age=0/);

    // Replaying the old cookie (a copy kept by an attacker, a shared machine's browser) opens nothing anywhere.
    for (const p of [p1, p2, p3]) {
      const page = await on(p, cookie).get('/status');
      expect(page.status).to.equal(200);
      expect(signedIn(page.text, 'Session account'), p.baseUrl).to.equal(false);
      expect((await on(p, cookie).post('/status/logout', { csrf })).status).to.equal(401);
      expect((await on(p, cookie).get('/status/imports/00000000-0000-0000-0000-000000000000/report')).status).to.equal(401);
    }
  });

  it('signing out ends only that session: the same user signed in elsewhere stays in', async () => {
    const login = await p1.newAccount('Two browsers');
    const laptop = new StatusClient(p1.baseUrl);
    const phone = new StatusClient(p2.baseUrl);
    await laptop.login(login.username, login.password);
    await phone.login(login.username, login.password);
    expect(laptop.cookie).to.not.equal(phone.cookie);
    expect((await on(p3, laptop.cookie).post('/status/logout', { csrf: await laptop.csrf() })).status).to.equal(303);
    expect(signedIn((await on(p1, laptop.cookie).get('/status')).text, 'Two browsers')).to.equal(false);
    expect(signedIn((await on(p1, phone.cookie).get('/status')).text, 'Two browsers')).to.equal(true);
  });

  it('a session ends after 8 hours on every process, and expired sessions are pruned from the database', async () => {
    const login = await p1.newAccount('Expiring account');
    const a = new StatusClient(p2.baseUrl);
    await a.login(login.username, login.password);
    clock.advance(8 * 3600_000 - 1000);
    expect(signedIn((await on(p3, a.cookie).get('/status')).text, 'Expiring account')).to.equal(true);
    clock.advance(1000);
    for (const p of [p1, p2, p3]) expect(signedIn((await on(p, a.cookie).get('/status')).text, 'Expiring account')).to.equal(false);
    const knex = p1.services.store.knex;
    const expired = async () => Number((await knex('status_sessions').where('expires_at', '<=', clock.now()).count({ n: '*' }).first())?.n);
    expect(await expired()).to.be.greaterThan(0);
    // The next sign-in anywhere prunes what has expired.
    await new StatusClient(p3.baseUrl).login(login.username, login.password);
    expect(await expired()).to.equal(0);
  });

  it('the database holds a digest of the cookie, not the cookie; a forged or altered cookie opens nothing', async () => {
    const login = await p1.newAccount('Digest account');
    const a = new StatusClient(p1.baseUrl);
    await a.login(login.username, login.password);
    const token = a.cookie.slice('cg_status='.length);
    const rows: Array<{ id: string }> = await p1.services.store.knex('status_sessions').where({ account_id: login.accountId }).select('id');
    expect(rows).to.have.length(1);
    expect(rows[0].id).to.not.include(token);
    expect((await on(p2, `cg_status=${rows[0].id}`).get('/status')).text).to.include('action="/status/login"');
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect((await on(p2, `cg_status=${flipped}`).get('/status')).text).to.include('action="/status/login"');
    expect((await on(p2, `cg_status=${'x'.repeat(5000)}`).get('/status')).text).to.include('action="/status/login"');
  });
});
