import { Knex } from 'knex';
import { Dialect } from '../connection';
import { slices } from '../sql';
import { fixedSlices, PreparedSql } from './importWrite/preparedSql';

/** One stored transactional-data record. */
export interface TxRecord {
  collection: string;
  key: string;
  /** The contact it belongs to; null for an account-scoped record. */
  contactId: number | null;
  /** The contact's email (for the wire's ContactIdentifier); null for an account-scoped record. */
  email: string | null;
  /** The record's JSON text exactly as written. */
  json: string;
  createdAt: number;
  updatedAt: number;
}

/** One record to write in a batch (an import chunk). */
export interface TxWrite {
  key: string;
  contactId: number | null;
  json: string;
}

// why: batches of reads by key under SQLite's and MySQL's bound-variable limits.
const BATCH = 500;

/** SQL for transactional-data records; every statement is scoped by account. */
export class TransactionalDataRepo extends PreparedSql {
  constructor(db: Knex | Knex.Transaction, dialect: Dialect) {
    super(db, dialect);
  }

  /** One record by collection and key. */
  async get(accountId: number, collection: string, key: string): Promise<TxRecord | undefined> {
    const r = await this.sel().where({ 't.account_id': accountId, 't.collection': collection, 't.record_key': key }).first();
    return r ? toRecord(r) : undefined;
  }

  /** A contact's records in a collection, by key. */
  async byContact(accountId: number, collection: string, contactId: number): Promise<TxRecord[]> {
    const rows = await this.sel().where({ 't.contact_id': contactId, 't.collection': collection, 't.account_id': accountId }).orderBy('t.record_key');
    return rows.map(toRecord);
  }

  /** A page of a collection's records, by key. */
  async list(accountId: number, collection: string, q: { skip: number; select: number }): Promise<TxRecord[]> {
    const rows = await this.sel().where({ 't.account_id': accountId, 't.collection': collection }).orderBy('t.record_key').limit(q.select).offset(q.skip);
    return rows.map(toRecord);
  }

  private sel(): Knex.QueryBuilder {
    return this.db('transactional_data as t')
      .leftJoin('contacts as c', 'c.id', 't.contact_id')
      .select('t.collection', 't.record_key', 't.contact_id', 't.json', 't.created_at', 't.updated_at', 'c.email');
  }

  /** Inserts one record (the caller checked the key is free). */
  async insert(accountId: number, collection: string, w: TxWrite, now: number): Promise<void> {
    await this.db('transactional_data').insert({ account_id: accountId, collection, record_key: w.key, contact_id: w.contactId, json: w.json, created_at: now, updated_at: now });
  }

  /** Replaces one record's JSON (and contact, when given); returns whether it existed. */
  async replace(accountId: number, collection: string, key: string, json: string, now: number, contactId?: number | null): Promise<boolean> {
    const set: Record<string, unknown> = { json, updated_at: now };
    if (contactId !== undefined) set.contact_id = contactId;
    return (await this.db('transactional_data').where({ account_id: accountId, collection, record_key: key }).update(set)) > 0;
  }

  /** Deletes one record; returns its contact id (null: account-scoped) or undefined when there was none. */
  async deleteByKey(accountId: number, collection: string, key: string): Promise<number | null | undefined> {
    const r = await this.db('transactional_data').where({ account_id: accountId, collection, record_key: key }).first('contact_id');
    if (!r) return undefined;
    await this.db('transactional_data').where({ account_id: accountId, collection, record_key: key }).delete();
    return r.contact_id === null ? null : Number(r.contact_id);
  }

  /** Deletes a contact's records in a collection; returns how many. */
  async deleteByContact(accountId: number, collection: string, contactId: number): Promise<number> {
    return this.db('transactional_data').where({ account_id: accountId, collection, contact_id: contactId }).delete();
  }

  /** The contacts owning these keys of a collection now (for an import's changed-contacts list). */
  async ownersOf(accountId: number, collection: string, keys: string[]): Promise<Map<string, number | null>> {
    const out = new Map<string, number | null>();
    for (const part of slices(keys, BATCH)) {
      const rows = await this.db('transactional_data').where({ account_id: accountId, collection }).whereIn('record_key', part).select('record_key', 'contact_id');
      for (const r of rows) out.set(String(r.record_key), r.contact_id === null ? null : Number(r.contact_id));
    }
    return out;
  }

  /**
   * Writes a batch of records, inserting new keys and replacing existing ones (multi-row upserts, BATCH rows a
   * statement, all values bound). The keys of one call must be distinct.
   */
  async upsertMany(accountId: number, collection: string, rows: TxWrite[], now: number): Promise<void> {
    const tail =
      this.dialect === 'sqlite'
        ? ' on conflict (account_id, collection, record_key) do update set contact_id = excluded.contact_id, json = excluded.json, updated_at = excluded.updated_at'
        : ' on duplicate key update contact_id = values(contact_id), json = values(json), updated_at = values(updated_at)';
    // why: the import hot path's statement runner: full slices of 500 rows share one prepared statement per connection
    // (the import write port's PreparedSql), the remainder runs once unprepared.
    for (const { part, prepared } of fixedSlices(rows)) {
      const sql =
        'insert into transactional_data (account_id, collection, record_key, contact_id, json, created_at, updated_at) values ' +
        part.map(() => '(?,?,?,?,?,?,?)').join(',') +
        tail;
      const binds: Knex.RawBinding[] = [];
      for (const w of part) binds.push(accountId, collection, w.key, w.contactId, w.json, now, now);
      await this.exec(sql, binds, prepared);
    }
  }

  /** Contact ids for ids that exist in the account (set-based, one statement per batch). */
  async existingContactIds(accountId: number, ids: number[]): Promise<Set<number>> {
    const out = new Set<number>();
    for (const part of slices(ids, 2000)) {
      const rows = await this.db('contacts').where({ account_id: accountId }).whereIn('id', part).select('id');
      for (const r of rows) out.add(Number(r.id));
    }
    return out;
  }

  /** Contact ids by email key (set-based, one statement per batch). */
  async contactIdsByEmailKey(accountId: number, keys: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const part of slices(keys, 2000)) {
      const rows = await this.db('contacts').where({ account_id: accountId }).whereIn('email_key', part).select('id', 'email_key');
      for (const r of rows) out.set(String(r.email_key), Number(r.id));
    }
    return out;
  }
}

function toRecord(r: Record<string, unknown>): TxRecord {
  return {
    collection: String(r.collection),
    key: String(r.record_key),
    contactId: r.contact_id === null || r.contact_id === undefined ? null : Number(r.contact_id),
    email: r.email === null || r.email === undefined ? null : String(r.email),
    json: Buffer.isBuffer(r.json) ? r.json.toString('utf8') : String(r.json),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
