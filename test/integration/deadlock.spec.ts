import { expect } from 'chai';
import { Knex } from 'knex';
import { DomainError } from '../../src/domain/errors';
import { Store } from '../../src/db/store';
import { FakeClock } from '../../src/lib/clock';
import { createServices } from '../../src/services';
import { testEngine, testStore } from '../helpers/db';

// Real deadlocks and lock waits on MariaDB/MySQL, through Store.tx: two transactions lock two contact rows in
// opposite order; InnoDB kills one (1213), Store.tx re-runs it, and both commit. A lock held past the lock-wait timeout
// (1205) is retried and then answered as SYSTEM_SERVICETEMPORARILYUNAVAILABLE. SQLite has one writer at a time and
// cannot deadlock this way, so this file registers its tests on MySQL only (the unit test covers the retry bound).

/** A knex whose transaction() records the errno of every failed attempt. */
function recording(knex: Knex, errnos: number[]): Knex {
  return new Proxy(knex, {
    get(target, prop, receiver) {
      if (prop === 'transaction') {
        return (fn: (trx: Knex.Transaction) => Promise<unknown>) =>
          target.transaction(fn).catch((e: { errno?: number }) => {
            errnos.push(Number(e?.errno));
            throw e;
          });
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

/** A promise and its resolver. */
function latch(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((res) => (open = res));
  return { wait, open };
}

if (testEngine() === 'mysql') {
  describe('Store.tx on MariaDB: real deadlocks and lock waits', function () {
    this.timeout(30_000);
    let knex: Knex;
    let x: number;
    let y: number;

    before(async () => {
      const { store, config } = await testStore();
      knex = store.knex;
      const s = createServices(store, new FakeClock(Date.now()), config);
      const acc = await s.accounts.createAccount('Deadlock', `deadlock-${process.pid}-${Date.now()}@apiconnector.com`, 'password-123456');
      x = (await s.contacts.create(acc, { email: 'x@example.com' })).id;
      y = (await s.contacts.create(acc, { email: 'y@example.com' })).id;
    });

    it('two transactions locking rows in opposite order: one gets 1213, is retried, and both commit', async () => {
      const errnos: number[] = [];
      const store = new Store(recording(knex, errnos), 'mysql', 4);
      const aHasX = latch();
      const bHasY = latch();
      const runs = { a: 0, b: 0 };
      const txA = store.tx(async (r) => {
        runs.a++;
        await r.db('contacts').where({ id: x }).update({ notes: 'A' });
        aHasX.open();
        await bHasY.wait;
        await r.db('contacts').where({ id: y }).update({ notes: 'A' });
      });
      const txB = store.tx(async (r) => {
        runs.b++;
        await r.db('contacts').where({ id: y }).update({ notes: 'B' });
        bHasY.open();
        await aHasX.wait;
        await r.db('contacts').where({ id: x }).update({ notes: 'B' });
      });
      await Promise.all([txA, txB]);
      expect(errnos).to.deep.equal([1213]);
      expect(runs.a + runs.b).to.equal(3);
      const rows = await knex('contacts').whereIn('id', [x, y]).select('notes');
      // Serialised outcome: whichever committed last wrote both rows.
      expect(new Set(rows.map((r: { notes: string }) => r.notes)).size).to.equal(1);
    });

    it('a lock held past the lock-wait timeout: 1205 retried a bounded number of times, then 503-kind DomainError', async () => {
      const errnos: number[] = [];
      const store = new Store(recording(knex, errnos), 'mysql', 1);
      const holder = await knex.transaction();
      try {
        await holder('contacts').where({ id: x }).update({ notes: 'held' });
        const err = await store
          .tx(async (r) => {
            await r.db.raw('SET SESSION innodb_lock_wait_timeout = 1');
            try {
              await r.db('contacts').where({ id: x }).update({ notes: 'waiter' });
            } finally {
              // why: a pooled connection keeps session settings; later tests must get the server default back.
              await r.db.raw('SET SESSION innodb_lock_wait_timeout = DEFAULT');
            }
          })
          .catch((e: unknown) => e);
        expect(errnos).to.deep.equal([1205, 1205]);
        expect(err).to.be.instanceOf(DomainError);
        expect((err as DomainError).code).to.equal('SYSTEM_SERVICETEMPORARILYUNAVAILABLE');
        expect((err as DomainError).message).not.to.match(/Lock wait|ER_LOCK/);
      } finally {
        await holder.rollback();
      }
      // The pool is healthy afterwards.
      await store.tx(async (r) => r.db('contacts').where({ id: x }).update({ notes: 'after' }));
      expect((await knex('contacts').where({ id: x }).first('notes')).notes).to.equal('after');
    });
  });
}
