import { Knex } from 'knex';
import { Dialect } from '../connection';
import { bool, forUpdate, num } from '../sql';

/** An account row. */
export interface AccountRow {
  id: number;
  name: string;
  createdAt: number;
}

/** An API user row (the password hash never leaves the service layer). */
export interface ApiUserRow {
  id: number;
  accountId: number;
  username: string;
  passwordHash: string;
  disabled: boolean;
  createdAt: number;
}

/** SQL for accounts and API users. */
export class AccountRepo {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
  ) {}

  /** Inserts an account; returns its id. */
  async create(name: string, now: number): Promise<number> {
    const [id] = await this.db('accounts').insert({ name, created_at: now, change_seq: 0 });
    return Number(id);
  }

  /** One account by id. */
  async get(id: number): Promise<AccountRow | undefined> {
    const r = await this.db('accounts').where({ id }).first();
    return r ? { id: r.id, name: r.name, createdAt: Number(r.created_at) } : undefined;
  }

  /** All accounts, oldest first. */
  async list(): Promise<AccountRow[]> {
    const rows = await this.db('accounts').orderBy('id');
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: Number(r.created_at) }));
  }

  /** How many accounts exist. */
  async count(): Promise<number> {
    const r = await this.db('accounts').count({ n: '*' }).first();
    return Number(r?.n ?? 0);
  }

  /** Inserts an API user; the caller has hashed the password. */
  async createUser(accountId: number, username: string, passwordHash: string, now: number): Promise<number> {
    const [id] = await this.db('api_users').insert({
      account_id: accountId,
      username,
      username_key: username.toLowerCase(),
      password_hash: passwordHash,
      disabled: false,
      created_at: now,
    });
    return Number(id);
  }

  /** An API user by username (case-insensitive). */
  async findUser(username: string): Promise<ApiUserRow | undefined> {
    const r = await this.db('api_users').where({ username_key: username.toLowerCase() }).first();
    return r ? this.user(r) : undefined;
  }

  /** The API users of an account, or of every account. */
  async listUsers(accountId?: number): Promise<ApiUserRow[]> {
    const q = this.db('api_users').orderBy('id');
    if (accountId !== undefined) q.where({ account_id: accountId });
    return (await q).map((r) => this.user(r));
  }

  /**
   * Takes the next value of the account's change sequence, holding the account row lock until the transaction ends.
   * why: every bulk write stamps its changes with this value; a refresh that later reads the sequence under the same
   * lock knows every change with a lower or equal value has committed, so none is skipped.
   */
  async nextChangeSeq(accountId: number): Promise<number> {
    if (this.dialect === 'mysql') {
      // why: one round trip per bulk write instead of two: LAST_INSERT_ID(expr) hands the new value back in the
      // statement's own answer, and the UPDATE holds the row lock as the SELECT ... FOR UPDATE did.
      const r = await this.db.raw('update accounts set change_seq = last_insert_id(change_seq + 1) where id = ?', [accountId]);
      return Number(r[0].insertId);
    }
    await this.db('accounts').where({ id: accountId }).increment('change_seq', 1);
    const r = await this.db.raw('select change_seq from accounts where id = ?', [accountId]);
    return Number(r[0].change_seq);
  }

  /** Reads the account's change sequence after waiting for bulk writers that hold its lock. */
  async currentChangeSeq(accountId: number): Promise<number> {
    const r = await this.db.raw(`select change_seq from accounts where id = ?${forUpdate(this.dialect)}`, [accountId]);
    const row = this.dialect === 'mysql' ? r[0][0] : r[0];
    return num(row?.change_seq) ?? 0;
  }

  private user(r: Record<string, unknown>): ApiUserRow {
    return {
      id: Number(r.id),
      accountId: Number(r.account_id),
      username: String(r.username),
      passwordHash: String(r.password_hash),
      disabled: bool(r.disabled),
      createdAt: Number(r.created_at),
    };
  }
}
