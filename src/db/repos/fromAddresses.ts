import { Knex } from 'knex';
import { CustomFromAddress } from '../../domain/fromAddress';

/** SQL for an account's custom from addresses (every query scoped by account). */
export class FromAddressRepo {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  /** Adds an address; the caller has checked it is not there yet (a race still fails on the unique key). */
  async add(accountId: number, email: string, now: number): Promise<number> {
    const [id] = await this.db('custom_from_addresses').insert({ account_id: accountId, email, email_key: email.toLowerCase(), created_at: now });
    return Number(id);
  }

  /** One address by id. */
  async get(accountId: number, id: number): Promise<CustomFromAddress | undefined> {
    const r = await this.db('custom_from_addresses').where({ account_id: accountId, id }).first();
    return r ? toAddress(r) : undefined;
  }

  /** One address by email (any case). */
  async byEmail(accountId: number, email: string): Promise<CustomFromAddress | undefined> {
    const r = await this.db('custom_from_addresses').where({ account_id: accountId, email_key: email.toLowerCase() }).first();
    return r ? toAddress(r) : undefined;
  }

  /** The account's addresses by id with paging. */
  async list(accountId: number, q: { skip: number; select: number }): Promise<CustomFromAddress[]> {
    const rows = await this.db('custom_from_addresses').where({ account_id: accountId }).orderBy('id').limit(q.select).offset(q.skip);
    return rows.map(toAddress);
  }

  /** Removes an address; true when there was one. */
  async remove(accountId: number, id: number): Promise<boolean> {
    return (await this.db('custom_from_addresses').where({ account_id: accountId, id }).delete()) > 0;
  }
}

function toAddress(r: Record<string, unknown>): CustomFromAddress {
  return { id: Number(r.id), email: String(r.email), createdAt: Number(r.created_at) };
}
