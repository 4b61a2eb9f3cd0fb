import { expect } from 'chai';
import { startApp, TestApp } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { FakeClock } from '../../../src/lib/clock';
import { BOOK_KEYS, CONTACT_KEYS_BRIEF, CONTACT_KEYS_FULL, expectError, fieldOf, ISO_RE } from '../../helpers/expect';

describe('REST v2: address books', () => {
  let app: TestApp;
  let api: RestClient;
  let clock: FakeClock;
  before(async () => {
    clock = new FakeClock(Date.UTC(2026, 2, 1, 9, 0, 0));
    app = await startApp({ clock });
    api = new RestClient(app.baseUrl, await app.newAccount('Books'));
  });
  after(() => app.close());

  const newBook = async (name: string, visibility?: string) => {
    const r = await api.post('/v2/address-books', visibility ? { name, visibility } : { name });
    expect(r.status, r.text).to.equal(201);
    return r.body as { id: number; name: string; visibility: string; contacts: number };
  };
  const ids = (list: Array<{ id: number }>) => list.map((x) => x.id);

  describe('book CRUD', () => {
    it('POST creates from PascalCase and camelCase: 201 ApiAddressBook, Private by default', async () => {
      const a = await api.post('/v2/address-books', { Name: 'Pascal book', Visibility: 'Public' });
      expect(a.status, a.text).to.equal(201);
      expect(Object.keys(a.body)).to.deep.equal(BOOK_KEYS);
      expect(a.body).to.include({ name: 'Pascal book', visibility: 'Public', contacts: 0 });
      const b = await api.post('/v2/address-books', { name: '  camel book  ' });
      expect(b.status, b.text).to.equal(201);
      expect(b.body).to.deep.equal({ id: b.body.id, name: 'camel book', visibility: 'Private', contacts: 0 });
      const c = await api.post('/v2/address-books', { name: 'lower vis', visibility: 'public' });
      expect(c.body.visibility).to.equal('Public');
    });

    it('refuses duplicates (any case) and reserved names with 409, bad names and visibility with 400', async () => {
      await newBook('Unique Name');
      expectError(await api.post('/v2/address-books', { name: 'unique name' }), 409, 'ERROR_ADDRESSBOOK_DUPLICATE');
      expectError(await api.post('/v2/address-books', { name: 'Test' }), 409, 'ERROR_ADDRESSBOOK_DUPLICATE');
      expectError(await api.post('/v2/address-books', { name: 'All Contacts' }), 409, 'ERROR_ADDRESSBOOK_DUPLICATE');
      expectError(await api.post('/v2/address-books', {}), 400, 'ERROR_ADDRESSBOOK_INVALID');
      expectError(await api.post('/v2/address-books', { name: '   ' }), 400, 'ERROR_ADDRESSBOOK_INVALID');
      expectError(await api.post('/v2/address-books', { name: 12 }), 400, 'ERROR_ADDRESSBOOK_INVALID');
      expectError(await api.post('/v2/address-books', { name: 'x'.repeat(201) }), 400, 'ERROR_ADDRESSBOOK_INVALID');
      expectError(await api.post('/v2/address-books', { name: 'Vis', visibility: 'Secret' }), 400, 'ERROR_ADDRESSBOOK_INVALID');
      expectError(await api.call('POST', '/v2/address-books', '{"name":', { 'Content-Type': 'application/json' }), 400, 'ERROR_BODY_DOES_NOT_MATCH_CONTENT_TYPE');
    });

    it('GET one, GET all, GET private and public', async () => {
      const pub = await newBook('Visible book', 'Public');
      const priv = await newBook('Hidden book', 'Private');
      const one = await api.get(`/v2/address-books/${pub.id}`);
      expect(one.status).to.equal(200);
      expect(one.body).to.deep.equal(pub);
      const all = await api.get('/v2/address-books');
      expect(all.status).to.equal(200);
      for (const b of all.body) expect(Object.keys(b)).to.deep.equal(BOOK_KEYS);
      expect(ids(all.body)).to.include.members([pub.id, priv.id]);
      expect(ids(all.body)).to.deep.equal([...ids(all.body)].sort((a, b) => a - b));
      const pubs = await api.get('/v2/address-books/public');
      const privs = await api.get('/v2/address-books/private');
      expect(pubs.body.every((b: { visibility: string }) => b.visibility === 'Public')).to.equal(true);
      expect(privs.body.every((b: { visibility: string }) => b.visibility === 'Private')).to.equal(true);
      expect(ids(pubs.body)).to.include(pub.id).and.not.include(priv.id);
      expect(ids(privs.body)).to.include(priv.id).and.not.include(pub.id);
      expect(pubs.body.length + privs.body.length).to.equal(all.body.length);
      expect((await api.get('/v2/address-books/public?select=1')).body).to.have.length(1);
      expectError(await api.get('/v2/address-books/private?select=1001'), 400, 'ERROR_PARAMETER_INVALID');
      expectError(await api.get('/v2/address-books/999999999'), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
      expectError(await api.get('/v2/address-books/abc'), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
      expectError(await api.get('/v2/address-books/0'), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
    });

    it('PUT renames and changes visibility: 200 ApiAddressBook; clash 409; unknown 404', async () => {
      const b = await newBook('Before rename');
      await newBook('Taken name');
      const r = await api.put(`/v2/address-books/${b.id}`, { Id: b.id, Name: 'After rename', Visibility: 'Public' });
      expect(r.status, r.text).to.equal(200);
      expect(r.body).to.deep.equal({ id: b.id, name: 'After rename', visibility: 'Public', contacts: 0 });
      const vis = await api.put(`/v2/address-books/${b.id}`, { visibility: 'Private' });
      expect(vis.body).to.deep.equal({ id: b.id, name: 'After rename', visibility: 'Private', contacts: 0 });
      const recase = await api.put(`/v2/address-books/${b.id}`, { name: 'AFTER RENAME' });
      expect(recase.status, recase.text).to.equal(200);
      expectError(await api.put(`/v2/address-books/${b.id}`, { name: 'taken NAME' }), 409, 'ERROR_ADDRESSBOOK_DUPLICATE');
      expectError(await api.put(`/v2/address-books/${b.id}`, { visibility: 'Nope' }), 400, 'ERROR_ADDRESSBOOK_INVALID');
      expectError(await api.put('/v2/address-books/999999999', { name: 'x' }), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
      expect((await api.get(`/v2/address-books/${b.id}`)).body.name).to.equal('AFTER RENAME');
    });

    it('DELETE answers 204 with no body; the book is gone, its contacts stay in the account', async () => {
      const b = await newBook('Doomed book');
      const c = (await api.post(`/v2/address-books/${b.id}/contacts`, { email: 'survivor@example.com' })).body;
      const r = await api.delete(`/v2/address-books/${b.id}`);
      expect(r.status).to.equal(204);
      expect(r.text).to.equal('');
      expectError(await api.get(`/v2/address-books/${b.id}`), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
      expectError(await api.delete(`/v2/address-books/${b.id}`), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
      expect((await api.get(`/v2/contacts/${c.id}`)).status).to.equal(200);
      expect((await api.get(`/v2/contacts/${c.id}/address-books`)).body).to.deep.equal([]);
    });
  });

  describe('membership', () => {
    it('POST /address-books/{id}/contacts creates the contact and adds it: 200 ApiContact; count follows', async () => {
      const b = await newBook('Members');
      const r = await api.post(`/v2/address-books/${b.id}/contacts`, {
        Email: 'm1@example.com', OptInType: 'Single', DataFields: [{ Key: 'firstname', Value: 'Mia' }],
      });
      expect(r.status, r.text).to.equal(200);
      expect(Object.keys(r.body)).to.deep.equal(CONTACT_KEYS_FULL);
      expect(r.body).to.include({ email: 'm1@example.com', optInType: 'Single', status: 'Subscribed' });
      expect(fieldOf(r.body, 'FIRSTNAME')).to.equal('Mia');
      expect((await api.get(`/v2/contacts/m1@example.com`)).body.id).to.equal(r.body.id);
      expect((await api.get(`/v2/address-books/${b.id}`)).body.contacts).to.equal(1);
      // adding again (other case) updates, does not duplicate
      const again = await api.post(`/v2/address-books/${b.id}/contacts`, { email: 'M1@example.com', dataFields: [{ key: 'LASTNAME', value: 'Moe' }] });
      expect(again.status).to.equal(200);
      expect(again.body.id).to.equal(r.body.id);
      expect(fieldOf(again.body, 'FIRSTNAME')).to.equal('Mia');
      expect(fieldOf(again.body, 'LASTNAME')).to.equal('Moe');
      expect((await api.get(`/v2/address-books/${b.id}`)).body.contacts).to.equal(1);
    });

    it('refuses bad input and unknown books without writing anything', async () => {
      const b = await newBook('Strict members');
      expectError(await api.post(`/v2/address-books/${b.id}/contacts`, { email: 'nope' }), 400, 'ERROR_PARAMETER_INVALID');
      expectError(await api.post(`/v2/address-books/${b.id}/contacts`, { email: 'typed.m@example.com', dataFields: [{ key: 'BOGUS', value: 1 }] }), 400, 'ERROR_DATAFIELD_NOTFOUND');
      expectError(await api.post('/v2/address-books/999999999/contacts', { email: 'orphan@example.com' }), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
      expectError(await api.get('/v2/contacts/orphan@example.com'), 404, 'ERROR_CONTACT_NOT_FOUND');
      expectError(await api.get('/v2/contacts/typed.m@example.com'), 404, 'ERROR_CONTACT_NOT_FOUND');
      expect((await api.get(`/v2/address-books/${b.id}`)).body.contacts).to.equal(0);
    });

    it('refuses to add a contact unsubscribed from the account (400 ERROR_CONTACT_SUPPRESSED)', async () => {
      const b = await newBook('No unsubscribed');
      await api.post('/v2/contacts/unsubscribe', { email: 'gone@example.com' });
      expectError(await api.post(`/v2/address-books/${b.id}/contacts`, { email: 'gone@example.com' }), 400, 'ERROR_CONTACT_SUPPRESSED');
      expect((await api.get(`/v2/address-books/${b.id}`)).body.contacts).to.equal(0);
    });

    it('GET /address-books/{id}/contacts lists members with paging and withFullData', async () => {
      const b = await newBook('Listed');
      const made: number[] = [];
      for (let i = 0; i < 5; i++) made.push((await api.post(`/v2/address-books/${b.id}/contacts`, { email: `list${i}@example.com` })).body.id);
      await api.post('/v2/contacts', { email: 'not.member@example.com' });
      const all = await api.get(`/v2/address-books/${b.id}/contacts`);
      expect(all.status).to.equal(200);
      expect(ids(all.body)).to.deep.equal(made);
      for (const c of all.body) expect(Object.keys(c)).to.deep.equal(CONTACT_KEYS_BRIEF);
      const full = await api.get(`/v2/address-books/${b.id}/contacts?withFullData=true&select=2&skip=1`);
      expect(ids(full.body)).to.deep.equal(made.slice(1, 3));
      for (const c of full.body) expect(Object.keys(c)).to.deep.equal(CONTACT_KEYS_FULL);
      expect((await api.get(`/v2/address-books/${b.id}/contacts?skip=5`)).body).to.deep.equal([]);
      expectError(await api.get(`/v2/address-books/${b.id}/contacts?skip=-1`), 400, 'ERROR_PARAMETER_INVALID');
      expectError(await api.get('/v2/address-books/999999999/contacts'), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
    });

    it('DELETE /address-books/{id}/contacts/{contactId}: 204, the contact stays in the account; not a member is 404', async () => {
      const b = await newBook('Remove one');
      const c = (await api.post(`/v2/address-books/${b.id}/contacts`, { email: 'remove.one@example.com' })).body;
      const other = (await api.post('/v2/contacts', { email: 'never.member@example.com' })).body;
      const r = await api.delete(`/v2/address-books/${b.id}/contacts/${c.id}`);
      expect(r.status).to.equal(204);
      expect(r.text).to.equal('');
      expect((await api.get(`/v2/address-books/${b.id}`)).body.contacts).to.equal(0);
      expect((await api.get(`/v2/contacts/${c.id}`)).body.status).to.equal('Subscribed');
      expectError(await api.delete(`/v2/address-books/${b.id}/contacts/${c.id}`), 404, 'ERROR_CONTACT_NOT_FOUND');
      expectError(await api.delete(`/v2/address-books/${b.id}/contacts/${other.id}`), 404, 'ERROR_CONTACT_NOT_FOUND');
      expectError(await api.delete(`/v2/address-books/${b.id}/contacts/999999999`), 404, 'ERROR_CONTACT_NOT_FOUND');
      expectError(await api.delete(`/v2/address-books/999999999/contacts/${other.id}`), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
      // a removed contact can be added again
      expect((await api.post(`/v2/address-books/${b.id}/contacts`, { email: 'remove.one@example.com' })).status).to.equal(200);
    });

    it('DELETE /address-books/{id}/contacts removes everyone: 204, contacts stay in the account', async () => {
      const b = await newBook('Remove all');
      const keep = await newBook('Keep members');
      const a = (await api.post(`/v2/address-books/${b.id}/contacts`, { email: 'all1@example.com' })).body;
      await api.post(`/v2/address-books/${b.id}/contacts`, { email: 'all2@example.com' });
      await api.post(`/v2/address-books/${keep.id}/contacts`, { email: 'all1@example.com' });
      const r = await api.delete(`/v2/address-books/${b.id}/contacts`);
      expect(r.status).to.equal(204);
      expect(r.text).to.equal('');
      expect((await api.get(`/v2/address-books/${b.id}`)).body.contacts).to.equal(0);
      expect((await api.get(`/v2/address-books/${b.id}/contacts`)).body).to.deep.equal([]);
      expect((await api.get(`/v2/address-books/${keep.id}`)).body.contacts).to.equal(1);
      expect((await api.get(`/v2/contacts/${a.id}`)).status).to.equal(200);
      expectError(await api.delete('/v2/address-books/999999999/contacts'), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
    });

    it('POST /address-books/{id}/contacts/delete takes an id array: 202 {id, status}', async () => {
      const b = await newBook('Bulk remove');
      const made: number[] = [];
      for (let i = 0; i < 4; i++) made.push((await api.post(`/v2/address-books/${b.id}/contacts`, { email: `bulk${i}@example.com` })).body.id);
      const r = await api.post(`/v2/address-books/${b.id}/contacts/delete`, [made[0], made[2], 999999999]);
      expect(r.status, r.text).to.equal(202);
      expect(Object.keys(r.body)).to.deep.equal(['id', 'status']);
      expect(r.body.id).to.match(/^[0-9a-f-]{36}$/);
      expect(r.body.status).to.equal('Completed');
      expect(ids((await api.get(`/v2/address-books/${b.id}/contacts`)).body)).to.deep.equal([made[1], made[3]]);
      expect((await api.get(`/v2/contacts/${made[0]}`)).status).to.equal(200);
      expectError(await api.post(`/v2/address-books/${b.id}/contacts/delete`, { ids: [made[1]] }), 400, 'ERROR_PARAMETER_INVALID');
      expectError(await api.post('/v2/address-books/999999999/contacts/delete', [made[1]]), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
      expect((await api.get(`/v2/address-books/${b.id}`)).body.contacts).to.equal(2);
    });

    it('DELETE /address-books/{id}/contacts/inbulk takes {"ContactIds": [...]}: 204, never read as contact id "inbulk"', async () => {
      const b = await newBook('In bulk');
      const made: number[] = [];
      for (let i = 0; i < 4; i++) made.push((await api.post(`/v2/address-books/${b.id}/contacts`, { email: `inbulk${i}@example.com` })).body.id);
      const r = await api.call('DELETE', `/v2/address-books/${b.id}/contacts/inbulk`, { ContactIds: [made[0], made[2], 999999999] });
      expect(r.status, r.text).to.equal(204);
      expect(r.text).to.equal('');
      expect(ids((await api.get(`/v2/address-books/${b.id}/contacts`)).body)).to.deep.equal([made[1], made[3]]);
      expect((await api.get(`/v2/contacts/${made[0]}`)).status).to.equal(200);
      // camelCase is read too; ids as digit strings (a PHP client's json_encode of form values) count.
      expect((await api.call('DELETE', `/v2/address-books/${b.id}/contacts/inbulk`, { contactIds: [String(made[1])] })).status).to.equal(204);
      expect(ids((await api.get(`/v2/address-books/${b.id}/contacts`)).body)).to.deep.equal([made[3]]);
      // Budget and shape are checked before any work: nothing is removed by a refused call.
      const tooMany = Array.from({ length: 1001 }, (_, i) => i + 1);
      tooMany[0] = made[3];
      expectError(await api.call('DELETE', `/v2/address-books/${b.id}/contacts/inbulk`, { ContactIds: tooMany }), 400, 'ERROR_PARAMETER_INVALID');
      expectError(await api.call('DELETE', `/v2/address-books/${b.id}/contacts/inbulk`, { ContactIds: [made[3], 'x'] }), 400, 'ERROR_PARAMETER_INVALID');
      expectError(await api.call('DELETE', `/v2/address-books/${b.id}/contacts/inbulk`, { ContactIds: [made[3], -1] }), 400, 'ERROR_PARAMETER_INVALID');
      expectError(await api.call('DELETE', `/v2/address-books/${b.id}/contacts/inbulk`, {}), 400, 'ERROR_PARAMETER_INVALID');
      expectError(await api.call('DELETE', `/v2/address-books/${b.id}/contacts/inbulk`, [made[3]]), 400, 'ERROR_PARAMETER_INVALID');
      expect(ids((await api.get(`/v2/address-books/${b.id}/contacts`)).body)).to.deep.equal([made[3]]);
      expectError(await api.call('DELETE', '/v2/address-books/999999999/contacts/inbulk', { ContactIds: [made[3]] }), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
      // The single-contact route still answers for a real id.
      expect((await api.delete(`/v2/address-books/${b.id}/contacts/${made[3]}`)).status).to.equal(204);
    });
  });

  describe('book-level unsubscribe and resubscribe', () => {
    it('unsubscribes from one book only, lists it as unsubscribed-since, refuses re-adding, resubscribes', async () => {
      const b = await newBook('Newsletter');
      const other = await newBook('Other list');
      const c = (await api.post(`/v2/address-books/${b.id}/contacts`, { email: 'book.unsub@example.com' })).body;
      await api.post(`/v2/address-books/${other.id}/contacts`, { email: 'book.unsub@example.com' });
      const before = new Date(clock.now()).toISOString();
      clock.advance(60_000);
      const at = clock.now();
      const u = await api.post(`/v2/address-books/${b.id}/contacts/unsubscribe`, { Email: 'BOOK.UNSUB@example.com' });
      expect(u.status, u.text).to.equal(200);
      expect(Object.keys(u.body)).to.deep.equal(['suppressedContact', 'dateRemoved', 'reason']);
      expect(u.body.suppressedContact.id).to.equal(c.id);
      expect(u.body.dateRemoved).to.equal(new Date(at).toISOString());
      expect(u.body.reason).to.equal('Unsubscribed');
      expect((await api.get(`/v2/address-books/${b.id}`)).body.contacts).to.equal(0);
      expect((await api.get(`/v2/address-books/${other.id}`)).body.contacts).to.equal(1);
      expect((await api.get(`/v2/contacts/${c.id}`)).body.status).to.equal('Subscribed');
      expect(ids((await api.get(`/v2/contacts/${c.id}/address-books`)).body)).to.deep.equal([other.id]);

      const since = await api.get(`/v2/address-books/${b.id}/contacts/unsubscribed-since/${before}`);
      expect(since.status).to.equal(200);
      expect(since.body).to.have.length(1);
      expect(since.body[0].suppressedContact.id).to.equal(c.id);
      expect(since.body[0].dateRemoved).to.match(ISO_RE);
      const later = new Date(at + 1).toISOString();
      expect((await api.get(`/v2/address-books/${b.id}/contacts/unsubscribed-since/${later}`)).body).to.deep.equal([]);
      expect((await api.get(`/v2/address-books/${other.id}/contacts/unsubscribed-since/${before}`)).body).to.deep.equal([]);

      expectError(await api.post(`/v2/address-books/${b.id}/contacts`, { email: 'book.unsub@example.com' }), 400, 'ERROR_CONTACT_SUPPRESSED');

      const re = await api.post(`/v2/address-books/${b.id}/contacts/resubscribe`, { UnsubscribedContact: { Email: 'book.unsub@example.com' } });
      expect(re.status, re.text).to.equal(200);
      expect(Object.keys(re.body)).to.deep.equal(['contact', 'status']);
      expect(re.body.status).to.equal('ContactAdded');
      expect(re.body.contact.id).to.equal(c.id);
      expect((await api.get(`/v2/address-books/${b.id}`)).body.contacts).to.equal(1);
    });

    it('answers 404 for unknown books and contacts', async () => {
      const b = await newBook('Unsub errors');
      expectError(await api.post(`/v2/address-books/${b.id}/contacts/unsubscribe`, { email: 'nobody.here@example.com' }), 404, 'ERROR_CONTACT_NOT_FOUND');
      expectError(await api.post('/v2/address-books/999999999/contacts/unsubscribe', { email: 'x@example.com' }), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
      expectError(await api.post(`/v2/address-books/${b.id}/contacts/resubscribe`, { unsubscribedContact: { email: 'nobody.here@example.com' } }), 404, 'ERROR_CONTACT_NOT_FOUND');
      expectError(await api.get(`/v2/address-books/${b.id}/contacts/unsubscribed-since/not-a-date`), 400, 'ERROR_PARAMETER_INVALID');
      expectError(await api.get(`/v2/address-books/999999999/contacts/unsubscribed-since/2020-01-01`), 404, 'ERROR_ADDRESSBOOK_NOT_FOUND');
    });

    it('GET /address-books/{id}/contacts/modified-since/{date} follows the clock', async () => {
      const b = await newBook('Modified book');
      const old = (await api.post(`/v2/address-books/${b.id}/contacts`, { email: 'mod.old@example.com' })).body;
      clock.advance(3_600_000);
      const mark = new Date(clock.now()).toISOString();
      clock.advance(1000);
      const fresh = (await api.post(`/v2/address-books/${b.id}/contacts`, { email: 'mod.new@example.com' })).body;
      await api.post('/v2/contacts', { email: 'mod.outside@example.com' });
      const r = await api.get(`/v2/address-books/${b.id}/contacts/modified-since/${mark}`);
      expect(r.status).to.equal(200);
      expect(ids(r.body)).to.deep.equal([fresh.id]);
      clock.advance(1000);
      await api.put(`/v2/contacts/${old.id}`, { dataFields: [{ key: 'FIRSTNAME', value: 'Changed' }] });
      const r2 = await api.get(`/v2/address-books/${b.id}/contacts/modified-since/${mark}?withFullData=true`);
      expect(ids(r2.body)).to.deep.equal([old.id, fresh.id]);
      expect(fieldOf(r2.body[0], 'FIRSTNAME')).to.equal('Changed');
      expectError(await api.get(`/v2/address-books/${b.id}/contacts/modified-since/yesterday`), 400, 'ERROR_PARAMETER_INVALID');
    });
  });
});
