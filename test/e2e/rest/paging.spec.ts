import { expect } from 'chai';
import { startApp, TestApp } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { expectError } from '../../helpers/expect';

describe('REST v2: paging bounds (select/skip) on every list route', () => {
  let app: TestApp;
  let api: RestClient;
  let book: number;
  let contact: number;
  const made: number[] = [];
  before(async () => {
    app = await startApp({ config: { maxSelect: 1000 } });
    api = new RestClient(app.baseUrl, await app.newAccount('Paging'));
    book = (await api.post('/v2/address-books', { name: 'Paged' })).body.id;
    for (let i = 0; i < 7; i++) made.push((await api.post(`/v2/address-books/${book}/contacts`, { email: `p${i}@example.com` })).body.id);
    contact = made[0];
    for (let i = 0; i < 3; i++) {
      const b = (await api.post('/v2/address-books', { name: `Extra ${i}` })).body.id;
      await api.post(`/v2/address-books/${b}/contacts`, { email: 'p0@example.com' });
    }
  });
  after(() => app.close());

  const routes = () => [
    '/v2/contacts',
    '/v2/contacts/modified-since/2000-01-01',
    '/v2/contacts/created-since/2000-01-01',
    '/v2/contacts/suppressed-since/2000-01-01',
    '/v2/contacts/unsubscribed-since/2000-01-01',
    `/v2/contacts/${contact}/address-books`,
    '/v2/address-books',
    '/v2/address-books/private',
    '/v2/address-books/public',
    `/v2/address-books/${book}/contacts`,
    `/v2/address-books/${book}/contacts/modified-since/2000-01-01`,
    `/v2/address-books/${book}/contacts/unsubscribed-since/2000-01-01`,
  ];

  it('refuses select 0, 1001, negative, fractional or non-numeric values and bad skip with 400 ERROR_PARAMETER_INVALID', async () => {
    const bad = ['select=0', 'select=1001', 'select=-1', 'select=abc', 'select=1.5', 'select=1e2', 'select=0x10', 'skip=-1', 'skip=abc', 'skip=2.5', 'Select=0', 'SKIP=-3'];
    for (const route of routes()) {
      for (const q of bad) expectError(await api.get(`${route}?${q}`), 400, 'ERROR_PARAMETER_INVALID');
    }
  });

  it('accepts select 1 and 1000 on every route, answering an array', async () => {
    for (const route of routes()) {
      for (const q of ['select=1', 'select=1000', 'select=1000&skip=0', '']) {
        const r = await api.get(q ? `${route}?${q}` : route);
        expect(r.status, `${route}?${q} ${r.text}`).to.equal(200);
        expect(r.body).to.be.an('array');
        if (q.startsWith('select=1&') || q === 'select=1') expect(r.body.length).to.be.at.most(1);
      }
    }
  });

  it('pages contacts in id order: default select returns all, pages tile the list, skip past the end is []', async () => {
    const all = (await api.get('/v2/contacts')).body.map((c: { id: number }) => c.id);
    expect(all).to.deep.equal(made);
    const pages: number[] = [];
    for (let skip = 0; skip < 7; skip += 3) pages.push(...(await api.get(`/v2/contacts?select=3&skip=${skip}`)).body.map((c: { id: number }) => c.id));
    expect(pages).to.deep.equal(made);
    expect((await api.get('/v2/contacts?skip=7')).body).to.deep.equal([]);
    expect((await api.get('/v2/contacts?select=5&skip=1000000')).body).to.deep.equal([]);
    expect((await api.get(`/v2/address-books/${book}/contacts?select=2&skip=6`)).body.map((c: { id: number }) => c.id)).to.deep.equal([made[6]]);
    expect((await api.get(`/v2/contacts/${contact}/address-books?skip=4`)).body).to.deep.equal([]);
    expect((await api.get(`/v2/contacts/${contact}/address-books?select=2&skip=2`)).body).to.have.length(2);
  });

  it('honours a smaller configured maximum', async () => {
    const small = await startApp({ config: { maxSelect: 5 } });
    try {
      const api2 = new RestClient(small.baseUrl, await small.newAccount('Small'));
      expectError(await api2.get('/v2/contacts?select=6'), 400, 'ERROR_PARAMETER_INVALID');
      expect((await api2.get('/v2/contacts?select=5')).status).to.equal(200);
    } finally {
      await small.close();
    }
  });
});
