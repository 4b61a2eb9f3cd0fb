import { expect } from 'chai';
import * as soap from 'soap';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient, WITH_EXTENSIONS } from '../../helpers/rest';
import { allJobsRunner, settle } from '../../helpers/sends';
import { vendorClient } from '../../helpers/vendorClients';
import { FakeClock } from '../../../src/lib/clock';
import { JobRunner } from '../../../src/jobs/runner';

type Client = any; // eslint-disable-line @typescript-eslint/no-explicit-any

// Split tests through a node-soap client generated from the VENDOR's v1 WSDL (IsSplitTestCampaign,
// SendSplitTestCampaignToAddressBookWithProgress) and the REST split-test routes: the test portion is handed over by
// version, the winner is picked from recorded activity when the (fake) clock passes the test period, and the rest of
// the audience gets the winner. A send to a stale segment refreshes it first, as every send does.

describe('split tests: v1 SOAP (vendor WSDL client) and REST', () => {
  let app: TestApp;
  let clock: FakeClock;
  let runner: JobRunner;
  let login: TestLogin;
  let client: Client;
  let rest: RestClient;
  const t0 = Date.UTC(2030, 9, 1, 9, 0, 0);
  before(async () => {
    clock = new FakeClock(t0);
    app = await startApp({ clock });
    runner = allJobsRunner(app.services);
    client = await vendorClient('v1', 'split', app.baseUrl);
  });
  beforeEach(async () => {
    login = await app.newAccount();
    rest = new RestClient(app.baseUrl, login, undefined, WITH_EXTENSIONS);
  });
  after(() => app.close());

  const call = async (op: string, args: object = {}): Promise<any> =>
    (await client[`${op}Async`]({ username: login.username, password: login.password, ...args }))[0]?.[`${op}Result`];
  const fails = async (op: string, args: object, token: string): Promise<void> => {
    let err: any;
    try {
      await client[`${op}Async`]({ username: login.username, password: login.password, ...args });
    } catch (e) {
      err = e;
    }
    expect(err, `${op} should fail`).to.exist;
    expect(err.root?.Envelope?.Body?.Fault?.faultstring).to.match(new RegExp(`${token}$`));
  };
  const ok = (r: { status: number; text: string; body: any }) => {
    expect(r.status, r.text).to.be.within(200, 299);
    return r.body;
  };
  async function bookOf(n: number): Promise<number> {
    const book = ok(await rest.post('/v2/address-books', { name: 'Book' })).id;
    for (let i = 0; i < n; i++) ok(await rest.post(`/v2/address-books/${book}/contacts`, { email: `c${i}@x.com` }));
    return book;
  }
  const splitCampaign = async () =>
    ok(
      await rest.post('/v2/campaigns/split-test', {
        name: 'Which subject?',
        subjects: ['Subject A', 'Subject B'],
        fromNames: ['Acme'],
        fromAddresses: [{ email: 'news@acme.example' }],
        htmlContents: ['<p>Hi</p>'],
        plainTextContents: ['Hi'],
        splitTestOptions: 'Subject',
      }),
    );
  const outbox = (sendId: string) => app.services.splitTests.outbox(login.accountId, sendId);

  it('POST /v2/campaigns/split-test answers the vendor shape; IsSplitTestCampaign tells it from an ordinary campaign', async () => {
    const c = await splitCampaign();
    expect(c).to.deep.include({ name: 'Which subject?', subjects: ['Subject A', 'Subject B'], fromNames: ['Acme', 'Acme'], splitTestCount: 2, splitTestOptions: 'Subject', status: 'Unsent' });
    expect(c.fromAddresses).to.deep.equal([{ id: 0, email: 'news@acme.example' }, { id: 0, email: 'news@acme.example' }]);
    const plain = ok(await rest.post('/v2/campaigns', { name: 'Plain' })).id;
    expect(await call('IsSplitTestCampaign', { campaignId: c.id })).to.equal(true);
    expect(await call('IsSplitTestCampaign', { campaignId: plain })).to.equal(false);
    // Version A is the campaign itself, flagged as a split test where campaigns are read.
    expect(ok(await rest.get(`/v2/campaigns/${c.id}`))).to.include({ subject: 'Subject A', isSplitTest: true });
    expect(ok(await rest.get(`/v2/campaigns/${plain}`)).isSplitTest).to.equal(false);
    expect(ok(await rest.get('/v2/campaigns')).map((x: { isSplitTest: boolean }) => x.isSplitTest)).to.deep.equal([true, false]);
    const other = new RestClient(app.baseUrl, await app.newAccount());
    expect((await other.get(`/v2/campaigns/${c.id}/split-test`)).status).to.equal(404);
    await fails('IsSplitTestCampaign', { campaignId: 999999 }, 'ERROR_CAMPAIGN_NOT_FOUND');
    // Versions hold large content (MEDIUMTEXT on MariaDB, as a campaign's own).
    const html = `<p>${'x'.repeat(200_000)}</p>`;
    const big = ok(await rest.post('/v2/campaigns/split-test', { name: 'Big', subjects: ['A', 'B'], htmlContents: [html, html] }));
    expect(ok(await rest.get(`/v2/campaigns/${big.id}/split-test`)).versions[1].htmlContent).to.equal(html);
    const bad = await rest.post('/v2/campaigns/split-test', { name: 'One version', subjects: ['Only'] });
    expect(bad.status).to.equal(400);
    expect(bad.body.message).to.match(/ERROR_CAMPAIGN_INVALID$/);
  });

  it('the test portion goes out by version; after the test period the winner by clicks goes to the rest', async () => {
    const book = await bookOf(10);
    const c = await splitCampaign();
    const sendId = await call('SendSplitTestCampaignToAddressBookWithProgress', {
      campaignId: c.id,
      addressBookIds: { int: [book] },
      sendDate: new Date(t0).toISOString(),
      testPercentage: 40,
      testPeriodHours: 2,
      testMetric: 'Clicks',
    });
    expect(sendId).to.match(/^[0-9a-f-]{36}$/);
    await settle(runner, app.services, clock);
    // 40% of 10: four contacts, two per version, each with its version's subject; the send waits for the winner.
    let rows = await outbox(sendId);
    expect(rows).to.have.length(4);
    // The summary counts only what went out: the test portion (exact rollups, docs/campaigns.md).
    expect(ok(await rest.get(`/v2/campaigns/${c.id}/summary`)).numSent).to.equal(4);
    expect(rows.filter((r) => r.variant === 'A').map((r) => r.subject)).to.deep.equal(['Subject A', 'Subject A']);
    expect(rows.filter((r) => r.variant === 'B').map((r) => r.subject)).to.deep.equal(['Subject B', 'Subject B']);
    expect(await call('GetCampaignSendProgress', { progressID: sendId })).to.equal('Sending');
    // One B recipient clicks; before the period ends nothing more happens, even with the jobs drained.
    const bContact = rows.find((r) => r.variant === 'B')!.contactId;
    ok(await rest.post('/v2/activity-events', [{ eventId: 'k1', type: 'click', campaignId: c.id, contactId: bContact, url: 'https://acme.example', occurredAt: new Date(t0 + 60_000).toISOString() }]));
    clock.advance(3_600_000);
    await runner.drain();
    expect(await outbox(sendId)).to.have.length(4);
    const mid = ok(await rest.get(`/v2/campaigns/${c.id}/split-test`));
    expect(mid.versions.map((v: any) => [v.version, v.winningVersion, v.resultsActual, v.resultsPercentage])).to.deep.equal([
      ['A', false, 0, 0],
      ['B', false, 1, 50],
    ]);
    clock.advance(3_600_000);
    await runner.drain();
    rows = await outbox(sendId);
    expect(rows).to.have.length(10);
    expect(rows.filter((r) => r.variant === 'B')).to.have.length(8);
    expect(await call('GetCampaignSendProgress', { progressID: sendId })).to.equal('Sent');
    const res = ok(await rest.get(`/v2/campaigns/${c.id}/split-test`));
    expect(res.splitTestWinnerMetric).to.equal('Clicks');
    expect(res.versions.map((v: any) => v.winningVersion)).to.deep.equal([false, true]);
    expect(Object.keys(res.versions[0])).to.deep.equal([
      'subjectLine', 'fromName', 'fromAddress', 'htmlContent', 'plainTextContent', 'version', 'winningVersion', 'resultsActual', 'resultsPercentage',
    ]);
    // Every recipient has exactly one `sent` activity.
    expect(ok(await rest.get(`/v2/campaigns/${c.id}/summary`)).numSent).to.equal(10);
  });

  it('a tie goes to version A; a split-test send to a stale segment refreshes it first', async () => {
    const book = await bookOf(4);
    ok(await rest.post('/v2/data-fields', { name: 'TIER', type: 'String' }));
    const seg = ok(await rest.post('/v2/segments', { name: 'Gold', rules: { all: [{ dataField: 'TIER', op: 'equals', value: 'Gold' }] } })).id;
    // A bulk import makes two contacts Gold: the segment is stale until refreshed.
    const csv = 'Email,TIER\nc0@x.com,Gold\nc1@x.com,Gold\n';
    const imp = ok(await rest.post(`/v2/address-books/${book}/contacts/import`, { fileName: 'g.csv', data: Buffer.from(csv).toString('base64') })).id;
    await runner.drain();
    expect(ok(await rest.get(`/v2/contacts/import/${imp}`)).status).to.equal('Finished');
    expect(ok(await rest.get(`/v2/segments/${seg}`)).pendingRefresh).to.equal(true);
    const c = await splitCampaign();
    const sendId = await call('SendSplitTestCampaignToAddressBookWithProgress', {
      campaignId: c.id, addressBookIds: { int: [seg] }, sendDate: new Date(t0).toISOString(), testPercentage: 50, testPeriodHours: 1, testMetric: 'Opens',
    });
    await settle(runner, app.services, clock);
    const send = ok(await rest.get(`/v2/campaigns/send/${sendId}`));
    expect(send.refreshedSegments).to.deep.equal([seg]);
    expect(send.recipients).to.equal(2);
    clock.advance(3_600_000);
    await runner.drain();
    const rows = await outbox(sendId);
    expect(rows.map((r) => r.variant)).to.have.members(['A', 'B']);
    expect((await rest.get(`/v2/campaigns/${c.id}/split-test`)).body.versions.map((v: any) => v.winningVersion)).to.deep.equal([true, false]);
  });

  it('v2 SendCampaign (vendor v2 WSDL client) and REST POST /v2/campaigns/send with split-test options send a split test', async () => {
    const book = await bookOf(6);
    const v2 = await vendorClient('v2', 'split', app.baseUrl);
    v2.setSecurity(new soap.BasicAuthSecurity(login.username, login.password));
    const c1 = await splitCampaign();
    const [r] = await v2.SendCampaignAsync({
      apiCampaignSend: { CampaignId: c1.id, AddressBookIds: { int: [book] }, SplitTestOptions: { TestMetric: 'Opens', TestPercentage: 50, TestPeriodHours: 1 } },
    });
    const viaV2 = r.SendCampaignResult.Id;
    const c2 = await splitCampaign();
    const viaRest = ok(await rest.post('/v2/campaigns/send', { campaignId: c2.id, addressBookIds: [book], splitTestOptions: { testMetric: 'Clicks', testPercentage: 50, testPeriodHours: 1 } })).id;
    await settle(runner, app.services, clock);
    // 50% of 6: three contacts, dealt A, B, A.
    for (const id of [viaV2, viaRest]) expect((await outbox(id)).map((x) => x.variant).sort()).to.deep.equal(['A', 'A', 'B']);
    // An ordinary campaign with split-test options is refused; without options (or 0 %) it is an ordinary send.
    const plain = ok(await rest.post('/v2/campaigns', { name: 'Plain' })).id;
    const refused = await rest.post('/v2/campaigns/send', { campaignId: plain, addressBookIds: [book], splitTestOptions: { testMetric: 'Opens', testPercentage: 10, testPeriodHours: 1 } });
    expect(refused.status).to.equal(400);
    expect(refused.body.message).to.match(/ERROR_CAMPAIGN_SEND_INVALID$/);
    const ordinary = ok(await rest.post('/v2/campaigns/send', { campaignId: plain, addressBookIds: [book], splitTestOptions: { testMetric: 'Opens', testPercentage: 0, testPeriodHours: 0 } })).id;
    await settle(runner, app.services, clock);
    expect((await outbox(ordinary)).map((x) => x.variant)).to.deep.equal(new Array(6).fill(null));
    clock.advance(3_600_000);
    await runner.drain();
    for (const id of [viaV2, viaRest]) expect(ok(await rest.get(`/v2/campaigns/send/${id}`)).status).to.equal('Sent');
  });

  it('refuses a split-test send of an ordinary campaign, bad settings, and another account\'s campaign', async () => {
    const book = await bookOf(1);
    const plain = ok(await rest.post('/v2/campaigns', { name: 'Plain' })).id;
    const args = { addressBookIds: { int: [book] }, sendDate: new Date(t0).toISOString(), testPercentage: 10, testPeriodHours: 1, testMetric: 'Opens' };
    await fails('SendSplitTestCampaignToAddressBookWithProgress', { campaignId: plain, ...args }, 'ERROR_CAMPAIGN_SEND_INVALID');
    const c = await splitCampaign();
    await fails('SendSplitTestCampaignToAddressBookWithProgress', { campaignId: c.id, ...args, testPercentage: 0 }, 'ERROR_CAMPAIGN_SEND_INVALID');
    await fails('SendSplitTestCampaignToAddressBookWithProgress', { campaignId: c.id, ...args, testPeriodHours: 0 }, 'ERROR_CAMPAIGN_SEND_INVALID');
    // Nothing was half-written: the campaign can still be sent.
    expect(await call('SendSplitTestCampaignToAddressBookWithProgress', { campaignId: c.id, ...args })).to.match(/^[0-9a-f-]{36}$/);
    const theirs = await app.newAccount();
    const other = async () => client.SendSplitTestCampaignToAddressBookWithProgressAsync({ username: theirs.username, password: theirs.password, campaignId: c.id, ...args });
    let err: any;
    await other().catch((e: unknown) => (err = e));
    expect(err?.root?.Envelope?.Body?.Fault?.faultstring).to.match(/ERROR_CAMPAIGN_NOT_FOUND$/);
  });
});
