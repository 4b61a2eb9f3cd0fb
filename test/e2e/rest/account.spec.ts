import { expect } from 'chai';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';

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
