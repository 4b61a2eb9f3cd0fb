import { expect } from 'chai';
import { startApp, TestApp } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { expectError } from '../../helpers/expect';

describe('REST v2: cross-account isolation', () => {
  let app: TestApp;
  let a: RestClient;
  let b: RestClient;
  let bContact: { id: number; email: string };
  let bBook: number;
  let aBook: number;
  let aContact: number;

  /** Everything B can see, read through B's own API. */
  const snapshotB = async () => ({
    contact: (await b.get(`/v2/contacts/${bContact.id}`)).body,
    contacts: (await b.get('/v2/contacts?withFullData=true')).body,
    books: (await b.get('/v2/address-books')).body,
    members: (await b.get(`/v2/address-books/${bBook}/contacts?withFullData=true`)).body,
    booksOfContact: (await b.get(`/v2/contacts/${bContact.id}/address-books`)).body,
    fields: (await b.get('/v2/data-fields')).body,
    suppressed: (await b.get('/v2/contacts/suppressed-since/2000-01-01')).body,
    bookUnsubscribed: (await b.get(`/v2/address-books/${bBook}/contacts/unsubscribed-since/2000-01-01`)).body,
  });
  let before0: Awaited<ReturnType<typeof snapshotB>>;

  before(async () => {
    app = await startApp();
    a = new RestClient(app.baseUrl, await app.newAccount('A'));
    b = new RestClient(app.baseUrl, await app.newAccount('B'));
    expect((await b.post('/v2/data-fields', { name: 'BONLY', type: 'String' })).status).to.equal(201);
    bBook = (await b.post('/v2/address-books', { name: 'B book' })).body.id;
    bContact = (await b.post(`/v2/address-books/${bBook}/contacts`, { email: 'b.person@example.com', dataFields: [{ key: 'BONLY', value: 'secret' }] })).body;
    await b.post(`/v2/address-books/${bBook}/contacts`, { email: 'b.other@example.com' });
    aBook = (await a.post('/v2/address-books', { name: 'A book' })).body.id;
    aContact = (await a.post(`/v2/address-books/${aBook}/contacts`, { email: 'a.person@example.com' })).body.id;
    before0 = await snapshotB();
    expect(before0.members).to.have.length(2);
  });
  after(() => app.close());

  it("A cannot read, change or delete B's contact by id or email (404)", async () => {
    const id = bContact.id;
    expectError(await a.get(`/v2/contacts/${id}`), 404, 'ERROR_CONTACT_NOT_FOUND');
    expectError(await a.get(`/v2/contacts/${bContact.email}`), 404, 'ERROR_CONTACT_NOT_FOUND');
    expectError(await a.get(`/v2/contacts/${bContact.email.toUpperCase()}`), 404, 'ERROR_CONTACT_NOT_FOUND');
    expectError(await a.put(`/v2/contacts/${id}`, { email: 'stolen@example.com' }), 404, 'ERROR_CONTACT_NOT_FOUND');
    expectError(await a.put(`/v2/contacts/${id}`, { dataFields: [{ key: 'FIRSTNAME', value: 'x' }] }), 404, 'ERROR_CONTACT_NOT_FOUND');
    expectError(await a.delete(`/v2/contacts/${id}`), 404, 'ERROR_CONTACT_NOT_FOUND');
    expectError(await a.get(`/v2/contacts/${id}/address-books`), 404, 'ERROR_CONTACT_NOT_FOUND');
    expectError(await a.post('/v2/contacts/unsubscribe', { id }), 404, 'ERROR_CONTACT_NOT_FOUND');
    expectError(await a.post('/v2/contacts/resubscribe', { unsubscribedContact: { id } }), 404, 'ERROR_CONTACT_NOT_FOUND');
    expectError(await a.post('/v2/contacts/resubscribe', { unsubscribedContact: { email: bContact.email } }), 404, 'ERROR_CONTACT_NOT_FOUND');
    expect(await snapshotB()).to.deep.equal(before0);
  });

  it("A cannot see or touch B's address book or its membership (404)", async () => {
    const p = `/v2/address-books/${bBook}`;
    expectError(await a.get(p), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
    expectError(await a.put(p, { name: 'Hijacked', visibility: 'Public' }), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
    expectError(await a.delete(p), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
    expectError(await a.get(`${p}/contacts`), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
    expectError(await a.post(`${p}/contacts`, { email: 'intruder@example.com' }), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
    expectError(await a.post(`${p}/contacts`, { email: bContact.email }), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
    expectError(await a.delete(`${p}/contacts/${bContact.id}`), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
    expectError(await a.delete(`${p}/contacts/${aContact}`), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
    expectError(await a.delete(`${p}/contacts`), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
    expectError(await a.post(`${p}/contacts/delete`, [bContact.id]), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
    expectError(await a.get(`${p}/contacts/modified-since/2000-01-01`), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
    expectError(await a.get(`${p}/contacts/unsubscribed-since/2000-01-01`), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
    expectError(await a.post(`${p}/contacts/unsubscribe`, { email: bContact.email }), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
    expectError(await a.post(`${p}/contacts/resubscribe`, { unsubscribedContact: { id: bContact.id } }), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
    expectError(await a.get('/v2/contacts/intruder@example.com'), 404, 'ERROR_CONTACT_NOT_FOUND');
    expect(await snapshotB()).to.deep.equal(before0);
  });

  it("A cannot use B's contact id through A's own book", async () => {
    const p = `/v2/address-books/${aBook}`;
    expectError(await a.delete(`${p}/contacts/${bContact.id}`), 404, 'ERROR_CONTACT_NOT_FOUND');
    expectError(await a.post(`${p}/contacts/unsubscribe`, { id: bContact.id }), 404, 'ERROR_CONTACT_NOT_FOUND');
    expectError(await a.post(`${p}/contacts/resubscribe`, { unsubscribedContact: { id: bContact.id } }), 404, 'ERROR_CONTACT_NOT_FOUND');
    expectError(await a.post(`${p}/contacts/unsubscribe`, { email: 'b.other@example.com' }), 404, 'ERROR_CONTACT_NOT_FOUND');
    expectError(await a.post(`${p}/contacts/resubscribe`, { unsubscribedContact: { email: 'b.other@example.com' } }), 404, 'ERROR_CONTACT_NOT_FOUND');
    const bulk = await a.post(`${p}/contacts/delete`, [bContact.id]);
    expect(bulk.status).to.equal(202);
    expect((await a.get(`${p}/contacts`)).body.map((c: { id: number }) => c.id)).to.deep.equal([aContact]);
    expect(await snapshotB()).to.deep.equal(before0);
  });

  it("A cannot see, use or delete B's data field; A's fields are its own namespace", async () => {
    expectError(await a.delete('/v2/data-fields/BONLY'), 404, 'ERROR_DATAFIELD_NOTFOUND');
    expectError(await a.post('/v2/contacts', { email: 'a.try@example.com', dataFields: [{ key: 'BONLY', value: 'x' }] }), 400, 'ERROR_DATAFIELD_NOTFOUND');
    expect((await a.get('/v2/data-fields')).body.map((f: { name: string }) => f.name)).not.to.include('BONLY');
    expect((await a.post('/v2/data-fields', { name: 'BONLY', type: 'Numeric' })).status).to.equal(201);
    expect((await a.delete('/v2/data-fields/FIRSTNAME')).status).to.equal(200);
    expect(await snapshotB()).to.deep.equal(before0);
  });

  it("the same email lives separately in each account; A's writes to it never reach B", async () => {
    const mine = await a.post('/v2/contacts', { email: bContact.email.toUpperCase(), dataFields: [{ key: 'LASTNAME', value: 'A-side' }] });
    expect(mine.status, mine.text).to.equal(201);
    expect(mine.body.id).not.to.equal(bContact.id);
    expect((await a.get(`/v2/contacts/${bContact.email}`)).body.id).to.equal(mine.body.id);
    const other = (await a.post('/v2/contacts', { email: 'a.renamer@example.com' })).body;
    const renamed = await a.put(`/v2/contacts/${other.id}`, { email: 'b.other@example.com' });
    expect(renamed.status, renamed.text).to.equal(200);
    await a.post('/v2/contacts/unsubscribe', { email: bContact.email });
    expect((await a.get(`/v2/contacts/${mine.body.id}`)).body.status).to.equal('Unsubscribed');
    await a.post(`/v2/address-books/${aBook}/contacts/unsubscribe`, { email: 'a.person@example.com' });
    expect((await b.get(`/v2/contacts/${bContact.email}`)).body.status).to.equal('Subscribed');
    expect(await snapshotB()).to.deep.equal(before0);
  });

  it("lists never include the other account's rows", async () => {
    const aIds = (await a.get('/v2/contacts')).body.map((c: { id: number }) => c.id);
    const bIds = (await b.get('/v2/contacts')).body.map((c: { id: number }) => c.id);
    expect(aIds.filter((x: number) => bIds.includes(x))).to.deep.equal([]);
    const aBooks = (await a.get('/v2/address-books')).body.map((x: { id: number }) => x.id);
    expect(aBooks).to.deep.equal([aBook]);
    expect((await a.get('/v2/contacts/suppressed-since/2000-01-01')).body.map((s: { suppressedContact: { id: number } }) => s.suppressedContact.id)).not.to.include(bContact.id);
    expect((await a.get('/v2/contacts/modified-since/2000-01-01')).body.map((c: { id: number }) => c.id)).not.to.include(bContact.id);
    expect((await a.get('/v2/contacts/created-since/2000-01-01')).body.map((c: { id: number }) => c.id)).not.to.include(bContact.id);
    expect((await a.get('/v2/address-books/private')).body.map((x: { id: number }) => x.id)).not.to.include(bBook);
  });

  it("B's credentials never reach A's account-info", async () => {
    const ra = await a.get('/v2/account-info');
    const rb = await b.get('/v2/account-info');
    expect(ra.body.id).not.to.equal(rb.body.id);
  });
});
