import { expect } from 'chai';
import { startApp, TestApp } from '../helpers/app';
import { RestClient, WITH_EXTENSIONS } from '../helpers/rest';
import { allJobsRunner } from '../helpers/sends';
import { EXPECTED_SUMMARY, recordScenario, ReportScenario } from '../helpers/reportScenario';
import { runCli } from '../helpers/cli';
import { testConfig } from '../helpers/db';
import { FakeClock } from '../../src/lib/clock';
import { JobRunner } from '../../src/jobs/runner';
import { summarize } from '../../src/domain/campaignSummary';
import { migrateLatest } from '../../src/db/migrate';

// The exact summary rollups (migration 012) on the real database: they equal a recount from the activity rows after
// sends, concurrent ingestion with redelivered event ids and out-of-order events; the migration backfills rows stored
// before it; drift is found and rebuilt by the service and by `campaigns verify-counters`.

describe('campaign summary rollups', function () {
  this.timeout(120_000);
  let app: TestApp;
  let clock: FakeClock;
  let runner: JobRunner;
  let accountId: number;
  let sc: ReportScenario;
  before(async () => {
    clock = new FakeClock(Date.UTC(2030, 9, 1, 9, 0, 0));
    app = await startApp({ clock });
    runner = allJobsRunner(app.services);
    const login = await app.newAccount();
    accountId = login.accountId;
    sc = await recordScenario(app.services, accountId, runner, clock, new RestClient(app.baseUrl, login, undefined, WITH_EXTENSIONS));
  });
  after(() => app.close());

  const repos = () => app.services.store.repos;
  const rawSummary = async (campaignId: number) => summarize(await repos().campaignReports.rawCounters(accountId, campaignId));

  it('after the scenario (a send and every event type) the rollups equal the recount and the raw-scan summary', async () => {
    expect(await repos().campaignRollups.verify(sc.campaignId)).to.deep.equal([]);
    const s = await app.services.campaignReports.summary(accountId, sc.campaignId);
    expect(s).to.deep.include({ ...EXPECTED_SUMMARY, roiEntries: 4, roiTotal: 35, dateSent: sc.sentAt });
    expect(s).to.deep.equal(await rawSummary(sc.campaignId));
  });

  it('stays exact under concurrent ingestion with duplicate event ids and out-of-order events', async () => {
    const c = await app.services.campaigns.create(accountId, { name: 'Busy', subject: 's', fromName: 'f', htmlContent: 'h', plainTextContent: 'p' });
    const contacts = [sc.ids.a, sc.ids.b, sc.ids.c, sc.ids.d, sc.ids.e];
    const types = ['open', 'click', 'pageView', 'reply', 'roi', 'forward', 'socialBookmarkView', 'open', 'click'] as const;
    const base = clock.now();
    // 60 distinct events; each batch takes an overlapping window of them, so most event ids arrive 2-4 times at once
    const events = Array.from({ length: 60 }, (_, i) => {
      const type = types[i % types.length];
      const e: Record<string, unknown> = { eventId: `busy-${i}`, type, campaignId: c.id, contactId: contacts[(i * 7) % contacts.length], occurredAt: new Date(base - (i % 13) * 60_000).toISOString() };
      if (type === 'roi') Object.assign(e, { marker: 'Basket', value: (i % 5) + 0.25, valueType: 'Numeric' });
      if (type === 'socialBookmarkView') e.bookmark = 'Twitter';
      if (type === 'reply') e.replyType = 'Reply';
      return e;
    });
    const batches = Array.from({ length: 12 }, (_, b) => {
      const from = (b * 5) % 60;
      const win = [...events.slice(from), ...events.slice(0, from)].slice(0, 20);
      return b % 2 ? win.reverse() : win;
    });
    const results = await Promise.all(batches.map((b) => app.services.activities.ingest(accountId, b)));
    expect(results.reduce((n, r) => n + r.accepted, 0)).to.equal(60);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).to.equal(12 * 20 - 60);
    expect(await repos().campaignRollups.verify(c.id)).to.deep.equal([]);
    expect(await repos().campaignRollups.counters(accountId, c.id)).to.deep.equal(await repos().campaignRollups.recount(accountId, c.id));
    const s = await app.services.campaignReports.summary(accountId, c.id);
    expect(s).to.deep.equal(await rawSummary(c.id));
    expect([s.opens + s.clicks + s.pageViews + s.replies + s.roiEntries + s.forwards + s.socialBookmarkViews, s.uniqueOpens, s.recipientsClicked]).to.deep.equal([60, 5, 5]);
    // a redelivery of everything changes nothing
    await app.services.activities.ingest(accountId, events.slice(0, 30));
    expect(await app.services.campaignReports.summary(accountId, c.id)).to.deep.equal(s);
  });

  it('a send rolls up its sent rows with the events posted before it (one distinct contact each, earliest time first)', async () => {
    const c = await app.services.campaigns.create(accountId, { name: 'Resent', subject: 's', fromName: 'f', htmlContent: 'h', plainTextContent: 'p' });
    const early = clock.now() - 3_600_000;
    await app.services.activities.ingest(accountId, [{ eventId: 'pre-sent-a', type: 'sent', campaignId: c.id, contactId: sc.ids.a, occurredAt: new Date(early).toISOString() }]);
    await app.services.sends.send(accountId, { campaignId: c.id, addressBookIds: [sc.bookId] });
    await runner.drain();
    const recipients = (await app.services.store.knex('send_recipients as r').join('campaign_sends as s', 's.id', 'r.send_id').where('s.campaign_id', c.id).select('r.contact_id')).map((x) => Number(x.contact_id));
    expect(recipients).to.include(sc.ids.a);
    const sent = (await repos().campaignRollups.counters(accountId, c.id)).find((x) => x.type === 'sent')!;
    expect([sent.n, sent.contacts, sent.firstAt]).to.deep.equal([recipients.length + 1, recipients.length, early]);
    const first = await app.services.store.knex('campaign_firsts').where({ campaign_id: c.id, type: 'sent', contact_id: sc.ids.a }).first();
    expect(Number(first.first_at)).to.equal(early);
    expect(await repos().campaignRollups.verify(c.id)).to.deep.equal([]);
  });

  it('a first row keeps the earliest time when an older event arrives later', async () => {
    const c = await app.services.campaigns.create(accountId, { name: 'Late', subject: 's', fromName: 'f', htmlContent: 'h', plainTextContent: 'p' });
    const t = clock.now();
    await app.services.activities.ingest(accountId, [{ eventId: 'late-2', type: 'open', campaignId: c.id, contactId: sc.ids.a, occurredAt: new Date(t).toISOString() }]);
    await app.services.activities.ingest(accountId, [{ eventId: 'late-1', type: 'open', campaignId: c.id, contactId: sc.ids.a, occurredAt: new Date(t - 5000).toISOString() }]);
    const first = await app.services.store.knex('campaign_firsts').where({ campaign_id: c.id, type: 'open' }).first();
    expect(Number(first.first_at)).to.equal(t - 5000);
    expect(await repos().campaignRollups.verify(c.id)).to.deep.equal([]);
  });

  it('verify lists drift and rebuild recomputes the rollups from the activity rows', async () => {
    const k = app.services.store.knex;
    await k('campaign_counters').where({ campaign_id: sc.campaignId, type: 'open' }).update({ n: 99, contacts: 7 });
    await k('campaign_firsts').where({ campaign_id: sc.campaignId, type: 'click', contact_id: sc.ids.a }).delete();
    const before = await app.services.campaignReports.verifyCounters(sc.campaignId, false);
    expect(before.drift).to.deep.equal([
      { campaignId: sc.campaignId, type: 'click', field: 'firsts', stored: null, expected: 1 },
      { campaignId: sc.campaignId, type: 'open', field: 'contacts', stored: 7, expected: 2 },
      { campaignId: sc.campaignId, type: 'open', field: 'n', stored: 99, expected: 3 },
    ]);
    expect(before.rebuilt).to.equal(false);
    const fixed = await app.services.campaignReports.verifyCounters(sc.campaignId, true);
    expect([fixed.drift.length, fixed.rebuilt]).to.deep.equal([3, true]);
    expect((await app.services.campaignReports.verifyCounters(null, false)).drift).to.deep.equal([]);
    expect(await app.services.campaignReports.summary(accountId, sc.campaignId)).to.deep.include(EXPECTED_SUMMARY);
  });

  it('the migration backfills rollups for activity stored before it', async () => {
    const k = app.services.store.knex;
    const want = await repos().campaignRollups.recount(null, null);
    // the database as it was before 012: no rollup tables, 012 not applied; then migrate as a deploy would
    await k.schema.dropTable('campaign_firsts');
    await k.schema.dropTable('campaign_counters');
    await k('knex_migrations').where({ name: '012_campaign_rollups' }).delete();
    expect(await migrateLatest(k)).to.deep.equal(['012_campaign_rollups']);
    expect(want.length).to.be.greaterThan(5);
    expect(await repos().campaignRollups.verify(null)).to.deep.equal([]);
    expect(await app.services.campaignReports.summary(accountId, sc.campaignId)).to.deep.include(EXPECTED_SUMMARY);
  });

  it('`campaigns verify-counters` reports drift (exit 1), fixes it with --rebuild, then finds none', async () => {
    const db = testConfig().db;
    const env: Record<string, string> =
      db.client === 'sqlite'
        ? { DB_CLIENT: 'sqlite', DB_FILENAME: db.filename }
        : { DB_CLIENT: 'mysql2', DB_HOST: db.host, DB_PORT: String(db.port), DB_USER: db.user, DB_PASSWORD: db.password, DB_NAME: db.database };
    await app.services.store.knex('campaign_counters').where({ campaign_id: sc.campaignId, type: 'click' }).update({ n: 40 });
    const id = String(sc.campaignId);
    const bad = await runCli(env, 'campaigns', 'verify-counters', '--campaign', id);
    expect([bad.code, bad.err]).to.deep.equal([1, '']);
    expect(bad.out).to.equal(`CAMPAIGN\tTYPE\tFIELD\tSTORED\tEXPECTED\n${id}\tclick\tn\t40\t3\n1 difference(s) in 1 campaign(s); run with --rebuild to fix\n`);
    const fix = await runCli(env, 'campaigns', 'verify-counters', '--campaign', id, '--rebuild');
    expect([fix.code, fix.out.split('\n').at(-2)]).to.deep.equal([0, '1 difference(s) in 1 campaign(s); rollups rebuilt from the activity rows']);
    const all = await runCli(env, 'campaigns', 'verify-counters', '--json');
    expect(all.code).to.equal(0);
    expect(JSON.parse(all.out)).to.deep.include({ drift: [], rebuilt: false });
    expect((await runCli(env, 'campaigns', 'verify-counters', '--campaign', 'x')).code).to.equal(2);
    const unknown = await runCli(env, 'campaigns', 'verify-counters', '--campaign', '999999');
    expect([unknown.code, unknown.err]).to.deep.equal([3, 'error: Campaign not found. ERROR_CAMPAIGN_NOT_FOUND\n']);
  });
});
