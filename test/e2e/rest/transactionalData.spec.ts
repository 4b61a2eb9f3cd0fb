import { expect } from 'chai';
import { startApp, TestApp } from '../../helpers/app';
import { RestClient, WITH_EXTENSIONS } from '../../helpers/rest';
import { allJobsRunner, settle } from '../../helpers/sends';
import { FakeClock } from '../../../src/lib/clock';
import { JobRunner } from '../../../src/jobs/runner';

// The shop-connector flow through REST (issue #19): create, get by key, update by key, import orders and a catalog,
// report, read and delete for a contact; the vendor's messages for unknown keys and bad input; no cross-account reads.

describe('REST transactional data: the shop-connector flow', () => {
  let app: TestApp;
  let runner: JobRunner;
  let clock: FakeClock;
  before(async () => {
    clock = new FakeClock(Date.UTC(2031, 5, 1, 9, 0, 0));
    app = await startApp({ clock });
    runner = allJobsRunner(app.services);
  });
  after(() => app.close());

  it('create, get by key, update by key, import orders and a catalog, report, delete for a contact', async () => {
    const login = await app.newAccount();
    const api = new RestClient(app.baseUrl, login);
    const contact = (await api.post('/v2/contacts', { email: 'shopper@example.com' })).body;
    // the connector GETs the key first: unknown
    const miss = await api.get('/v2/contacts/transactional-data/Orders/100001');
    expect(miss.status).to.equal(404);
    expect(miss.body).to.deep.equal({ message: 'Error: ERROR_TRANSACTIONAL_DATA_DOES_NOT_EXIST' });
    const json = '{"id":"100001","orderTotal":42.5,"products":[{"sku":"A","qty":1}]}';
    const created = await api.post('/v2/contacts/transactional-data/Orders', { Key: '100001', ContactIdentifier: 'shopper@example.com', Json: json });
    expect(created.status).to.equal(201);
    expect(created.body).to.deep.equal({ key: '100001', contactIdentifier: 'shopper@example.com', json });
    expect((await api.get('/v2/contacts/transactional-data/Orders/100001')).body.json).to.equal(json);
    const updated = await api.post('/v2/contacts/transactional-data/Orders/100001', { Json: '{"id":"100001","orderTotal":40}' });
    expect(updated.status).to.equal(200);
    expect(updated.body.json).to.equal('{"id":"100001","orderTotal":40}');
    expect((await api.post('/v2/contacts/transactional-data/Orders/nope', { Json: '{}' })).status).to.equal(404);

    const orders = await api.post('/v2/contacts/transactional-data/import/Orders', [
      { Key: '100002', ContactIdentifier: 'shopper@example.com', Json: '{"orderTotal":10}' },
      { Key: '100003', ContactIdentifier: String(contact.id), Json: '{"orderTotal":20}' },
      { Key: '100004', ContactIdentifier: 'ghost@example.com', Json: '{"orderTotal":30}' },
    ]);
    expect(orders.status).to.equal(202);
    expect(Object.keys(orders.body)).to.deep.equal(['id', 'status']);
    const catalog = await api.post('/v2/contacts/transactional-data/import/Catalog_Default', [
      { Key: 'sku-A', ContactIdentifier: 'account', Json: '{"name":"A","price":42.5}' },
      { Key: 'sku-B', ContactIdentifier: 'account', Json: '{"name":"B","price":1}' },
    ]);
    expect(catalog.status).to.equal(202);
    await runner.drain();
    expect((await api.get(`/v2/contacts/transactional-data/import/${orders.body.id}`)).body).to.deep.equal({ id: orders.body.id, status: 'Finished' });
    expect((await api.get(`/v2/contacts/transactional-data/import/${orders.body.id}/report`)).body).to.deep.equal({
      totalItems: 3,
      totalImported: 2,
      totalRejected: 1,
      faults: [{ key: '100004', reason: 'ContactEmailDoesNotExist' }],
    });
    expect((await api.get(`/v2/contacts/transactional-data/import/${catalog.body.id}/report`)).body).to.include({ totalImported: 2, totalRejected: 0 });
    // a transactional import is not a contact import, and the other way round
    expect((await api.get(`/v2/contacts/import/${orders.body.id}`)).status).to.equal(404);
    const cat = await api.get('/v2/transactional-data/Catalog_Default?select=1&skip=1');
    expect(cat.body).to.deep.equal([{ key: 'sku-B', contactIdentifier: 'account', json: '{"name":"B","price":1}' }]);

    const mine = await api.get('/v2/contacts/shopper@example.com/transactional-data/Orders');
    expect(mine.body.map((x: { key: string }) => x.key)).to.deep.equal(['100001', '100002', '100003']);
    expect((await api.delete('/v2/contacts/transactional-data/Orders/100003')).status).to.equal(204);
    expect((await api.delete(`/v2/contacts/${contact.id}/transactional-data/Orders`)).status).to.equal(204);
    expect((await api.get(`/v2/contacts/${contact.id}/transactional-data/Orders`)).body).to.deep.equal([]);

    // another account sees none of it
    const other = new RestClient(app.baseUrl, await app.newAccount());
    expect((await other.get('/v2/contacts/transactional-data/Catalog_Default/sku-A')).status).to.equal(404);
    expect((await other.get('/v2/transactional-data/Catalog_Default')).body).to.deep.equal([]);
    expect((await other.get(`/v2/contacts/transactional-data/import/${orders.body.id}`)).status).to.equal(404);
  });

  it('a segment over a collection: single writes are real-time, an import defers, and a send right after it goes to the fresh members', async () => {
    const login = await app.newAccount();
    const api = new RestClient(app.baseUrl, login, undefined, WITH_EXTENSIONS);
    const book = (await api.post('/v2/address-books', { name: 'Shoppers' })).body.id;
    for (const e of ['ann@x.com', 'bob@x.com', 'cat@x.com']) expect((await api.post(`/v2/address-books/${book}/contacts`, { email: e })).status).to.equal(200);
    const seg = (await api.post('/v2/segments', { name: 'Buyers', rules: { all: [{ collection: 'Orders', op: 'countAtLeast', value: 2, where: [{ field: 'total', op: '>=', value: 10 }] }] } })).body.id;
    await runner.drain();
    for (const k of ['a1', 'a2']) await api.post('/v2/contacts/transactional-data/Orders', { key: k, contactIdentifier: 'ann@x.com', json: '{"total": 10}' });
    // a single write: the segment follows before the call answers
    expect((await api.get(`/v2/segments/${seg}`)).body).to.include({ contacts: 1, pendingRefresh: false });
    const imp = await api.post('/v2/contacts/transactional-data/import/Orders', [
      { key: 'b1', contactIdentifier: 'bob@x.com', json: '{"total": 50}' },
      { key: 'b2', contactIdentifier: 'bob@x.com', json: '{"total": "12.5"}' },
      { key: 'a2', contactIdentifier: 'ann@x.com', json: '{"total": 1}' },
    ]);
    await runner.drain();
    expect((await api.get(`/v2/contacts/transactional-data/import/${imp.body.id}`)).body.status).to.equal('Finished');
    expect((await api.get(`/v2/segments/${seg}`)).body).to.include({ contacts: 1, pendingRefresh: true });
    const campaign = (await api.post('/v2/campaigns', { name: 'Thanks', subject: 'Hi' })).body.id;
    const send = await api.post('/v2/campaigns/send', { campaignId: campaign, addressBookIds: [seg] });
    expect(send.status, send.text).to.equal(202);
    await settle(runner, app.services, clock);
    expect((await api.get(`/v2/campaigns/send/${send.body.id}`)).body).to.deep.include({ status: 'Sent', recipients: 1, refreshedSegments: [seg] });
    const to = (await api.get(`/v2/campaigns/send/${send.body.id}/recipients`)).body.map((x: { email: string }) => x.email);
    expect(to).to.deep.equal(['bob@x.com']);
    expect((await api.get(`/v2/segments/${seg}`)).body).to.include({ contacts: 1, pendingRefresh: false });
  });

  it('answers bad input with vendor-style messages, never a stack trace', async () => {
    const api = new RestClient(app.baseUrl, await app.newAccount());
    await api.post('/v2/contacts', { email: 'a@example.com' });
    const bad = async (path: string, body: unknown) => {
      const r = await api.post(path, body);
      expect(r.status, r.text).to.be.within(400, 413);
      return String(r.body.message);
    };
    expect(await bad('/v2/contacts/transactional-data/Bad%20Name', { key: 'k', contactIdentifier: 'a@example.com', json: '{}' })).to.match(/ ERROR_TRANSACTIONAL_DATA_INVALID_COLLECTION_NAME$/);
    expect(await bad('/v2/contacts/transactional-data/Orders', { key: 'k', contactIdentifier: 'a@example.com', json: '{' })).to.match(/ ERROR_TRANSACTIONAL_DATA_INVALID_JSON$/);
    expect(await bad('/v2/contacts/transactional-data/Orders', { key: 'k', contactIdentifier: 'nobody@example.com', json: '{}' })).to.match(/ ERROR_CONTACT_NOT_FOUND$/);
    expect(await bad('/v2/contacts/transactional-data/Orders', { contactIdentifier: 'a@example.com', json: '{}' })).to.match(/ ERROR_TRANSACTIONAL_DATA_INVALID_KEY$/);
    expect(await bad('/v2/contacts/transactional-data/import/Orders', { key: 'k' })).to.match(/ ERROR_PARAMETER_INVALID$/);
    expect(await bad('/v2/contacts/transactional-data/import/import', [])).to.match(/ ERROR_TRANSACTIONAL_DATA_INVALID_COLLECTION_NAME$/);
  });

  it('takes a record, and an import\'s records, from the query when there is no body (the vendor WADL binds them there)', async () => {
    const api = new RestClient(app.baseUrl, await app.newAccount());
    const q = new URLSearchParams({ Key: 'q-1', ContactIdentifier: 'account', Json: '{"a":1}' });
    const r = await api.call('POST', `/v2/contacts/transactional-data/Catalog?${q}`);
    expect(r.status, r.text).to.equal(201);
    expect(r.body).to.deep.equal({ key: 'q-1', contactIdentifier: 'account', json: '{"a":1}' });
    const qi = new URLSearchParams({ 'apiTransactionalData[0].Key': 'q-2', 'apiTransactionalData[0].Json': '{}', 'apiTransactionalData[1].Key': 'q-3', 'apiTransactionalData[1].Json': '{"b":2}' });
    const imp = await api.call('POST', `/v2/contacts/transactional-data/import/Catalog?${qi}`);
    expect(imp.status, imp.text).to.equal(202);
    await runner.drain();
    expect((await api.get(`/v2/contacts/transactional-data/import/${imp.body.id}/report`)).body).to.deep.equal({ totalItems: 2, totalImported: 2, totalRejected: 0, faults: [] });
    expect((await api.get('/v2/contacts/transactional-data/Catalog/q-3')).body.json).to.equal('{"b":2}');
  });

  it('answers XML when asked, in the vendor data types', async () => {
    const api = new RestClient(app.baseUrl, await app.newAccount());
    await api.post('/v2/contacts/transactional-data/Catalog', { key: 'sku-1', contactIdentifier: 'account', json: '{"a":"<&>"}' });
    const r = await api.get('/v2/contacts/transactional-data/Catalog/sku-1', { Accept: 'application/xml' });
    expect(r.status).to.equal(200);
    expect(r.text).to.match(/<ApiTransactionalData [^>]*xmlns="http:\/\/apiconnector.com"/);
    expect(r.text).to.include('<Json>{&quot;a&quot;:&quot;&lt;&amp;&gt;&quot;}</Json>');
  });
});
