import { expect } from 'chai';
import { createServices } from '../../src/services';
import { FakeClock } from '../../src/lib/clock';
import { testStore } from '../helpers/db';

// The hot read path (src/db/prepared.ts): reads outside a transaction see exactly what is committed, on both engines,
// and reads inside a transaction see its own writes. why: on SQLite these reads use a read-only connection of their
// own; a read on the plain connection while a transaction held it would wait for that transaction instead.

describe('hot reads: committed state outside a transaction, own writes inside one', () => {
  const tag = `${process.pid}-${Date.now()}`;

  it('a read outside an open transaction answers at once with the committed row, and sees the commit after it', async () => {
    const { store, config } = await testStore();
    const s = createServices(store, new FakeClock(Date.UTC(2026, 0, 1)), config);
    const accountId = await s.accounts.createAccount(`hot-${tag}`, `hot-${tag}@apiconnector.com`, 'hot-password-1');
    const created = await s.contacts.create(accountId, { email: `reader-${tag}@example.com`, dataFields: { FIRSTNAME: 'Before' } });
    const key = `reader-${tag}@example.com`;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let outsideDuring: unknown;
    let insideDuring: unknown;
    const tx = store.tx(async (r) => {
      await r.db('contacts').where({ id: created.id }).update({ data: JSON.stringify({ FIRSTNAME: 'After' }) });
      insideDuring = (await r.contacts.getByEmailKey(accountId, key))?.dataFields.FIRSTNAME;
      outsideDuring = (await store.repos.contacts.getByEmailKey(accountId, key))?.dataFields.FIRSTNAME;
      await held;
    });
    // why: no sleep: the transaction signals by reading; the test releases it only after both reads answered.
    while (outsideDuring === undefined) await new Promise((r) => setImmediate(r));
    release();
    await tx;
    expect(insideDuring).to.equal('After');
    expect(outsideDuring).to.equal('Before');
    expect((await store.repos.contacts.getByEmailKey(accountId, key))?.dataFields.FIRSTNAME).to.equal('After');
    expect((await s.contacts.getByEmail(accountId, key)).fields?.find((f) => f.key === 'FIRSTNAME')?.value).to.equal('After');
  });

  it('a data field added is in the next read of the account fields', async () => {
    const { store, config } = await testStore();
    const s = createServices(store, new FakeClock(Date.UTC(2026, 0, 1)), config);
    const accountId = await s.accounts.createAccount(`hot2-${tag}`, `hot2-${tag}@apiconnector.com`, 'hot-password-1');
    const before = await store.repos.dataFields.list(accountId);
    await s.dataFields.create(accountId, { name: 'HOTFIELD', type: 'String', visibility: 'Private', defaultValue: null });
    const after = await store.repos.dataFields.list(accountId);
    expect(after.map((f) => f.name)).to.deep.equal([...before.map((f) => f.name), 'HOTFIELD']);
  });
});
