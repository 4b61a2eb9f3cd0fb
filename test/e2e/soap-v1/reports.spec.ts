import { expect } from 'chai';
import * as soap from 'soap';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient, WITH_EXTENSIONS } from '../../helpers/rest';
import { allJobsRunner } from '../../helpers/sends';
import { vendorClient } from '../../helpers/vendorClients';
import { EXPECTED_SUMMARY, items, recordScenario, ReportScenario } from '../../helpers/reportScenario';
import { FakeClock } from '../../../src/lib/clock';
import { JobRunner } from '../../../src/jobs/runner';

type Client = any; // eslint-disable-line @typescript-eslint/no-explicit-any

// The 22 v1 reporting operations read one recorded scenario back, through clients built from our WSDL and from the
// vendor's 2011 WSDL; the figures are the ones every dialect must show (test/helpers/reportScenario.ts).
const kinds: Array<{ name: string; make: (app: TestApp) => Promise<Client> }> = [
  { name: 'our served WSDL', make: (app) => soap.createClientAsync(`${app.baseUrl}/API.asmx?WSDL`) },
  { name: 'the vendor WSDL', make: (app) => vendorClient('v1', 'reports', app.baseUrl) },
];

const time = (v: unknown) => new Date(v as string).getTime();

for (const kind of kinds) {
  describe(`SOAP v1 campaign reporting with a node-soap client from ${kind.name}`, () => {
    let app: TestApp;
    let clock: FakeClock;
    let runner: JobRunner;
    let login: TestLogin;
    let client: Client;
    let sc: ReportScenario;
    before(async () => {
      clock = new FakeClock(Date.UTC(2030, 8, 1, 9, 0, 0));
      app = await startApp({ clock });
      runner = allJobsRunner(app.services);
      login = await app.newAccount();
      sc = await recordScenario(app.services, login.accountId, runner, clock, new RestClient(app.baseUrl, login, undefined, WITH_EXTENSIONS));
      client = await kind.make(app);
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
      expect(err.root?.Envelope?.Body?.Fault?.faultstring).to.match(new RegExp(`^Server was unable to process request\\. ---> .+ ${token}$`));
    };
    const page = { select: 100, skip: 0 };
    const perContact = (contactId: number) => ({ campaignId: sc.campaignId, contactId, ...page });

    it('GetCampaignSummary: the same counters and rates as every dialect', async () => {
      const s = await call('GetCampaignSummary', { campaignId: sc.campaignId });
      const e = EXPECTED_SUMMARY;
      expect(s).to.deep.include({
        NumSent: e.sent,
        NumTotalSent: e.sent,
        NumTextSent: 0,
        NumDelivered: e.delivered,
        NumOpens: e.opens,
        NumUniqueOpens: e.uniqueOpens,
        NumTotalUniqueOpens: e.uniqueOpens,
        NumClicks: e.clicks,
        NumRecipientsClicked: e.recipientsClicked,
        NumPageViews: e.pageViews,
        NumForwards: e.forwards,
        NumReplies: e.replies,
        NumHardBounces: e.hardBounces,
        NumSoftBounces: e.softBounces,
        NumUnsubscribes: e.unsubscribes,
        NumISPComplaints: 0,
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
      // why: an unsent campaign's required DateSent is .NET's unset DateTime.
      expect(time((await call('GetCampaignSummary', { campaignId: sc.otherCampaignId })).DateSent)).to.equal(Date.parse('0001-01-01T00:00:00Z'));
      await fails('GetCampaignSummary', { campaignId: 999999999 }, 'ERROR_CAMPAIGN_NOT_FOUND');
    });

    it('per-contact activity, activity since a date and forward info', async () => {
      const a = await call('ListCampaignContactActivity', { campaignId: sc.campaignId, contactId: sc.ids.a });
      expect(a).to.deep.include({ ContactId: sc.ids.a, Email: 'ann@shop.example', NumOpens: 2, NumClicks: 2, NumViews: 1, NumForwardToFriend: 1, NumReplies: 1, Unsubscribed: false });
      expect(await call('ListCampaignContactActivity', { campaignId: sc.campaignId, contactId: sc.ids.c })).to.deep.include({ HardBounced: true, SoftBounced: false });
      const since = items((await call('ListCampaignActivitiesSinceDate', { campaignId: sc.campaignId, startDate: new Date(sc.t2).toISOString(), ...page }))?.APICampaignContactSummary);
      expect(since.map((x) => [x.Email, x.NumOpens, x.NumViews])).to.deep.equal([
        ['ann@shop.example', 2, 1],
        ['bob@shop.example', 1, 1],
      ]);
      expect(await call('GetCampaignContactForwardInfo', { campaignId: sc.campaignId, contactId: sc.ids.a, getEstimates: false })).to.deep.equal({ numForwards: 1 });
      expect(await call('GetCampaignContactForwardInfo', { campaignId: sc.campaignId, contactId: sc.ids.b, getEstimates: true })).to.deep.equal({ numForwards: 0 });
      await fails('ListCampaignContactActivity', { campaignId: sc.campaignId, contactId: 999999999 }, 'ERROR_CONTACT_NOT_FOUND');
      await fails('ListCampaignActivitiesSinceDate', { campaignId: sc.campaignId, startDate: new Date(sc.t2).toISOString(), select: 1001, skip: 0 }, 'ERROR_PARAMETER_INVALID');
    });

    it('opens, clicks (three shapes), page views and replies of a contact; openers and clickers of the campaign', async () => {
      const opens = items((await call('ListCampaignContactOpens', perContact(sc.ids.a)))?.APICampaignContactOpen);
      expect(opens.map((o) => [o.isHtml, time(o.dateOpened)])).to.deep.equal([
        [true, sc.t1],
        [true, sc.t1 + 60_000],
      ]);
      const clicks = items((await call('ListCampaignContactClicks', perContact(sc.ids.a)))?.APICampaignContactClick);
      expect(clicks.map((k) => k.url)).to.deep.equal(['https://shop.example/sale', 'https://shop.example/shoes']);
      const clicks3 = items((await call('ListCampaignContactClicks2', perContact(sc.ids.a)))?.APICampaignContactClick3);
      expect(clicks3.map((k) => [k.url, k.Email, k.Keyword ?? null])).to.deep.equal([
        ['https://shop.example/sale', 'ann@shop.example', null],
        ['https://shop.example/shoes', 'ann@shop.example', 'Footer'],
      ]);
      const views = items((await call('ListCampaignContactPageViews', perContact(sc.ids.a)))?.APICampaignContactPageView);
      expect(views.map((v) => v.url)).to.deep.equal(['https://shop.example/p/1']);
      const replies = items((await call('ListCampaignContactReplies', perContact(sc.ids.a)))?.APICampaignContactReply);
      expect(replies.map((r) => [r.fromAddress, r.subject, r.message, r.isHtml, r.replyType])).to.deep.equal([['ann@shop.example', 'Re: Hi', '<p>Out of office</p>', true, 'AutoReply']]);
      const openers = items((await call('ListCampaignOpeners', { campaignId: sc.campaignId, ...page }))?.APICampaignContactOpen2);
      expect(openers.map((o) => o.Email)).to.deep.equal(['ann@shop.example', 'ann@shop.example', 'bob@shop.example']);
      const clickers = items((await call('ListCampaignClickers', { campaignId: sc.campaignId, ...page }))?.APICampaignContactClick2);
      expect(clickers.map((k) => [k.Email, k.url])).to.deep.equal([
        ['ann@shop.example', 'https://shop.example/sale'],
        ['ann@shop.example', 'https://shop.example/shoes'],
        ['bob@shop.example', 'https://shop.example/sale'],
      ]);
      const clickers2 = items((await call('ListCampaignClickers2', { campaignId: sc.campaignId, select: 2, skip: 1 }))?.APICampaignContactClick3);
      expect(clickers2.map((k) => [k.Email, k.Keyword ?? null])).to.deep.equal([
        ['ann@shop.example', 'Footer'],
        ['bob@shop.example', 'Header'],
      ]);
    });

    it('ROI details and social bookmarks of a contact', async () => {
      const roi = items((await call('ListCampaignContactRoiDetail', perContact(sc.ids.a)))?.APICampaignContactROIDetail);
      expect(roi.map((r) => [r.marker, r.type, r.value])).to.deep.equal([
        ['Basket', 'Numeric', '19.99'],
        ['Purchased', 'Boolean', 'true'],
        ['Basket', 'Numeric', '10'],
      ]);
      const books = items((await call('ListCampaignContactSocialBookmarkViews', perContact(sc.ids.a)))?.APICampaignContactSocialBookmark);
      expect(books.map((b) => [b.name, b.numViews])).to.deep.equal([
        ['Facebook', 1],
        ['Twitter', 2],
      ]);
    });

    it('hard bouncers (four shapes), campaigns since a date, campaign <-> address book links and ListCampaigns2', async () => {
      const emails = (r: any) => items(r?.APIContact).map((c) => c.Email);
      expect(emails(await call('ListHardBouncingContacts', { campaignId: sc.campaignId }))).to.deep.equal(['cat@shop.example']);
      expect(emails(await call('ListHardBouncesContacts2', { campaignId: sc.campaignId, ...page }))).to.deep.equal(['cat@shop.example']);
      expect(emails(await call('ListHardBouncesContacts2', { campaignId: sc.campaignId, select: 10, skip: 1 }))).to.deep.equal([]);
      const labelled = items((await call('ListHardBouncingContactsWithLabels', { campaignId: sc.campaignId, labels: { string: ['firstname'] } }))?.APIContact);
      expect(items(labelled[0].DataFields.Keys.string)).to.deep.equal(['FIRSTNAME']);
      expect(items(labelled[0].DataFields.Values.anyType).map((v: any) => v?.$value ?? v)).to.deep.equal(['Cat']);
      const labelled2 = items((await call('ListHardBouncingContactsWithLabels2', { campaignId: sc.campaignId, ...page, labels: { string: ['TOWN', 'FIRSTNAME'] } }))?.APIContact);
      expect(items(labelled2[0].DataFields.Keys.string)).to.have.members(['FIRSTNAME', 'TOWN']);
      const names = (r: any) => items(r?.APICampaign).map((c) => c.Name);
      expect(names(await call('ListSentCampaignsWithActivitySinceDate', { startDate: new Date(sc.t2).toISOString() }))).to.deep.equal(['Report']);
      expect(names(await call('ListSentCampaignsWithActivitySinceDate', { startDate: new Date(sc.t2 + 2 * 86_400_000).toISOString() }))).to.deep.equal([]);
      expect(names(await call('ListCampaignsForAddressBook', { addressBookID: sc.bookId }))).to.deep.equal(['Report']);
      expect(items((await call('ListAddressBooksForCampaign', { campaignID: sc.campaignId }))?.APIAddressBook).map((b) => b.Name)).to.deep.equal(['Readers']);
      expect(names(await call('ListCampaigns2', { select: 1, skip: 1 }))).to.deep.equal(['Never sent']);
      await fails('ListCampaignsForAddressBook', { addressBookID: 999999999 }, 'ERROR_ADDRESSBOOK_NOT_FOUND');
      await fails('ListHardBouncingContacts', { campaignId: 999999999 }, 'ERROR_CAMPAIGN_NOT_FOUND');
      await fails('ListCampaigns2', { select: 1001, skip: 0 }, 'ERROR_PARAMETER_INVALID');
    });
  });
}
