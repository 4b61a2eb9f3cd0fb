import { expect } from 'chai';
import * as soap from 'soap';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { expectError } from '../../helpers/expect';
import { allJobsRunner, settle } from '../../helpers/sends';
import { loginStrictV2, vendorClient } from '../../helpers/vendorClients';
import { FakeClock } from '../../../src/lib/clock';

type Client = any; // eslint-disable-line @typescript-eslint/no-explicit-any

// Campaign copies (v2 CopyCampaign, REST POST /v2/campaigns/{id}/copy) and REST GET /v2/campaigns/{id}/with-details,
// through node-soap clients from our WSDL and the vendor's; both dialects copy the same way.
const kinds: Array<{ name: string; make: (app: TestApp) => Promise<Client> }> = [
  { name: 'our served WSDL', make: (app) => soap.createClientAsync(`${app.baseUrl}/v2/Api.svc?wsdl`) },
  { name: 'the vendor WSDL', make: (app) => vendorClient('v2', 'copy', app.baseUrl) },
];

for (const kind of kinds) {
  describe(`Campaign copies and details: v2 CopyCampaign from ${kind.name}, REST`, () => {
    let app: TestApp;
    let clock: FakeClock;
    let login: TestLogin;
    let client: Client;
    let api: RestClient;
    const invalid: string[] = [];
    before(async () => {
      clock = new FakeClock(Date.UTC(2031, 2, 1, 9, 0, 0));
      app = await startApp({ clock });
      login = await app.newAccount();
      api = new RestClient(app.baseUrl, login);
      client = await kind.make(app);
      loginStrictV2(client, login, invalid);
    });
    afterEach(() => expect(invalid, 'responses valid against the schema').to.deep.equal([]));
    after(() => app.close());

    it('copies a sent campaign into a new Unsent "Copy of ..." with the same content, on v2 SOAP and REST alike', async () => {
      const book = (await api.post('/v2/address-books', { name: 'Readers' })).body.id;
      await api.post(`/v2/address-books/${book}/contacts`, { email: 'ann@example.com' });
      const orig = (
        await api.post('/v2/campaigns', { name: 'Spring', subject: 'Spring news', fromName: 'Acme', fromAddress: 'news@acme.example', htmlContent: '<p>Hi</p>', plainTextContent: 'Hi', replyAction: 'Webmail', replyToAddress: 'r@acme.example' })
      ).body;
      await api.post('/v2/campaigns/send', { campaignId: orig.id, addressBookIds: [book] });
      const runner = allJobsRunner(app.services);
      await runner.drain();
      await settle(runner, app.services, clock);
      expect((await api.get(`/v2/campaigns/${orig.id}`)).body.status).to.equal('Sent');

      const [res] = await client.CopyCampaignAsync({ campaignId: orig.id });
      const soapCopy = res.CopyCampaignResult;
      expect(soapCopy.Id).to.be.a('number').and.not.equal(orig.id);
      expect(soapCopy).to.include({ Name: 'Copy of Spring', Subject: 'Spring news', FromName: 'Acme', HtmlContent: '<p>Hi</p>', PlainTextContent: 'Hi', ReplyAction: 'Webmail', ReplyToAddress: 'r@acme.example', IsSplitTest: false, Status: 'Unsent' });
      expect(soapCopy.FromAddress.Email).to.equal('news@acme.example');

      const restCopy = await api.post(`/v2/campaigns/${orig.id}/copy`);
      expect(restCopy.status, restCopy.text).to.equal(201);
      const { id: _a, ...restFields } = restCopy.body;
      const { id: _b, ...soapAsRest } = (await api.get(`/v2/campaigns/${soapCopy.Id}`)).body;
      expect(restFields).to.deep.equal(soapAsRest);
      expect(restCopy.body.id).to.not.equal(soapCopy.Id);

      const d = await api.get(`/v2/campaigns/${orig.id}/with-details`);
      expect(d.status, d.text).to.equal(200);
      expect(Object.keys(d.body)).to.deep.equal([
        'id', 'name', 'subject', 'fromName', 'fromAddress', 'htmlContent', 'plainTextContent', 'replyAction', 'replyToAddress', 'isSplitTest', 'status', 'type', 'tags', 'splitTestOptions', 'sentDate',
      ]);
      expect(d.body).to.include({ id: orig.id, name: 'Spring', status: 'Sent', type: 'Standard' });
      expect(d.body.sentDate).to.be.a('string');
      expect(new Date(d.body.sentDate).getTime()).to.be.at.most(clock.now());
      expect((await api.get(`/v2/campaigns/${restCopy.body.id}/with-details`)).body).to.include({ sentDate: null, status: 'Unsent' });
    });

    it('unknown or foreign campaigns are not found', async () => {
      let err: any;
      await client.CopyCampaignAsync({ campaignId: 99999999 }).catch((e: unknown) => (err = e));
      expect(err?.root?.Envelope?.Body?.Fault?.faultstring).to.match(/ ERROR_CAMPAIGN_NOT_FOUND$/);
      expectError(await api.post('/v2/campaigns/99999999/copy'), 404, 'ERROR_CAMPAIGN_NOT_FOUND');
      expectError(await api.get('/v2/campaigns/99999999/with-details'), 404, 'ERROR_CAMPAIGN_NOT_FOUND');
      const mine = (await api.post('/v2/campaigns', { name: 'Mine' })).body.id;
      const other = new RestClient(app.baseUrl, await app.newAccount());
      expectError(await other.post(`/v2/campaigns/${mine}/copy`), 404, 'ERROR_CAMPAIGN_NOT_FOUND');
    });
  });
}
