import { expect } from 'chai';
import * as soap from 'soap';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient, WITH_EXTENSIONS } from '../../helpers/rest';
import { allJobsRunner } from '../../helpers/sends';
import { loginStrictV2, vendorClient } from '../../helpers/vendorClients';
import { EXPECTED_SUMMARY, items, recordScenario, ReportScenario } from '../../helpers/reportScenario';
import { FakeClock } from '../../../src/lib/clock';
import { JobRunner } from '../../../src/jobs/runner';

type Client = any; // eslint-disable-line @typescript-eslint/no-explicit-any

// The 16 v2 reporting operations read one recorded scenario back, through clients built from our WSDL and from the
// vendor's; the figures are the ones every dialect must show (test/helpers/reportScenario.ts).
const kinds: Array<{ name: string; make: (app: TestApp) => Promise<Client> }> = [
  { name: 'our served WSDL', make: (app) => soap.createClientAsync(`${app.baseUrl}/v2/Api.svc?wsdl`) },
  { name: 'the vendor WSDL', make: (app) => vendorClient('v2', 'reports', app.baseUrl) },
];

const anyValue = (v: any) => (v && typeof v === 'object' && '$value' in v ? v.$value : v);
const time = (v: unknown) => new Date(v as string).getTime();

for (const kind of kinds) {
  describe(`SOAP v2 campaign reporting with a node-soap client from ${kind.name}`, () => {
    let app: TestApp;
    let clock: FakeClock;
    let runner: JobRunner;
    let login: TestLogin;
    let client: Client;
    let sc: ReportScenario;
    const invalid: string[] = [];
    before(async () => {
      clock = new FakeClock(Date.UTC(2030, 8, 1, 9, 0, 0));
      app = await startApp({ clock });
      runner = allJobsRunner(app.services);
      login = await app.newAccount();
      sc = await recordScenario(app.services, login.accountId, runner, clock, new RestClient(app.baseUrl, login, undefined, WITH_EXTENSIONS));
      client = await kind.make(app);
      loginStrictV2(client, login, invalid);
    });
    afterEach(() => expect(invalid, 'responses valid against the schema').to.deep.equal([]));
    after(() => app.close());

    const call = async (op: string, args: object = {}): Promise<any> => (await client[`${op}Async`](args))[0]?.[`${op}Result`];
    const fails = async (op: string, args: object, token: string): Promise<void> => {
      let err: any;
      try {
        await client[`${op}Async`](args);
      } catch (e) {
        err = e;
      }
      expect(err, `${op} should fail`).to.exist;
      expect(err.root?.Envelope?.Body?.Fault?.faultstring).to.match(new RegExp(`${token}$`));
    };
    const page = { select: 100, skip: 0 };

    it('GetCampaignSummary: counters and rates derived from the sends and activity', async () => {
      const s = await call('GetCampaignSummary', { campaignId: sc.campaignId });
      const e = EXPECTED_SUMMARY;
      expect(s).to.deep.include({
        NumSent: e.sent,
        NumTotalSent: e.sent,
        NumTextSent: 0,
        NumDelivered: e.delivered,
        NumOpens: e.opens,
        NumTotalOpens: e.opens,
        NumUniqueOpens: e.uniqueOpens,
        NumClicks: e.clicks,
        NumRecipientsClicked: e.recipientsClicked,
        NumPageViews: e.pageViews,
        NumForwards: e.forwards,
        NumEstimatedForwards: 0,
        NumReplies: e.replies,
        NumHardBounces: e.hardBounces,
        NumSoftBounces: e.softBounces,
        NumUnsubscribes: e.unsubscribes,
        NumIspComplaints: 0,
        NumMailBlocks: 0,
        PercentageDelivered: e.rates.delivered,
        PercentageUniqueOpens: e.rates.uniqueOpens,
        PercentageOpens: e.rates.opens,
        PercentageUnsubscribes: e.rates.unsubscribes,
        PercentageReplies: e.rates.replies,
        PercentageHardBounces: e.rates.hardBounces,
        PercentageSoftBounces: e.rates.softBounces,
        PercentageUsersClicked: e.rates.usersClicked,
        PercentageClicksToOpens: e.rates.clicksToOpens,
      });
      expect(time(s.DateSent)).to.equal(sc.sentAt);
      const none = await call('GetCampaignSummary', { campaignId: sc.otherCampaignId });
      expect(none).to.deep.include({ NumSent: 0, NumDelivered: 0, PercentageDelivered: 0 });
      expect(none.DateSent).to.equal(undefined);
      await fails('GetCampaignSummary', { campaignId: 999999999 }, 'ERROR_CAMPAIGN_NOT_FOUND');
    });

    it('GetCampaignContactActivity and GetCampaignActivitiesSinceDate: per-contact counts', async () => {
      const a = await call('GetCampaignContactActivity', { campaignId: sc.campaignId, contactId: sc.ids.a });
      expect(a).to.deep.include({ ContactId: sc.ids.a, Email: 'ann@shop.example', NumOpens: 2, NumClicks: 2, NumPageViews: 1, NumForwards: 1, NumReplies: 1, Unsubscribed: false, HardBounced: false });
      expect(time(a.DateFirstOpened)).to.equal(sc.t1);
      expect(time(a.DateLastOpened)).to.equal(sc.t1 + 60_000);
      expect(await call('GetCampaignContactActivity', { campaignId: sc.campaignId, contactId: sc.ids.b })).to.deep.include({ NumOpens: 1, NumClicks: 1, Unsubscribed: true });
      expect(await call('GetCampaignContactActivity', { campaignId: sc.campaignId, contactId: sc.ids.c })).to.deep.include({ HardBounced: true, SoftBounced: false });
      expect(await call('GetCampaignContactActivity', { campaignId: sc.campaignId, contactId: sc.ids.d })).to.deep.include({ HardBounced: false, SoftBounced: true });
      expect(await call('GetCampaignContactActivity', { campaignId: sc.otherCampaignId, contactId: sc.ids.e })).to.deep.include({ NumOpens: 0, Email: 'eve@shop.example' });
      const since = items((await call('GetCampaignActivitiesSinceDate', { campaignId: sc.campaignId, startDate: new Date(sc.t2).toISOString(), ...page }))?.ApiCampaignContactSummary);
      expect(since.map((x) => [x.Email, x.NumOpens, x.NumPageViews])).to.deep.equal([
        ['ann@shop.example', 2, 1],
        ['bob@shop.example', 1, 1],
      ]);
      const all = items((await call('GetCampaignActivities', { campaignId: sc.campaignId, ...page }))?.ApiCampaignContactSummary);
      expect(all).to.have.length(5);
      await fails('GetCampaignContactActivity', { campaignId: sc.campaignId, contactId: 999999999 }, 'ERROR_CONTACT_NOT_FOUND');
      await fails('GetCampaignActivitiesSinceDate', { campaignId: sc.campaignId, startDate: new Date(sc.t2).toISOString(), select: 1001, skip: 0 }, 'ERROR_PARAMETER_INVALID');
    });

    it('opens, clicks, page views and replies, per contact and since a date', async () => {
      const c = { campaignId: sc.campaignId, contactId: sc.ids.a };
      const opens = items((await call('GetCampaignContactOpens', { ...c, ...page }))?.ApiCampaignContactOpen);
      expect(opens.map((o) => time(o.DateOpened))).to.deep.equal([sc.t1, sc.t1 + 60_000]);
      const second = items((await call('GetCampaignContactOpens', { ...c, select: 1, skip: 1 }))?.ApiCampaignContactOpen);
      expect(second.map((o) => time(o.DateOpened))).to.deep.equal([sc.t1 + 60_000]);
      const clicks = items((await call('GetCampaignContactClicks', { ...c, ...page }))?.ApiCampaignContactClick);
      expect(clicks.map((k) => [k.Url, k.Keyword ?? null])).to.deep.equal([
        ['https://shop.example/sale', null],
        ['https://shop.example/shoes', 'Footer'],
      ]);
      expect(items((await call('GetCampaignClicks', { campaignId: sc.campaignId, ...page }))?.ApiCampaignContactClick)).to.have.length(3);
      expect(items((await call('GetCampaignOpens', { campaignId: sc.campaignId, ...page }))?.ApiCampaignContactOpen)).to.have.length(3);
      const views = items((await call('GetCampaignContactPageViews', { ...c, ...page }))?.ApiCampaignContactPageView);
      expect(views.map((v) => [v.Url, time(v.DateViewed)])).to.deep.equal([['https://shop.example/p/1', sc.t1 + 6 * 60_000]]);
      const viewsSince = items((await call('GetCampaignPageViewsSinceDate', { campaignId: sc.campaignId, startDate: new Date(sc.t2).toISOString(), ...page }))?.ApiCampaignContactPageView);
      expect(viewsSince.map((v) => [v.Email, v.Url])).to.deep.equal([['bob@shop.example', 'https://shop.example/p/2']]);
      const replies = items((await call('GetCampaignContactReplies', { ...c, ...page }))?.ApiCampaignContactReply);
      expect(replies).to.have.length(1);
      expect(replies[0]).to.deep.include({ ContactId: sc.ids.a, FromAddress: 'ann@shop.example', Subject: 'Re: Hi', Message: '<p>Out of office</p>', IsHtml: true, ReplyType: 'AutoReply' });
      expect(items((await call('GetCampaignContactReplies', { campaignId: sc.campaignId, contactId: sc.ids.b, ...page }))?.ApiCampaignContactReply)).to.deep.equal([]);
    });

    it('ROI details and social bookmark views', async () => {
      const roi = items((await call('GetCampaignContactRoiDetails', { campaignId: sc.campaignId, contactId: sc.ids.a, ...page }))?.ApiCampaignContactRoiDetail);
      expect(roi.map((r) => [r.MarkerName, r.DataType, String(anyValue(r.Value))])).to.deep.equal([
        ['Basket', 'Numeric', '19.99'],
        ['Purchased', 'Boolean', 'true'],
        ['Basket', 'Numeric', '10'],
      ]);
      const since = items((await call('GetCampaignRoiDetailsSinceDate', { campaignId: sc.campaignId, startDate: new Date(sc.t2).toISOString(), ...page }))?.ApiCampaignContactRoiDetail);
      expect(since.map((r) => [r.Email, r.MarkerName, String(anyValue(r.Value))])).to.deep.equal([['ann@shop.example', 'Basket', '10']]);
      const books = items((await call('GetCampaignSocialBookmarkViews', { campaignId: sc.campaignId, ...page }))?.ApiCampaignContactSocialBookmarkView);
      expect(books.map((b) => [b.Email, b.BookmarkName, b.NumViews])).to.deep.equal([
        ['ann@shop.example', 'Facebook', 1],
        ['ann@shop.example', 'Twitter', 2],
      ]);
      const mine = items((await call('GetCampaignContactSocialBookmarkViews', { campaignId: sc.campaignId, contactId: sc.ids.b, ...page }))?.ApiCampaignContactSocialBookmarkView);
      expect(mine).to.deep.equal([]);
    });

    it('hard bouncers, campaigns with activity since a date, and the campaign <-> address book links', async () => {
      const hard = items((await call('GetCampaignHardBouncingContacts', { campaignId: sc.campaignId, withFullData: true, ...page }))?.ApiContact);
      expect(hard.map((h) => h.Email)).to.deep.equal(['cat@shop.example']);
      expect(items(hard[0].DataFields?.ApiContactData).map((d) => d.Key)).to.include('FIRSTNAME');
      const since = (d: number) => call('GetSentCampaignsWithActivitySinceDate', { startDate: new Date(d).toISOString(), ...page });
      expect(items((await since(sc.t2))?.ApiCampaign).map((x) => x.Name)).to.deep.equal(['Report']);
      expect(items((await since(sc.t2 + 2 * 86_400_000))?.ApiCampaign)).to.deep.equal([]);
      expect(items((await call('GetAddressBooksForCampaign', { campaignId: sc.campaignId, ...page }))?.ApiAddressBook).map((b) => b.Name)).to.deep.equal(['Readers']);
      expect(items((await call('GetAddressBooksForCampaign', { campaignId: sc.otherCampaignId, ...page }))?.ApiAddressBook)).to.deep.equal([]);
      expect(items((await call('GetCampaignsForAddressBook', { addressBookId: sc.bookId, ...page }))?.ApiCampaign).map((x) => x.Id)).to.deep.equal([sc.campaignId]);
      await fails('GetCampaignsForAddressBook', { addressBookId: 999999999, ...page }, 'ERROR_ADDRESSBOOK_NOT_FOUND');
      await fails('GetCampaignHardBouncingContacts', { campaignId: 999999999, ...page }, 'ERROR_CAMPAIGN_NOT_FOUND');
    });
  });
}
