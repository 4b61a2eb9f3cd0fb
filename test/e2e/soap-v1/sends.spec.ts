import { expect } from 'chai';
import * as soap from 'soap';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient, WITH_EXTENSIONS } from '../../helpers/rest';
import { allJobsRunner, settle } from '../../helpers/sends';
import { vendorClient } from '../../helpers/vendorClients';
import { FakeClock } from '../../../src/lib/clock';
import { JobRunner } from '../../../src/jobs/runner';

type Client = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const kinds: Array<{ name: string; make: (app: TestApp, soap12: boolean) => Promise<Client> }> = [
  { name: 'our served WSDL', make: (app, soap12) => soap.createClientAsync(`${app.baseUrl}/API.asmx?WSDL`, { forceSoap12Headers: soap12 }) },
  {
    name: 'the vendor WSDL',
    make: async (app, soap12) => {
      // The vendor's WSDL as written back from the committed facts (see clients.spec.ts).
      return vendorClient('v1', 'sends', app.baseUrl, { forceSoap12Headers: soap12 });
    },
  },
];

for (const kind of kinds) {
  for (const soap12 of [false, true]) {
    describe(`SOAP v1 (${soap12 ? '1.2' : '1.1'}) campaigns and sends with a node-soap client from ${kind.name}`, () => {
      let app: TestApp;
      let clock: FakeClock;
      let runner: JobRunner;
      let login: TestLogin;
      let client: Client;
      let rest: RestClient;
      before(async () => {
        clock = new FakeClock(Date.UTC(2030, 7, 1, 9, 0, 0));
        app = await startApp({ clock });
        runner = allJobsRunner(app.services);
        client = await kind.make(app, soap12);
      });
      beforeEach(async () => {
        login = await app.newAccount();
        rest = new RestClient(app.baseUrl, login, undefined, WITH_EXTENSIONS);
      });
      after(() => app.close());

      const call = async (op: string, args: object = {}): Promise<any> =>
        (await client[`${op}Async`]({ username: login.username, password: login.password, ...args }))[0] ?? {};
      const fails = async (op: string, args: object, token: string): Promise<void> => {
        let err: any;
        try {
          await client[`${op}Async`]({ username: login.username, password: login.password, ...args });
        } catch (e) {
          err = e;
        }
        expect(err, `${op} should fail`).to.exist;
        const fault = err.root?.Envelope?.Body?.Fault;
        const text = soap12 ? fault.Reason.Text.$value : fault.faultstring;
        expect(text).to.match(new RegExp(`^Server was unable to process request\\. ---> .+ ${token}$`));
      };
      const now = () => new Date(clock.now()).toISOString();
      const campaign = { Id: -1, Name: 'News', Subject: 's', FromName: 'f', HTMLContent: '<p>h</p>', PlaintextContent: 'p', ReplyAction: 'Unset' };

      it('campaigns: CreateCampaign, GetCampaign, ListCampaigns, UpdateCampaign (alphabetical APICampaign)', async () => {
        const c = (await call('CreateCampaign', { campaign: { ...campaign, ReplyAction: 'Webmail' } })).CreateCampaignResult;
        expect(c).to.include({ Name: 'News', Subject: 's', FromName: 'f', HTMLContent: '<p>h</p>', PlaintextContent: 'p', ReplyAction: 'Webmail', Status: 'Unsent' });
        expect(client.lastResponse).to.match(/<FromName>f<\/FromName><HTMLContent>.*<\/HTMLContent><Id>\d+<\/Id><Name>News<\/Name><PlaintextContent>p<\/PlaintextContent><ReplyAction>Webmail<\/ReplyAction>/);
        await call('UpdateCampaign', { campaign: { ...campaign, Id: c.Id, Name: 'News 2' } });
        expect((await call('GetCampaign', { campaignId: c.Id })).GetCampaignResult).to.include({ Id: c.Id, Name: 'News 2', ReplyAction: 'Unset' });
        const list = (await call('ListCampaigns')).ListCampaignsResult.APICampaign;
        expect([list].flat().map((x: any) => x.Name)).to.deep.equal(['News 2']);
        await fails('GetCampaign', { campaignId: 999999999 }, 'ERROR_CAMPAIGN_NOT_FOUND');
      });

      it('headline: AddContactsToAddressBookWithProgress changes who matches; SendCampaignToAddressBooksWithProgress to the segment goes to the fresh membership', async () => {
        await call('CreateDataField', { fieldname: 'FAVOURITECOLOUR', datatype: 'String' });
        const book = (await call('CreateAddressBook', { book: { ID: -1, Name: 'Main' } })).CreateAddressBookResult.ID;
        for (const [e, colour] of [['ann@x.com', 'Blue'], ['bob@x.com', 'Red'], ['cat@x.com', 'Blue']]) {
          const contact = { ID: -1, Email: e, AudienceType: 'B2C', OptInType: 'Single', EmailType: 'Html', DataFields: { Keys: { string: ['FAVOURITECOLOUR'] }, Values: { anyType: [colour] } } };
          await call('AddContactToAddressBook', { contact, addressbookId: book });
        }
        const seg = (await rest.post('/v2/segments', { name: 'Blues', rules: { all: [{ dataField: 'FAVOURITECOLOUR', op: 'equals', value: 'Blue' }] } })).body.id;
        await runner.drain();
        const csv = 'Email,FAVOURITECOLOUR\nbob@x.com,Blue\ncat@x.com,Red\ndan@x.com,Blue\n';
        const imp = (await call('AddContactsToAddressBookWithProgress', { addressbookID: book, data: Buffer.from(csv).toString('base64'), dataType: 'CSV' }))
          .AddContactsToAddressBookWithProgressResult;
        await runner.drain();
        expect((await call('GetContactImportProgress', { progressID: imp })).GetContactImportProgressResult).to.equal('Finished');
        expect((await rest.get(`/v2/segments/${seg}`)).body).to.include({ contacts: 2, pendingRefresh: true });
        // the fresh audience, computed contact by contact over REST (independent of the segment engine)
        const all = (await rest.get('/v2/contacts?withFullData=true&select=1000')).body as Array<{ email: string; status: string; dataFields: Array<{ key: string; value: unknown }> }>;
        const fresh = all.filter((c) => c.status === 'Subscribed' && c.dataFields.some((d) => d.key === 'FAVOURITECOLOUR' && d.value === 'Blue')).map((c) => c.email).sort();
        expect(fresh).to.deep.equal(['ann@x.com', 'bob@x.com', 'dan@x.com']);
        const cid = (await call('CreateCampaign', { campaign })).CreateCampaignResult.Id;
        const id = (await call('SendCampaignToAddressBooksWithProgress', { campaignId: cid, addressBookIds: { int: [seg] }, sendDate: now() }))
          .SendCampaignToAddressBooksWithProgressResult;
        expect((await call('GetCampaignSendProgress', { progressID: id })).GetCampaignSendProgressResult).to.equal('NotSent');
        await settle(runner, app.services, clock);
        expect((await call('GetCampaignSendProgress', { progressID: id })).GetCampaignSendProgressResult).to.equal('Sent');
        expect((await rest.get(`/v2/campaigns/send/${id}`)).body).to.deep.include({ recipients: 3, refreshedSegments: [seg] });
        const got = (await rest.get(`/v2/campaigns/send/${id}/recipients`)).body.map((x: { email: string }) => x.email).sort();
        expect(got).to.deep.equal(fresh);
        expect((await call('GetCampaign', { campaignId: cid })).GetCampaignResult.Status).to.equal('Sent');
        await fails('SendCampaignToAddressBooks', { campaignId: cid, addressBookIds: { int: [book] }, sendDate: now() }, 'ERROR_CAMPAIGN_SENDNOTPERMITTED');
      });

      it('SendCampaignToAddressBooks with an empty list is All contacts; SendCampaignToContact; errors', async () => {
        const a = (await call('CreateContact', { contact: { ID: -1, Email: 'a@x.com', AudienceType: 'B2C', OptInType: 'Single', EmailType: 'Html' } })).CreateContactResult.ID;
        await call('CreateContact', { contact: { ID: -1, Email: 'b@x.com', AudienceType: 'B2C', OptInType: 'Single', EmailType: 'Html' } });
        const c1 = (await call('CreateCampaign', { campaign })).CreateCampaignResult.Id;
        await call('SendCampaignToAddressBooks', { campaignId: c1, sendDate: now() });
        const c2 = (await call('CreateCampaign', { campaign: { ...campaign, Name: 'Two' } })).CreateCampaignResult.Id;
        await call('SendCampaignToContact', { campaignId: c2, contactid: a, sendDate: new Date(clock.now() + 60_000).toISOString() });
        await fails('SendCampaignToContact', { campaignId: c2, contactid: a, sendDate: now() }, 'ERROR_CAMPAIGN_SENDNOTPERMITTED');
        const c3 = (await call('CreateCampaign', { campaign: { ...campaign, Name: 'Three' } })).CreateCampaignResult.Id;
        await fails('SendCampaignToContact', { campaignId: c3, contactid: 999999999, sendDate: now() }, 'ERROR_CONTACT_NOT_FOUND');
        await fails('SendCampaignToAddressBooks', { campaignId: c3, addressBookIds: { int: [999999999] }, sendDate: now() }, 'ERROR_ADDRESSBOOK_NOT_FOUND');
        await fails('GetCampaignSendProgress', { progressID: '00000000-0000-4000-8000-000000000000' }, 'ERROR_CAMPAIGN_SEND_NOT_FOUND');
        clock.advance(60_000);
        await runner.drain();
        const sends = (await Promise.all([c1, c2].map((c) => app.services.store.repos.sends.activeFor(login.accountId, c)))).every((x) => !x);
        expect(sends).to.equal(true);
        const acts = async (c: number) => (await rest.get(`/v2/campaigns/${c}/activities`)).body.map((x: { email: string }) => x.email).sort();
        expect(await acts(c1)).to.deep.equal(['a@x.com', 'b@x.com']);
        expect(await acts(c2)).to.deep.equal(['a@x.com']);
        await rest.post('/v2/activity-events', { eventId: 'o1', type: 'open', campaignId: c2, contactId: a });
        const sum = [(await call('ListCampaignActivities', { campaignId: c2, select: 10, skip: 0 })).ListCampaignActivitiesResult.APICampaignContactSummary].flat();
        expect(sum).to.have.length(1);
        expect(sum[0]).to.include({ Email: 'a@x.com', NumOpens: 1, NumClicks: 0, ContactId: a, Unsubscribed: false });
        expect(new Date(sum[0].DateSent).getTime()).to.equal(clock.now());
        expect(client.lastResponse).to.contain('<DateFirstOpened>');
        await fails('ListCampaignActivities', { campaignId: 999999999, select: 10, skip: 0 }, 'ERROR_CAMPAIGN_NOT_FOUND');
      });
    });
  }
}
