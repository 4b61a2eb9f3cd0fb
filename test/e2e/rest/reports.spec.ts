import { expect } from 'chai';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient, WITH_EXTENSIONS } from '../../helpers/rest';
import { allJobsRunner } from '../../helpers/sends';
import { EXPECTED_SUMMARY, recordScenario, ReportScenario } from '../../helpers/reportScenario';
import { FakeClock } from '../../../src/lib/clock';
import { linkIdOf } from '../../../src/domain/activity';
import { parseXml } from '../../../src/transport/xml/xmlTree';
import { CAMPAIGN_SUMMARY_FIELDS, CAMPAIGN_SUMMARY_PERCENTAGES } from '../../../src/transport/soap/v2/schema';
import { dig, kids } from '../../helpers/soap';

// The REST reporting routes read the scenario v1 and v2 SOAP read (test/helpers/reportScenario.ts) and must show the
// same figures: the three dialects answer from one campaign-report service.

const time = (v: unknown) => new Date(v as string).getTime();

describe('REST campaign reporting: the same scenario, the same figures as v1 and v2 SOAP', () => {
  let app: TestApp;
  let login: TestLogin;
  let api: RestClient;
  let sc: ReportScenario;
  before(async () => {
    const clock = new FakeClock(Date.UTC(2030, 8, 1, 9, 0, 0));
    app = await startApp({ clock });
    login = await app.newAccount();
    sc = await recordScenario(app.services, login.accountId, allJobsRunner(app.services), clock, new RestClient(app.baseUrl, login, undefined, WITH_EXTENSIONS));
    api = new RestClient(app.baseUrl, login);
  });
  after(() => app.close());

  const get = async (path: string) => {
    const r = await api.get(path);
    expect(r.status, `${path}: ${r.text}`).to.equal(200);
    return r.body;
  };
  const c = () => `/v2/campaigns/${sc.campaignId}`;
  const t2 = () => new Date(sc.t2).toISOString();

  it('GET /campaigns/{id}/summary: counters and rates, in the vendor order; 404 for an unknown campaign', async () => {
    const s = await get(`${c()}/summary`);
    const e = EXPECTED_SUMMARY;
    expect(s).to.deep.include({
      numSent: e.sent, numTotalSent: e.sent, numTextSent: 0, numDelivered: e.delivered, numOpens: e.opens, numUniqueOpens: e.uniqueOpens,
      numClicks: e.clicks, numRecipientsClicked: e.recipientsClicked, numPageViews: e.pageViews, numForwards: e.forwards, numEstimatedForwards: 0,
      numReplies: e.replies, numHardBounces: e.hardBounces, numSoftBounces: e.softBounces, numUnsubscribes: e.unsubscribes, numIspComplaints: 0,
      percentageDelivered: e.rates.delivered, percentageUniqueOpens: e.rates.uniqueOpens, percentageOpens: e.rates.opens,
      percentageUnsubscribes: e.rates.unsubscribes, percentageReplies: e.rates.replies, percentageHardBounces: e.rates.hardBounces,
      percentageSoftBounces: e.rates.softBounces, percentageUsersClicked: e.rates.usersClicked, percentageClicksToOpens: e.rates.clicksToOpens,
    });
    expect(time(s.dateSent)).to.equal(sc.sentAt);
    const keys = Object.keys(s);
    expect(keys.slice(0, 4)).to.deep.equal(['dateSent', 'numUniqueOpens', 'numUniqueTextOpens', 'numTotalUniqueOpens']);
    expect(keys[keys.length - 1]).to.equal('percentageClicksToOpens');
    expect((await get(`/v2/campaigns/${sc.otherCampaignId}/summary`)).dateSent).to.equal(null);
    const missing = await api.get('/v2/campaigns/999999999/summary');
    expect(missing.status).to.equal(404);
    expect(missing.body.message).to.match(/ERROR_CAMPAIGN_NOT_FOUND$/);
  });

  it('per-contact activity and its opens, clicks, page views and replies', async () => {
    const a = await get(`${c()}/activities/${sc.ids.a}`);
    expect(a).to.deep.include({ contactId: sc.ids.a, email: 'ann@shop.example', numOpens: 2, numClicks: 2, numPageViews: 1, numForwards: 1, numReplies: 1, unsubscribed: false, hardBounced: false });
    expect(time(a.dateFirstOpened)).to.equal(sc.t1);
    expect(await get(`${c()}/activities/${sc.ids.c}`)).to.deep.include({ hardBounced: true, softBounced: false });
    const all = await get(`${c()}/activities`);
    expect(all.find((x: { contactId: number }) => x.contactId === sc.ids.a)).to.deep.include({ numPageViews: 1, numForwards: 1, numReplies: 1 });
    const opens = await get(`${c()}/activities/${sc.ids.a}/opens`);
    expect(opens.map((o: { dateOpened: string }) => time(o.dateOpened))).to.deep.equal([sc.t1, sc.t1 + 60_000]);
    expect((await get(`${c()}/activities/${sc.ids.a}/opens?select=1&skip=1`)).map((o: { dateOpened: string }) => time(o.dateOpened))).to.deep.equal([sc.t1 + 60_000]);
    const clicks = await get(`${c()}/activities/${sc.ids.a}/clicks`);
    expect(clicks.map((k: { url: string; keyword: string | null }) => [k.url, k.keyword])).to.deep.equal([
      ['https://shop.example/sale', null],
      ['https://shop.example/shoes', 'Footer'],
    ]);
    const views = await get(`${c()}/activities/${sc.ids.a}/page-views`);
    expect(views.map((v: { url: string; dateViewed: string }) => [v.url, time(v.dateViewed)])).to.deep.equal([['https://shop.example/p/1', sc.t1 + 6 * 60_000]]);
    const since = await get(`${c()}/page-views/since-date/${t2()}`);
    expect(since.map((v: { email: string; url: string }) => [v.email, v.url])).to.deep.equal([['bob@shop.example', 'https://shop.example/p/2']]);
    const replies = await get(`${c()}/activities/${sc.ids.a}/replies`);
    expect(replies).to.have.length(1);
    expect(replies[0]).to.deep.include({ contactId: sc.ids.a, fromAddress: 'ann@shop.example', subject: 'Re: Hi', message: '<p>Out of office</p>', isHtml: true, replyType: 'AutoReply' });
    expect(await get(`${c()}/activities/${sc.ids.b}/replies`)).to.deep.equal([]);
    const bad = await api.get(`${c()}/activities/${sc.ids.a}/opens?select=1001`);
    expect(bad.status).to.equal(400);
  });

  it('clicks with groups: the link id of the URL and the link group with its first click, per campaign, since a date and per contact', async () => {
    const at = (min: number) => new Date(sc.t1 + min * 60_000).toISOString();
    const sale = linkIdOf('https://shop.example/sale');
    const shoes = linkIdOf('https://shop.example/shoes');
    expect(sale).to.be.within(1, 2 ** 31 - 1);
    expect(sale).not.to.equal(shoes);
    const all = await get(`${c()}/clicks-with-groups`);
    expect(all).to.deep.equal([
      { contactId: sc.ids.a, email: 'ann@shop.example', url: 'https://shop.example/sale', ipAddress: null, userAgent: null, dateClicked: at(3), keyword: null, linkId: sale, groups: [] },
      { contactId: sc.ids.a, email: 'ann@shop.example', url: 'https://shop.example/shoes', ipAddress: null, userAgent: null, dateClicked: at(4), keyword: 'Footer', linkId: shoes, groups: [{ name: 'Footer', dateCreated: at(4) }] },
      { contactId: sc.ids.b, email: 'bob@shop.example', url: 'https://shop.example/sale', ipAddress: null, userAgent: null, dateClicked: at(5), keyword: 'Header', linkId: sale, groups: [{ name: 'Header', dateCreated: at(5) }] },
    ]);
    // the plain click list is the same clicks without the link id and groups
    expect((await get(`${c()}/clicks`)).map((k: Record<string, unknown>) => k.url)).to.deep.equal(all.map((k: Record<string, unknown>) => k.url));
    expect((await get(`${c()}/clicks-with-groups/since-date/${at(4)}`)).map((k: { keyword: string }) => k.keyword)).to.deep.equal(['Footer', 'Header']);
    expect(await get(`${c()}/activities/${sc.ids.b}/clicks-with-groups`)).to.deep.equal([all[2]]);
    expect(await get(`${c()}/clicks-with-groups?select=1&skip=1`)).to.deep.equal([all[1]]);
    expect((await api.get('/v2/campaigns/999999/clicks-with-groups')).status).to.equal(404);
  });

  it('Accept: application/xml answers the v2 report types, ROI values typed by their data type', async () => {
    const X = { Accept: 'application/xml' };
    const xml = async (path: string, root: string) => {
      const r = await api.get(path, X);
      expect(r.status, `${path}: ${r.text}`).to.equal(200);
      expect(r.headers.get('content-type'), path).to.match(/^application\/xml/);
      const d = parseXml(r.text);
      expect([d.ns, d.local], path).to.deep.equal(['http://apiconnector.com', root]);
      return d;
    };
    const sum = await xml(`${c()}/summary`, 'ApiCampaignSummary');
    expect(sum.children.map((n) => n.local)).to.deep.equal([...CAMPAIGN_SUMMARY_FIELDS, ...CAMPAIGN_SUMMARY_PERCENTAGES]);
    expect([dig(sum, 'NumSent')?.text, dig(sum, 'NumUniqueOpens')?.text, dig(sum, 'PercentageUniqueOpens')?.text]).to.deep.equal(['5', '2', '66.67']);
    const acts = await xml(`${c()}/activities`, 'ArrayOfApiCampaignContactSummary');
    expect(kids(acts, 'ApiCampaignContactSummary').map((k) => dig(k, 'Email')?.text)).to.include('ann@shop.example');
    expect(dig(await xml(`${c()}/activities/${sc.ids.a}`, 'ApiCampaignContactSummary'), 'NumClicks')?.text).to.equal('2');
    expect(kids(await xml(`${c()}/opens`, 'ArrayOfApiCampaignContactOpen'), 'ApiCampaignContactOpen')).to.have.length(3);
    const groups = kids(await xml(`${c()}/clicks-with-groups`, 'ArrayOfApiCampaignContactClickWithGroups'), 'ApiCampaignContactClickWithGroups');
    expect(groups.map((k) => [dig(k, 'Keyword')?.text || null, dig(k, 'LinkId')?.text, kids(dig(k, 'Groups'), 'ApiCampaignLinkGroup').map((g) => dig(g, 'Name')?.text)])).to.deep.equal([
      [null, String(linkIdOf('https://shop.example/sale')), []],
      ['Footer', String(linkIdOf('https://shop.example/shoes')), ['Footer']],
      ['Header', String(linkIdOf('https://shop.example/sale')), ['Header']],
    ]);
    expect(dig(kids(await xml(`${c()}/activities/${sc.ids.a}/replies`, 'ArrayOfApiCampaignContactReply'), 'ApiCampaignContactReply')[0], 'ReplyType')?.text).to.equal('AutoReply');
    expect(kids(await xml(`${c()}/page-views/since-date/${t2()}`, 'ArrayOfApiCampaignContactPageView'), 'ApiCampaignContactPageView')).to.have.length(1);
    expect(kids(await xml(`${c()}/social-bookmark-views`, 'ArrayOfApiCampaignContactSocialBookmarkView'), 'ApiCampaignContactSocialBookmarkView')).to.have.length(2);
    expect(kids(await xml(`${c()}/hard-bouncing-contacts`, 'ArrayOfApiContact'), 'ApiContact').map((k) => dig(k, 'Email')?.text)).to.deep.equal(['cat@shop.example']);
    expect(kids(await xml(`${c()}/address-books`, 'ArrayOfApiAddressBook'), 'ApiAddressBook')).to.have.length(1);
    expect(kids(await xml(`/v2/address-books/${sc.bookId}/campaigns`, 'ArrayOfApiCampaign'), 'ApiCampaign')).to.have.length(1);
    // ROI values carry the xsi:type of their data type, as v2 SOAP writes them
    const roi = await xml(`${c()}/activities/${sc.ids.a}/roi-details`, 'ArrayOfApiCampaignContactRoiDetail');
    expect(kids(roi, 'ApiCampaignContactRoiDetail').map((k) => [dig(k, 'MarkerName')?.text, dig(k, 'DataType')?.text, dig(k, 'Value')?.text])).to.deep.equal([
      ['Basket', 'Numeric', '19.99'],
      ['Purchased', 'Boolean', 'true'],
      ['Basket', 'Numeric', '10'],
    ]);
    const raw = (await api.get(`${c()}/roi-details/since-date/${t2()}`, X)).text;
    expect(raw.match(/<Value [^>]*>[^<]*<\/Value>/g)).to.deep.equal(['<Value i:type="xsd:decimal">10</Value>']);
  });

  it('ROI details (typed values) and social bookmark views', async () => {
    const roi = await get(`${c()}/activities/${sc.ids.a}/roi-details`);
    expect(roi.map((r: { markerName: string; dataType: string; value: unknown }) => [r.markerName, r.dataType, r.value])).to.deep.equal([
      ['Basket', 'Numeric', 19.99],
      ['Purchased', 'Boolean', true],
      ['Basket', 'Numeric', 10],
    ]);
    const since = await get(`${c()}/roi-details/since-date/${t2()}`);
    expect(since.map((r: { email: string; markerName: string; value: unknown }) => [r.email, r.markerName, r.value])).to.deep.equal([['ann@shop.example', 'Basket', 10]]);
    const views = await get(`${c()}/social-bookmark-views`);
    expect(views.map((b: { email: string; bookmarkName: string; numViews: number }) => [b.email, b.bookmarkName, b.numViews])).to.deep.equal([
      ['ann@shop.example', 'Facebook', 1],
      ['ann@shop.example', 'Twitter', 2],
    ]);
    expect(await get(`${c()}/activities/${sc.ids.b}/social-bookmark-views`)).to.deep.equal([]);
  });

  it('hard bouncers, campaigns with activity since a date, and the campaign <-> address book links', async () => {
    const hard = await get(`${c()}/hard-bouncing-contacts?withFullData=true`);
    expect(hard.map((h: { email: string }) => h.email)).to.deep.equal(['cat@shop.example']);
    expect(hard[0].dataFields.map((d: { key: string }) => d.key)).to.include('FIRSTNAME');
    expect((await get(`/v2/campaigns/with-activity-since/${t2()}`)).map((x: { name: string }) => x.name)).to.deep.equal(['Report']);
    expect(await get(`/v2/campaigns/with-activity-since/${new Date(sc.t2 + 2 * 86_400_000).toISOString()}`)).to.deep.equal([]);
    expect((await get(`${c()}/address-books`)).map((b: { name: string }) => b.name)).to.deep.equal(['Readers']);
    expect(await get(`/v2/campaigns/${sc.otherCampaignId}/address-books`)).to.deep.equal([]);
    expect((await get(`/v2/address-books/${sc.bookId}/campaigns`)).map((x: { id: number }) => x.id)).to.deep.equal([sc.campaignId]);
    expect((await api.get('/v2/address-books/999999999/campaigns')).status).to.equal(404);
  });
});
