import { expect } from 'chai';
import { startApp, TestApp } from '../helpers/app';
import { RestClient, WITH_EXTENSIONS } from '../helpers/rest';
import { allJobsRunner } from '../helpers/sends';
import { EXPECTED_SUMMARY, recordScenario, ReportScenario } from '../helpers/reportScenario';
import { FakeClock } from '../../src/lib/clock';
import { JobRunner } from '../../src/jobs/runner';
import { DomainError } from '../../src/domain/errors';

// The campaign-report service on the real database: the richer activity ingestion (validation, all-or-nothing,
// idempotency), the summary derived from the rows, paging and errors as REST will need them, and behavioural segments
// on the richer activity.

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return `${e.code}: ${e.text}`;
    throw e;
  }
  return 'no error';
}

describe('campaign reports service', () => {
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

  it('derives the summary from the activity rows and sends, ROI total included', async () => {
    const s = await app.services.campaignReports.summary(accountId, sc.campaignId);
    expect(s).to.deep.include({ ...EXPECTED_SUMMARY, socialBookmarkViews: 3, roiEntries: 4, roiTotal: 35, dateSent: sc.sentAt });
    // a redelivered batch and a new event of another campaign change nothing here
    await app.services.activities.ingest(accountId, [{ eventId: 'x1', type: 'open', campaignId: sc.otherCampaignId, contactId: sc.ids.e }]);
    expect(await app.services.campaignReports.summary(accountId, sc.campaignId)).to.deep.equal(s);
    // ...while a new open of this campaign counts at once (its rollups are written with the event)
    await app.services.activities.ingest(accountId, [{ eventId: 'x2', type: 'open', campaignId: sc.campaignId, contactId: sc.ids.e }]);
    const after = await app.services.campaignReports.summary(accountId, sc.campaignId);
    expect([after.opens, after.uniqueOpens, after.rates.uniqueOpens]).to.deep.equal([4, 3, 100]);
  });

  it('checks every detail member; a bad event fails the whole batch and writes nothing', async () => {
    const ingest = (e: object) => app.services.activities.ingest(accountId, [{ eventId: 'ok-1', type: 'open', campaignId: sc.campaignId, contactId: sc.ids.a }, { eventId: 'bad-1', campaignId: sc.campaignId, contactId: sc.ids.a, ...e }]);
    expect(await code(ingest({ type: 'roi', value: 3 }))).to.equal('PARAMETER_INVALID: Event 1: marker is required for roi events (1 to 200 characters).');
    expect(await code(ingest({ type: 'roi', marker: 'Basket' }))).to.equal('PARAMETER_INVALID: Event 1: value is required for roi events.');
    expect(await code(ingest({ type: 'roi', marker: 'Basket', value: 'lots', valueType: 'Numeric' }))).to.match(/value must be a number/);
    expect(await code(ingest({ type: 'roi', marker: 'Basket', value: 'x', valueType: 'Money' }))).to.match(/valueType must be one of String, Numeric, Date, Boolean/);
    expect(await code(ingest({ type: 'roi', marker: 'When', value: 'yesterday', valueType: 'Date' }))).to.match(/value is not a valid date/);
    expect(await code(ingest({ type: 'reply', replyType: 'Shout' }))).to.match(/replyType must be one of Reply, AutoReply, ChallengeResponse, Unsafe/);
    expect(await code(ingest({ type: 'socialBookmarkView' }))).to.match(/bookmark is required/);
    expect(await code(ingest({ type: 'click', linkGroup: 'x'.repeat(201) }))).to.match(/linkGroup must be at most 200 characters/);
    expect(await code(app.services.activities.ingest(accountId, [{ eventId: 'bad-2', type: 'pageView', contactId: sc.ids.a }]))).to.match(/campaignId is required/);
    expect(await app.services.store.knex('activities').whereIn('event_id', ['ok-1', 'bad-1', 'bad-2']).count({ n: '*' }).first()).to.deep.include({ n: 0 });
    // a Date ROI value is stored as ISO-8601 and read back typed
    await app.services.activities.ingest(accountId, [{ eventId: 'roi-date', type: 'roi', campaignId: sc.otherCampaignId, contactId: sc.ids.e, marker: 'Delivery', value: '2030-10-05', valueType: 'date' }]);
    const [d] = await app.services.campaignReports.events(accountId, sc.otherCampaignId, 'roi', { contactId: sc.ids.e });
    expect([d.name, d.valueType, d.value]).to.deep.equal(['Delivery', 'Date', '2030-10-05T00:00:00.000Z']);
  });

  it('pages with select/skip (cap 1000) and answers unknown ids with the vendor codes, as REST will', async () => {
    const r = app.services.campaignReports;
    const all = await r.contactActivities(accountId, sc.campaignId, {});
    expect(all.map((x) => x.contactId)).to.deep.equal(Object.values(sc.ids).sort((a, b) => a - b));
    expect((await r.contactActivities(accountId, sc.campaignId, { select: '2', skip: '1' })).map((x) => x.contactId)).to.deep.equal(all.slice(1, 3).map((x) => x.contactId));
    expect(await code(r.contactActivities(accountId, sc.campaignId, { select: 1001 }))).to.match(/^PARAMETER_INVALID: select must be a whole number from 1 to 1000/);
    expect(await code(r.events(accountId, sc.campaignId, 'open', { skip: -1 }))).to.match(/^PARAMETER_INVALID/);
    expect(await code(r.events(accountId, sc.campaignId, 'open', { since: 'soon' }))).to.equal('PARAMETER_INVALID: startDate is not a valid date.');
    expect(await code(r.summary(accountId, 'x'))).to.match(/^CAMPAIGN_NOT_FOUND/);
    expect(await code(r.contactActivity(accountId, sc.campaignId, 999999999))).to.match(/^CONTACT_NOT_FOUND/);
    expect(await code(r.campaignsForAddressBook(accountId, 999999999, {}))).to.match(/^ADDRESSBOOK_NOT_FOUND/);
    const other = await app.newAccount('Other');
    expect(await code(r.summary(other.accountId, sc.campaignId))).to.match(/^CAMPAIGN_NOT_FOUND/);
    expect(await code(r.campaignsWithActivitySince(other.accountId, new Date(sc.sentAt).toISOString(), {}))).to.equal('no error');
    expect(await r.campaignsWithActivitySince(other.accountId, new Date(sc.sentAt).toISOString(), {})).to.deep.equal([]);
  });

  it('behavioural segments (opened, clicked) keep working on the richer activity', async () => {
    const seg = async (op: string) => {
      const v = await app.services.segments.create(accountId, { name: `seg-${op}`, rules: { all: [{ campaign: sc.campaignId, op }] } });
      await runner.drain();
      const rows = await app.services.store.knex('segment_members').where({ segment_id: v.id }).orderBy('contact_id').select('contact_id');
      return rows.map((x) => Number(x.contact_id));
    };
    expect(await seg('opened')).to.deep.equal([sc.ids.a, sc.ids.b, sc.ids.e]);
    expect(await seg('clicked')).to.deep.equal([sc.ids.a, sc.ids.b]);
  });

  it('behavioural segments on page views and replies: pageViewed and replied, per campaign or any, within N days, combined', async () => {
    const seg = async (name: string, cond: Record<string, unknown>) => {
      const v = await app.services.segments.create(accountId, { name, rules: { all: [cond] } });
      expect(v.kind).to.equal('behavioural');
      await runner.drain();
      const rows = await app.services.store.knex('segment_members').where({ segment_id: v.id }).orderBy('contact_id').select('contact_id');
      return rows.map((x) => Number(x.contact_id));
    };
    // Ann viewed a page an hour after the send, Bob the next day (at t2); only Ann replied (an auto-reply counts)
    expect(await seg('viewed', { campaign: sc.campaignId, op: 'pageViewed' })).to.deep.equal([sc.ids.a, sc.ids.b]);
    expect(await seg('viewed-any', { campaign: 'any', op: 'pageViewed' })).to.deep.equal([sc.ids.a, sc.ids.b]);
    expect(await seg('replied', { campaign: sc.campaignId, op: 'replied' })).to.deep.equal([sc.ids.a]);
    expect(await seg('replied-other', { campaign: sc.otherCampaignId, op: 'replied' })).to.deep.equal([]);
    clock.set(sc.t2 + 3_600_000);
    // a day later, the last day's activity is Bob's second page view only
    expect(await seg('viewed-1d', { campaign: sc.campaignId, op: 'pageViewed', withinDays: 1 })).to.deep.equal([sc.ids.b]);
    expect(await seg('replied-1d', { campaign: 'any', op: 'replied', withinDays: 1 })).to.deep.equal([]);
    // combined like any condition: replied but did not click (Ann clicked), viewed a page and replied
    expect(await seg('replied-not-clicked', { all: [{ campaign: sc.campaignId, op: 'replied' }, { campaign: sc.campaignId, op: 'notClicked' }] })).to.deep.equal([]);
    expect(await seg('viewed-and-replied', { all: [{ campaign: sc.campaignId, op: 'pageViewed' }, { campaign: sc.campaignId, op: 'replied' }] })).to.deep.equal([sc.ids.a]);
  });
});
