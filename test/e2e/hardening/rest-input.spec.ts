import { expect } from 'chai';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';

describe('hardening: hostile REST input changes nothing global and never reaches SQL as code', () => {
  let app: TestApp;
  let login: TestLogin;
  let api: RestClient;
  before(async () => {
    app = await startApp();
    login = await app.newAccount();
    api = new RestClient(app.baseUrl, login);
  });
  after(() => app.close());

  it('ignores __proto__, constructor and prototype keys in JSON bodies', async () => {
    const body = '{"Email":"proto@example.com","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted2":"yes"}},' +
      '"DataFields":[{"Key":"FIRSTNAME","Value":"P","__proto__":{"polluted3":"yes"}}]}';
    const r = await api.call('POST', '/v2/contacts', body, { 'Content-Type': 'application/json' });
    expect(r.status).to.equal(201);
    const probe: Record<string, unknown> = {};
    expect(probe.polluted).to.equal(undefined);
    expect(probe.polluted2).to.equal(undefined);
    expect(probe.polluted3).to.equal(undefined);
    expect(Object.prototype).not.to.have.property('polluted');
  });

  it('refuses __proto__ as a data-field name and keeps constructor/prototype as plain upper-case names', async () => {
    const bad = await api.post('/v2/data-fields', { name: '__proto__', type: 'String' });
    expect(bad.status).to.equal(400);
    const ok = await api.post('/v2/data-fields', { name: 'constructor', type: 'String' });
    expect(ok.status).to.equal(201);
    expect(ok.body.name).to.equal('CONSTRUCTOR');
    const c = await api.post('/v2/contacts', { email: 'ctor@example.com', dataFields: [{ key: 'constructor', value: 'x' }] });
    expect(c.status).to.equal(201);
    expect(c.body.dataFields.find((d: { key: string }) => d.key === 'CONSTRUCTOR').value).to.equal('x');
    expect(({} as Record<string, unknown>).CONSTRUCTOR).to.equal(undefined);
  });

  it('stores SQL metacharacters in values as data and rejects them in paging parameters', async () => {
    const nasty = "Robert'); DROP TABLE contacts;-- \" \\ %_";
    const c = await api.post('/v2/contacts', { email: "o'brien+x@example.com", dataFields: [{ key: 'LASTNAME', value: nasty }] });
    expect(c.status).to.equal(201);
    const back = await api.get(`/v2/contacts/${encodeURIComponent("O'Brien+x@example.com")}`);
    expect(back.status).to.equal(200);
    expect(back.body.dataFields.find((d: { key: string }) => d.key === 'LASTNAME').value).to.equal(nasty);
    for (const q of ['select=1;DROP%20TABLE%20contacts', 'skip=0%20OR%201=1', 'select=1e3', 'skip=-1']) {
      const r = await api.get(`/v2/contacts?${q}`);
      expect(r.status, q).to.equal(400);
      expect(r.body.message).to.match(/ERROR_PARAMETER_INVALID$/);
    }
    expect((await api.get('/v2/contacts?select=1000')).status).to.equal(200);
    const bad = await api.get(`/v2/contacts/modified-since/${encodeURIComponent("2020-01-01' OR '1'='1")}`);
    expect(bad.status).to.equal(400);
  });
});
