import { expect } from 'chai';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { bodyOf, dig, kids, v2Raw } from '../../helpers/soap';
import { FakeClock } from '../../../src/lib/clock';
import { UNLIMITED_API_CALLS } from '../../../src/services/usage';

type Prop = { name: string; value: string };
const prop = (body: { properties: Prop[] }, name: string) => body.properties.find((p) => p.name === name)?.value;

describe('REST v2: account and auth', () => {
  let app: TestApp;
  let login: TestLogin;
  let api: RestClient;
  before(async () => {
    app = await startApp();
    login = await app.newAccount('Acme');
    api = new RestClient(app.baseUrl, login);
  });
  after(() => app.close());

  it('GET /v2/account-info answers the vendor shape with an ApiEndpoint property', async () => {
    const r = await api.get('/v2/account-info');
    expect(r.status).to.equal(200);
    expect(r.body.id).to.equal(login.accountId);
    const names = r.body.properties.map((p: { name: string }) => p.name);
    expect(names).to.include('ApiEndpoint');
    for (const p of r.body.properties) expect(Object.keys(p)).to.deep.equal(['name', 'type', 'value']);
    expect(r.body.properties.find((p: { name: string }) => p.name === 'ApiEndpoint').value).to.equal(app.baseUrl);
  });

  it('accepts a GET with a JSON body {}', async () => {
    const r = await api.call('GET', '/v2/account-info', {});
    expect(r.status, r.text).to.equal(200);
  });

  it('answers 401 with WWW-Authenticate: Basic for a wrong password or no credentials', async () => {
    for (const client of [new RestClient(app.baseUrl, { username: login.username, password: 'wrong-password' }), new RestClient(app.baseUrl)]) {
      const r = await client.get('/v2/account-info');
      expect(r.status).to.equal(401);
      expect(r.headers.get('www-authenticate')).to.match(/^Basic realm=/);
      expect(r.body).to.deep.equal({ message: 'Authorization has been denied for this request.' });
    }
  });

  it('GET /v2/server-time needs no login and answers an ISO UTC time', async () => {
    const r = await new RestClient(app.baseUrl).get('/v2/server-time');
    expect(r.status).to.equal(200);
    expect(r.body).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('answers bad JSON with 400 and a vendor-style message, never a stack', async () => {
    const r = await api.call('POST', '/v2/contacts', '{"Email": ', { 'Content-Type': 'application/json' });
    expect(r.status).to.equal(400);
    expect(r.body.message).to.match(/ ERROR_BODY_DOES_NOT_MATCH_CONTENT_TYPE$/);
    expect(r.text).not.to.match(/at .*\.ts:\d+/);
  });

  it('answers an unknown route with 404 JSON', async () => {
    const r = await api.get('/v2/no-such-thing');
    expect(r.status).to.equal(404);
    expect(r.body.message).to.match(/ERROR_RESOURCE_NOT_FOUND$/);
  });
});

describe('account-info: ApiCallsRemaining from the real hourly quota, ApiEndpoint = the base URL (REST and v2 SOAP)', () => {
  const clock = new FakeClock(Date.UTC(2030, 2, 1, 10, 0, 0));
  let app: TestApp;
  before(async () => (app = await startApp({ clock, config: { rateLimitPerHour: 10 } })));
  after(() => app.close());

  /** v2 SOAP GetCurrentAccountInfo's properties as name -> value. */
  async function soapProps(login: TestLogin): Promise<Record<string, string>> {
    const r = await v2Raw(app.baseUrl, 'GetCurrentAccountInfo', '<GetCurrentAccountInfo xmlns="http://apiconnector.com/v2"/>', login);
    expect(r.status, r.text).to.equal(200);
    const props = kids(dig(bodyOf(r), 'GetCurrentAccountInfoResult', 'Properties'), 'ApiAccountProperty');
    return Object.fromEntries(props.map((p) => [dig(p, 'Name')?.text ?? '', dig(p, 'Value')?.text ?? '']));
  }

  it('counts this call and every earlier one of the hour, per account; a new hour starts full', async () => {
    const login = await app.newAccount();
    const api = new RestClient(app.baseUrl, login);
    const first = await api.get('/v2/account-info');
    expect(first.status, first.text).to.equal(200);
    expect(prop(first.body, 'ApiCallsRemaining')).to.equal('9');
    expect(first.body.properties.find((p: Prop & { type: string }) => p.name === 'ApiCallsRemaining').type).to.equal('Int32');
    expect(prop(first.body, 'ApiEndpoint')).to.equal(app.baseUrl);
    expect(app.baseUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    await api.get('/v2/data-fields');
    await api.get('/v2/address-books');
    expect(prop((await api.get('/v2/account-info')).body, 'ApiCallsRemaining')).to.equal('6');
    const soap = await soapProps(login);
    expect(soap).to.include({ ApiCallsRemaining: '5', ApiEndpoint: app.baseUrl });
    // Another account's quota is its own.
    const other = new RestClient(app.baseUrl, await app.newAccount());
    expect(prop((await other.get('/v2/account-info')).body, 'ApiCallsRemaining')).to.equal('9');
    clock.advance(60 * 60_000);
    expect(prop((await api.get('/v2/account-info')).body, 'ApiCallsRemaining')).to.equal('9');
  });

  it('reports Int32.MaxValue when the limit is 0 (unlimited)', async () => {
    const open = await startApp({ config: { rateLimitPerHour: 0 } });
    try {
      const login = await open.newAccount();
      const r = await new RestClient(open.baseUrl, login).get('/v2/account-info');
      expect(prop(r.body, 'ApiCallsRemaining')).to.equal(String(UNLIMITED_API_CALLS)).and.to.equal('2147483647');
    } finally {
      await open.close();
    }
  });
});
