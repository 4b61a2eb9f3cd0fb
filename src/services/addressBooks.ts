import { Clock } from '../lib/clock';
import { AddressBook, normaliseBookName } from '../domain/addressBook';
import { isSuppressedStatus } from '../domain/contact';
import { matchEnum, ResubscribeResult, Visibility, VISIBILITIES } from '../domain/enums';
import { DomainError } from '../domain/errors';
import { Repos, Store } from '../db/store';
import { ContactInput, ContactRef, ContactService, ContactView, ListOptions, Suppression, writeOf } from './contacts';
import { dateArg, page } from './paging';
import { SegmentHooks } from './segmentHooks';
import { contactChange, mergeChanges } from './segmentDeps';

/** Most contact ids one bulk removal from a book takes (both REST routes); larger lists are refused before any work. */
export const MAX_BULK_CONTACT_IDS = 1000;

/** Options of removing a contact from a book (v1's RemoveContactFromAddressBook flags). */
export interface RemoveOptions {
  /** Keep the contact marked unsubscribed in the book, so a later add is refused instead of silently re-adding. */
  preventResubscribe?: boolean;
  /** Unsubscribe the contact from the whole account as well. */
  totalUnsubscribe?: boolean;
}

/** Address books and membership. Adding/removing one contact is a single write; removing all is bulk. */
export class AddressBookService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly hooks: SegmentHooks,
    private readonly contacts: ContactService,
    private readonly maxSelect: number,
  ) {}

  /** The account's books with paging, optionally only one visibility. */
  async list(accountId: number, o: { select?: unknown; skip?: unknown; visibility?: Visibility }): Promise<AddressBook[]> {
    return this.store.repos.addressBooks.list(accountId, { ...page(o.select, o.skip, this.maxSelect), visibility: o.visibility });
  }

  /** One book. */
  async get(accountId: number, id: unknown): Promise<AddressBook> {
    return this.mustGet(this.store.repos, accountId, id);
  }

  /** Creates a book with a unique, non-reserved name. */
  async create(accountId: number, input: { name?: unknown; visibility?: unknown }): Promise<AddressBook> {
    const name = normaliseBookName(input.name);
    const visibility = visibilityArg(input.visibility) ?? 'Private';
    return this.store.tx(async (r) => {
      if (await r.addressBooks.findByName(accountId, 'book', name)) throw new DomainError('ADDRESSBOOK_DUPLICATE');
      const id = await r.addressBooks.create(accountId, 'book', name, visibility, this.clock.now());
      return (await r.addressBooks.get(accountId, id))!;
    });
  }

  /** Renames a book or changes its visibility. */
  async update(accountId: number, id: unknown, input: { name?: unknown; visibility?: unknown }): Promise<AddressBook> {
    return this.store.tx(async (r) => {
      const book = await this.mustGet(r, accountId, id);
      const name = input.name === undefined || input.name === null ? book.name : normaliseBookName(input.name);
      const visibility = visibilityArg(input.visibility) ?? book.visibility;
      const clash = await r.addressBooks.findByName(accountId, 'book', name);
      if (clash && clash.id !== book.id) throw new DomainError('ADDRESSBOOK_DUPLICATE');
      await r.addressBooks.update(accountId, book.id, name, visibility, this.clock.now());
      return (await r.addressBooks.get(accountId, book.id))!;
    });
  }

  /** Deletes a book; its members leave it, which real-time segments on the book see at once. */
  async delete(accountId: number, id: unknown): Promise<void> {
    await this.store.tx(async (r) => {
      const book = await this.mustGet(r, accountId, id);
      const members = await r.addressBooks.removeAllMembers(book.id);
      await r.addressBooks.delete(accountId, book.id);
      await this.hooks.bulkWrite(r, accountId, members);
    });
  }

  /** Subscribed members of a book. */
  async count(accountId: number, id: unknown): Promise<number> {
    return (await this.mustGet(this.store.repos, accountId, id)).contacts;
  }

  /** Subscribed members of a book with paging. */
  async listContacts(accountId: number, id: unknown, o: ListOptions): Promise<ContactView[]> {
    const book = await this.mustGet(this.store.repos, accountId, id);
    const list = await this.store.repos.contacts.list(accountId, { ...page(o.select, o.skip, this.maxSelect), addressBookId: book.id });
    return this.contacts.views(accountId, list, o.withFullData);
  }

  /** Members of a book changed (or added) since a time. */
  async listModifiedContacts(accountId: number, id: unknown, since: unknown, o: ListOptions & { until?: unknown }): Promise<ContactView[]> {
    const book = await this.mustGet(this.store.repos, accountId, id);
    const list = await this.store.repos.contacts.list(accountId, {
      ...page(o.select, o.skip, this.maxSelect),
      addressBookId: book.id,
      modifiedSince: dateArg(since, 'startDate'),
      modifiedUntil: o.until === undefined ? undefined : dateArg(o.until, 'endDate'),
    });
    return this.contacts.views(accountId, list, o.withFullData);
  }

  /** Contacts unsubscribed from one book since a time. */
  async listUnsubscribed(accountId: number, id: unknown, since: unknown, o: ListOptions): Promise<Suppression[]> {
    const book = await this.mustGet(this.store.repos, accountId, id);
    const rows = await this.store.repos.contacts.listUnsubscribedFromBook(accountId, book.id, {
      since: dateArg(since, 'startDate'),
      ...page(o.select, o.skip, this.maxSelect),
    });
    const views = await this.contacts.views(accountId, rows.map((x) => x.contact), o.withFullData);
    return views.map((c, i) => ({ contact: c, dateRemoved: rows[i].at, reason: 'Unsubscribed' }));
  }

  /** Creates or updates the contact and adds it to the book; a suppressed contact is refused. */
  async addContact(accountId: number, bookId: unknown, input: ContactInput): Promise<ContactView> {
    return this.store.tx(async (r) => {
      const book = await this.mustGet(r, accountId, bookId);
      const { contact, before } = await this.contacts.upsert(r, accountId, input);
      if (isSuppressedStatus(contact.status)) throw new DomainError('CONTACT_SUPPRESSED');
      if ((await r.addressBooks.membership(book.id, contact.id)) === 'Unsubscribed') {
        throw new DomainError('CONTACT_SUPPRESSED', 'Contact is unsubscribed from this address book.');
      }
      await r.addressBooks.addMembers(accountId, book.id, [contact.id], this.clock.now());
      await this.hooks.singleWrite(r, accountId, [contact.id], mergeChanges(contactChange(before, contact), { books: [book.id] }));
      return this.contacts.view(r, accountId, contact);
    });
  }

  /** Removes one contact from a book (optionally remembering the opt-out, or unsubscribing it everywhere). */
  async removeContact(accountId: number, bookId: unknown, ref: ContactRef, o: RemoveOptions = {}): Promise<void> {
    await this.store.tx(async (r) => {
      // why: v1 documents -1 as the address book id for a total unsubscribe that concerns no particular book.
      const allBooks = Number(bookId) === -1 && o.totalUnsubscribe;
      const book = allBooks ? undefined : await this.mustGet(r, accountId, bookId);
      const c = (await this.contacts.findByRef(r, accountId, ref, false))!;
      const now = this.clock.now();
      if (book) {
        if (o.preventResubscribe) await r.addressBooks.unsubscribeMember(accountId, book.id, c.id, now);
        else if (!(await r.addressBooks.removeMember(book.id, c.id)) && !o.totalUnsubscribe) throw new DomainError('CONTACT_NOT_FOUND', 'Contact is not in this address book.');
      }
      const unsubscribed = o.totalUnsubscribe && !isSuppressedStatus(c.status);
      if (unsubscribed) {
        await r.contacts.update(accountId, c.id, { ...writeOf(c), status: 'Unsubscribed', statusChangedAt: now }, now);
      }
      await this.hooks.singleWrite(r, accountId, [c.id], { books: book ? [book.id] : [], props: unsubscribed ? ['status'] : [] });
    });
  }

  /** Removes every contact from a book: a bulk write (segments refresh later, coalesced). */
  async removeAll(accountId: number, bookId: unknown, o: RemoveOptions = {}): Promise<number> {
    return this.store.tx(async (r) => {
      const book = await this.mustGet(r, accountId, bookId);
      const now = this.clock.now();
      const ids = o.preventResubscribe ? await r.addressBooks.unsubscribeAllMembers(book.id, now) : await r.addressBooks.removeAllMembers(book.id);
      if (o.totalUnsubscribe) await r.contacts.unsubscribeMany(accountId, ids, now);
      await this.hooks.bulkWrite(r, accountId, ids);
      return ids.length;
    });
  }

  /** Removes many contacts (by id) from a book: a bulk write. */
  async removeContacts(accountId: number, bookId: unknown, contactIds: unknown[]): Promise<number> {
    if (contactIds.length > MAX_BULK_CONTACT_IDS) throw new DomainError('PARAMETER_INVALID', `At most ${MAX_BULK_CONTACT_IDS} contact ids per call.`);
    return this.store.tx(async (r) => {
      const book = await this.mustGet(r, accountId, bookId);
      const ids = contactIds.map(Number).filter((n) => Number.isInteger(n) && n > 0);
      const removed: number[] = [];
      for (const id of await r.contacts.existingIds(accountId, ids)) if (await r.addressBooks.removeMember(book.id, id)) removed.push(id);
      await this.hooks.bulkWrite(r, accountId, removed);
      return removed.length;
    });
  }

  /**
   * Removes the listed contacts from a book (`DELETE .../contacts/inbulk`): every id must be a positive integer and there
   * are at most MAX_BULK_CONTACT_IDS of them, checked before anything is removed; ids of contacts not in the book (or not
   * the account's) are skipped, as the vendor did. Returns how many were removed.
   */
  async removeContactsInBulk(accountId: number, bookId: unknown, contactIds: unknown): Promise<number> {
    if (!Array.isArray(contactIds)) throw new DomainError('PARAMETER_INVALID', 'ContactIds must be an array of contact ids.');
    if (contactIds.length > MAX_BULK_CONTACT_IDS) throw new DomainError('PARAMETER_INVALID', `At most ${MAX_BULK_CONTACT_IDS} contact ids per call.`);
    const ids = contactIds.map((v) => (typeof v === 'string' && /^\d{1,10}$/.test(v) ? Number(v) : v));
    if (!ids.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n > 0)) throw new DomainError('PARAMETER_INVALID', 'ContactIds must be positive integers.');
    return this.removeContacts(accountId, bookId, [...new Set(ids)]);
  }

  /** Unsubscribes a contact from one book only; the book remembers it. */
  async unsubscribeContact(accountId: number, bookId: unknown, ref: ContactRef): Promise<Suppression> {
    return this.store.tx(async (r) => {
      const book = await this.mustGet(r, accountId, bookId);
      const c = (await this.contacts.findByRef(r, accountId, ref, false))!;
      const now = this.clock.now();
      await r.addressBooks.unsubscribeMember(accountId, book.id, c.id, now);
      await this.hooks.singleWrite(r, accountId, [c.id], { books: [book.id] });
      return { contact: await this.contacts.view(r, accountId, c), dateRemoved: now, reason: 'Unsubscribed' };
    });
  }

  /** Resubscribes a contact to one book (and to the account when it had unsubscribed there). */
  async resubscribeContact(accountId: number, bookId: unknown, ref: ContactRef): Promise<{ result: ResubscribeResult; contact?: ContactView }> {
    return this.store.tx(async (r) => {
      const book = await this.mustGet(r, accountId, bookId);
      const c = (await this.contacts.findByRef(r, accountId, ref, false))!;
      const res = await this.contacts.resubscribeIn(r, accountId, c);
      if (res.result === 'ContactAdded') {
        await r.addressBooks.addMembers(accountId, book.id, [c.id], this.clock.now());
        await this.hooks.singleWrite(r, accountId, [c.id], { books: [book.id] });
      }
      return res;
    });
  }

  /** Books a contact is in. */
  async booksForContact(accountId: number, contactId: unknown, o: { select?: unknown; skip?: unknown }): Promise<AddressBook[]> {
    const c = await this.contacts.get(accountId, contactId);
    return this.store.repos.addressBooks.booksForContact(accountId, c.id, page(o.select, o.skip, this.maxSelect));
  }

  /** Loads a book of the account or throws ADDRESSBOOK_NOT_FOUND. */
  async mustGet(r: Repos, accountId: number, id: unknown): Promise<AddressBook> {
    const n = typeof id === 'string' && /^-?\d+$/.test(id.trim()) ? Number(id) : id;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new DomainError('ADDRESSBOOK_NOT_FOUND');
    const b = await r.addressBooks.get(accountId, n);
    if (!b) throw new DomainError('ADDRESSBOOK_NOT_FOUND');
    return b;
  }
}

function visibilityArg(v: unknown): Visibility | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const m = matchEnum(VISIBILITIES, v);
  if (!m) throw new DomainError('ADDRESSBOOK_INVALID', 'Visibility must be Private or Public.');
  return m;
}
