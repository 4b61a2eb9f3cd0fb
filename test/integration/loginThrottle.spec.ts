import { expect } from 'chai';
import { Store } from '../../src/db/store';
import { DomainError, RetryLater } from '../../src/domain/errors';
import { FakeClock } from '../../src/lib/clock';
import { AccountService } from '../../src/services/accounts';
import { LoginThrottle } from '../../src/services/loginThrottle';
import { credentialDigest } from '../../src/services/passwords';
import { testStore } from '../helpers/db';

// The service side of the login throttle (issue #23 §2): what reaches the database and scrypt, and what does not.
// findUser is counted: every password check (scrypt, also the dummy one for unknown users) starts with it.

const MAX = 3;
const WINDOW = 15 * 60_000;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return e.code;
  }
}

describe('login throttle in the account service: cache, scrypt and database reads', () => {
  let clock: FakeClock;
  let accounts: AccountService;
  let reads = 0;
  let seq = 0;
  const user = () => `throttle-${process.pid}-${++seq}@example.com`;

  beforeEach(async () => {
    const shared = (await testStore()).store;
    // A Store of its own (same connection) so the spy touches no other spec's repositories.
    const store = new Store(shared.knex, shared.dialect);
    const repo = store.repos.accounts;
    const findUser = repo.findUser.bind(repo);
    reads = 0;
    repo.findUser = async (u: string) => {
      reads++;
      return findUser(u);
    };
    clock = new FakeClock(Date.UTC(2026, 6, 1, 8, 0, 0));
    accounts = new AccountService(store, clock, new LoginThrottle(clock, { maxFailures: MAX, windowMs: WINDOW }));
  });

  it('after a cached success, every wrong password still reaches the database and scrypt and is counted', async () => {
    const u = user();
    await accounts.createAccount('T', u, 'right-password-1');
    expect(await codeOf(accounts.authenticate(u, 'right-password-1', '10.0.0.1'))).to.equal('ok');
    expect(await codeOf(accounts.authenticate(u.toUpperCase(), 'right-password-1', '10.0.0.1'))).to.equal('ok');
    expect(reads).to.equal(1);
    for (let i = 0; i < MAX; i++) expect(await codeOf(accounts.authenticate(u, `wrong-${i}`, '10.0.0.1'))).to.equal('INVALID_LOGIN');
    expect(reads).to.equal(1 + MAX);
  });

  it('a throttled source is answered without a database read or scrypt, also for the cached right password', async () => {
    const u = user();
    await accounts.createAccount('T', u, 'right-password-1');
    await accounts.authenticate(u, 'right-password-1', '10.0.0.1');
    for (let i = 0; i < MAX; i++) await codeOf(accounts.authenticate(u, `wrong-${i}`, '10.0.0.1'));
    const before = reads;
    for (let i = 0; i < 50; i++) expect(await codeOf(accounts.authenticate(u, `guess-${i}`, '10.0.0.1'))).to.equal('LOGIN_THROTTLED');
    expect(await codeOf(accounts.authenticate(u, 'right-password-1', '10.0.0.1'))).to.equal('LOGIN_THROTTLED');
    expect(reads).to.equal(before);
    const e = await accounts.authenticate(u, 'right-password-1', '10.0.0.1').catch((x: unknown) => x);
    expect(e).to.be.instanceOf(RetryLater);
    expect((e as RetryLater).retryAfterS).to.equal(WINDOW / 1000);
    expect((e as RetryLater).message).to.match(/ ERROR_LOGIN_THROTTLED$/);
    // Another source, and a success there, change nothing for the throttled one.
    expect(await codeOf(accounts.authenticate(u, 'right-password-1', '10.0.0.2'))).to.equal('ok');
    expect(await codeOf(accounts.authenticate(u, 'right-password-1', '10.0.0.1'))).to.equal('LOGIN_THROTTLED');
  });

  it('unknown usernames are counted the same way; over-long ones are refused before the database', async () => {
    const u = `nobody-${user()}`;
    for (let i = 0; i < MAX; i++) expect(await codeOf(accounts.authenticate(u, `p-${i}`, '10.0.0.1'))).to.equal('INVALID_LOGIN');
    expect(await codeOf(accounts.authenticate(u, 'p', '10.0.0.1'))).to.equal('LOGIN_THROTTLED');
    const before = reads;
    expect(await codeOf(accounts.authenticate('x'.repeat(1_000_000), 'p', '10.0.0.1'))).to.equal('INVALID_LOGIN');
    expect(await codeOf(accounts.authenticate(user(), 'p'.repeat(1_000_000), '10.0.0.1'))).to.equal('INVALID_LOGIN');
    expect(reads).to.equal(before);
  });

  it('concurrent logins with one credential share one password check, also from a source one failure short of the limit', async () => {
    const u = user();
    await accounts.createAccount('T', u, 'right-password-1');
    for (let i = 0; i < MAX - 1; i++) await codeOf(accounts.authenticate(u, `wrong-${i}`, '10.0.0.1'));
    reads = 0;
    const all = await Promise.all(Array.from({ length: 12 }, () => codeOf(accounts.authenticate(u, 'right-password-1', '10.0.0.1'))));
    expect(all).to.deep.equal(Array(12).fill('ok'));
    expect(reads).to.equal(1);
    // ...while distinct guesses in parallel get no more checks than the allowance left.
    for (let i = 0; i < MAX - 1; i++) await codeOf(accounts.authenticate(u, `wrong-${i}`, '10.0.0.1'));
    const guesses = await Promise.all(Array.from({ length: 12 }, (_, i) => codeOf(accounts.authenticate(u, `guess-${i}`, '10.0.0.1'))));
    expect(guesses.filter((c) => c === 'INVALID_LOGIN')).to.have.length(1);
    expect(guesses.filter((c) => c === 'LOGIN_THROTTLED')).to.have.length(11);
  });

  it('LOGIN_MAX_FAILURES=0 turns the throttle off', async () => {
    const off = new AccountService((await testStore()).store, clock, new LoginThrottle(clock, { maxFailures: 0, windowMs: WINDOW }));
    const u = user();
    await off.createAccount('T', u, 'right-password-1');
    for (let i = 0; i < 5; i++) expect(await codeOf(off.authenticate(u, 'wrong', '10.0.0.1'))).to.equal('INVALID_LOGIN');
    expect(await codeOf(off.authenticate(u, 'right-password-1', '10.0.0.1'))).to.equal('ok');
  });

  it('the cache key covers the whole password and cannot be shared by two (username, password) pairs', () => {
    expect(credentialDigest('a', 'password-1')).to.not.equal(credentialDigest('a', 'password-2'));
    expect(credentialDigest('A', 'password-1')).to.equal(credentialDigest('a', 'password-1'));
    expect(credentialDigest('a\u0000b', 'c')).to.not.equal(credentialDigest('a', 'b\u0000c'));
  });
});
