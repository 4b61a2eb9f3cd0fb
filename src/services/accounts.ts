import { Clock } from '../lib/clock';
import { DEFAULT_FIELDS } from '../domain/dataField';
import { DomainError } from '../domain/errors';
import { Store } from '../db/store';
import { credentialDigest, hashPassword, randomPassword, verifyPassword } from './passwords';
import { LoginThrottle } from './loginThrottle';

/** Who is calling: the account every query is scoped to. */
export interface Actor {
  accountId: number;
  username: string;
}

/** An account with its API user names (for the CLI and the account-info call). */
export interface AccountSummary {
  id: number;
  name: string;
  createdAt: number;
  users: string[];
}

/** The demo or bootstrap credentials created at start-up (printed once). */
export interface CreatedLogin {
  accountId: number;
  username: string;
  password: string;
}

const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 10_000;
/** Longest API username (and so the longest that can ever sign in). */
const USERNAME_MAX = 254;
/** Longest API password (and so the longest that can ever be right). */
const PASSWORD_MAX = 200;

/** Accounts, API users and authentication. */
export class AccountService {
  // Verified credentials, keyed by a digest of username+password, so scrypt runs once per minute per login.
  private readonly verified = new Map<string, { actor: Actor; until: number }>();
  // Password checks running now, by the same digest: concurrent logins with one credential share one scrypt.
  private readonly checking = new Map<string, Promise<Actor | undefined>>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly throttle?: LoginThrottle,
  ) {}

  /** Creates an account with the vendor's default data fields and one API user; returns the account id. */
  async createAccount(name: string, username: string, password: string): Promise<number> {
    const cleanName = (name ?? '').trim();
    if (!cleanName) throw new DomainError('PARAMETER_INVALID', 'An account needs a name.');
    checkUsername(username);
    checkPassword(password);
    const hash = await hashPassword(password);
    const now = this.clock.now();
    return this.store.tx(async (r) => {
      if (await r.accounts.findUser(username)) throw new DomainError('INVALID_APIUSEREXISTS', `API user ${username} already exists.`);
      const id = await r.accounts.create(cleanName, now);
      for (const f of DEFAULT_FIELDS) {
        await r.dataFields.create(id, { name: f.name, type: f.type, visibility: 'Private', defaultValue: null }, now);
      }
      await r.accounts.createUser(id, username.trim(), hash, now);
      return id;
    });
  }

  /** Adds an API user to an existing account. */
  async createUser(accountId: number, username: string, password: string): Promise<void> {
    checkUsername(username);
    checkPassword(password);
    const hash = await hashPassword(password);
    await this.store.tx(async (r) => {
      if (!(await r.accounts.get(accountId))) throw new DomainError('ACCOUNT_INVALID', `Account ${accountId} does not exist.`);
      if (await r.accounts.findUser(username)) throw new DomainError('INVALID_APIUSEREXISTS', `API user ${username} already exists.`);
      await r.accounts.createUser(accountId, username.trim(), hash, this.clock.now());
    });
  }

  /** Every account with its users. */
  async list(): Promise<AccountSummary[]> {
    const [accounts, users] = await Promise.all([this.store.repos.accounts.list(), this.store.repos.accounts.listUsers()]);
    return accounts.map((a) => ({ ...a, users: users.filter((u) => u.accountId === a.id).map((u) => u.username) }));
  }

  /** One account's summary. */
  async get(accountId: number): Promise<AccountSummary> {
    const a = await this.store.repos.accounts.get(accountId);
    if (!a) throw new DomainError('ACCOUNT_INVALID');
    const users = await this.store.repos.accounts.listUsers(accountId);
    return { ...a, users: users.map((u) => u.username) };
  }

  /**
   * Checks a username and password sent from `source` (the client address, as the transport sees it); returns the
   * actor, or throws INVALID_LOGIN, or LOGIN_THROTTLED while that source has failed too often for that username.
   */
  async authenticate(username: string | undefined, password: string | undefined, source: string): Promise<Actor> {
    if (!username || typeof password !== 'string') throw new DomainError('INVALID_LOGIN');
    // why: no API user has a longer name; refusing it first keeps megabyte names (a v1 body) out of the throttle.
    if (username.length > USERNAME_MAX) throw new DomainError('INVALID_LOGIN');
    // why: the throttle answers before the cache, so a refused source cannot tell a right guess (cached 200) from a
    // wrong one, and the refusal costs no database read and no scrypt.
    this.throttle?.check(username, source);
    const key = credentialDigest(username, password);
    const hit = this.verified.get(key);
    // why: the key digests the password too, so only the exact password that was verified is answered from here; any
    // other password misses, is checked with scrypt and counted.
    let actor = hit && hit.until > this.clock.now() ? hit.actor : undefined;
    // A password longer than any account may have is wrong without scrypt (and counted like any wrong one).
    if (!actor && password.length <= PASSWORD_MAX) actor = await this.checkOnce(username, password, key, source);
    if (!actor) {
      this.throttle?.failed(username, source);
      throw new DomainError('INVALID_LOGIN');
    }
    this.throttle?.succeeded(username, source);
    return actor;
  }

  /**
   * One scrypt check per credential at a time: a caller with the same credential joins the running one (no extra cost,
   * so no throttle slot); a new check holds one of its source's throttle slots while it runs.
   */
  private checkOnce(username: string, password: string, key: string, source: string): Promise<Actor | undefined> {
    const running = this.checking.get(key);
    if (running) return running;
    const done = this.throttle?.begin(username, source);
    const check = this.verify(username, password, key).finally(() => {
      this.checking.delete(key);
      done?.();
    });
    this.checking.set(key, check);
    return check;
  }

  private async verify(username: string, password: string, key: string): Promise<Actor | undefined> {
    const user = await this.store.repos.accounts.findUser(username);
    // why: hash a dummy when the user is unknown so timing does not reveal which usernames exist.
    const ok = user ? await verifyPassword(password, user.passwordHash) : (await verifyPassword(password, DUMMY_HASH), false);
    if (!user || !ok || user.disabled) return undefined;
    const actor = { accountId: user.accountId, username: user.username };
    if (this.verified.size >= CACHE_MAX) this.verified.clear();
    this.verified.set(key, { actor, until: this.clock.now() + CACHE_TTL_MS });
    return actor;
  }

  /** The actor of an existing, enabled API user (re-checks a signed session without the password). */
  async activeUser(username: string): Promise<Actor | undefined> {
    const user = await this.store.repos.accounts.findUser(username);
    return user && !user.disabled ? { accountId: user.accountId, username: user.username } : undefined;
  }

  /**
   * Start-up provisioning: with BOOTSTRAP_API_USER/PASSWORD creates that login if missing; with neither set and an
   * empty database creates a demo account with a random password. Returns the login to print, if one was created.
   */
  async provision(bootstrap?: { username: string; password: string }): Promise<CreatedLogin | undefined> {
    if (bootstrap) {
      if (await this.store.repos.accounts.findUser(bootstrap.username)) return undefined;
      const id = await this.createAccount('Bootstrap account', bootstrap.username, bootstrap.password);
      return { accountId: id, username: bootstrap.username, password: bootstrap.password };
    }
    if ((await this.store.repos.accounts.count()) > 0) return undefined;
    const password = randomPassword();
    const username = `demo-${Math.floor(100000 + Math.random() * 900000)}@apiconnector.com`;
    const id = await this.createAccount('Demo account', username, password);
    return { accountId: id, username, password };
  }
}

// A valid scrypt hash of a random string, for constant-time rejection of unknown users.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function checkUsername(username: string): void {
  if (typeof username !== 'string' || !/^[^\s:]{3,254}$/.test(username.trim())) {
    throw new DomainError('PARAMETER_INVALID', 'An API username needs 3 to 254 characters, without spaces or colons.');
  }
}

function checkPassword(password: string): void {
  if (typeof password !== 'string' || password.length < 8 || password.length > PASSWORD_MAX) {
    throw new DomainError('PARAMETER_INVALID', 'An API password needs 8 to 200 characters.');
  }
}
