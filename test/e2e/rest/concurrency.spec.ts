import { expect } from 'chai';
import { startApp, TestApp } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { expectError } from '../../helpers/expect';

// Parallel callers racing for the same unique key (email, field name, book name) must get the vendor's answer,
// never a 500 from the database's unique index (MySQL lets both pass the check, then one insert fails).
describe('REST v2: concurrent writes to the same unique key', () => {
  let app: TestApp;
  let api: RestClient;
  before(async () => {
    app = await startApp();
    api = new RestClient(app.baseUrl, await app.newAccount('Race'));
  });
  after(() => app.close());

  it('parallel creates of one email (mixed case) all succeed and leave one contact', async () => {
    const rs = await Promise.all(Array.from({ length: 8 }, (_, i) => api.post('/v2/contacts', { email: i % 2 ? 'RACE@example.com' : 'race@example.com' })));
    expect(rs.map((r) => r.status)).to.deep.equal(Array(8).fill(201));
    expect(new Set(rs.map((r) => r.body.id)).size).to.equal(1);
    expect((await api.get('/v2/contacts')).body.filter((c: { email: string }) => c.email.toLowerCase() === 'race@example.com')).to.have.length(1);
  });

  it('parallel adds of new contacts to a book all succeed', async () => {
    const book = (await api.post('/v2/address-books', { name: 'Race book' })).body.id;
    const rs = await Promise.all(Array.from({ length: 8 }, (_, i) => api.post(`/v2/address-books/${book}/contacts`, { email: `member${i % 2}@example.com` })));
    expect(rs.map((r) => r.status)).to.deep.equal(Array(8).fill(200));
    expect((await api.get(`/v2/address-books/${book}`)).body.contacts).to.equal(2);
  });

  it('parallel creates of one data field or book name: one 201, the rest 409', async () => {
    const fs = await Promise.all(Array.from({ length: 6 }, () => api.post('/v2/data-fields', { name: 'RACEFIELD' })));
    expect(fs.filter((r) => r.status === 201)).to.have.length(1);
    for (const r of fs.filter((x) => x.status !== 201)) expectError(r, 409, 'ERROR_NON_UNIQUE_DATAFIELD');
    const bs = await Promise.all(Array.from({ length: 6 }, () => api.post('/v2/address-books', { name: 'Same name' })));
    expect(bs.filter((r) => r.status === 201)).to.have.length(1);
    for (const r of bs.filter((x) => x.status !== 201)) expectError(r, 409, 'ERROR_ADDRESSBOOK_DUPLICATE');
  });

  it('a badly encoded path is a 400, not a 500', async () => {
    expectError(await api.get('/v2/contacts/%ZZ'), 400, 'ERROR_MALFORMED_REQUEST');
    expectError(await api.get('/v2/address-books/%E0%A4%A'), 400, 'ERROR_MALFORMED_REQUEST');
  });
});
