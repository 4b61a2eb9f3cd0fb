import { Knex } from 'knex';

/** A status page session row (id is the digest of the cookie token). */
export interface StatusSessionRow {
  id: string;
  accountId: number;
  username: string;
  csrf: string;
  createdAt: number;
  expiresAt: number;
}

/** SQL for status page sessions. */
export class StatusSessionRepo {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  /** Stores a new session. */
  async insert(r: StatusSessionRow): Promise<void> {
    await this.db('status_sessions').insert({
      id: r.id,
      account_id: r.accountId,
      username: r.username,
      csrf: r.csrf,
      created_at: r.createdAt,
      expires_at: r.expiresAt,
    });
  }

  /** The session with this id, unless it has expired by now. */
  async find(id: string, now: number): Promise<StatusSessionRow | undefined> {
    const r = await this.db('status_sessions').where({ id }).andWhere('expires_at', '>', now).first();
    if (!r) return undefined;
    return {
      id: String(r.id),
      accountId: Number(r.account_id),
      username: String(r.username),
      csrf: String(r.csrf),
      createdAt: Number(r.created_at),
      expiresAt: Number(r.expires_at),
    };
  }

  /** Deletes one session (sign-out); true when it existed. */
  async delete(id: string): Promise<boolean> {
    return (await this.db('status_sessions').where({ id }).del()) > 0;
  }

  /** Deletes every session that has expired by now; returns how many. */
  async deleteExpired(now: number): Promise<number> {
    return this.db('status_sessions').where('expires_at', '<=', now).del();
  }
}
