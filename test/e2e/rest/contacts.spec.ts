import { expect } from 'chai';
import { startApp, TestApp } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { CONTACT_KEYS_BRIEF, CONTACT_KEYS_FULL, expectError, fieldOf } from '../../helpers/expect';

describe('REST v2: contacts', () => {
  let app: TestApp;
  let api: RestClient;
  before(async () => {
    app = await startApp();
    api = new RestClient(app.baseUrl, await app.newAccount('Contacts'));
    for (const f of [
      { name: 'AGE', type: 'Numeric' },
      { name: 'BIRTHDAY', type: 'Date' },
      { name: 'VIP', type: 'Boolean' },
    ]) {
      const r = await api.post('/v2/data-fields', f);
      expect(r.status, r.text).to.equal(201);
    }
  });
  after(() => app.close());

  describe('POST /v2/contacts', () => {
    it('creates from the S8 PascalCase body: 201, camelCase ApiContact, every field listed upper-case and sorted', async () => {
      const r = await api.post('/v2/contacts', {
        Email: 'john.smith@example.com',
        EmailType: 'Html',
        OptInType: 'Double',
        DataFields: [
          { Key: 'Gender', Value: 'M' },
          { Key: 'FullName', Value: 'John Smith' },
        ],
      });
      expect(r.status, r.text).to.equal(201);
      expect(r.headers.get('content-type')).to.match(/^application\/json/);
      expect(Object.keys(r.body)).to.deep.equal(CONTACT_KEYS_FULL);
      expect(r.body.id).to.be.a('number').and.greaterThan(0);
      expect(r.body).to.include({ email: 'john.smith@example.com', optInType: 'Double', emailType: 'Html', status: 'Subscribed' });
      expect(r.body.dataFields.map((d: { key: string }) => d.key)).to.deep.equal([
        'AGE', 'BIRTHDAY', 'FIRSTNAME', 'FULLNAME', 'GENDER', 'LASTNAME', 'POSTCODE', 'VIP',
      ]);
      for (const d of r.body.dataFields) expect(Object.keys(d)).to.deep.equal(['key', 'value']);
      expect(fieldOf(r.body, 'FULLNAME')).to.equal('John Smith');
      expect(fieldOf(r.body, 'GENDER')).to.equal('M');
      expect(fieldOf(r.body, 'FIRSTNAME')).to.equal(null);
    });

    it('creates from a camelCase body with typed values and returns them typed', async () => {
      const r = await api.post('/v2/contacts', {
        email: 'typed@example.com',
        optInType: 'single',
        emailType: 'plaintext',
        dataFields: [
          { key: 'AGE', value: '42' },
          { key: 'birthday', value: '1980-02-29' },
          { key: 'VIP', value: 'true' },
        ],
      });
      expect(r.status, r.text).to.equal(201);
      expect(r.body.optInType).to.equal('Single');
      expect(r.body.emailType).to.equal('PlainText');
      expect(fieldOf(r.body, 'AGE')).to.equal(42);
      expect(fieldOf(r.body, 'BIRTHDAY')).to.equal('1980-02-29T00:00:00.000Z');
      expect(fieldOf(r.body, 'VIP')).to.equal(true);
    });

    it('defaults optInType Unknown and emailType Html', async () => {
      const r = await api.post('/v2/contacts', { email: 'defaults@example.com' });
      expect(r.status, r.text).to.equal(201);
      expect(r.body).to.include({ optInType: 'Unknown', emailType: 'Html', status: 'Subscribed' });
    });

    it('treats the email case-insensitively: a second create with other casing updates the same contact', async () => {
      const a = await api.post('/v2/contacts', { email: 'Case.Test@Example.com', dataFields: [{ key: 'FIRSTNAME', value: 'A' }] });
      const b = await api.post('/v2/contacts', { email: 'case.test@EXAMPLE.COM', dataFields: [{ key: 'LASTNAME', value: 'B' }] });
      expect(a.status).to.equal(201);
      expect(b.status).to.equal(201);
      expect(b.body.id).to.equal(a.body.id);
      expect(fieldOf(b.body, 'FIRSTNAME')).to.equal('A');
      expect(fieldOf(b.body, 'LASTNAME')).to.equal('B');
      const got = await api.get('/v2/contacts/CASE.TEST@example.com');
      expect(got.status).to.equal(200);
      expect(got.body.id).to.equal(a.body.id);
    });

    it('refuses invalid emails with 400 ERROR_PARAMETER_INVALID and the vendor text', async () => {
      for (const email of ['not-an-email', 'a@b', 'two@@example.com', 'sp ace@example.com', '', 42, null]) {
        const r = await api.post('/v2/contacts', { email });
        expectError(r, 400, 'ERROR_PARAMETER_INVALID');
        expect(r.body.message).to.equal('Email is not a valid email address. ERROR_PARAMETER_INVALID');
      }
      const none = await api.post('/v2/contacts', {});
      expectError(none, 400, 'ERROR_PARAMETER_INVALID');
    });

    it('refuses a value of the wrong type for its field with 400 ERROR_DATAFIELD_VALUE_INVALID and writes nothing', async () => {
      const cases = [
        { key: 'AGE', value: 'forty' },
        { key: 'BIRTHDAY', value: 'yesterday' },
        { key: 'BIRTHDAY', value: '2021-02-30' },
        { key: 'VIP', value: 'perhaps' },
        { key: 'FIRSTNAME', value: 'x'.repeat(256) },
        { key: 'FIRSTNAME', value: { nested: true } },
      ];
      for (const df of cases) {
        const r = await api.post('/v2/contacts', { email: 'wrongtype@example.com', dataFields: [df] });
        expectError(r, 400, 'ERROR_DATAFIELD_VALUE_INVALID');
      }
      expectError(await api.get('/v2/contacts/wrongtype@example.com'), 404, 'ERROR_CONTACT_NOT_FOUND');
    });

    it('refuses an unknown data field with 400 ERROR_DATAFIELD_NOTFOUND', async () => {
      const r = await api.post('/v2/contacts', { email: 'unknownfield@example.com', dataFields: [{ key: 'SHOESIZE', value: '9' }] });
      expectError(r, 400, 'ERROR_DATAFIELD_NOTFOUND');
      expectError(await api.get('/v2/contacts/unknownfield@example.com'), 404, 'ERROR_CONTACT_NOT_FOUND');
    });

    it('refuses bad enums and malformed dataFields with 400', async () => {
      expectError(await api.post('/v2/contacts', { email: 'e1@example.com', optInType: 'Triple' }), 400, 'ERROR_PARAMETER_INVALID');
      expectError(await api.post('/v2/contacts', { email: 'e1@example.com', emailType: 'Rtf' }), 400, 'ERROR_PARAMETER_INVALID');
      expectError(await api.post('/v2/contacts', { email: 'e1@example.com', optInType: 2 }), 400, 'ERROR_PARAMETER_INVALID');
      expectError(await api.post('/v2/contacts', { email: 'e1@example.com', dataFields: { FIRSTNAME: 'x' } }), 400, 'ERROR_PARAMETER_INVALID');
      expectError(await api.post('/v2/contacts', { email: 'e1@example.com', dataFields: [{ value: 'x' }] }), 400, 'ERROR_PARAMETER_INVALID');
      expectError(await api.post('/v2/contacts', { email: 'e1@example.com', dataFields: ['x'] }), 400, 'ERROR_PARAMETER_INVALID');
      expectError(await api.post('/v2/contacts', [{ email: 'e1@example.com' }]), 400, 'ERROR_PARAMETER_INVALID');
    });

    it('answers bad JSON, a JSON scalar and a wrong content type with 400, never a 500', async () => {
      expectError(await api.call('POST', '/v2/contacts', '{"email":', { 'Content-Type': 'application/json' }), 400, 'ERROR_BODY_DOES_NOT_MATCH_CONTENT_TYPE');
      expectError(await api.call('POST', '/v2/contacts', '"x@example.com"', { 'Content-Type': 'application/json' }), 400, 'ERROR_BODY_DOES_NOT_MATCH_CONTENT_TYPE');
      const r = await api.call('POST', '/v2/contacts', 'email=x@example.com', { 'Content-Type': 'application/x-www-form-urlencoded' });
      expect(r.status, r.text).to.equal(400);
      expect(r.body.message).to.match(/ ERROR_[A-Z_]+$/);
    });
  });

  describe('GET /v2/contacts/{id|email}', () => {
    let id: number;
    before(async () => {
      id = (await api.post('/v2/contacts', { email: 'get.me@example.com', dataFields: [{ key: 'FIRSTNAME', value: 'Get' }] })).body.id;
    });

    it('gets by id and by email (any case) with full data', async () => {
      for (const ref of [String(id), 'get.me@example.com', 'GET.ME@EXAMPLE.COM', encodeURIComponent('get.me@example.com')]) {
        const r = await api.get(`/v2/contacts/${ref}`);
        expect(r.status, ref).to.equal(200);
        expect(Object.keys(r.body)).to.deep.equal(CONTACT_KEYS_FULL);
        expect(r.body.id).to.equal(id);
        expect(fieldOf(r.body, 'FIRSTNAME')).to.equal('Get');
      }
    });

    it('reads a plus sign in an email path literally and routes case-insensitively', async () => {
      const c = (await api.post('/v2/contacts', { email: 'plus+tag@example.com' })).body;
      expect((await api.get('/v2/contacts/plus+tag@example.com')).body.id).to.equal(c.id);
      expect((await api.get(`/v2/contacts/${encodeURIComponent('plus+tag@example.com')}`)).body.id).to.equal(c.id);
      expect((await api.get(`/V2/Contacts/${c.id}`)).status).to.equal(200);
    });

    it('works as a GET with a JSON body', async () => {
      const r = await api.call('GET', `/v2/contacts/${id}`, {});
      expect(r.status, r.text).to.equal(200);
      expect(r.body.id).to.equal(id);
    });

    it('answers 404 ERROR_CONTACT_NOT_FOUND for unknown ids, emails and junk', async () => {
      for (const ref of ['999999999', '0', '-1', '99999999999999999999', 'nobody@example.com', 'junk', '1.5']) {
        expectError(await api.get(`/v2/contacts/${ref}`), 404, 'ERROR_CONTACT_NOT_FOUND');
      }
    });
  });

  describe('PUT /v2/contacts/{id}', () => {
    it('updates given properties, merges data fields, keeps the rest: 200 ApiContact', async () => {
      const c = (await api.post('/v2/contacts', {
        email: 'upd@example.com', optInType: 'Single', dataFields: [{ key: 'FIRSTNAME', value: 'Ann' }, { key: 'AGE', value: 30 }],
      })).body;
      const r = await api.put(`/v2/contacts/${c.id}`, { Id: c.id, EmailType: 'PlainText', DataFields: [{ Key: 'LASTNAME', Value: 'Lee' }, { Key: 'AGE', Value: '' }] });
      expect(r.status, r.text).to.equal(200);
      expect(Object.keys(r.body)).to.deep.equal(CONTACT_KEYS_FULL);
      expect(r.body).to.include({ id: c.id, email: 'upd@example.com', optInType: 'Single', emailType: 'PlainText' });
      expect(fieldOf(r.body, 'FIRSTNAME')).to.equal('Ann');
      expect(fieldOf(r.body, 'LASTNAME')).to.equal('Lee');
      expect(fieldOf(r.body, 'AGE')).to.equal(null);
      const again = await api.get(`/v2/contacts/${c.id}`);
      expect(again.body).to.deep.equal(r.body);
    });

    it('changes the email; a clash with another contact (any case) is 409 ERROR_NON_UNIQUE_EMAIL', async () => {
      const a = (await api.post('/v2/contacts', { email: 'move.a@example.com' })).body;
      await api.post('/v2/contacts', { email: 'move.b@example.com' });
      const moved = await api.put(`/v2/contacts/${a.id}`, { email: 'moved.a@example.com' });
      expect(moved.status, moved.text).to.equal(200);
      expect(moved.body.email).to.equal('moved.a@example.com');
      expectError(await api.get('/v2/contacts/move.a@example.com'), 404, 'ERROR_CONTACT_NOT_FOUND');
      expectError(await api.put(`/v2/contacts/${a.id}`, { email: 'MOVE.B@example.com' }), 409, 'ERROR_NON_UNIQUE_EMAIL');
      expect((await api.get(`/v2/contacts/${a.id}`)).body.email).to.equal('moved.a@example.com');
      const recase = await api.put(`/v2/contacts/${a.id}`, { email: 'Moved.A@example.com' });
      expect(recase.status, recase.text).to.equal(200);
    });

    it('answers 404 for an unknown id and 400 for bad input, leaving the contact unchanged', async () => {
      expectError(await api.put('/v2/contacts/999999999', { email: 'x@example.com' }), 404, 'ERROR_CONTACT_NOT_FOUND');
      expectError(await api.put('/v2/contacts/abc', { email: 'x@example.com' }), 404, 'ERROR_CONTACT_NOT_FOUND');
      const c = (await api.post('/v2/contacts', { email: 'stay@example.com', dataFields: [{ key: 'AGE', value: 5 }] })).body;
      expectError(await api.put(`/v2/contacts/${c.id}`, { email: 'bad' }), 400, 'ERROR_PARAMETER_INVALID');
      expectError(await api.put(`/v2/contacts/${c.id}`, { dataFields: [{ key: 'AGE', value: 'x' }] }), 400, 'ERROR_DATAFIELD_VALUE_INVALID');
      expectError(await api.put(`/v2/contacts/${c.id}`, { dataFields: [{ key: 'NOPE', value: 'x' }] }), 400, 'ERROR_DATAFIELD_NOTFOUND');
      expectError(await api.put(`/v2/contacts/${c.id}`, { optInType: 'Never' }), 400, 'ERROR_PARAMETER_INVALID');
      expectError(await api.call('PUT', `/v2/contacts/${c.id}`, '{bad', { 'Content-Type': 'application/json' }), 400, 'ERROR_BODY_DOES_NOT_MATCH_CONTENT_TYPE');
      expect((await api.get(`/v2/contacts/${c.id}`)).body).to.deep.equal(c);
    });
  });

  describe('DELETE /v2/contacts/{id}', () => {
    it('answers 204 with no body, then the contact is gone (404), and a second delete is 404', async () => {
      const c = (await api.post('/v2/contacts', { email: 'del@example.com' })).body;
      const r = await api.delete(`/v2/contacts/${c.id}`);
      expect(r.status).to.equal(204);
      expect(r.text).to.equal('');
      expectError(await api.get(`/v2/contacts/${c.id}`), 404, 'ERROR_CONTACT_NOT_FOUND');
      expectError(await api.delete(`/v2/contacts/${c.id}`), 404, 'ERROR_CONTACT_NOT_FOUND');
      expectError(await api.delete('/v2/contacts/nope'), 404, 'ERROR_CONTACT_NOT_FOUND');
    });

    it('removes the contact from its address books', async () => {
      const book = (await api.post('/v2/address-books', { name: 'Delete members' })).body;
      const c = (await api.post(`/v2/address-books/${book.id}/contacts`, { email: 'member.del@example.com' })).body;
      expect((await api.get(`/v2/address-books/${book.id}`)).body.contacts).to.equal(1);
      expect((await api.delete(`/v2/contacts/${c.id}`)).status).to.equal(204);
      expect((await api.get(`/v2/address-books/${book.id}`)).body.contacts).to.equal(0);
      expect((await api.get(`/v2/address-books/${book.id}/contacts`)).body).to.deep.equal([]);
    });
  });

  describe('GET /v2/contacts', () => {
    it('lists without dataFields by default and with them when withFullData=true', async () => {
      const brief = await api.get('/v2/contacts?select=5');
      expect(brief.status).to.equal(200);
      expect(brief.body).to.be.an('array').with.length.greaterThan(0);
      for (const c of brief.body) expect(Object.keys(c)).to.deep.equal(CONTACT_KEYS_BRIEF);
      const full = await api.get('/v2/contacts?withFullData=true&select=5');
      for (const c of full.body) expect(Object.keys(c)).to.deep.equal(CONTACT_KEYS_FULL);
      expect(full.body.map((c: { id: number }) => c.id)).to.deep.equal(brief.body.map((c: { id: number }) => c.id));
      const ids = full.body.map((c: { id: number }) => c.id);
      expect(ids).to.deep.equal([...ids].sort((a: number, b: number) => a - b));
      expectError(await api.get('/v2/contacts?withFullData=maybe'), 400, 'ERROR_PARAMETER_INVALID');
      const pascal = await api.get('/v2/contacts?WithFullData=True&Select=1');
      expect(pascal.body).to.have.length(1);
      expect(Object.keys(pascal.body[0])).to.deep.equal(CONTACT_KEYS_FULL);
    });
  });

  describe('GET /v2/contacts/{contactId}/address-books', () => {
    it('lists the books the contact is a subscribed member of', async () => {
      const b1 = (await api.post('/v2/address-books', { name: 'For contact 1' })).body;
      const b2 = (await api.post('/v2/address-books', { name: 'For contact 2', visibility: 'Public' })).body;
      await api.post('/v2/address-books', { name: 'For contact 3' });
      const c = (await api.post(`/v2/address-books/${b1.id}/contacts`, { email: 'books.of@example.com' })).body;
      await api.post(`/v2/address-books/${b2.id}/contacts`, { email: 'books.of@example.com' });
      const r = await api.get(`/v2/contacts/${c.id}/address-books`);
      expect(r.status).to.equal(200);
      expect(r.body).to.deep.equal([
        { id: b1.id, name: 'For contact 1', visibility: 'Private', contacts: 1 },
        { id: b2.id, name: 'For contact 2', visibility: 'Public', contacts: 1 },
      ]);
      expect((await api.get(`/v2/contacts/${c.id}/address-books?select=1&skip=1`)).body.map((b: { id: number }) => b.id)).to.deep.equal([b2.id]);
      expectError(await api.get('/v2/contacts/999999999/address-books'), 404, 'ERROR_CONTACT_NOT_FOUND');
      expectError(await api.get(`/v2/contacts/${c.id}/address-books?select=0`), 400, 'ERROR_PARAMETER_INVALID');
    });
  });
});
