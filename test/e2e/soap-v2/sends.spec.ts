import { expect } from 'chai';
import * as soap from 'soap';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient, WITH_EXTENSIONS } from '../../helpers/rest';
import { allJobsRunner, settle } from '../../helpers/sends';
import { loginStrictV2, vendorClient } from '../../helpers/vendorClients';
import { FakeClock } from '../../../src/lib/clock';
import { JobRunner } from '../../../src/jobs/runner';

type Client = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const kinds: Array<{ name: string; make: (app: TestApp) => Promise<Client> }> = [
  { name: 'our served WSDL', make: (app) => soap.createClientAsync(`${app.baseUrl}/v2/Api.svc?wsdl`) },
  {
    name: 'the vendor WSDL',
    make: async (app) => {
      // The vendor's WSDL as written back from the committed facts (see clients.spec.ts).
      return vendorClient('v2', 'sends', app.baseUrl);
    },
  },
];

for (const kind of kinds) {
  describe(`SOAP v2 campaigns and sends with a node-soap client from ${kind.name}`, () => {
    let app: TestApp;
    let clock: FakeClock;
    let runner: JobRunner;
    let login: TestLogin;
    let client: Client;
    let rest: RestClient;
    const invalid: string[] = [];
    before(async () => {
      clock = new FakeClock(Date.UTC(2030, 6, 1, 9, 0, 0));
      app = await startApp({ clock });
      runner = allJobsRunner(app.services);
    });
    beforeEach(async () => {
      login = await app.newAccount();
      rest = new RestClient(app.baseUrl, login, undefined, WITH_EXTENSIONS);
      client = await kind.make(app);
      loginStrictV2(client, login, invalid);
    });
    afterEach(() => expect(invalid, 'responses valid against the schema').to.deep.equal([]));
    after(() => app.close());

    const call = async (op: string, args: object = {}): Promise<any> => (await client[`${op}Async`](args))[0] ?? {};
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

    it('campaigns: CreateCampaign, GetCampaignById, GetCampaigns, UpdateCampaign', async () => {
      const c = (
        await call('CreateCampaign', {
          apiCampaign: { Name: 'Spring', Subject: 'Hi', FromName: 'Shop', FromAddress: { Id: 0, Email: 'news@shop.example' }, HtmlContent: '<p>x</p>', PlainTextContent: 'x', ReplyAction: 'Webmail' },
        })
      ).CreateCampaignResult;
      expect(c).to.include({ Name: 'Spring', Subject: 'Hi', FromName: 'Shop', ReplyAction: 'Webmail', IsSplitTest: false, Status: 'Unsent' });
      expect(c.FromAddress.Email).to.equal('news@shop.example');
      expect((await call('GetCampaignById', { id: c.Id })).GetCampaignByIdResult).to.include({ Id: c.Id, HtmlContent: '<p>x</p>' });
      const u = (await call('UpdateCampaign', { apiCampaign: { Id: c.Id, Name: 'Spring 2', Subject: 'Hello', FromName: 'Shop', HtmlContent: 'h', PlainTextContent: 'p' } })).UpdateCampaignResult;
      expect(u).to.include({ Id: c.Id, Name: 'Spring 2', Subject: 'Hello' });
      const list = (await call('GetCampaigns', { select: 10, skip: 0 })).GetCampaignsResult.ApiCampaign;
      expect(list.map((x: any) => x.Name)).to.deep.equal(['Spring 2']);
      await fails('GetCampaignById', { id: 999999999 }, 'ERROR_CAMPAIGN_NOT_FOUND');
      await fails('CreateCampaign', { apiCampaign: { Name: '' } }, 'ERROR_CAMPAIGN_INVALID');
    });

    it('headline: ImportContactsToAddressBook changes who matches; SendCampaign to the segment goes to the fresh membership', async () => {
      await call('CreateDataField', { dataField: { Name: 'FAVOURITECOLOUR', Type: 'String', Visibility: 'Private' } });
      const book = (await call('CreateAddressBook', { apiAddressBook: { Name: 'Main', Visibility: 'Private' } })).CreateAddressBookResult.Id;
      for (const [e, colour] of [['ann@x.com', 'Blue'], ['bob@x.com', 'Red'], ['cat@x.com', 'Blue']]) {
        await call('AddContactToAddressBook', { addressBookId: book, apiContact: { Email: e, DataFields: { ApiContactData: [{ Key: 'FAVOURITECOLOUR', Value: colour }] } } });
      }
      const seg = (await rest.post('/v2/segments', { name: 'Blues', rules: { all: [{ dataField: 'FAVOURITECOLOUR', op: 'equals', value: 'Blue' }] } })).body.id;
      await runner.drain();
      const csv = 'Email,FAVOURITECOLOUR\nbob@x.com,Blue\ncat@x.com,Red\ndan@x.com,Blue\n';
      const imp = (await call('ImportContactsToAddressBook', { addressBookId: book, data: Buffer.from(csv).toString('base64'), dataType: 'csv' })).ImportContactsToAddressBookResult;
      await runner.drain();
      expect((await call('GetContactImportProgress', { importId: imp.Id })).GetContactImportProgressResult.Status).to.equal('Finished');
      expect((await rest.get(`/v2/segments/${seg}`)).body).to.include({ contacts: 2, pendingRefresh: true });
      const all = (await call('GetContacts', { withFullData: true, select: 1000, skip: 0 })).GetContactsResult.ApiContact as any[];
      const fresh = all
        .filter((c) => c.Status === 'Subscribed' && [c.DataFields?.ApiContactData ?? []].flat().some((d: any) => d.Key === 'FAVOURITECOLOUR' && String(d.Value?.$value ?? d.Value) === 'Blue'))
        .map((c) => c.Email)
        .sort();
      expect(fresh).to.deep.equal(['ann@x.com', 'bob@x.com', 'dan@x.com']);
      const campaign = (await call('CreateCampaign', { apiCampaign: { Name: 'Blue news', Subject: 's', FromName: 'f', HtmlContent: 'h', PlainTextContent: 'p' } })).CreateCampaignResult.Id;
      const sent = (await call('SendCampaign', { apiCampaignSend: { CampaignId: campaign, AddressBookIds: { int: [seg] } } })).SendCampaignResult;
      expect(sent).to.include({ CampaignId: campaign, Status: 'NotSent' });
      expect(sent.AddressBookIds.int).to.deep.equal([seg]);
      expect(new Date(sent.SendDate).getTime()).to.equal(clock.now());
      await settle(runner, app.services, clock);
      const p = (await call('GetCampaignSendProgress', { sendId: sent.Id })).GetCampaignSendProgressResult;
      expect(p).to.include({ Id: sent.Id, Status: 'Sent' });
      const r = (await rest.get(`/v2/campaigns/send/${sent.Id}`)).body;
      expect(r).to.deep.include({ recipients: 3, refreshedSegments: [seg] });
      const got = (await rest.get(`/v2/campaigns/send/${sent.Id}/recipients`)).body.map((x: { email: string }) => x.email).sort();
      expect(got).to.deep.equal(fresh);
      expect((await call('GetCampaignById', { id: campaign })).GetCampaignByIdResult.Status).to.equal('Sent');
      await fails('SendCampaign', { apiCampaignSend: { CampaignId: campaign, AddressBookIds: { int: [book] } } }, 'ERROR_CAMPAIGN_SENDNOTPERMITTED');
    });

    it('activity reads: GetCampaignActivities, GetCampaignOpens, GetCampaignClicks after a send and ingested events', async () => {
      const a = (await call('CreateContact', { apiContact: { Email: 'a@x.com' } })).CreateContactResult.Id;
      const b = (await call('CreateContact', { apiContact: { Email: 'b@x.com' } })).CreateContactResult.Id;
      const campaign = (await call('CreateCampaign', { apiCampaign: { Name: 'Acts', Subject: 's', FromName: 'f', HtmlContent: 'h', PlainTextContent: 'p' } })).CreateCampaignResult.Id;
      const sent = (await call('SendCampaign', { apiCampaignSend: { CampaignId: campaign, ContactIds: { int: [a, b] } } })).SendCampaignResult;
      await runner.drain();
      const t = clock.now();
      const ev = await rest.post('/v2/activity-events', [
        { eventId: 'o1', type: 'open', campaignId: campaign, sendId: sent.Id, contactId: a },
        { eventId: 'c1', type: 'click', campaignId: campaign, sendId: sent.Id, contactId: a, url: 'https://shop.example/x' },
      ]);
      expect(ev.body).to.deep.equal({ accepted: 2, duplicates: 0 });
      const sum = [(await call('GetCampaignActivities', { campaignId: campaign, select: 10, skip: 0 })).GetCampaignActivitiesResult.ApiCampaignContactSummary].flat();
      expect(sum.map((x: any) => [x.Email, x.NumOpens, x.NumClicks])).to.deep.equal([['a@x.com', 1, 1], ['b@x.com', 0, 0]]);
      expect(new Date(sum[1].DateSent).getTime()).to.equal(t);
      expect(sum[1].DateFirstOpened).to.equal(undefined);
      const opens = [(await call('GetCampaignOpens', { campaignId: campaign, select: 10, skip: 0 })).GetCampaignOpensResult.ApiCampaignContactOpen].flat();
      expect(opens.map((x: any) => x.ContactId)).to.deep.equal([a]);
      const clicks = [(await call('GetCampaignClicks', { campaignId: campaign, select: 10, skip: 0 })).GetCampaignClicksResult.ApiCampaignContactClick].flat();
      expect(clicks.map((x: any) => x.Url)).to.deep.equal(['https://shop.example/x']);
      await fails('GetCampaignActivities', { campaignId: 999999999, select: 10, skip: 0 }, 'ERROR_CAMPAIGN_NOT_FOUND');
    });

    it('scheduled SendCampaign to contacts; unknown ids and send ids refused', async () => {
      const a = (await call('CreateContact', { apiContact: { Email: 'a@x.com' } })).CreateContactResult.Id;
      const campaign = (await call('CreateCampaign', { apiCampaign: { Name: 'Later', Subject: 's', FromName: 'f', HtmlContent: 'h', PlainTextContent: 'p' } })).CreateCampaignResult.Id;
      await fails('SendCampaign', { apiCampaignSend: { CampaignId: campaign, ContactIds: { int: [999999999] } } }, 'ERROR_CONTACT_NOT_FOUND');
      await fails('SendCampaign', { apiCampaignSend: { CampaignId: campaign, AddressBookIds: { int: [999999999] } } }, 'ERROR_ADDRESSBOOK_NOT_FOUND');
      const at = new Date(clock.now() + 3_600_000).toISOString();
      const s = (await call('SendCampaign', { apiCampaignSend: { CampaignId: campaign, ContactIds: { int: [a] }, SendDate: at } })).SendCampaignResult;
      expect(s.Status).to.equal('Scheduled');
      await runner.drain();
      expect((await call('GetCampaignSendProgress', { sendId: s.Id })).GetCampaignSendProgressResult.Status).to.equal('Scheduled');
      clock.advance(3_600_000);
      await runner.drain();
      expect((await call('GetCampaignSendProgress', { sendId: s.Id })).GetCampaignSendProgressResult.Status).to.equal('Sent');
      await fails('GetCampaignSendProgress', { sendId: '00000000-0000-4000-8000-000000000000' }, 'ERROR_CAMPAIGN_SEND_NOT_FOUND');
    });
  });
}
