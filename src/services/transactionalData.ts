import { Clock } from '../lib/clock';
import { DomainError } from '../domain/errors';
import { collectionName, ContactRef, mustContactRef, recordJson, recordKey } from '../domain/transactionalData';
import { Repos, Store } from '../db/store';
import { TxRecord } from '../db/repos/transactionalData';
import { page } from './paging';
import { SegmentHooks } from './segmentHooks';
import { SegmentChange } from './segmentDeps';

/** One record as the transports show it (ApiTransactionalData): key, owner and the JSON text as stored. */
export interface TxData {
  key: string;
  /** The owning contact's email; `account` for an account-scoped record. */
  contactIdentifier: string;
  json: string;
}

/** One record as sent by a caller (any of the three dialects). */
export interface TxDataInput {
  key?: unknown;
  contactIdentifier?: unknown;
  json?: unknown;
}

/** The word that stands for "no contact" in ContactIdentifier. */
export const ACCOUNT_SCOPE = 'account';

/**
 * What a transactional write changed, for the segment engine: the collection's records of the contacts. why: every
 * real-time segment is re-evaluated for now ('any'); segment rules over collections narrow this (issue #19 step 5).
 */
export function txChange(collection: string): SegmentChange {
  void collection;
  return 'any';
}

/**
 * Transactional data ("insight data"): keyed JSON records in named collections, attached to a contact or to the
 * account. Single writes are real-time for segments (re-evaluated before the call answers); imports are bulk writes.
 */
export class TransactionalDataService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly hooks: SegmentHooks,
    private readonly maxSelect: number,
  ) {}

  /**
   * Adds a record, or replaces the record with the same key (AddTransactionalData, REST create).
   * why: an email of no contact creates nothing and answers CONTACT_NOT_FOUND (imports report ContactEmailDoesNotExist);
   * the gateway never creates a contact as a side effect of a transactional write.
   */
  async add(accountId: number, collection: unknown, input: TxDataInput): Promise<TxData> {
    const name = collectionName(collection);
    const key = recordKey(input.key);
    const json = recordJson(input.json);
    const ref = mustContactRef(input.contactIdentifier);
    return this.store.tx(async (r) => {
      const contactId = await this.resolve(r, accountId, ref);
      const before = await r.transactionalData.get(accountId, name, key);
      const now = this.clock.now();
      if (before) await r.transactionalData.replace(accountId, name, key, json, now, contactId);
      else await r.transactionalData.insert(accountId, name, { key, contactId, json }, now);
      await this.touched(r, accountId, name, [before?.contactId ?? null, contactId]);
      return out((await r.transactionalData.get(accountId, name, key))!);
    });
  }

  /** Replaces the JSON of an existing record (ReplaceTransactionalDataByKey, REST POST by key). */
  async replace(accountId: number, collection: unknown, key: unknown, json: unknown): Promise<TxData> {
    const name = collectionName(collection);
    const k = recordKey(key);
    const text = recordJson(json);
    return this.store.tx(async (r) => {
      const before = await r.transactionalData.get(accountId, name, k);
      if (!before) throw new DomainError('TRANSACTIONAL_DATA_DOES_NOT_EXIST');
      await r.transactionalData.replace(accountId, name, k, text, this.clock.now());
      await this.touched(r, accountId, name, [before.contactId]);
      return out((await r.transactionalData.get(accountId, name, k))!);
    });
  }

  /** One record by key; TRANSACTIONAL_DATA_DOES_NOT_EXIST when there is none. */
  async getByKey(accountId: number, collection: unknown, key: unknown): Promise<TxData> {
    const rec = await this.store.repos.transactionalData.get(accountId, collectionName(collection), recordKey(key));
    if (!rec) throw new DomainError('TRANSACTIONAL_DATA_DOES_NOT_EXIST');
    return out(rec);
  }

  /** A contact's records in a collection (contact by id or email; CONTACT_NOT_FOUND when there is none). */
  async byContact(accountId: number, collection: unknown, contact: unknown): Promise<TxData[]> {
    const name = collectionName(collection);
    const ref = mustContactRef(contact, false);
    const r = this.store.repos;
    const id = await this.resolve(r, accountId, ref);
    return (await r.transactionalData.byContact(accountId, name, id!)).map(out);
  }

  /** A page of a collection's records (the account-scoped listing). */
  async list(accountId: number, collection: unknown, o: { select?: unknown; skip?: unknown }): Promise<TxData[]> {
    const name = collectionName(collection);
    return (await this.store.repos.transactionalData.list(accountId, name, page(o.select, o.skip, this.maxSelect))).map(out);
  }

  /** Deletes one record; TRANSACTIONAL_DATA_DOES_NOT_EXIST when there is none. */
  async deleteByKey(accountId: number, collection: unknown, key: unknown): Promise<void> {
    const name = collectionName(collection);
    const k = recordKey(key);
    await this.store.tx(async (r) => {
      const owner = await r.transactionalData.deleteByKey(accountId, name, k);
      if (owner === undefined) throw new DomainError('TRANSACTIONAL_DATA_DOES_NOT_EXIST');
      await this.touched(r, accountId, name, [owner]);
    });
  }

  /** Deletes a contact's records in a collection (none is fine; an unknown contact is CONTACT_NOT_FOUND). */
  async deleteByContact(accountId: number, collection: unknown, contact: unknown): Promise<void> {
    const name = collectionName(collection);
    const ref = mustContactRef(contact, false);
    await this.store.tx(async (r) => {
      const id = (await this.resolve(r, accountId, ref))!;
      if ((await r.transactionalData.deleteByContact(accountId, name, id)) > 0) await this.touched(r, accountId, name, [id]);
    });
  }

  /** The contact id a reference names (null for the account); CONTACT_NOT_FOUND when it names no contact. */
  private async resolve(r: Repos, accountId: number, ref: ContactRef): Promise<number | null> {
    if (ref.kind === 'account') return null;
    const c = ref.kind === 'id' ? await r.contacts.getById(accountId, ref.id) : await r.contacts.getByEmailKey(accountId, ref.key);
    if (!c) throw new DomainError('CONTACT_NOT_FOUND');
    return c.id;
  }

  /** Single write: re-evaluates the owning contacts against the real-time segments before the call answers. */
  private async touched(r: Repos, accountId: number, collection: string, owners: Array<number | null>): Promise<void> {
    const ids = owners.filter((x): x is number => x !== null);
    if (ids.length) await this.hooks.singleWrite(r, accountId, ids, txChange(collection));
  }
}

function out(rec: TxRecord): TxData {
  return { key: rec.key, contactIdentifier: rec.email ?? ACCOUNT_SCOPE, json: rec.json };
}
