import { expect } from 'chai';
import { startApp, TestApp } from '../helpers/app';
import { FakeClock } from '../../src/lib/clock';
import { Services } from '../../src/services';
import { DomainError } from '../../src/domain/errors';
import { MAX_JSON_BYTES, MAX_JSON_DEPTH } from '../../src/domain/transactionalData';
import { TransactionalDataService } from '../../src/services/transactionalData';

// Transactional data through the service (issue #19): records stored byte for byte, keyed per collection, owned by a
// contact (id or email) or by the account; validation budgets checked before any work; deleting a contact deletes
// its records; one account never sees another's.

describe('transactional data service', () => {
  let app: TestApp;
  let s: Services;
  before(async () => {
    app = await startApp({ clock: new FakeClock(Date.UTC(2031, 5, 1)), config: { txImportChunkRows: 3 } });
    s = app.services;
  });
  after(() => app.close());

  const code = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
    } catch (e) {
      if (e instanceof DomainError) return e.code;
      throw e;
    }
    return 'no error';
  };

  it('stores, reads back byte for byte, replaces, lists by contact and deletes', async () => {
    const { accountId } = await app.newAccount();
    const c = await s.contacts.create(accountId, { email: 'Shopper@Example.com' });
    const json = '{ "total" : 120.50, "items":[{"sku":"A-1","qty":2}], "note":"caf\u00e9 \\u00e9" }';
    const added = await s.transactionalData.add(accountId, 'Orders', { key: 'o-1', contactIdentifier: 'shopper@example.com', json });
    expect(added).to.deep.equal({ key: 'o-1', contactIdentifier: 'Shopper@Example.com', json });
    await s.transactionalData.add(accountId, 'Orders', { key: 'o-2', contactIdentifier: String(c.id), json: '{"total":5}' });
    expect((await s.transactionalData.getByKey(accountId, 'Orders', 'o-1')).json).to.equal(json);
    const list = await s.transactionalData.byContact(accountId, 'Orders', c.id);
    expect(list.map((x) => x.key)).to.deep.equal(['o-1', 'o-2']);
    expect((await s.transactionalData.byContact(accountId, 'Orders', 'SHOPPER@example.com')).length).to.equal(2);
    const replaced = await s.transactionalData.replace(accountId, 'Orders', 'o-2', '{"total":6}');
    expect(replaced.json).to.equal('{"total":6}');
    // add with an existing key replaces the record
    await s.transactionalData.add(accountId, 'Orders', { key: 'o-2', contactIdentifier: c.id, json: '{"total":7}' });
    expect((await s.transactionalData.getByKey(accountId, 'Orders', 'o-2')).json).to.equal('{"total":7}');
    await s.transactionalData.deleteByKey(accountId, 'Orders', 'o-1');
    expect(await code(s.transactionalData.getByKey(accountId, 'Orders', 'o-1'))).to.equal('TRANSACTIONAL_DATA_DOES_NOT_EXIST');
    expect(await code(s.transactionalData.deleteByKey(accountId, 'Orders', 'o-1'))).to.equal('TRANSACTIONAL_DATA_DOES_NOT_EXIST');
    expect(await code(s.transactionalData.replace(accountId, 'Orders', 'nope', '{}'))).to.equal('TRANSACTIONAL_DATA_DOES_NOT_EXIST');
    await s.transactionalData.deleteByContact(accountId, 'Orders', c.id);
    expect(await s.transactionalData.byContact(accountId, 'Orders', c.id)).to.deep.equal([]);
  });

  it('keeps account-scoped records (no contact) and lists a collection in pages', async () => {
    const { accountId } = await app.newAccount();
    for (let i = 0; i < 5; i++) await s.transactionalData.add(accountId, 'Catalog', { key: `sku-${i}`, contactIdentifier: i % 2 ? 'account' : '', json: `{"price":${i}}` });
    const page = await s.transactionalData.list(accountId, 'Catalog', { select: 2, skip: 1 });
    expect(page).to.deep.equal([
      { key: 'sku-1', contactIdentifier: 'account', json: '{"price":1}' },
      { key: 'sku-2', contactIdentifier: 'account', json: '{"price":2}' },
    ]);
  });

  it('refuses bad input with vendor-style errors before any write', async () => {
    const { accountId } = await app.newAccount();
    await s.contacts.create(accountId, { email: 'a@example.com' });
    const add = (collection: unknown, input: Record<string, unknown>) =>
      code(s.transactionalData.add(accountId, collection, { key: 'k', contactIdentifier: 'a@example.com', json: '{}', ...input }));
    expect(await add('1bad', {})).to.equal('TRANSACTIONAL_DATA_INVALID_COLLECTION_NAME');
    expect(await add('x'.repeat(101), {})).to.equal('TRANSACTIONAL_DATA_INVALID_COLLECTION_NAME');
    expect(await add("Or'ders", {})).to.equal('TRANSACTIONAL_DATA_INVALID_COLLECTION_NAME');
    expect(await add('Orders', { key: '' })).to.equal('TRANSACTIONAL_DATA_INVALID_KEY');
    expect(await add('Orders', { key: 'k'.repeat(256) })).to.equal('TRANSACTIONAL_DATA_INVALID_KEY');
    expect(await add('Orders', { json: '{"a":' })).to.equal('TRANSACTIONAL_DATA_INVALID_JSON');
    expect(await add('Orders', { json: '[1,2]' })).to.equal('TRANSACTIONAL_DATA_INVALID_JSON');
    expect(await add('Orders', { json: `{"a":"${'x'.repeat(MAX_JSON_BYTES)}"}` })).to.equal('TRANSACTIONAL_DATA_INVALID_JSON');
    expect(await add('Orders', { json: `{"a":${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}` })).to.equal('TRANSACTIONAL_DATA_INVALID_JSON');
    expect(await add('Orders', { json: `{"a":${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}}` })).to.equal('no error');
    expect(await add('Orders', { key: 'k2', contactIdentifier: 'not an email' })).to.equal('TRANSACTIONAL_DATA_INVALID_CONTACT_IDENTIFIER');
    // an email of no contact creates nothing (no contact, no record)
    expect(await add('Orders', { key: 'k3', contactIdentifier: 'nobody@example.com' })).to.equal('CONTACT_NOT_FOUND');
    expect(await add('Orders', { key: 'k3', contactIdentifier: '999999999' })).to.equal('CONTACT_NOT_FOUND');
    expect(await s.store.knex('contacts').where({ account_id: accountId, email_key: 'nobody@example.com' }).first()).to.equal(undefined);
    expect(await code(s.transactionalData.getByKey(accountId, 'Orders', 'k3'))).to.equal('TRANSACTIONAL_DATA_DOES_NOT_EXIST');
  });

  it('deletes a contact\'s records with the contact, and never shows one account\'s records to another', async () => {
    const a = await app.newAccount();
    const b = await app.newAccount();
    const c = await s.contacts.create(a.accountId, { email: 'gone@example.com' });
    await s.transactionalData.add(a.accountId, 'Orders', { key: 'o-9', contactIdentifier: c.id, json: '{}' });
    expect(await code(s.transactionalData.getByKey(b.accountId, 'Orders', 'o-9'))).to.equal('TRANSACTIONAL_DATA_DOES_NOT_EXIST');
    expect(await code(s.transactionalData.byContact(b.accountId, 'Orders', c.id))).to.equal('CONTACT_NOT_FOUND');
    expect(await code(s.transactionalData.deleteByKey(b.accountId, 'Orders', 'o-9'))).to.equal('TRANSACTIONAL_DATA_DOES_NOT_EXIST');
    await s.contacts.delete(a.accountId, c.id);
    expect(await s.store.knex('transactional_data').where({ account_id: a.accountId }).count({ n: '*' }).first()).to.deep.include({ n: 0 });
  });

  /** Runs an import's job to the end (the heartbeat always says go on). */
  const runAll = (id: string) => s.transactionalData.runImportJob(id, { heartbeat: async () => true });

  it('imports in chunks: faults of every reason, first key wins, report, records written once, segments marked stale with the changed contacts', async () => {
    const { accountId } = await app.newAccount();
    const a = await s.contacts.create(accountId, { email: 'a@example.com' });
    const b = await s.contacts.create(accountId, { email: 'b@example.com' });
    await s.transactionalData.add(accountId, 'Orders', { key: 'moved', contactIdentifier: b.id, json: '{"total":1}' });
    const seg = await s.segments.create(accountId, { name: 'buyers', rules: { all: [{ collection: 'Orders', op: 'exists' }] } });
    const items = [
      { key: 'o1', contactIdentifier: 'A@example.com', json: '{"total":10}' },
      { key: '', contactIdentifier: 'a@example.com', json: '{}' },
      { key: 'o2', contactIdentifier: 'not an email', json: '{}' },
      { key: 'o3', contactIdentifier: a.id, json: '{"total":' },
      { key: 'o1', contactIdentifier: a.id, json: '{"total":11}' },
      { key: 'o4', contactIdentifier: 999999999, json: '{}' },
      { key: 'o5', contactIdentifier: 'nobody@example.com', json: '{}' },
      { key: 'moved', contactIdentifier: String(a.id), json: '{"total":2}' },
      { key: 'c1', contactIdentifier: 'account', json: '{"price":3}' },
    ];
    const st = await s.transactionalData.startImport(accountId, 'Orders', items, 'test');
    expect(st.status).to.equal('NotFinished');
    expect((await s.transactionalData.importStatus(accountId, st.id)).status).to.equal('NotStarted');
    expect(await code(s.transactionalData.importReport(accountId, st.id))).to.equal('IMPORT_REPORT_NOT_FOUND');
    const seqBefore = Number((await s.store.knex('contact_changes').where({ account_id: accountId }).max({ m: 'seq' }).first())?.m ?? 0);
    expect(await runAll(st.id)).to.equal('done');
    expect((await s.transactionalData.importStatus(accountId, st.id)).status).to.equal('Finished');
    const rep = await s.transactionalData.importReport(accountId, st.id);
    expect(rep).to.deep.equal({
      totalItems: 9,
      totalImported: 3,
      totalRejected: 6,
      faults: [
        { key: '', reason: 'InvalidClientKey' },
        { key: 'o2', reason: 'InvalidContactIdentifier' },
        { key: 'o3', reason: 'InvalidJson' },
        { key: 'o1', reason: 'DuplicateKey' },
        { key: 'o4', reason: 'ContactIdDoesNotExist' },
        { key: 'o5', reason: 'ContactEmailDoesNotExist' },
      ],
    });
    expect((await s.transactionalData.getByKey(accountId, 'Orders', 'o1')).json).to.equal('{"total":10}');
    expect(await s.transactionalData.getByKey(accountId, 'Orders', 'moved')).to.deep.equal({ key: 'moved', contactIdentifier: 'a@example.com', json: '{"total":2}' });
    expect((await s.transactionalData.getByKey(accountId, 'Orders', 'c1')).contactIdentifier).to.equal('account');
    // a bulk write: the real-time segment over Orders is stale, and the change log names both contacts (new and former owner)
    expect((await s.store.knex('segments').where({ id: seg.id }).first()).stale_since).to.not.equal(null);
    const changed = await s.store.knex('contact_changes').where({ account_id: accountId }).where('seq', '>', seqBefore).distinct('contact_id');
    expect(changed.map((r) => Number(r.contact_id)).sort((x, y) => x - y)).to.deep.equal([a.id, b.id].sort((x, y) => x - y));
  });

  it('resumes after a stop without writing a chunk twice or losing one', async () => {
    const { accountId } = await app.newAccount();
    await s.contacts.create(accountId, { email: 'r@example.com' });
    const items = Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, contactIdentifier: i === 7 ? 'x@example.com' : 'r@example.com', json: `{"n":${i}}` }));
    items.push({ key: 'k2', contactIdentifier: 'r@example.com', json: '{}' });
    const st = await s.transactionalData.startImport(accountId, 'Orders', items, 'test');
    let beats = 0;
    // stops at the second heartbeat: one chunk (3 items) committed
    expect(await s.transactionalData.runImportJob(st.id, { heartbeat: async () => ++beats < 2 })).to.equal('released');
    expect(await s.store.knex('transactional_data').where({ account_id: accountId }).count({ n: '*' }).first()).to.deep.include({ n: 3 });
    expect(await runAll(st.id)).to.equal('done');
    expect(await s.store.knex('transactional_data').where({ account_id: accountId }).count({ n: '*' }).first()).to.deep.include({ n: 9 });
    const rep = await s.transactionalData.importReport(accountId, st.id);
    expect(rep.faults).to.deep.equal([
      { key: 'k7', reason: 'ContactEmailDoesNotExist' },
      { key: 'k2', reason: 'DuplicateKey' },
    ]);
    expect(await s.store.knex('import_blobs').where({ import_id: st.id }).count({ n: '*' }).first()).to.deep.include({ n: 0 });
  });

  it('a holder whose lease was taken over never commits a chunk twice (the cursor moved under it)', async () => {
    const { accountId } = await app.newAccount();
    await s.contacts.create(accountId, { email: 'r@example.com' });
    const items = Array.from({ length: 8 }, (_, i) => ({ key: `k${i}`, contactIdentifier: 'r@example.com', json: `{"n":${i}}` }));
    const st = await s.transactionalData.startImport(accountId, 'Orders', items, 'test');
    let beats = 0;
    const first = s.transactionalData.runImportJob(st.id, {
      heartbeat: async () => {
        // at its second chunk, another process has taken the job over and finished it
        if (++beats === 2) expect(await runAll(st.id)).to.equal('done');
        return true;
      },
    });
    expect(await first).to.equal('released');
    expect(await s.store.knex('transactional_data').where({ account_id: accountId }).count({ n: '*' }).first()).to.deep.include({ n: 8 });
    const rep = await s.transactionalData.importReport(accountId, st.id);
    expect(rep).to.deep.equal({ totalItems: 8, totalImported: 8, totalRejected: 0, faults: [] });
  });

  it('checks the item cap and the collection name before storing anything', async () => {
    const { accountId } = await app.newAccount();
    const small = new TransactionalDataService(s.store, s.clock, { singleWrite: async () => undefined, bulkWrite: async () => undefined }, s.jobs, s.config, 2);
    const three = [1, 2, 3].map((i) => ({ key: `k${i}`, contactIdentifier: '', json: '{}' }));
    expect(await code(small.startImport(accountId, 'Orders', three, 'test'))).to.equal('TRANSACTIONAL_DATA_IMPORT_TOO_LARGE');
    expect(await code(s.transactionalData.startImport(accountId, '9x', three, 'test'))).to.equal('TRANSACTIONAL_DATA_INVALID_COLLECTION_NAME');
    expect(await s.store.knex('imports').where({ account_id: accountId }).count({ n: '*' }).first()).to.deep.include({ n: 0 });
    expect(await code(s.transactionalData.importStatus(accountId, '00000000-0000-0000-0000-000000000000'))).to.equal('IMPORT_NOT_FOUND');
  });
});
