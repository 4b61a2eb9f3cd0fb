import { expect } from 'chai';
import { isTransientDbError, isUniqueViolation } from '../../src/db/store';
import { testStore } from '../helpers/db';

// One reading of a driver error for the whole code base (src/db/errors.ts): a unique-key violation is another writer
// holding the same key, and only that; every other constraint failure is a bug that must surface.

/** The error a statement fails with (fails the test when it succeeds). */
async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (e) {
    return e;
  }
  throw new Error('expected the statement to fail');
}

describe('database errors: one meaning of a unique-key violation on both engines', () => {
  const tag = `${process.pid}-${Date.now()}`;

  it('reads a duplicate key as a unique violation and a NOT NULL or foreign-key failure as neither kind', async () => {
    const { store } = await testStore();
    const accountId = await store.repos.accounts.create(`errors-${tag}`, Date.now());
    await store.repos.accounts.createUser(accountId, `dup-${tag}@example.com`, 'x', Date.now());
    const duplicate = await errorOf(() => store.repos.accounts.createUser(accountId, `dup-${tag}@example.com`, 'x', Date.now()));
    const notNull = await errorOf(() => store.knex('accounts').insert({ name: null, created_at: Date.now() }));
    const foreignKey = await errorOf(() => store.repos.accounts.createUser(2_000_000_000, `fk-${tag}@example.com`, 'x', Date.now()));
    expect(isUniqueViolation(duplicate), String(duplicate)).to.equal(true);
    for (const e of [notNull, foreignKey]) {
      expect(isUniqueViolation(e), String(e)).to.equal(false);
      expect(isTransientDbError(e), String(e)).to.equal(false);
    }
  });

  it('an activity that breaks a NOT NULL or foreign-key constraint fails loudly instead of passing for a duplicate event', async () => {
    const { store } = await testStore();
    const accountId = await store.repos.accounts.create(`activities-${tag}`, Date.now());
    const event = { eventId: `ev-${tag}`, type: 'open' as const, campaignId: null, sendId: null, contactId: 1, url: null, occurredAt: Date.now() };
    // why: before the classifiers were one, the activity repository read any SQLite constraint failure as "a
    // concurrent delivery of the same event won the race" and dropped the event without a word.
    await errorOf(() => store.repos.activities.insertOnce(accountId, { ...event, contactId: null as unknown as number }, null));
    await errorOf(() => store.repos.activities.insertOnce(2_000_000_000, event, null));
    expect(await store.repos.activities.insertOnce(accountId, event, null)).to.equal(true);
    expect(await store.repos.activities.insertOnce(accountId, event, null)).to.equal(false);
  });
});
