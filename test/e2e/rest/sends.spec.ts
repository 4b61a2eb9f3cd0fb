import { expect } from 'chai';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient, WITH_EXTENSIONS } from '../../helpers/rest';
import { allJobsRunner, settle } from '../../helpers/sends';
import { FakeClock } from '../../../src/lib/clock';
import { JobRunner } from '../../../src/jobs/runner';
import { SEND_JOB } from '../../../src/services/sends';

const HOUR = 3_600_000;
type ApiContact = { id: number; email: string; status: string; dataFields?: Array<{ key: string; value: unknown }> };

describe('REST v2: campaign sends (fresh segments, scheduling, audience rules, crash safety)', () => {
  let app: TestApp;
  let clock: FakeClock;
  let runner: JobRunner;
  before(async () => {
    clock = new FakeClock(Date.UTC(2030, 5, 1, 9, 0, 0));
    app = await startApp({ clock });
    runner = allJobsRunner(app.services);
  });
  after(() => app.close());

  async function account(): Promise<{ api: RestClient; login: TestLogin; book: number; campaign: number }> {
    const login = await app.newAccount();
    const api = new RestClient(app.baseUrl, login, undefined, WITH_EXTENSIONS);
    expect((await api.post('/v2/data-fields', { name: 'FAVOURITECOLOUR', type: 'String' })).status).to.equal(201);
    const book = (await api.post('/v2/address-books', { name: 'Main' })).body.id;
    const campaign = (await api.post('/v2/campaigns', { name: 'Spring', subject: 'Hello' })).body.id;
    return { api, login, book, campaign };
  }

  async function addToBook(api: RestClient, book: number, email: string, colour?: string): Promise<number> {
    const r = await api.post(`/v2/address-books/${book}/contacts`, { email, dataFields: colour ? [{ key: 'FAVOURITECOLOUR', value: colour }] : [] });
    expect(r.status, r.text).to.equal(200);
    return r.body.id;
  }

  async function blueSegment(api: RestClient): Promise<number> {
    const r = await api.post('/v2/segments', { name: 'Blues', rules: { all: [{ dataField: 'FAVOURITECOLOUR', op: 'equals', value: 'Blue' }] } });
    expect(r.status, r.text).to.equal(201);
    await runner.drain();
    return r.body.id;
  }

  /** Who is Blue and Subscribed right now, read contact by contact (independent of the segment engine). */
  async function freshBlues(api: RestClient): Promise<string[]> {
    const all: ApiContact[] = (await api.get('/v2/contacts?withFullData=true&select=1000')).body;
    return all
      .filter((c) => c.status === 'Subscribed' && c.dataFields?.find((d) => d.key === 'FAVOURITECOLOUR')?.value === 'Blue')
      .map((c) => c.email)
      .sort();
  }

  async function recipients(api: RestClient, sendId: string): Promise<string[]> {
    const r = await api.get(`/v2/campaigns/send/${sendId}/recipients?select=1000`);
    expect(r.status, r.text).to.equal(200);
    return r.body.map((x: { email: string }) => x.email).sort();
  }

  it('headline: a bulk import changes who matches; an immediate send to the segment goes to the FRESH membership', async () => {
    const { api, login, book, campaign } = await account();
    await addToBook(api, book, 'ann@x.com', 'Blue');
    await addToBook(api, book, 'bob@x.com', 'Red');
    await addToBook(api, book, 'cat@x.com', 'Blue');
    const seg = await blueSegment(api);
    expect((await api.get(`/v2/segments/${seg}`)).body).to.include({ contacts: 2, pendingRefresh: false });
    const csv = 'Email,FAVOURITECOLOUR\nbob@x.com,Blue\ncat@x.com,Red\ndan@x.com,Blue\n';
    const imp = await api.post(`/v2/address-books/${book}/contacts/import`, { fileName: 'c.csv', data: Buffer.from(csv).toString('base64') });
    expect(imp.status, imp.text).to.equal(202);
    await runner.drain();
    expect((await api.get(`/v2/contacts/import/${imp.body.id}`)).body.status).to.equal('Finished');
    const stale = (await api.get(`/v2/segments/${seg}`)).body;
    expect(stale).to.include({ contacts: 2, pendingRefresh: true });
    const fresh = await freshBlues(api);
    expect(fresh).to.deep.equal(['ann@x.com', 'bob@x.com', 'dan@x.com']);

    const s = await api.post('/v2/campaigns/send', { campaignId: campaign, addressBookIds: [seg] });
    expect(s.status, s.text).to.equal(202);
    expect(Object.keys(s.body)).to.deep.equal(['id', 'campaignId', 'addressBookIds', 'contactIds', 'sendDate', 'status', 'recipients', 'refreshedSegments']);
    expect(s.body).to.deep.include({ campaignId: campaign, addressBookIds: [seg], contactIds: [], status: 'NotSent', recipients: null, refreshedSegments: [] });
    expect(s.body.sendDate).to.equal(new Date(clock.now()).toISOString());
    await settle(runner, app.services, clock);
    const done = (await api.get(`/v2/campaigns/send/${s.body.id}`)).body;
    expect(done).to.deep.include({ status: 'Sent', recipients: 3, refreshedSegments: [seg] });
    expect(await recipients(api, s.body.id)).to.deep.equal(fresh);
    expect((await api.get(`/v2/segments/${seg}`)).body).to.include({ contacts: 3, pendingRefresh: false });
    const hist = await app.services.segments.history(login.accountId, seg);
    expect(hist[0]).to.include({ reason: 'send', status: 'done' });
    expect((await api.get(`/v2/campaigns/${campaign}`)).body.status).to.equal('Sent');
    const outbox = await app.services.sends.outbox(login.accountId, s.body.id);
    expect(outbox.map((o) => o.email).sort()).to.deep.equal(fresh);
    const acts = (await api.get(`/v2/campaigns/${campaign}/activities`)).body;
    expect(acts.map((a: { email: string }) => a.email).sort()).to.deep.equal(fresh);
    expect(acts.every((a: { dateSent: string | null }) => a.dateSent !== null)).to.equal(true);
  });

  it('a strict vendor client (no extensions switch) gets exactly ApiCampaignSend and so learns the send id', async () => {
    const { login, book, campaign } = await account();
    const strict = new RestClient(app.baseUrl, login);
    await addToBook(strict, book, 'ann@x.com');
    const vendorKeys = ['id', 'campaignId', 'addressBookIds', 'contactIds', 'sendDate', 'status'];
    const s = await strict.post('/v2/campaigns/send', { campaignId: campaign, addressBookIds: [book] });
    expect(s.status, s.text).to.equal(202);
    expect(Object.keys(s.body)).to.deep.equal(vendorKeys);
    expect(s.headers.get('vary') ?? '').to.match(/X-Contactgate-Extensions/i);
    await settle(runner, app.services, clock);
    expect(Object.keys((await strict.get(`/v2/campaigns/send/${s.body.id}`)).body)).to.deep.equal(vendorKeys);
    const off = await strict.get(`/v2/campaigns/send/${s.body.id}`, { 'X-Contactgate-Extensions': 'false' });
    expect(Object.keys(off.body)).to.deep.equal(vendorKeys);
    // The switch brings our properties back, and the extension route always lists the recipients.
    const on = await strict.get(`/v2/campaigns/send/${s.body.id}`, WITH_EXTENSIONS);
    expect(on.body).to.deep.include({ status: 'Sent', recipients: 1, refreshedSegments: [] });
    expect((await strict.get(`/v2/campaigns/send/${s.body.id}/recipients`)).body).to.have.length(1);
    const bad = await strict.get(`/v2/campaigns/send/${s.body.id}`, { 'X-Contactgate-Extensions': 'yes' });
    expect(bad.status).to.equal(400);
    expect(bad.body.message).to.match(/X-Contactgate-Extensions.*ERROR_PARAMETER_INVALID$/);
  });

  it('a send to a segment with no pending refresh does no refresh', async () => {
    const { api, login, book, campaign } = await account();
    await addToBook(api, book, 'ann@x.com', 'Blue');
    await addToBook(api, book, 'bob@x.com', 'Red');
    const seg = await blueSegment(api);
    const before = (await app.services.segments.history(login.accountId, seg)).length;
    const s = await api.post('/v2/campaigns/send', { CampaignId: campaign, AddressBookIds: [seg] });
    expect(s.status, s.text).to.equal(202);
    await runner.drain();
    const done = (await api.get(`/v2/campaigns/send/${s.body.id}`)).body;
    expect(done).to.deep.include({ status: 'Sent', recipients: 1, refreshedSegments: [] });
    expect((await app.services.segments.history(login.accountId, seg)).length).to.equal(before);
    expect(await recipients(api, s.body.id)).to.deep.equal(['ann@x.com']);
  });

  it('a scheduled send waits for its sendDate, then goes; a scheduled send can be cancelled', async () => {
    const { api, book, campaign } = await account();
    await addToBook(api, book, 'ann@x.com');
    const at = new Date(clock.now() + HOUR).toISOString();
    const s = await api.post('/v2/campaigns/send', { campaignId: campaign, addressBookIds: [book], sendDate: at });
    expect(s.status, s.text).to.equal(202);
    expect(s.body).to.include({ status: 'Scheduled', sendDate: at });
    await runner.drain();
    expect((await api.get(`/v2/campaigns/send/${s.body.id}`)).body).to.include({ status: 'Scheduled', recipients: null });
    const again = await api.post('/v2/campaigns/send', { campaignId: campaign, addressBookIds: [book] });
    expect(again.status).to.equal(409);
    expect(again.body.message).to.match(/ERROR_CAMPAIGN_SENDNOTPERMITTED$/);
    clock.advance(HOUR - 1);
    await runner.drain();
    expect((await api.get(`/v2/campaigns/send/${s.body.id}`)).body.status).to.equal('Scheduled');
    clock.advance(1);
    await runner.drain();
    expect((await api.get(`/v2/campaigns/send/${s.body.id}`)).body).to.include({ status: 'Sent', recipients: 1 });

    const c2 = (await api.post('/v2/campaigns', { name: 'Later' })).body.id;
    const s2 = await api.post('/v2/campaigns/send', { campaignId: c2, addressBookIds: [book], sendDate: new Date(clock.now() + HOUR).toISOString() });
    const cancel = await api.post(`/v2/campaigns/send/${s2.body.id}/cancel`);
    expect(cancel.status, cancel.text).to.equal(200);
    expect(cancel.body.status).to.equal('Cancelled');
    clock.advance(2 * HOUR);
    await runner.drain();
    expect((await api.get(`/v2/campaigns/send/${s2.body.id}`)).body).to.include({ status: 'Cancelled', recipients: null });
    expect((await api.get(`/v2/campaigns/${c2}`)).body.status).to.equal('Unsent');
    const sent = (await api.get(`/v2/campaigns/send/${s.body.id}`)).body;
    expect((await api.post(`/v2/campaigns/send/${sent.id}/cancel`)).status).to.equal(409);
  });

  it('All contacts, books + contacts deduplicated, suppressed and unsubscribed excluded, recipients paged', async () => {
    const { api, book, campaign } = await account();
    const book2 = (await api.post('/v2/address-books', { name: 'Second' })).body.id;
    const a = await addToBook(api, book, 'a@x.com');
    await addToBook(api, book, 'b@x.com');
    await addToBook(api, book2, 'b@x.com');
    await addToBook(api, book2, 'c@x.com');
    await addToBook(api, book, 'gone@x.com');
    await addToBook(api, book, 'left@x.com');
    const loose = (await api.post('/v2/contacts', { email: 'loose@x.com' })).body.id;
    const bounced = (await api.post('/v2/contacts', { email: 'bounced@x.com' })).body.id;
    expect((await api.post('/v2/contacts/unsubscribe', { email: 'gone@x.com' })).status).to.equal(200);
    expect((await api.post(`/v2/address-books/${book}/contacts/unsubscribe`, { email: 'left@x.com' })).status).to.equal(200);
    await api.post('/v2/activity-events', { eventId: 'hb', type: 'bounce', bounceType: 'hard', contactId: bounced });
    const s = await api.post('/v2/campaigns/send', { campaignId: campaign, addressBookIds: [book, book2, book], contactIds: [a, loose, String(loose), bounced] });
    expect(s.status, s.text).to.equal(202);
    expect(s.body).to.deep.include({ addressBookIds: [book, book2], contactIds: [a, loose, bounced] });
    await runner.drain();
    expect((await api.get(`/v2/campaigns/send/${s.body.id}`)).body.recipients).to.equal(4);
    expect(await recipients(api, s.body.id)).to.deep.equal(['a@x.com', 'b@x.com', 'c@x.com', 'loose@x.com']);
    const p1 = (await api.get(`/v2/campaigns/send/${s.body.id}/recipients?select=3&skip=0`)).body;
    const p2 = (await api.get(`/v2/campaigns/send/${s.body.id}/recipients?select=3&skip=3`)).body;
    expect(p1).to.have.length(3);
    expect(p2).to.have.length(1);
    expect([...p1, ...p2].map((x: { contactId: number }) => x.contactId)).to.deep.equal([...p1, ...p2].map((x: { contactId: number }) => x.contactId).sort((x: number, y: number) => x - y));
    expect((await api.get(`/v2/campaigns/send/${s.body.id}/recipients?select=1001`)).status).to.equal(400);

    const everyone = (await api.post('/v2/campaigns', { name: 'All' })).body.id;
    const all = await api.post('/v2/campaigns/send', { campaignId: everyone, addressBookIds: [], contactIds: [] });
    expect(all.status, all.text).to.equal(202);
    await runner.drain();
    expect(await recipients(api, all.body.id)).to.deep.equal(['a@x.com', 'b@x.com', 'c@x.com', 'left@x.com', 'loose@x.com']);
  });

  it('refuses a sent campaign, unknown ids and bad input with vendor errors', async () => {
    const { api, book, campaign } = await account();
    await addToBook(api, book, 'a@x.com');
    const s = await api.post('/v2/campaigns/send', { campaignId: campaign, addressBookIds: [book] });
    await runner.drain();
    expect((await api.get(`/v2/campaigns/send/${s.body.id}`)).body.status).to.equal('Sent');
    const again = await api.post('/v2/campaigns/send', { campaignId: campaign, addressBookIds: [book] });
    expect(again.status).to.equal(409);
    expect(again.body.message).to.equal('Send not permitted at this time: the campaign has been sent or is being sent. ERROR_CAMPAIGN_SENDNOTPERMITTED');
    const c2 = (await api.post('/v2/campaigns', { name: 'Two' })).body.id;
    expect((await api.post('/v2/campaigns/send', { campaignId: 999999999, addressBookIds: [book] })).body.message).to.match(/ERROR_CAMPAIGN_NOT_FOUND$/);
    const nb = await api.post('/v2/campaigns/send', { campaignId: c2, addressBookIds: [999999999] });
    expect(nb.status).to.equal(404);
    expect(nb.body.message).to.match(/ERROR_ADDRESSBOOK_NOT_FOUND$/);
    const nc = await api.post('/v2/campaigns/send', { campaignId: c2, contactIds: [999999999] });
    expect(nc.status).to.equal(404);
    expect(nc.body.message).to.match(/ERROR_CONTACT_NOT_FOUND$/);
    expect((await api.post('/v2/campaigns/send', { campaignId: c2, addressBookIds: 'x' })).status).to.equal(400);
    expect((await api.post('/v2/campaigns/send', { campaignId: c2, contactIds: [0] })).status).to.equal(400);
    expect((await api.post('/v2/campaigns/send', { campaignId: c2, sendDate: 'soon' })).status).to.equal(400);
    expect((await api.get('/v2/campaigns/send/not-a-guid')).status).to.equal(404);
    expect((await api.get('/v2/campaigns/send/00000000-0000-4000-8000-000000000000')).body.message).to.match(/ERROR_CAMPAIGN_SEND_NOT_FOUND$/);
    expect((await api.get(`/v2/campaigns/${c2}`)).body.status).to.equal('Unsent');
  });

  it('speaks XML too: ApiCampaignSend in and out', async () => {
    const { api, book, campaign } = await account();
    await addToBook(api, book, 'a@x.com');
    const body =
      `<ApiCampaignSend xmlns="http://apiconnector.com" xmlns:arr="http://schemas.microsoft.com/2003/10/Serialization/Arrays">` +
      `<CampaignId>${campaign}</CampaignId><AddressBookIds><arr:int>${book}</arr:int></AddressBookIds></ApiCampaignSend>`;
    const r = await api.call('POST', '/v2/campaigns/send', body, { 'Content-Type': 'application/xml', Accept: 'application/xml' });
    expect(r.status, r.text).to.equal(202);
    expect(r.text).to.match(/^<\?xml version="1.0" encoding="utf-8"\?><ApiCampaignSend xmlns="http:\/\/apiconnector.com"/);
    expect(r.text).to.contain(`<CampaignId>${campaign}</CampaignId>`).and.to.contain('<Status>NotSent</Status>');
    const id = /<Id>([0-9a-f-]{36})<\/Id>/.exec(r.text)?.[1];
    await runner.drain();
    const g = await api.get(`/v2/campaigns/send/${id}`, { Accept: 'application/xml' });
    expect(g.text).to.contain('<Status>Sent</Status>');
    expect((await api.get(`/v2/campaigns/${campaign}`, { Accept: 'application/xml' })).text).to.contain('<Status>Sent</Status>');
  });

  it('two concurrent send requests for one campaign: exactly one is accepted', async () => {
    const { api, book, campaign } = await account();
    await addToBook(api, book, 'a@x.com');
    const rs = await Promise.all([1, 2, 3].map(() => api.post('/v2/campaigns/send', { campaignId: campaign, addressBookIds: [book] })));
    expect(rs.map((r) => r.status).sort()).to.deep.equal([202, 409, 409]);
    await runner.drain();
    expect((await api.get(`/v2/campaigns/send/${rs.find((r) => r.status === 202)!.body.id}`)).body).to.include({ status: 'Sent', recipients: 1 });
  });

  it('crash safety: a send whose process died after the snapshot is taken over and completes exactly once', async () => {
    const { api, login, book, campaign } = await account();
    for (const e of ['a@x.com', 'b@x.com', 'c@x.com']) await addToBook(api, book, e);
    const s = await api.post('/v2/campaigns/send', { campaignId: campaign, addressBookIds: [book] });
    const claimed = await app.services.jobs.claim([SEND_JOB], 'doomed-process');
    expect(claimed?.job.ref).to.equal(s.body.id);
    // The doomed process takes the audience, then loses its lease (heartbeat false) and dies before delivering.
    expect(await app.services.sends.runJob(claimed!.job, async () => false)).to.equal('waiting');
    expect((await api.get(`/v2/campaigns/send/${s.body.id}`)).body).to.include({ status: 'Sending', recipients: 3 });
    await runner.drain();
    expect((await api.get(`/v2/campaigns/send/${s.body.id}`)).body.status).to.equal('Sending');
    clock.advance(app.services.config.jobLeaseMs + 1);
    await runner.drain();
    expect((await api.get(`/v2/campaigns/send/${s.body.id}`)).body).to.include({ status: 'Sent', recipients: 3 });
    expect(await app.services.sends.outbox(login.accountId, s.body.id)).to.have.length(3);
    // a second run of the same job changes nothing
    expect(await app.services.sends.runJob(claimed!.job, async () => true)).to.equal('skipped');
    expect(await app.services.sends.outbox(login.accountId, s.body.id)).to.have.length(3);
    expect((await api.get(`/v2/campaigns/${campaign}/activities`)).body).to.have.length(3);
  });

  it('behavioural segment (opened) changes only after a refresh request; `sent` activities feed it too', async () => {
    const { api, book, campaign } = await account();
    const a = await addToBook(api, book, 'a@x.com');
    await addToBook(api, book, 'b@x.com');
    const openers = (await api.post('/v2/segments', { name: 'Openers', rules: { all: [{ campaign, op: 'opened' }] } })).body.id;
    const got = (await api.post('/v2/segments', { name: 'Got it', rules: { all: [{ campaign, op: 'sent' }] } })).body.id;
    await runner.drain();
    const s = await api.post('/v2/campaigns/send', { campaignId: campaign, addressBookIds: [book] });
    await settle(runner, app.services, clock);
    expect((await api.get(`/v2/campaigns/send/${s.body.id}`)).body.status).to.equal('Sent');
    expect((await api.post('/v2/activity-events', { eventId: `o-${s.body.id}`, type: 'open', campaignId: campaign, sendId: s.body.id, contactId: a })).body.accepted).to.equal(1);
    await runner.drain();
    const members = async (id: number) => ((await api.get(`/v2/segments/${id}/contacts?select=100`)).body as ApiContact[]).map((c) => c.email).sort();
    expect(await members(openers)).to.deep.equal([]);
    expect(await members(got)).to.deep.equal([]);
    expect((await api.post(`/v2/segments/refresh/${openers}`)).status).to.equal(202);
    expect((await api.post(`/v2/segments/refresh/${got}`)).status).to.equal(202);
    await runner.drain();
    expect(await members(openers)).to.deep.equal(['a@x.com']);
    expect(await members(got)).to.deep.equal(['a@x.com', 'b@x.com']);
  });

  it('survey responses defer segment refresh: stale after the responses, fresh after the sweep', async () => {
    const { api, book } = await account();
    await addToBook(api, book, 'ann@x.com', 'Red');
    const seg = await blueSegment(api);
    const sv = await api.post('/v2/surveys', { name: 'Colours', questions: [{ id: 'colour', text: 'Colour?', dataField: 'FAVOURITECOLOUR' }] });
    expect(sv.status, sv.text).to.equal(201);
    const r = await api.post(`/v2/surveys/${sv.body.id}/responses`, [{ email: 'ann@x.com', answers: { colour: 'Blue' } }]);
    expect(r.status, r.text).to.equal(202);
    expect((await api.get(`/v2/segments/${seg}`)).body).to.include({ contacts: 0, pendingRefresh: true });
    expect((await api.get(`/v2/segments/${seg}/contacts`)).body).to.deep.equal([]);
    clock.advance(app.services.config.segmentRefreshMaxDelayMs);
    await app.services.segments.sweepOnce();
    await runner.drain();
    expect((await api.get(`/v2/segments/${seg}`)).body).to.include({ contacts: 1, pendingRefresh: false });
  });
});
