import { Knex } from 'knex';
import { AddressBook } from '../../domain/addressBook';
import { Visibility } from '../../domain/enums';
import { Dialect } from '../connection';
import { slices } from '../sql';
import { bumpRulesVersion } from './segmentSingle';

/** SQL for address books and their memberships. */
export class AddressBookRepo {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
  ) {}

  /** Inserts a book (or the id-space row of a segment); returns its id. */
  async create(accountId: number, kind: 'book' | 'segment', name: string, visibility: Visibility, now: number): Promise<number> {
    const [id] = await this.db('address_books').insert({
      account_id: accountId,
      kind,
      name,
      name_key: name.trim().toLowerCase(),
      visibility,
      created_at: now,
      updated_at: now,
    });
    return Number(id);
  }

  /** One book by id within the account (segments are not books). */
  async get(accountId: number, id: number): Promise<AddressBook | undefined> {
    const r = await this.withCount(this.db('address_books as b').where({ 'b.account_id': accountId, 'b.id': id, 'b.kind': 'book' })).first();
    return r ? toBook(r) : undefined;
  }

  /** The kind of an id in the shared book/segment id space, or undefined when the account has no such id. */
  async kindOf(accountId: number, id: number): Promise<'book' | 'segment' | undefined> {
    const r = await this.db('address_books').where({ account_id: accountId, id }).first('kind');
    return r ? (r.kind as 'book' | 'segment') : undefined;
  }

  /** A book by name (case-insensitive) within the account. */
  async findByName(accountId: number, kind: 'book' | 'segment', name: string): Promise<{ id: number } | undefined> {
    const r = await this.db('address_books').where({ account_id: accountId, kind, name_key: name.trim().toLowerCase() }).first('id');
    return r ? { id: Number(r.id) } : undefined;
  }

  /** The account's books by id, optionally one visibility, with paging. */
  async list(accountId: number, q: { skip: number; select: number; visibility?: Visibility }): Promise<AddressBook[]> {
    const b = this.db('address_books as b').where({ 'b.account_id': accountId, 'b.kind': 'book' });
    if (q.visibility) b.where('b.visibility', q.visibility);
    const rows = await this.withCount(b).orderBy('b.id').limit(q.select).offset(q.skip);
    return rows.map(toBook);
  }

  /** Renames a book or changes its visibility. */
  async update(accountId: number, id: number, name: string, visibility: Visibility, now: number): Promise<void> {
    await this.db('address_books')
      .where({ account_id: accountId, id })
      .update({ name, name_key: name.trim().toLowerCase(), visibility, updated_at: now });
  }

  /** Deletes a book or segment row (memberships cascade). */
  async delete(accountId: number, id: number): Promise<boolean> {
    const gone = (await this.db('address_books').where({ account_id: accountId, id }).delete()) > 0;
    // why: a segment's row cascades away with its book row; single writers' cached rules must notice (migration 009).
    if (gone) await bumpRulesVersion(this.db, accountId);
    return gone;
  }

  /** Subscribed members of a book. */
  async countMembers(bookId: number): Promise<number> {
    const r = await this.db('address_book_contacts').where({ address_book_id: bookId, status: 'Subscribed' }).count({ n: '*' }).first();
    return Number(r?.n ?? 0);
  }

  /** Membership state of one contact in one book. */
  async membership(bookId: number, contactId: number): Promise<'Subscribed' | 'Unsubscribed' | undefined> {
    const r = await this.db('address_book_contacts').where({ address_book_id: bookId, contact_id: contactId }).first('status');
    return r ? (r.status as 'Subscribed' | 'Unsubscribed') : undefined;
  }

  /** Adds (or re-adds) contacts to a book as subscribed members. */
  async addMembers(accountId: number, bookId: number, contactIds: number[], now: number): Promise<void> {
    for (const part of slices(contactIds, 5000)) {
      if (part.length === 0) continue;
      await this.db('address_book_contacts')
        .insert(
          part.map((cid) => ({
            address_book_id: bookId,
            contact_id: cid,
            account_id: accountId,
            status: 'Subscribed',
            added_at: now,
            updated_at: now,
            unsubscribed_at: null,
          })),
        )
        .onConflict(['address_book_id', 'contact_id'])
        .merge(['status', 'updated_at', 'unsubscribed_at']);
    }
  }

  /** Removes one contact from one book; false when it was not a member. */
  async removeMember(bookId: number, contactId: number): Promise<boolean> {
    return (await this.db('address_book_contacts').where({ address_book_id: bookId, contact_id: contactId }).delete()) > 0;
  }

  /** Marks one contact unsubscribed from one book (kept, so the book remembers the opt-out). */
  async unsubscribeMember(accountId: number, bookId: number, contactId: number, now: number): Promise<void> {
    await this.db('address_book_contacts')
      .insert({
        address_book_id: bookId,
        contact_id: contactId,
        account_id: accountId,
        status: 'Unsubscribed',
        added_at: now,
        updated_at: now,
        unsubscribed_at: now,
      })
      .onConflict(['address_book_id', 'contact_id'])
      .merge(['status', 'updated_at', 'unsubscribed_at']);
  }

  /** Removes every member of a book; returns the removed contact ids. */
  async removeAllMembers(bookId: number): Promise<number[]> {
    const ids = (await this.db('address_book_contacts').where({ address_book_id: bookId }).select('contact_id')).map((r) =>
      Number(r.contact_id),
    );
    await this.db('address_book_contacts').where({ address_book_id: bookId }).delete();
    return ids;
  }

  /** Marks every member of a book unsubscribed from it; returns their ids. */
  async unsubscribeAllMembers(bookId: number, now: number): Promise<number[]> {
    const ids = (await this.db('address_book_contacts').where({ address_book_id: bookId, status: 'Subscribed' }).select('contact_id')).map(
      (r) => Number(r.contact_id),
    );
    await this.db('address_book_contacts')
      .where({ address_book_id: bookId, status: 'Subscribed' })
      .update({ status: 'Unsubscribed', unsubscribed_at: now, updated_at: now });
    return ids;
  }

  /** Removes a contact from every book of the account; returns the book ids. */
  async removeFromAllBooks(contactId: number): Promise<number[]> {
    const ids = (await this.db('address_book_contacts').where({ contact_id: contactId }).select('address_book_id')).map((r) =>
      Number(r.address_book_id),
    );
    await this.db('address_book_contacts').where({ contact_id: contactId }).delete();
    return ids;
  }

  /** Books a contact is a subscribed member of, with paging. */
  async booksForContact(accountId: number, contactId: number, q: { skip: number; select: number }): Promise<AddressBook[]> {
    const b = this.db('address_books as b')
      .join('address_book_contacts as mm', 'mm.address_book_id', 'b.id')
      .where({ 'b.account_id': accountId, 'b.kind': 'book', 'mm.contact_id': contactId, 'mm.status': 'Subscribed' });
    const rows = await this.withCount(b).orderBy('b.id').limit(q.select).offset(q.skip);
    return rows.map(toBook);
  }

  private withCount(b: Knex.QueryBuilder): Knex.QueryBuilder {
    return b.select(
      'b.*',
      this.db.raw(
        "(select count(*) from address_book_contacts m where m.address_book_id = b.id and m.status = 'Subscribed') as member_count",
      ),
    );
  }
}

function toBook(r: Record<string, unknown>): AddressBook {
  return {
    id: Number(r.id),
    name: String(r.name),
    visibility: r.visibility as Visibility,
    contacts: Number(r.member_count ?? 0),
    createdAt: Number(r.created_at),
  };
}
