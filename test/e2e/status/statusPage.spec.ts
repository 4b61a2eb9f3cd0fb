import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { FakeClock } from '../../../src/lib/clock';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { drainJobs } from '../../helpers/imports';
import { RestClient } from '../../helpers/rest';
import { segmentRow, StatusClient } from '../../helpers/statusPage';

const T0 = Date.UTC(2030, 5, 1, 9, 0, 0);

describe('status page over HTTP: login, isolation, refresh, escaping', () => {
  let app: TestApp;
  let clock: FakeClock;
  before(async () => {
    clock = new FakeClock(T0);
    app = await startApp({ clock, config: { importChunkRows: 2 } });
  });
  after(() => app.close());

  async function account(name = 'Status account'): Promise<{ login: TestLogin; api: RestClient; page: StatusClient }> {
    const login = await app.newAccount(name);
    const page = new StatusClient(app.baseUrl);
    const r = await page.login(login.username, login.password);
    expect(r.status, r.text).to.equal(303);
    return { login, api: new RestClient(app.baseUrl, login), page };
  }

  async function segment(api: RestClient, name: string, value = 'Ann'): Promise<number> {
    const r = await api.post('/v2/segments', { name, rules: { all: [{ dataField: 'FIRSTNAME', op: 'equals', value }] } });
    expect(r.status, r.text).to.equal(201);
    return r.body.id;
  }

  async function importCsv(api: RestClient, csv: string, fileName = 'people.csv'): Promise<string> {
    const r = await api.post('/v2/contacts/import', { fileName, data: Buffer.from(csv).toString('base64') });
    expect(r.status, r.text).to.equal(202);
    return r.body.id;
  }

  it('shows a login form to a visitor and nothing of any account', async () => {
    const { api } = await account('Visible only after login');
    await segment(api, 'Secret segment');
    const r = await new StatusClient(app.baseUrl).get('/status');
    expect(r.status).to.equal(200);
    expect(r.headers.get('content-type')).to.match(/^text\/html/);
    expect(r.text).to.include('<form class="login" method="post" action="/status/login">');
    expect(r.text).to.not.include('Secret segment');
    expect(r.text).to.not.match(/<script|<link|src=|https?:\/\//i);
    expect(r.headers.get('content-security-policy')).to.include("default-src 'none'");
  });

  it('signs in through the form with an HttpOnly SameSite=Strict cookie; a wrong password gets 401 and no cookie', async () => {
    const login = await app.newAccount('Cookie account');
    const page = new StatusClient(app.baseUrl);
    const bad = await page.login(login.username, `${login.password}x`);
    expect(bad.status).to.equal(401);
    expect(bad.text).to.include('Wrong username or password.');
    expect(bad.headers.get('set-cookie')).to.equal(null);
    expect(page.cookie).to.equal('');
    const unknown = await page.login(`nobody-${randomUUID()}@x.com`, login.password);
    expect(unknown.status).to.equal(401);
    const ok = await page.login(login.username, login.password);
    expect(ok.status).to.equal(303);
    expect(ok.headers.get('location')).to.equal('/status');
    const cookie = ok.headers.get('set-cookie') ?? '';
    expect(cookie).to.match(/^cg_status=[^;]+; Path=\/status; HttpOnly; SameSite=Strict; Max-Age=\d+/);
    const home = await page.get('/status');
    expect(home.status).to.equal(200);
    expect(home.text).to.include('Cookie account');
    expect(home.text).to.include(`(account ${login.accountId})`);
  });

  it('rejects a tampered or foreign cookie, and signs out for good: the old cookie replayed opens nothing', async () => {
    const { page } = await account('Tamper account');
    const value = page.cookie.slice('cg_status='.length);
    const tampered = `cg_status=${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`;
    const r = await page.get('/status', { Cookie: tampered });
    expect(r.text).to.include('action="/status/login"');
    expect(r.text).to.not.include('Tamper account');
    const old = page.cookie;
    const csrf = await page.csrf();
    const out = await page.post('/status/logout', { csrf });
    expect(out.status).to.equal(303);
    expect(out.headers.get('set-cookie')).to.match(/^cg_status=; .*Max-Age=0/);
    expect((await page.get('/status')).text).to.include('action="/status/login"');
    // why: clearing the browser's cookie is not signing out; a copy of the cookie must be dead too.
    const replay = await page.get('/status', { Cookie: old });
    expect(replay.text).to.include('action="/status/login"');
    expect(replay.text).to.not.include('Tamper account');
    expect((await page.post('/status/logout', { csrf }, { Cookie: old })).status).to.equal(401);
  });

  it("never shows another account's segments, imports or sends, and refuses to refresh its segments", async () => {
    const a = await account('Account A');
    const b = await account('Account B');
    const segA = await segment(a.api, 'Alpha only');
    const segB = await segment(b.api, 'Bravo only');
    await importCsv(a.api, 'email\nalpha@x.com\n', 'alpha-file.csv');
    await importCsv(b.api, 'email\nbravo@x.com\n', 'bravo-file.csv');
    await drainJobs(app.services);
    await insertSend(b.login.accountId, 'Bravo campaign', [segB]);
    const pa = (await a.page.get('/status')).text;
    expect(pa).to.include('Alpha only').and.include('alpha-file.csv');
    expect(pa).to.not.include('Bravo').and.not.include('bravo');
    expect(segmentRow(pa, segB)).to.equal(undefined);
    const pb = (await b.page.get('/status')).text;
    expect(pb).to.include('Bravo only').and.include('bravo-file.csv').and.include('Bravo campaign');
    expect(pb).to.not.include('Alpha').and.not.include('alpha');
    const before = await app.services.segments.get(b.login.accountId, segB);
    const r = await a.page.post(`/status/segments/${segB}/refresh`, { csrf: await a.page.csrf() });
    expect(r.status).to.equal(404);
    expect(r.text).to.not.include('Bravo');
    expect((await app.services.segments.get(b.login.accountId, segB)).refreshStatus).to.equal(before.refreshStatus);
    const imports = await app.services.status.recentImports(b.login.accountId, 10);
    const rep = await a.page.get(`/status/imports/${imports[0].id}/report`);
    expect(rep.status).to.equal(404);
    expect(segA).to.be.a('number');
  });

  it('Refresh POST queues a refresh of a stale segment and the page says so; without CSRF token or from another site it does nothing', async () => {
    const { api, page, login } = await account('Refresh account');
    const seg = await segment(api, 'Anns');
    await drainJobs(app.services);
    await importCsv(api, 'email,firstname\nann1@x.com,Ann\nann2@x.com,Ann\nbob@x.com,Bob\n');
    await drainJobs(app.services);
    clock.advance(5_000);
    let html = (await page.get('/status')).text;
    const row = segmentRow(html, seg) ?? '';
    expect(row).to.include('data-state="stale"');
    expect(row).to.match(/<td class="n members">0<\/td>/);
    const queued = async () => (await app.services.jobs.counts(['segment-refresh'])).queued;
    const q0 = await queued();
    const csrf = await page.csrf();
    expect((await page.post(`/status/segments/${seg}/refresh`, {})).status).to.equal(403);
    expect((await page.post(`/status/segments/${seg}/refresh`, { csrf: 'x'.repeat(csrf.length) })).status).to.equal(403);
    expect((await page.post(`/status/segments/${seg}/refresh`, { csrf }, { Origin: 'http://evil.example' })).status).to.equal(403);
    expect((await page.post(`/status/segments/${seg}/refresh`, { csrf }, { 'Sec-Fetch-Site': 'cross-site' })).status).to.equal(403);
    expect((await new StatusClient(app.baseUrl).post(`/status/segments/${seg}/refresh`, { csrf })).status).to.equal(401);
    expect(await queued()).to.equal(q0);
    expect((await app.services.segments.get(login.accountId, seg)).refreshStatus).to.not.equal('NotFinished');
    const r = await page.post(`/status/segments/${seg}/refresh`, { csrf }, { Origin: app.baseUrl });
    expect(r.status, r.text).to.equal(303);
    expect(r.headers.get('location')).to.equal(`/status?refreshed=${seg}`);
    expect(await queued()).to.equal(q0 + 1);
    expect((await app.services.segments.get(login.accountId, seg)).refreshStatus).to.equal('NotFinished');
    html = (await page.get(`/status?refreshed=${seg}`)).text;
    expect(html).to.include('Refresh queued for segment “Anns”.');
    expect(segmentRow(html, seg)).to.include('data-state="queued"');
    await drainJobs(app.services);
    html = (await page.get('/status')).text;
    expect(segmentRow(html, seg)).to.include('data-state="fresh"').and.match(/<td class="n members">2<\/td>/);
  });

  it('flags a segment overdue when its refreshDueBy has passed and no refresh runs; a running refresh shows as refreshing', async () => {
    const { api, page, login } = await account('Overdue account');
    const seg = await segment(api, 'Anns');
    await drainJobs(app.services);
    await importCsv(api, 'email,firstname\nann1@x.com,Ann\n');
    await drainJobs(app.services); // the import; no sweeper runs here, so the refresh is never queued
    const state = async () => segmentRow((await page.get('/status')).text, seg) ?? '';
    expect(await state()).to.include('data-state="stale"');
    const due = (await app.services.segments.get(login.accountId, seg)).refreshDueBy!;
    clock.set(due - 1);
    expect(await state()).to.include('data-state="stale"');
    clock.set(due + 1);
    expect(await state()).to.include('data-state="overdue"').and.include('<span class="badge overdue">overdue</span>');
    // queued but waiting for a free runner is still overdue
    await app.services.segments.requestRefresh(login.accountId, seg);
    expect(await state()).to.include('data-state="overdue"');
    // a process holds the job under a live lease: refreshing, not overdue
    const held = await app.services.jobs.claim(['segment-refresh'], 'busy-process');
    expect(held?.job.ref).to.equal(String(seg));
    expect(await state()).to.include('data-state="running"').and.include('refreshing');
    // that process died: once its lease has expired nothing runs the refresh, so it is overdue again
    clock.advance(app.services.config.jobLeaseMs + 1);
    expect(await state()).to.include('data-state="overdue"');
    await drainJobs(app.services);
    expect(await state()).to.include('data-state="fresh"');
  });

  it('escapes every value: a segment named <script>, a file name with markup, a campaign name with quotes', async () => {
    const { api, page, login } = await account('<b>Bold & "quoted"</b>');
    const seg = await segment(api, '<script>alert(1)</script>');
    await importCsv(api, 'email\nx@x.com\n', '"><img src=x onerror=alert(2)>.csv');
    await insertSend(login.accountId, `'"><svg onload=alert(3)>`, [seg]);
    const html = (await page.get('/status')).text;
    expect(html).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).to.include('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;.csv');
    expect(html).to.include('&#39;&quot;&gt;&lt;svg onload=alert(3)&gt;');
    expect(html).to.include('&lt;b&gt;Bold &amp; &quot;quoted&quot;&lt;/b&gt;');
    expect(html).to.not.match(/<script|<img|<svg|<b>/i);
  });

  it('shows import progress (rows done/total, rows/s, ETA) and links the report of a finished import', async () => {
    const { api, page } = await account('Import account');
    const id = await importCsv(api, 'email\na@x.com\nb@x.com\nc@x.com\nnot-an-email\n', 'four.csv');
    let html = (await page.get('/status')).text;
    expect(html).to.match(new RegExp(`<tr data-import-id="${id}" data-status="NotFinished">`));
    expect(html).to.include('when finished');
    expect((await page.get(`/status/imports/${id}/report`)).status).to.equal(404);
    await drainJobs(app.services);
    html = (await page.get('/status')).text;
    const row = new RegExp(`<tr data-import-id="${id}" data-status="Finished">[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
    expect(row).to.include('4 / 4').and.include('<progress max="100" value="100">');
    expect(row).to.include('<td class="n imported">3</td><td class="n rejected">1</td>');
    expect(row).to.include(`<a href="/status/imports/${id}/report">report</a>`);
    const rep = await page.get(`/status/imports/${id}/report`);
    expect(rep.status).to.equal(200);
    expect(rep.text).to.match(/<th>newContacts<\/th><td class="n">3<\/td>/).and.match(/<th>invalidEntries<\/th><td class="n">1<\/td>/);
    const faults = await page.get(`/status/imports/${id}/faults.csv`);
    expect(faults.status).to.equal(200);
    expect(faults.text).to.include('not-an-email');
    expect((await new StatusClient(app.baseUrl).get(`/status/imports/${id}/report`)).status).to.equal(401);
  });

  it('lists recent sends from the campaign_sends table, or from services.sends.recent when a sends service exists', async () => {
    const { api, page, login } = await account('Sends account');
    const seg = await segment(api, 'Send audience');
    await insertSend(login.accountId, 'Spring sale', [seg, 999_999]);
    let html = (await page.get('/status')).text;
    const row = /<tr data-send-id="[^"]+">[\s\S]*?<\/tr>/.exec(html)?.[0] ?? '';
    expect(row).to.include('Spring sale').and.include('Send audience').and.include('segment 999999 (deleted)');
    const calls: Array<[number, number]> = [];
    const services = app.services as unknown as { sends?: unknown };
    services.sends = {
      recent: async (accountId: number, n: number) => {
        calls.push([accountId, n]);
        return [{ id: 'live-1', campaignId: 7, campaignName: 'From the service', status: 'Sent', sendDate: new Date(T0).toISOString(), recipients: 12, refreshedSegments: [seg] }];
      },
    };
    try {
      html = (await page.get('/status')).text;
    } finally {
      delete services.sends;
    }
    expect(calls).to.deep.equal([[login.accountId, 10]]);
    const live = /<tr data-send-id="live-1">[\s\S]*?<\/tr>/.exec(html)?.[0] ?? '';
    expect(live).to.include('From the service').and.include('Send audience').and.include('>12<');
    expect(html).to.not.include('Spring sale');
  });

  it('shows the sweeper state handed in by main.ts and the queue lengths, or says the sweeper runs elsewhere', async () => {
    const { page } = await account('Sweeper account');
    let html = (await page.get('/status')).text;
    expect(html).to.include('id="sweeper-off"');
    expect(html).to.match(/<dd id="queue-segments">\d+ queued, \d+ running<\/dd>/);
    const other = await startApp({ clock, deps: { statusSources: { sweeper: () => ({ lastRunAt: T0 - 60_000, nextRunAt: T0 + 60_000, lastQueued: 3 }) } } });
    try {
      const login = await other.newAccount();
      const p2 = new StatusClient(other.baseUrl);
      await p2.login(login.username, login.password);
      clock.set(T0);
      html = (await p2.get('/status')).text;
    } finally {
      await other.close();
    }
    expect(html).to.include('<dd id="sweeper-last"><time datetime="2030-06-01T08:59:00.000Z">2030-06-01 08:59:00 UTC</time> <span class="rel">(60 s ago)</span></dd>');
    expect(html).to.include('<dd id="sweeper-next"><time datetime="2030-06-01T09:01:00.000Z">');
    expect(html).to.include('<dt>Refreshes queued by the last sweep</dt><dd>3</dd>');
    expect(html).to.include('<dd id="sweeper-missed">0</dd>');
    const third = await startApp({ clock, deps: { statusSources: { sweeper: () => ({ lastRunAt: T0, nextRunAt: T0 + 60_000, lastQueued: 0, missedTicks: 4, lastCatchUpAt: T0 }) } } });
    try {
      const login = await third.newAccount();
      const p3 = new StatusClient(third.baseUrl);
      await p3.login(login.username, login.password);
      clock.set(T0);
      html = (await p3.get('/status')).text;
    } finally {
      await third.close();
    }
    expect(html).to.match(/<dd id="sweeper-missed">4, last catch-up <time datetime="2030-06-01T09:00:00.000Z">/);
  });

  it('flags a sweeper whose next run is in the past as late, and names the version and the database in use', async () => {
    const late = await startApp({ clock, deps: { statusSources: { sweeper: () => ({ lastRunAt: T0 - 120_000, nextRunAt: T0 - 38_000, lastQueued: 0 }) } } });
    let html: string;
    try {
      const login = await late.newAccount();
      const p = new StatusClient(late.baseUrl);
      await p.login(login.username, login.password);
      clock.set(T0);
      html = (await p.get('/status')).text;
    } finally {
      await late.close();
    }
    expect(html).to.match(/<dd id="sweeper-next" class="late"><span class="badge overdue">late<\/span> <time datetime="2030-06-01T08:59:22.000Z">/);
    expect(html).to.include('the sweeper has not run when it should have');
    const { page } = await account('About account');
    const about = (await page.get('/status')).text;
    expect(about).to.not.include('class="late"');
    expect(about).to.match(/<dd id="version">contactgate \d+\.\d+\.\d+<\/dd>/);
    const db = app.services.config.db;
    expect(about).to.include(`<dd id="database">${db.client === 'sqlite' ? 'SQLite' : 'MySQL/MariaDB'}, `);
  });

  it('a segment has a page of its own: freshness, rules, refresh history and its members 50 at a time; another account gets 404', async () => {
    const { api, page } = await account('Segment page account');
    const id = await segment(api, 'Many Anns');
    const csv = ['email,firstname', ...Array.from({ length: 60 }, (_, i) => `ann${String(i).padStart(2, '0')}@example.com,Ann`)].join('\n');
    await importCsv(api, csv, 'anns.csv');
    await drainJobs(app.services);
    expect((await api.post(`/v2/segments/refresh/${id}`, {})).status).to.be.oneOf([200, 202]);
    await drainJobs(app.services);
    const overview = (await page.get('/status')).text;
    expect(overview).to.include(`<a href="/status/segments/${id}">Many Anns</a>`);
    const first = await page.get(`/status/segments/${id}`);
    expect(first.status, first.text).to.equal(200);
    expect(first.text).to.include('<h1>Segment Many Anns');
    expect(first.text).to.match(/<pre id="rules">[^<]*FIRSTNAME/);
    const historyRows = first.text.match(/<tr data-history-id=/g) ?? [];
    expect(historyRows.length).to.be.at.least(1);
    expect(first.text.match(/<tr data-contact-id=/g) ?? []).to.have.length(50);
    expect(first.text).to.include(`<a id="next" href="/status/segments/${id}?skip=50">next</a>`);
    expect(first.text).to.not.include('id="prev"');
    const second = await page.get(`/status/segments/${id}?skip=50`);
    expect(second.text.match(/<tr data-contact-id=/g) ?? []).to.have.length(10);
    expect(second.text).to.include(`<a id="prev" href="/status/segments/${id}?skip=0">previous</a>`);
    expect(second.text).to.not.include('id="next"');
    const other = await account('Someone else');
    const foreign = await other.page.get(`/status/segments/${id}`);
    expect(foreign.status).to.equal(404);
    expect(foreign.text).to.not.include('Many Anns');
    expect((await new StatusClient(app.baseUrl).get(`/status/segments/${id}`)).status).to.equal(401);
  });

  /** A campaign and one finished send of it, written as the sends job would (refreshed_segments is a JSON id list). */
  async function insertSend(accountId: number, campaign: string, refreshed: number[]): Promise<void> {
    const knex = app.services.store.knex;
    const now = clock.now();
    const [campaignId] = await knex('campaigns').insert({ account_id: accountId, name: campaign, status: 'Sent', created_at: now, updated_at: now });
    const cid = typeof campaignId === 'object' ? Number((campaignId as { id: number }).id) : Number(campaignId);
    await knex('campaign_sends').insert({
      id: randomUUID(), account_id: accountId, campaign_id: cid, address_book_ids: '[]', contact_ids: '[]', send_date: now, status: 'Finished',
      recipients: 2, refreshed_segments: JSON.stringify(refreshed), created_at: now, started_at: now, finished_at: now,
    });
  }
});
