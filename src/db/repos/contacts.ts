import { Knex } from 'knex';
import { Contact, DataValues } from '../../domain/contact';
import { AudienceType, ContactStatus, EmailType, OptInType } from '../../domain/enums';
import { Dialect } from '../connection';
import { PreparedReads } from '../prepared';
import { parseJson, slices } from '../sql';

/** Columns a contact row is written with. */
export interface ContactWrite {
  email: string;
  emailKey: string;
  optInType: OptInType;
  emailType: EmailType;
  audienceType: AudienceType;
  notes: string | null;
  status: ContactStatus;
  statusChangedAt: number | null;
  dataFields: DataValues;
}

/** Filters and paging for contact lists. */
export interface ContactQuery {
  skip: number;
  select: number;
  modifiedSince?: number;
  modifiedUntil?: number;
  createdSince?: number;
  addressBookId?: number;
  /** Only contacts whose membership in addressBookId changed since this time. */
  bookChangedSince?: number;
  segmentId?: number;
}

/** SQL for contacts. */
export class ContactRepo {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
    private readonly fast?: PreparedReads,
  ) {}

  /** Inserts one contact; returns its id. */
  async insert(accountId: number, c: ContactWrite, now: number): Promise<number> {
    const [id] = await this.db('contacts').insert(toRow(accountId, c, now, now));
    return Number(id);
  }

  /** Replaces a contact's columns. */
  async update(accountId: number, id: number, c: ContactWrite, now: number): Promise<void> {
    await this.keepImportClaim(accountId, id, c.emailKey);
    const row = toRow(accountId, c, 0, now) as Record<string, unknown>;
    delete row.created_at;
    delete row.account_id;
    await this.db('contacts').where({ account_id: accountId, id }).update(row);
  }

  /**
   * Before a contact loses its email (deleted, or its email changed): a running import whose mark the contact carries
   * took that email, and a later row of its file with the email must stay a duplicate; the claim moves to import_seen.
   */
  private async keepImportClaim(accountId: number, id: number, newKey?: string): Promise<void> {
    const select =
      'select i.id, c.email_key from contacts c join imports i on i.account_id = c.account_id and i.mark = c.import_mark ' +
      `where c.account_id = ? and c.id = ? and i.status = 'NotFinished'${newKey === undefined ? '' : ' and c.email_key <> ?'}`;
    const binds = newKey === undefined ? [accountId, id] : [accountId, id, newKey];
    await this.db.raw(
      this.dialect === 'sqlite'
        ? `insert into import_seen (import_id, email_key) ${select} on conflict do nothing`
        : `insert ignore into import_seen (import_id, email_key) ${select}`,
      binds,
    );
  }

  /** One contact by id within the account. */
  async getById(accountId: number, id: number): Promise<Contact | undefined> {
    const fast = this.fast?.rows('select * from contacts where account_id = ? and id = ?', [accountId, id]);
    const r = fast ? fast[0] : await this.db('contacts').where({ account_id: accountId, id }).first();
    return r ? toContact(r) : undefined;
  }

  /** One contact by its case-insensitive email key within the account. */
  async getByEmailKey(accountId: number, key: string): Promise<Contact | undefined> {
    const fast = this.fast?.rows('select * from contacts where account_id = ? and email_key = ?', [accountId, key]);
    const r = fast ? fast[0] : await this.db('contacts').where({ account_id: accountId, email_key: key }).first();
    return r ? toContact(r) : undefined;
  }

  /** Many contacts by email key, as a map from key to contact. */
  async getManyByEmailKeys(accountId: number, keys: string[]): Promise<Map<string, Contact>> {
    const out = new Map<string, Contact>();
    for (const part of slices(keys, 2000)) {
      const rows = await this.db('contacts').where({ account_id: accountId }).whereIn('email_key', part);
      for (const r of rows) out.set(String(r.email_key), toContact(r));
    }
    return out;
  }

  /** Ids of the given contacts that belong to the account. */
  async existingIds(accountId: number, ids: number[]): Promise<number[]> {
    const out: number[] = [];
    for (const part of slices(ids, 2000)) {
      const rows = await this.db('contacts').where({ account_id: accountId }).whereIn('id', part).select('id');
      out.push(...rows.map((r) => Number(r.id)));
    }
    return out;
  }

  /** Sets many contacts of the account to Unsubscribed in one statement, leaving already suppressed ones alone. */
  async unsubscribeMany(accountId: number, ids: number[], now: number): Promise<void> {
    for (const part of slices(ids, 2000)) {
      await this.db('contacts')
        .where({ account_id: accountId })
        .whereIn('id', part)
        .whereIn('status', ['Subscribed', 'PendingOptIn'])
        .update({ status: 'Unsubscribed', status_changed_at: now, updated_at: now });
    }
  }

  /** Deletes one contact (memberships go with it); false when it was not there. */
  async delete(accountId: number, id: number): Promise<boolean> {
    await this.keepImportClaim(accountId, id);
    return (await this.db('contacts').where({ account_id: accountId, id }).delete()) > 0;
  }

  /** Lists contacts by id order with the query's filters and paging. */
  async list(accountId: number, q: ContactQuery): Promise<Contact[]> {
    const b = this.db('contacts as c').where('c.account_id', accountId).select('c.*');
    if (q.addressBookId !== undefined) {
      b.join('address_book_contacts as m', 'm.contact_id', 'c.id')
        .where('m.address_book_id', q.addressBookId)
        .where('m.status', 'Subscribed');
      if (q.bookChangedSince !== undefined) b.where('m.updated_at', '>=', q.bookChangedSince);
    }
    if (q.segmentId !== undefined) b.join('segment_members as s', 's.contact_id', 'c.id').where('s.segment_id', q.segmentId);
    if (q.modifiedSince !== undefined) b.where('c.updated_at', '>=', q.modifiedSince);
    if (q.modifiedUntil !== undefined) b.where('c.updated_at', '<=', q.modifiedUntil);
    if (q.createdSince !== undefined) b.where('c.created_at', '>=', q.createdSince);
    const rows = await b.orderBy('c.id').limit(q.select).offset(q.skip);
    return rows.map(toContact);
  }

  /** Contacts whose status is not Subscribed, changed since a time (the suppression list). */
  async listSuppressed(
    accountId: number,
    q: { since: number; skip: number; select: number; statuses?: ContactStatus[] },
  ): Promise<Contact[]> {
    const b = this.db('contacts').where({ account_id: accountId }).where('status_changed_at', '>=', q.since);
    if (q.statuses) b.whereIn('status', q.statuses);
    else b.whereNotIn('status', ['Subscribed', 'PendingOptIn']);
    const rows = await b.orderBy('status_changed_at').orderBy('id').limit(q.select).offset(q.skip);
    return rows.map(toContact);
  }

  /** Contacts unsubscribed from one address book since a time, with when. */
  async listUnsubscribedFromBook(
    accountId: number,
    bookId: number,
    q: { since: number; skip: number; select: number },
  ): Promise<Array<{ contact: Contact; at: number }>> {
    const rows = await this.db('address_book_contacts as m')
      .join('contacts as c', 'c.id', 'm.contact_id')
      .where('m.address_book_id', bookId)
      .where('c.account_id', accountId)
      .where('m.status', 'Unsubscribed')
      .where('m.unsubscribed_at', '>=', q.since)
      .select('c.*', 'm.unsubscribed_at as m_unsubscribed_at')
      .orderBy('m.unsubscribed_at')
      .orderBy('c.id')
      .limit(q.select)
      .offset(q.skip);
    return rows.map((r) => ({ contact: toContact(r), at: Number(r.m_unsubscribed_at) }));
  }

  /** Number of contacts in the account. */
  async count(accountId: number): Promise<number> {
    const r = await this.db('contacts').where({ account_id: accountId }).count({ n: '*' }).first();
    return Number(r?.n ?? 0);
  }
}

/** Converts a write to column values. */
export function toRow(accountId: number, c: ContactWrite, createdAt: number, updatedAt: number): Record<string, unknown> {
  return {
    account_id: accountId,
    email: c.email,
    email_key: c.emailKey,
    opt_in_type: c.optInType,
    email_type: c.emailType,
    audience_type: c.audienceType,
    notes: c.notes,
    status: c.status,
    status_changed_at: c.statusChangedAt,
    data: JSON.stringify(c.dataFields),
    created_at: createdAt,
    updated_at: updatedAt,
  };
}

/** Converts a row to the domain contact. */
export function toContact(r: Record<string, unknown>): Contact {
  return {
    id: Number(r.id),
    email: String(r.email),
    optInType: r.opt_in_type as OptInType,
    emailType: r.email_type as EmailType,
    audienceType: r.audience_type as AudienceType,
    notes: (r.notes as string | null) ?? null,
    status: r.status as ContactStatus,
    statusChangedAt: r.status_changed_at === null || r.status_changed_at === undefined ? null : Number(r.status_changed_at),
    dataFields: parseJson<DataValues>(r.data, {}),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
