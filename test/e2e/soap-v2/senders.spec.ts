import { expect } from 'chai';
import * as soap from 'soap';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { expectError } from '../../helpers/expect';
import { loginStrictV2, vendorClient } from '../../helpers/vendorClients';

type Client = any; // eslint-disable-line @typescript-eslint/no-explicit-any

// Custom from addresses on three dialects (v2 SOAP GetCustomFromAddresses, v1 ListAvailableCustomFromAddresses and
// SetCampaignCustomFromAddress, REST /v2/custom-from-addresses), through node-soap clients generated from our WSDLs and
// from the vendor's; managed by our extension routes. Every dialect lists the same ids and addresses.
const kinds: Array<{ name: string; v2: (app: TestApp) => Promise<Client>; v1: (app: TestApp) => Promise<Client> }> = [
  {
    name: 'our served WSDLs',
    v2: (app) => soap.createClientAsync(`${app.baseUrl}/v2/Api.svc?wsdl`),
    v1: (app) => soap.createClientAsync(`${app.baseUrl}/API.asmx?WSDL`),
  },
  {
    name: 'the vendor WSDLs',
    v2: (app) => vendorClient('v2', 'senders', app.baseUrl),
    v1: (app) => vendorClient('v1', 'senders', app.baseUrl),
  },
];

const faultOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    const f = (e as any).root?.Envelope?.Body?.Fault;
    return String(f?.faultstring ?? f?.Reason?.Text?.$value ?? e);
  }
  throw new Error('expected a fault');
};

for (const kind of kinds) {
  describe(`Custom from addresses: v2 and v1 SOAP clients from ${kind.name}, REST, extension routes`, () => {
    let app: TestApp;
    let login: TestLogin;
    let v2: Client;
    let v1: Client;
    let api: RestClient;
    const invalid: string[] = [];
    before(async () => {
      app = await startApp();
      login = await app.newAccount();
      api = new RestClient(app.baseUrl, login);
      v2 = await kind.v2(app);
      loginStrictV2(v2, login, invalid);
      v1 = await kind.v1(app);
    });
    afterEach(() => expect(invalid, 'responses valid against the schema').to.deep.equal([]));
    after(() => app.close());
    const auth = () => ({ username: login.username, password: login.password });

    it('an empty account lists none on every dialect', async () => {
      expect((await v2.GetCustomFromAddressesAsync({ select: 10, skip: 0 }))[0]?.GetCustomFromAddressesResult?.ApiCampaignFromAddress ?? []).to.deep.equal([]);
      expect((await v1.ListAvailableCustomFromAddressesAsync(auth()))[0]?.ListAvailableCustomFromAddressesResult?.APICustomFromAddress ?? []).to.deep.equal([]);
      expect((await api.get('/v2/custom-from-addresses')).body).to.deep.equal([]);
    });

    it('addresses added by the extension route have real ids, listed alike by v2, v1 and REST; remove takes one away', async () => {
      const a = await api.post('/v2/custom-from-addresses', { email: 'news@acme.example' });
      expect(a.status, a.text).to.equal(201);
      expect(a.body).to.deep.equal({ id: a.body.id, email: 'news@acme.example' });
      expect(a.body.id).to.be.greaterThan(0);
      const b = (await api.post('/v2/custom-from-addresses', { Email: 'offers@acme.example' })).body;
      expectError(await api.post('/v2/custom-from-addresses', { email: 'NEWS@acme.example' }), 409, 'ERROR_CUSTOM_FROM_ADDRESS_DUPLICATE');
      expectError(await api.post('/v2/custom-from-addresses', { email: 'not an address' }), 400, 'ERROR_CUSTOM_FROM_ADDRESS_INVALID');
      const rest = (await api.get('/v2/custom-from-addresses')).body;
      expect(rest).to.deep.equal([{ id: a.body.id, email: 'news@acme.example' }, { id: b.id, email: 'offers@acme.example' }]);
      const fromV2 = (await v2.GetCustomFromAddressesAsync({ select: 10, skip: 0 }))[0].GetCustomFromAddressesResult.ApiCampaignFromAddress;
      expect(fromV2).to.deep.equal(rest.map((x: { id: number; email: string }) => ({ Id: x.id, Email: x.email })));
      expect((await v2.GetCustomFromAddressesAsync({ select: 1, skip: 1 }))[0].GetCustomFromAddressesResult.ApiCampaignFromAddress).to.deep.equal([{ Id: b.id, Email: 'offers@acme.example' }]);
      const fromV1 = [].concat((await v1.ListAvailableCustomFromAddressesAsync(auth()))[0].ListAvailableCustomFromAddressesResult.APICustomFromAddress);
      expect(fromV1).to.deep.equal(rest.map((x: { id: number; email: string }) => ({ ID: x.id, Address: x.email })));
      expect((await api.delete(`/v2/custom-from-addresses/${b.id}`)).status).to.equal(204);
      expectError(await api.delete(`/v2/custom-from-addresses/${b.id}`), 404, 'ERROR_CUSTOM_FROM_ADDRESS_NOT_FOUND');
      expect((await api.get('/v2/custom-from-addresses')).body).to.have.length(1);
      // Another account sees none of them and cannot remove them.
      const other = new RestClient(app.baseUrl, await app.newAccount());
      expect((await other.get('/v2/custom-from-addresses')).body).to.deep.equal([]);
      expectError(await other.delete(`/v2/custom-from-addresses/${a.body.id}`), 404, 'ERROR_CUSTOM_FROM_ADDRESS_NOT_FOUND');
    });

    it('v1 SetCampaignCustomFromAddress makes the address the sender of an unsent campaign; unknown ids fault', async () => {
      const from = (await api.get('/v2/custom-from-addresses')).body[0];
      const campaign = (await api.post('/v2/campaigns', { name: 'Spring', subject: 'Hi', fromName: 'Acme' })).body;
      const [r] = await v1.SetCampaignCustomFromAddressAsync({ ...auth(), campaignId: campaign.id, fromaddressId: from.id });
      expect(r ?? null).to.equal(null);
      // The campaign's sender carries the custom address's real id, on REST and v2 SOAP alike.
      expect((await api.get(`/v2/campaigns/${campaign.id}`)).body.fromAddress).to.deep.equal({ id: from.id, email: from.email });
      expect((await v2.GetCampaignByIdAsync({ id: campaign.id }))[0].GetCampaignByIdResult.FromAddress).to.deep.equal({ Id: from.id, Email: from.email });
      // Any other sender address has id 0, as before.
      const plain = (await api.post('/v2/campaigns', { name: 'Plain', fromAddress: 'someone@else.example' })).body;
      expect(plain.fromAddress).to.deep.equal({ id: 0, email: 'someone@else.example' });
      expect(await faultOf(v1.SetCampaignCustomFromAddressAsync({ ...auth(), campaignId: campaign.id, fromaddressId: 99999999 }))).to.match(/ERROR_CUSTOM_FROM_ADDRESS_NOT_FOUND$/);
      expect(await faultOf(v1.SetCampaignCustomFromAddressAsync({ ...auth(), campaignId: 99999999, fromaddressId: from.id }))).to.match(/ERROR_CAMPAIGN_NOT_FOUND$/);
      expect(await faultOf(v2.GetCustomFromAddressesAsync({ select: 0, skip: 0 }))).to.match(/ERROR_PARAMETER_INVALID$/);
    });
  });
}
