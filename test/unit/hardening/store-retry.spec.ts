import { expect } from 'chai';
import { Knex } from 'knex';
import { DomainError } from '../../../src/domain/errors';
import { isTransientDbError, Repos, Store } from '../../../src/db/store';

// Store.tx retries transient database errors (MySQL deadlock 1213, lock wait timeout 1205, lost connection) a bounded
// number of times, then turns a still-transient failure into a 503-kind DomainError; anything else passes untouched.

/** A knex stand-in whose transaction() fails with the queued errors, then runs the callback. */
function fakeKnex(failures: unknown[]): { knex: Knex; calls: () => number } {
  let calls = 0;
  const k = {
    transaction: async (fn: (trx: unknown) => Promise<unknown>) => {
      calls++;
      const e = failures.shift();
      if (e) throw e;
      return fn({});
    },
  };
  return { knex: k as unknown as Knex, calls: () => calls };
}

const mysqlError = (errno: number, code: string, sqlMessage: string) => Object.assign(new Error(`${code}: ${sqlMessage}`), { errno, code, sqlMessage, sqlState: '40001' });
const DEADLOCK = () => mysqlError(1213, 'ER_LOCK_DEADLOCK', 'Deadlock found when trying to get lock; try restarting transaction');
const LOCK_WAIT = () => mysqlError(1205, 'ER_LOCK_WAIT_TIMEOUT', 'Lock wait timeout exceeded; try restarting transaction');
const LOST = () => Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true });

describe('Store.tx: bounded retry of transient database errors', () => {
  it('classifies deadlock, lock wait timeout and lost connections as transient, and nothing else', () => {
    for (const e of [DEADLOCK(), LOCK_WAIT(), LOST(), mysqlError(2013, 'CR_SERVER_LOST', 'Lost connection'), { code: 'SQLITE_BUSY' }]) expect(isTransientDbError(e)).to.equal(true);
    for (const e of [mysqlError(1064, 'ER_PARSE_ERROR', 'syntax'), mysqlError(1062, 'ER_DUP_ENTRY', 'dup'), new Error('x'), undefined, null, 'text']) {
      expect(isTransientDbError(e)).to.equal(false);
    }
  });

  for (const [name, make] of [['deadlock 1213', DEADLOCK], ['lock wait timeout 1205', LOCK_WAIT], ['lost connection', LOST]] as const) {
    it(`${name}: retried, and the transaction's result returned once it goes through`, async () => {
      const f = fakeKnex([make(), make()]);
      const store = new Store(f.knex, 'mysql', 4);
      let runs = 0;
      const out = await store.tx(async (r) => {
        expect(r).to.be.instanceOf(Repos);
        runs++;
        return 'done';
      });
      expect(out).to.equal('done');
      expect(f.calls()).to.equal(3);
      expect(runs).to.equal(1);
    });

    it(`${name}: at most 1 + maxRetries attempts, then SYSTEM_SERVICETEMPORARILYUNAVAILABLE without driver internals`, async () => {
      for (const maxRetries of [0, 1, 4]) {
        const f = fakeKnex(Array.from({ length: 50 }, (): unknown => make()));
        const store = new Store(f.knex, 'mysql', maxRetries);
        const started = Date.now();
        const err = await store.tx(async () => 'never').then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(f.calls(), `maxRetries ${maxRetries}`).to.equal(maxRetries + 1);
        expect(err).to.be.instanceOf(DomainError);
        const d = err as DomainError;
        expect(d.code).to.equal('SYSTEM_SERVICETEMPORARILYUNAVAILABLE');
        expect(d.kind).to.equal('unavailable');
        expect(d.message).to.match(/ ERROR_SYSTEM_SERVICETEMPORARILYUNAVAILABLE$/);
        expect(d.message).not.to.match(/ER_|Deadlock found|Lock wait|Connection lost|\n\s+at /);
        // Back-off is short and bounded: five attempts take well under a second.
        expect(Date.now() - started).to.be.below(1000);
      }
    });
  }

  it('a non-transient error is thrown at once, untouched', async () => {
    const boom = mysqlError(1064, 'ER_PARSE_ERROR', 'You have an error in your SQL syntax');
    const f = fakeKnex([boom]);
    const err = await new Store(f.knex, 'mysql', 4).tx(async () => 1).catch((e: unknown) => e);
    expect(err).to.equal(boom);
    expect(f.calls()).to.equal(1);
  });

  it('a DomainError thrown by the work itself is never retried', async () => {
    const f = fakeKnex([]);
    let runs = 0;
    const err = await new Store(f.knex, 'mysql', 4)
      .tx(async () => {
        runs++;
        throw new DomainError('CONTACT_NOT_FOUND');
      })
      .catch((e: unknown) => e);
    expect((err as DomainError).code).to.equal('CONTACT_NOT_FOUND');
    expect(runs).to.equal(1);
  });
});
