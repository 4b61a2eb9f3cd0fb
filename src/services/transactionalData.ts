import { Clock } from '../lib/clock';
import { isGuid, newGuid } from '../lib/ids';
import { DomainError } from '../domain/errors';
import { collectionName, ContactRef, MAX_IMPORT_ITEMS, mustContactRef, recordJson, recordKey } from '../domain/transactionalData';
import { Config } from '../config';
import { ImportRecord } from '../db/repos/imports';
import { Repos, Store } from '../db/store';
import { TxRecord } from '../db/repos/transactionalData';
import { page } from './paging';
import { SegmentHooks } from './segmentHooks';
import { JobQueue } from './jobQueue';
import { ImportJobContext } from './importJob';
import { encodeItems, StoredItem, TransactionalImportJob, txChange, TxFaultReason } from './transactionalImportJob';

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

/** A transactional-data import's status (ApiTransactionalDataImportStatuses). */
export type TxImportStatus = 'NotStarted' | 'NotFinished' | 'Finished' | 'Failed';

/** An import's id and status (ApiTransactionalDataImport). */
export interface TxImportState {
  id: string;
  status: TxImportStatus;
}

/** A finished import's report (ApiTransactionalDataImportReport). */
export interface TxImportReport {
  totalItems: number;
  totalImported: number;
  totalRejected: number;
  faults: Array<{ key: string; reason: TxFaultReason }>;
}

/** The job type transactional-data imports run under. */
export const TX_IMPORT_JOB = 'txdata-import';
/** The `format` transactional-data imports carry in the imports table (beside csv and xlsx). */
export const TX_IMPORT_FORMAT = 'txdata';
/** Size of the pieces an import's items are stored in. */
const PIECE = 256 * 1024;

/** The word that stands for "no contact" in ContactIdentifier. */
export const ACCOUNT_SCOPE = 'account';

/** What a transactional write changed, for the segment engine (defined with the import job). */
export { txChange } from './transactionalImportJob';

/**
 * Transactional data ("insight data"): keyed JSON records in named collections, attached to a contact or to the
 * account. Single writes are real-time for segments (re-evaluated before the call answers); imports are bulk writes.
 */
export class TransactionalDataService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly hooks: SegmentHooks,
    private readonly jobs: JobQueue,
    private readonly config: Config,
    /** Most items one import call may hold (checked before anything is stored). */
    private readonly maxImportItems = MAX_IMPORT_ITEMS,
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
    return (await this.store.repos.transactionalData.list(accountId, name, page(o.select, o.skip, this.config.maxSelect))).map(out);
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

  /**
   * Stores an import of records durably and queues its job; answers at once (NotFinished). A bulk write: the
   * affected real-time segments are marked stale and refreshed by the sweeper (DESIGN invariants 2-6). The item cap
   * and the collection name are checked before anything is stored; each item is checked by the job (faults).
   * why: it shares the contact imports' table, stored pieces, job lease, cursor and faults, and their per-account
   * limit of running imports (IMPORT_MAX_ACTIVE).
   */
  async startImport(accountId: number, collection: unknown, items: readonly TxDataInput[], dialect: string): Promise<TxImportState> {
    const name = collectionName(collection);
    if (!Array.isArray(items)) throw new DomainError('PARAMETER_INVALID', 'Send an array of transactional data records.');
    if (items.length > this.maxImportItems) {
      throw new DomainError('TRANSACTIONAL_DATA_IMPORT_TOO_LARGE', `At most ${this.maxImportItems} records per import; send the rest in another import.`);
    }
    const stored = items.map((x): StoredItem => {
      const o = (x ?? {}) as TxDataInput;
      return [o.key ?? null, o.contactIdentifier ?? null, o.json ?? null];
    });
    const pieces = encodeItems(stored, PIECE);
    const size = pieces.reduce((n, p) => n + p.length, 0);
    const id = newGuid();
    const now = this.clock.now();
    return this.store.tx(async (r) => {
      await r.imports.lockAccount(accountId);
      if ((await r.imports.countActive(accountId)) >= this.config.importMaxActive) throw new DomainError('IMPORT_TOOMANYACTIVEIMPORTS');
      await r.imports.create({ id, accountId, addressBookId: null, fileName: name, format: TX_IMPORT_FORMAT, sizeBytes: size, status: 'NotFinished', dialect, totalRows: items.length, now });
      for (let seq = 0; seq < pieces.length; seq++) await r.imports.appendBlob(id, seq, pieces[seq]);
      await this.jobs.enqueueIn(r, { type: TX_IMPORT_JOB, ref: id, accountId });
      return { id, status: 'NotFinished' as const };
    });
  }

  /** An import's status: NotStarted until its job first runs. */
  async importStatus(accountId: number, id: unknown): Promise<TxImportState> {
    const imp = await this.findImport(accountId, id);
    return { id: imp.id, status: txStatus(imp) };
  }

  /** A finished import's report with its faults (key and reason); IMPORT_REPORT_NOT_FOUND while it runs. */
  async importReport(accountId: number, id: unknown): Promise<TxImportReport> {
    const imp = await this.findImport(accountId, id);
    if (imp.status !== 'Finished') throw new DomainError('IMPORT_REPORT_NOT_FOUND');
    const faults: TxImportReport['faults'] = [];
    for (let after = 0; ; ) {
      const page = await this.store.repos.imports.faults(imp.id, after, 5000);
      if (!page.length) break;
      for (const f of page) faults.push({ key: f.email, reason: f.reason as TxFaultReason });
      after = page[page.length - 1].id;
    }
    const total = imp.totalRows ?? imp.rowsDone;
    return { totalItems: total, totalImported: total - faults.length, totalRejected: faults.length, faults };
  }

  /** Runs (or resumes) one import's job; 'released' when the heartbeat says stop. */
  async runImportJob(id: string, ctx: ImportJobContext): Promise<'done' | 'released'> {
    return new TransactionalImportJob(this.store, this.clock, this.hooks, this.config.txImportChunkRows).run(id, ctx);
  }

  /** Ends an import as Failed (its job gave up after its retries). */
  async markImportFailed(id: string, attempts: number): Promise<void> {
    await this.store.repos.imports.finish(id, 'Failed', 'UNKNOWN', this.clock.now(), `InternalError: the import stopped on an internal error ${attempts} times`);
  }

  private async findImport(accountId: number, id: unknown): Promise<ImportRecord> {
    const imp = isGuid(id) ? await this.store.repos.imports.get(id.toLowerCase(), accountId) : undefined;
    if (!imp || imp.format !== TX_IMPORT_FORMAT) throw new DomainError('IMPORT_NOT_FOUND');
    return imp;
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

function txStatus(imp: ImportRecord): TxImportStatus {
  if (imp.status === 'Finished') return 'Finished';
  if (imp.status === 'NotFinished') return imp.startedAt === null ? 'NotStarted' : 'NotFinished';
  return 'Failed';
}

function out(rec: TxRecord): TxData {
  return { key: rec.key, contactIdentifier: rec.email ?? ACCOUNT_SCOPE, json: rec.json };
}
