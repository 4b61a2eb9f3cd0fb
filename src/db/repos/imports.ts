import { Readable } from 'node:stream';
import { Knex } from 'knex';
import { AudienceType, ContactStatus, EmailType, ImportStatus, OptInType } from '../../domain/enums';
import { TextEncoding } from '../../domain/importEncoding';
import { emptyReport, ImportReport } from '../../domain/importReport';
import { Dialect } from '../connection';
import { forUpdate, num, parseJson, slices } from '../sql';

/** An import as stored. */
export interface ImportRecord {
  id: string;
  accountId: number;
  addressBookId: number | null;
  fileName: string;
  format: string;
  sizeBytes: number;
  status: ImportStatus;
  dialect: string | null;
  totalRows: number | null;
  rowsDone: number;
  cursor: ImportCursor;
  report: ImportReport;
  errorCode: string | null;
  /** Why the import ended InvalidFileFormat or Failed (`<Reason>: <details>`), for people. */
  errorText: string | null;
  /** CSV: the text encoding chosen at upload (null for other formats and for imports from before it was recorded). */
  encoding: TextEncoding | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Unique within the account; written into the contacts this import takes (null: imports from before marks). */
  mark: number | null;
}

/** The resume state committed with each chunk. */
export interface ImportCursor {
  /** Data rows (non-empty lines after the header) consumed so far. */
  rows: number;
  /** The header row, kept for the faults CSV. */
  header?: string[];
}

/** What an existing contact looks like to the import (no data column: data is merged in SQL). */
export interface ExistingContact {
  id: number;
  status: ContactStatus;
  optInType: OptInType;
  emailType: EmailType;
  audienceType: AudienceType;
  notes: string | null;
  /** The mark of the import that last took this contact's email (null when none did). */
  mark: number | null;
}

/** A claim of one import that another import's write displaced from a contact's mark. */
export interface DisplacedClaim {
  mark: number;
  key: string;
}

/** One contact row of a set-based upsert; data is a JSON merge patch for existing contacts. */
export interface ContactUpsert {
  email: string;
  emailKey: string;
  optInType: OptInType;
  emailType: EmailType;
  audienceType: AudienceType;
  notes: string | null;
  data: string;
  /** The mark the chunk's lookup saw on this existing contact (undefined for a new contact). */
  wasMark?: number | null;
}

/** One stored fault row. */
export interface FaultRow {
  rowNo: number;
  reason: string;
  email: string;
  cells: string[];
  /** The cells already as JSON (rows checked on the parser thread); stored instead of `cells` when given. */
  cellsJson?: string;
}

/** Per connection pool: whether INSERT ... RETURNING works (SQLite 3.35+, MariaDB 10.5+; not MySQL 8). */
const returningByClient = new WeakMap<object, Promise<boolean>>();

/** Per connection pool: whether the server takes LOAD DATA LOCAL INFILE (ImportRepo.loadAllowed). */
const loadByClient = new WeakMap<object, Promise<boolean>>();
/** MySQL/MariaDB errors that mean "no LOCAL INFILE here": not allowed (1148), disabled on the server or client (3948, 2068). */
const LOAD_REFUSED = new Set([1148, 3948, 2068]);

/** Overrides RETURNING detection for one knex instance (tests of the MySQL 8 path; servers that misreport). */
export function setReturningSupport(knex: { client: unknown }, supported: boolean): void {
  returningByClient.set(knex.client as object, Promise.resolve(supported));
}

/** A better-sqlite3 connection, as far as the fast path uses it. */
interface SqliteConn {
  prepare(sql: string): { reader: boolean; all(binds: unknown[]): unknown[]; run(binds: unknown[]): unknown; pluck(on: boolean): unknown };
}

/** A mysql2 (callback API) connection, as far as the fast path uses it. */
interface MysqlConn {
  execute(sql: string, binds: unknown[], cb: (err: unknown, rows: unknown, fields: unknown) => void): void;
  query(sql: string | { sql: string; infileStreamFactory: () => Readable }, cb: (err: unknown, rows: unknown, fields: unknown) => void): void;
}

/** Rows per prepared hot-path statement; chunks are cut into slices of exactly this size plus one remainder. */
export const PREPARED_ROWS = 500;

/** Splits a list into full slices of PREPARED_ROWS (prepared) and one shorter remainder (not prepared). */
function fixedSlices<T>(list: T[]): Array<{ part: T[]; prepared: boolean }> {
  const out: Array<{ part: T[]; prepared: boolean }> = [];
  for (let i = 0; i < list.length; i += PREPARED_ROWS) {
    const part = list.slice(i, i + PREPARED_ROWS);
    out.push({ part, prepared: part.length === PREPARED_ROWS });
  }
  return out;
}

/** Prepared statements per SQLite connection, keyed by SQL text (chunks of one size share one statement). */
const statementCache = new WeakMap<object, Map<string, ReturnType<SqliteConn['prepare']>>>();

/** Columns of an upserted contact; ChunkPacker (importChunk.ts) writes its SQL tuples in this order, then import_mark, import_mark_was. */
const UPSERT_COLS = [
  'account_id', 'email', 'email_key', 'opt_in_type', 'email_type', 'audience_type', 'notes', 'status', 'data', 'created_at', 'updated_at',
];

/** SQL for imports, their stored bytes, faults and the set-based contact writes of import chunks. */
export class ImportRepo {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
  ) {}

  /** True when this engine answers INSERT ... RETURNING (saves a round trip per chunk on SQLite and MariaDB). */
  private returning(): Promise<boolean> {
    const key = this.db.client as object;
    let p = returningByClient.get(key);
    if (!p && this.dialect === 'sqlite') p = Promise.resolve(true);
    if (!p) {
      p = this.db.raw('select version() as v').then((res) => /mariadb/i.test(String(res[0][0].v)));
      returningByClient.set(key, p);
    }
    return p;
  }

  /**
   * Runs one statement of the import hot paths (chunks, upload pieces). Statements of one fixed shape (`prepared`) run
   * as prepared statements on the transaction's own connection, cached by SQL text: better-sqlite3 statements on SQLite, the
   * binary protocol (mysql2 `execute`) on MySQL/MariaDB, so the server parses the statement once per connection
   * instead of a megabyte of inline values per chunk. Only the fixed shapes are prepared, which bounds the number of
   * prepared statements per connection to a handful. Everything else goes through knex.raw. With `pluck` the
   * answer is the first column's values (a plucking better-sqlite3 statement on SQLite).
   */
  private async exec(sql: string, binds: Knex.RawBinding[], prepared: boolean, pluck = false): Promise<unknown> {
    const db = this.db as Knex.Transaction;
    if (pluck && (!prepared || !db.isTransaction || this.dialect !== 'sqlite')) {
      return this.rows(await this.db.raw(sql, binds)).map((r) => Object.values(r)[0]);
    }
    if (!prepared || !db.isTransaction) return this.db.raw(sql, binds);
    const conn = await connectionOf<unknown>(db);
    if (this.dialect === 'mysql') {
      const c = conn as MysqlConn;
      return new Promise((resolve, reject) => c.execute(sql, binds, (e, rows, fields) => (e ? reject(e) : resolve([rows, fields]))));
    }
    const sc = conn as SqliteConn;
    let cache = statementCache.get(sc);
    if (!cache) statementCache.set(sc, (cache = new Map()));
    let st = cache.get(sql);
    if (!st) {
      if (cache.size >= 16) cache.clear();
      st = sc.prepare(sql);
      if (pluck) st.pluck(true);
      cache.set(sql, st);
    }
    return st.reader ? st.all(binds) : st.run(binds);
  }

  private rows(res: unknown): Array<Record<string, unknown>> {
    return (this.dialect === 'mysql' ? (res as unknown[])[0] : res) as Array<Record<string, unknown>>;
  }

  /** Locks the account row so per-account limits are checked one request at a time. */
  async lockAccount(accountId: number): Promise<void> {
    await this.db.raw(`select id from accounts where id = ?${forUpdate(this.dialect)}`, [accountId]);
  }

  /** Unfinished imports of an account. */
  async countActive(accountId: number): Promise<number> {
    const r = await this.db('imports').where({ account_id: accountId, status: 'NotFinished' }).count({ n: '*' }).first();
    return Number(r?.n ?? 0);
  }

  /** Inserts an import row. */
  async create(i: {
    id: string;
    accountId: number;
    addressBookId: number | null;
    fileName: string;
    format: string;
    sizeBytes: number;
    status: ImportStatus;
    dialect: string;
    totalRows: number | null;
    errorCode?: string | null;
    errorText?: string | null;
    encoding?: TextEncoding | null;
    mark?: number | null;
    now: number;
  }): Promise<void> {
    await this.db('imports').insert({
      id: i.id,
      account_id: i.accountId,
      address_book_id: i.addressBookId,
      file_name: i.fileName.slice(0, 255),
      format: i.format,
      size_bytes: i.sizeBytes,
      status: i.status,
      dialect: i.dialect.slice(0, 10),
      total_rows: i.totalRows,
      rows_done: 0,
      cursor: JSON.stringify({ rows: 0 }),
      report: JSON.stringify(emptyReport()),
      error_code: i.errorCode ?? null,
      error_text: i.errorText?.slice(0, 255) ?? null,
      encoding: i.encoding ?? null,
      created_at: i.now,
      finished_at: i.status === 'NotFinished' ? null : i.now,
      mark: i.mark ?? null,
    });
  }

  /** The next import mark of the account (call under lockAccount; import rows are never deleted on their own). */
  async nextMark(accountId: number): Promise<number> {
    const r = await this.db('imports').where({ account_id: accountId }).max({ m: 'mark' }).first();
    return Number(r?.m ?? 0) + 1;
  }

  /** True when this import finds duplicates by contact marks (it has a mark and the engine has RETURNING). */
  async usesMarks(imp: ImportRecord): Promise<boolean> {
    return imp.mark !== null && (await this.returning());
  }

  /**
   * Stores one piece of the uploaded bytes. why: a prepared statement (one fixed shape): on MySQL/MariaDB the bytes go
   * as a binary parameter; inline they were spelt out as a hex literal twice their size (escaped on the gateway,
   * parsed again by the server), which was about half the upload's time (docs/imports.md, round 8).
   */
  async appendBlob(importId: string, seq: number, data: Buffer): Promise<void> {
    await this.exec('insert into import_blobs (import_id, seq, data) values (?, ?, ?)', [importId, seq, data], true);
  }

  /** One piece of the uploaded bytes, or undefined past the end. */
  async blob(importId: string, seq: number): Promise<Buffer | undefined> {
    const r = await this.db('import_blobs').where({ import_id: importId, seq }).first('data');
    if (!r) return undefined;
    return Buffer.isBuffer(r.data) ? r.data : Buffer.from(r.data as Uint8Array);
  }

  /** One import by id; with accountId, only when it belongs to that account. */
  async get(id: string, accountId?: number): Promise<ImportRecord | undefined> {
    const q = this.db('imports').where({ id });
    if (accountId !== undefined) q.where({ account_id: accountId });
    const r = await q.first();
    return r ? toImport(r) : undefined;
  }

  /** An account's newest imports (status page), newest first. */
  async recent(accountId: number, limit: number): Promise<ImportRecord[]> {
    const rows = await this.db('imports').where({ account_id: accountId }).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit);
    return rows.map(toImport);
  }

  /** Sets what the upload of a text file found: the row-count estimate and the encoding to read it in. */
  async setTextFacts(id: string, total: number, encoding: TextEncoding): Promise<void> {
    await this.db('imports').where({ id }).update({ total_rows: total, encoding });
  }

  /** Marks the import started (first run only). */
  async markStarted(id: string, now: number): Promise<void> {
    await this.db('imports').where({ id }).whereNull('started_at').update({ started_at: now });
  }

  /**
   * Commits progress only if nobody else moved the cursor since this run read it (a second holder of a lost lease
   * can never commit a chunk twice). Returns false when the cursor had moved.
   */
  async saveProgress(
    id: string,
    expectedRowsDone: number,
    p: {
      rowsDone: number;
      cursor: ImportCursor;
      report: ImportReport;
      status?: ImportStatus;
      errorCode?: string | null;
      errorText?: string | null;
      totalRows?: number;
      finishedAt?: number;
    },
  ): Promise<boolean> {
    const set: Record<string, unknown> = { rows_done: p.rowsDone, cursor: JSON.stringify(p.cursor), report: JSON.stringify(p.report) };
    if (p.status) set.status = p.status;
    if (p.errorCode !== undefined) set.error_code = p.errorCode;
    if (p.errorText !== undefined) set.error_text = p.errorText?.slice(0, 255) ?? null;
    if (p.totalRows !== undefined) set.total_rows = p.totalRows;
    if (p.finishedAt !== undefined) set.finished_at = p.finishedAt;
    const n = await this.db('imports').where({ id, rows_done: expectedRowsDone, status: 'NotFinished' }).update(set);
    return n > 0;
  }

  /** Ends an import with a status (e.g. Failed) and its reason unless it already ended. */
  async finish(id: string, status: ImportStatus, errorCode: string | null, now: number, errorText: string | null = null): Promise<void> {
    await this.db('imports').where({ id, status: 'NotFinished' }).update({ status, error_code: errorCode, error_text: errorText?.slice(0, 255) ?? null, finished_at: now });
  }

  /** The sizes of the stored pieces of an upload, in order (the xlsx reader reads the zip directory at the end). */
  async blobSizes(importId: string): Promise<number[]> {
    const rows = await this.db('import_blobs').where({ import_id: importId }).orderBy('seq').select(this.db.raw('length(data) as n'));
    return rows.map((r: { n: unknown }) => Number(r.n));
  }

  /** Of these email keys, those already taken earlier in this import. */
  async seen(importId: string, keys: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (const part of slices(keys, 2000)) {
      if (!part.length) continue;
      const rows = await this.db('import_seen').where({ import_id: importId }).whereIn('email_key', part).select('email_key');
      for (const r of rows) out.add(String(r.email_key));
    }
    return out;
  }

  /** Records email keys as taken by this import; returns the keys that were already taken earlier (duplicates). */
  async claimKeys(importId: string, keys: string[]): Promise<Set<string>> {
    if (!(await this.returning())) {
      const taken = await this.seen(importId, keys);
      for (const { part, prepared } of fixedSlices(keys.filter((k) => !taken.has(k)))) await this.insertSeen(importId, part, '', prepared);
      return taken;
    }
    const fresh = new Set<string>();
    for (const { part, prepared } of fixedSlices(keys)) {
      const rows = this.rows(await this.insertSeen(importId, part, ' returning email_key', prepared));
      for (const r of rows) fresh.add(String(r.email_key));
    }
    return new Set(keys.filter((k) => !fresh.has(k)));
  }

  private insertSeen(importId: string, keys: string[], returning: string, prepared: boolean): Promise<unknown> {
    if (!keys.length) return Promise.resolve([[]]);
    const values = keys.map(() => '(?,?)').join(',');
    const sql =
      this.dialect === 'sqlite'
        ? `insert into import_seen (import_id, email_key) values ${values} on conflict do nothing${returning}`
        : `insert ignore into import_seen (import_id, email_key) values ${values}${returning}`;
    return this.exec(sql, keys.flatMap((k) => [importId, k]), prepared);
  }

  /** Existing contacts of the account by email key. */
  async existing(accountId: number, keys: string[]): Promise<Map<string, ExistingContact>> {
    const out = new Map<string, ExistingContact>();
    for (const { part, prepared } of fixedSlices(keys)) {
      const sql =
        'select id, email_key, status, opt_in_type, email_type, audience_type, notes, import_mark from contacts ' +
        `where account_id = ? and email_key in (${part.map(() => '?').join(',')})`;
      const rows = this.rows(await this.exec(sql, [accountId, ...part], prepared));
      for (const r of rows) out.set(String(r.email_key), toExisting(r));
    }
    return out;
  }

  /** Contact ids by email key. */
  async idsByKeys(accountId: number, keys: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const part of slices(keys, 2000)) {
      if (!part.length) continue;
      const rows = await this.db('contacts').where({ account_id: accountId }).whereIn('email_key', part).select('id', 'email_key');
      for (const r of rows) out.set(String(r.email_key), Number(r.id));
    }
    return out;
  }

  /**
   * One multi-row INSERT ... ON CONFLICT / ON DUPLICATE KEY UPDATE per slice: new contacts are inserted, existing ones
   * get the given columns and their JSON data merged with the row's data as a merge patch (RFC 7396). Status is never
   * changed by an import. With a mark (RETURNING engines only), every written contact takes the import's mark and the
   * marks it replaced that belong to other imports come back in `displaced`. `ids` is undefined without RETURNING.
   */
  async upsertContacts(
    accountId: number,
    rows: ContactUpsert[],
    now: number,
    mark: number | null = null,
  ): Promise<{ ids: Map<string, number> | undefined; displaced: DisplacedClaim[] }> {
    const ret = await this.returning();
    const marked = mark !== null && ret;
    // why: on SQLite, RETURNING costs the upsert about a quarter of its speed (measured), and it is not needed: one
    // writer at a time holds the database, and a transaction that read and then wrote saw every commit before its
    // write (WAL refuses the write otherwise). So the lookup's marks are the marks being replaced, and the new contacts
    // are exactly the rows above the largest id read just before the insert.
    const sqliteIds = this.dialect === 'sqlite' && ret;
    const useReturning = ret && !sqliteIds;
    const ids = ret ? new Map<string, number>() : undefined;
    const displaced: DisplacedClaim[] = [];
    const cols = marked ? [...UPSERT_COLS, 'import_mark'] : UPSERT_COLS;
    const row = `(${cols.map(() => '?').join(',')})`;
    const before = sqliteIds && rows.length ? Number(this.rows(await this.exec('select max(id) as m from contacts', [], true))[0]?.m ?? 0) : 0;
    for (const { part, prepared } of fixedSlices(rows)) {
      const values = part.map(() => row).join(',');
      const binds: Knex.RawBinding[] = [];
      for (const c of part) {
        binds.push(accountId, c.email, c.emailKey, c.optInType, c.emailType, c.audienceType, c.notes, 'Subscribed', c.data, now, now);
        if (marked) binds.push(mark);
      }
      const head = `insert into contacts (${cols.join(',')}) values ${values}`;
      // why: import_mark_was is assigned before import_mark: MySQL evaluates the assignments in order, so it keeps the
      // mark being replaced, which RETURNING then hands back.
      const sql =
        this.dialect === 'sqlite'
          ? `${head} on conflict(account_id, email_key) do update set email = excluded.email, opt_in_type = excluded.opt_in_type, ` +
            `email_type = excluded.email_type, audience_type = excluded.audience_type, notes = excluded.notes, ` +
            `data = json_patch(contacts.data, excluded.data), updated_at = excluded.updated_at` +
            (marked ? ', import_mark = excluded.import_mark' : '')
          : `${head} on duplicate key update email = values(email), opt_in_type = values(opt_in_type), ` +
            `email_type = values(email_type), audience_type = values(audience_type), notes = values(notes), ` +
            `data = json_merge_patch(data, values(data)), updated_at = values(updated_at)` +
            (marked ? ', import_mark_was = import_mark, import_mark = values(import_mark)' : '');
      const res = await this.exec(useReturning ? `${sql} returning id, email_key${marked ? ', import_mark_was' : ''}` : sql, binds, prepared);
      if (useReturning && ids) {
        for (const r of this.rows(res)) {
          ids.set(String(r.email_key), Number(r.id));
          if (marked && r.import_mark_was !== null && r.import_mark_was !== undefined && Number(r.import_mark_was) !== mark) {
            displaced.push({ mark: Number(r.import_mark_was), key: String(r.email_key) });
          }
        }
      }
    }
    if (sqliteIds && ids && rows.length) {
      // the rows the lookup did not find are the ones this statement created
      for (const [k, id] of await this.createdSince(before, rows.filter((c) => c.wasMark === undefined))) ids.set(k, id);
      if (marked) for (const c of rows) if (c.wasMark !== undefined && c.wasMark !== null && c.wasMark !== mark) displaced.push({ mark: c.wasMark, key: c.emailKey });
    }
    return { ids, displaced };
  }

  /**
   * Which new-contact text the parser thread makes for this import's chunks (MariaDB with marks): 'load' (loadNew)
   * where the server takes LOAD DATA LOCAL INFILE and `allowLoad` is set, 'sql' (insertOrClaim) otherwise; none
   * elsewhere. why: on MariaDB the job thread spent half its time encoding binds while the server waited, and the
   * keyed lookup of every row cost the server a quarter of the chunk (docs/imports.md, rounds 5 and 6); parser-made
   * text does without both for the rows that are new contacts.
   */
  async rowValues(imp: ImportRecord, allowLoad: boolean): Promise<'load' | 'sql' | undefined> {
    if (this.dialect !== 'mysql' || !(await this.usesMarks(imp))) return undefined;
    return allowLoad && (await this.loadAllowed()) ? 'load' : 'sql';
  }

  /**
   * True when this import's chunks insert their rows as new contacts first (insertNew) and look up only the rows that
   * were not new: SQLite with marks. why: on SQLite the keyed lookup of every row cost the job thread about a tenth
   * of a chunk (docs/imports.md, round 7), and a chunk's rows are mostly new contacts.
   */
  async insertsNewFirst(imp: ImportRecord): Promise<boolean> {
    return this.dialect === 'sqlite' && (await this.usesMarks(imp));
  }

  /**
   * SQLite, inside a chunk's transaction: inserts the rows as new contacts with the import's mark, skipping those
   * whose email the account already has. Returns the new contacts' ids by email key; the rows not among them are
   * existing contacts, left unchanged.
   */
  async insertNew(accountId: number, rows: ContactUpsert[], now: number, mark: number): Promise<Map<string, number>> {
    if (!rows.length) return new Map();
    const cols = [...UPSERT_COLS, 'import_mark'];
    const row = `(${cols.map(() => '?').join(',')})`;
    const before = Number(this.rows(await this.exec('select max(id) as m from contacts', [], true))[0]?.m ?? 0);
    for (const { part, prepared } of fixedSlices(rows)) {
      const binds: Knex.RawBinding[] = [];
      for (const c of part) binds.push(accountId, c.email, c.emailKey, c.optInType, c.emailType, c.audienceType, c.notes, 'Subscribed', c.data, now, now, mark);
      const sql = `insert into contacts (${cols.join(',')}) values ${part.map(() => row).join(',')} on conflict(account_id, email_key) do nothing`;
      await this.exec(sql, binds, prepared);
    }
    return this.createdSince(before, rows);
  }

  /**
   * SQLite: ids by email key of the contacts created after id `before` in this transaction, expected to be `rows` in
   * insert order. why: contacts.id is AUTOINCREMENT and one writer holds the database, so the created rows have
   * ascending ids in insert order; only the ids are read (a quarter of the time of reading id and key objects). When
   * the count differs (some rows existed), the keys are read to tell which rows the ids belong to.
   */
  private async createdSince(before: number, rows: ContactUpsert[]): Promise<Map<string, number>> {
    const created = new Map<string, number>();
    const ids = (await this.exec('select id from contacts where id > ? order by id', [before], true, true)) as number[];
    if (ids.length === rows.length) rows.forEach((c, j) => created.set(c.emailKey, ids[j]));
    else for (const r of this.rows(await this.exec('select id, email_key from contacts where id > ?', [before], true))) created.set(String(r.email_key), Number(r.id));
    return created;
  }

  /**
   * True when the server takes LOAD DATA LOCAL INFILE from this client (asked once per connection pool, by loading
   * nothing into import_seen). why: local_infile is off by default in MySQL 8 and may be turned off in MariaDB.
   * Only the server's yes or no is kept: after any other failure (a lost connection, say) this run takes the SQL
   * text and the next one asks again.
   */
  private loadAllowed(): Promise<boolean> {
    const key = this.db.client as object;
    let p = loadByClient.get(key);
    if (!p) {
      p = this.probeLoadData().then((r) => {
        if (!r.allowed && !r.refused) loadByClient.delete(key);
        return r.allowed;
      });
      loadByClient.set(key, p);
    }
    return p;
  }

  /**
   * Asks the server now (no cache) whether it takes LOAD DATA LOCAL INFILE from this client, by loading nothing into
   * import_seen. Not allowed: `refused` is true when that is the server's answer (local_infile off), false for any
   * other failure. The doctor reports this; loadAllowed keeps the answer per pool.
   */
  async probeLoadData(): Promise<{ allowed: true } | { allowed: false; refused: boolean; errno?: number; message: string }> {
    try {
      await this.db.transaction(async (trx) => {
        await loadRows(await connectionOf(trx), "load data local infile 'cg-probe' into table import_seen (import_id, email_key)", new Uint8Array(0));
      });
      return { allowed: true };
    } catch (e) {
      const err = e as { errno?: number; message?: string };
      return { allowed: false, refused: err?.errno !== undefined && LOAD_REFUSED.has(err.errno), errno: err?.errno, message: String(err?.message ?? e) };
    }
  }

  /**
   * Inside a chunk's transaction: inserts the chunk's rows as new contacts with one LOAD DATA LOCAL INFILE of the
   * parser's lines (`lines` of them), skipping those whose email the account already has. Returns the new contacts'
   * ids when every line was new, else their ids by email key (the rows not among them are existing contacts, left
   * unchanged). Throws LoadRejected when the
   * server read other than `lines` lines or changed a value (warnings other than skipped duplicates); the caller then
   * writes the chunk with bound statements instead.
   */
  async loadNew(accountId: number, rows: Uint8Array, lines: number, now: number, mark: number): Promise<LoadedContacts> {
    if (!lines) return { allNew: true, ids: [] };
    const conn = await connectionOf(this.db);
    // why: no session variables needed: the account, the time and the mark are integers written into the statement.
    const sql =
      `load data local infile 'cg-chunk' ignore into table contacts character set utf8mb4 ` +
      // why: the separators as hex literals read the same with and without sql_mode NO_BACKSLASH_ESCAPES.
      "fields terminated by X'09' escaped by X'5c' lines terminated by X'0a' " +
      '(email, email_key, opt_in_type, email_type, audience_type, notes, data) ' +
      `set account_id = ${int(accountId)}, status = 'Subscribed', created_at = ${int(now)}, updated_at = ${int(now)}, ` +
      `import_mark = ${int(mark)}, import_mark_was = 0`;
    const res = (await loadRows(conn, sql, rows)) as { affectedRows: number; info?: string };
    // why: LOCAL makes the server turn data errors into warnings (it cannot stop the client's upload), so a value it
    // cut or converted would pass unseen; every skipped duplicate gives exactly one warning, anything more is a change.
    const info = /Records:\s*(\d+)\s+Deleted:\s*\d+\s+Skipped:\s*(\d+)\s+Warnings:\s*(\d+)/.exec(res.info ?? '');
    if (!info || Number(info[1]) !== lines || Number(info[3]) !== Number(info[2]) || res.affectedRows + Number(info[2]) !== lines) {
      throw new LoadRejected(res.info ?? '');
    }
    if (!res.affectedRows) return { allNew: false, byKey: new Map() };
    // why: auto-increment ids only grow, so this statement's rows are those at or after its first id that carry the
    // import's mark as new rows (import_mark_was 0); a primary-key range read instead of a lookup of every email.
    // LAST_INSERT_ID() is that first id (the OK packet of a LOAD DATA carries none).
    const mine = `from contacts where id >= last_insert_id() and account_id = ${int(accountId)} and import_mark = ${int(mark)} and import_mark_was = 0`;
    if (res.affectedRows === lines) {
      // every line is a new contact: when their ids are one gap-free run (the rule with innodb_autoinc_lock_mode 0
      // or 1), one row of count, min and max says all; else the ids themselves are read.
      const [span] = await query(conn, `select count(*) as n, min(id) as lo, max(id) as hi ${mine}`);
      const n = Number(span.n);
      const lo = Number(span.lo);
      if (n !== lines) throw new Error(`import load: ${lines} rows inserted, ${n} read back`);
      if (Number(span.hi) - lo + 1 === n) return { allNew: true, ids: Array.from({ length: n }, (_, j) => lo + j) };
      return { allNew: true, ids: (await query(conn, `select id ${mine}`)).map((r) => Number(r.id)) };
    }
    const byKey = new Map<string, number>();
    for (const r of await query(conn, `select id, email_key ${mine}`)) byKey.set(String(r.email_key), Number(r.id));
    if (byKey.size !== res.affectedRows) throw new Error(`import load: ${res.affectedRows} rows inserted, ${byKey.size} read back`);
    return { allNew: false, byKey };
  }

  /**
   * Inside a chunk's transaction: inserts the chunk's rows that are new contacts and puts the import's mark on the
   * existing ones without changing anything else, in one INSERT ... ON DUPLICATE KEY UPDATE ... RETURNING.
   * `values` are the packer's new-contact tuples. Returns the new contacts' ids and, for the existing contacts, what
   * the chunk needs to decide on them (their mark before this statement in `mark`).
   */
  async insertOrClaim(
    accountId: number,
    values: string,
    now: number,
    mark: number,
  ): Promise<{ created: Map<string, number>; existing: Map<string, ExistingContact> }> {
    const created = new Map<string, number>();
    const existing = new Map<string, ExistingContact>();
    if (!values) return { created, existing };
    await this.db.raw('set @cg_account = ?, @cg_now = ?, @cg_mark = ?', [accountId, now, mark]);
    // why: import_mark_was is 0 in a new row (marks start at 1) and the replaced mark in an existing one, so RETURNING
    // tells the two apart; it is assigned before import_mark (MySQL assigns in order).
    const sql =
      `insert into contacts (${UPSERT_COLS.join(',')}, import_mark, import_mark_was) values ${values} ` +
      'on duplicate key update import_mark_was = import_mark, import_mark = values(import_mark) ' +
      'returning id, email_key, status, opt_in_type, email_type, audience_type, notes, import_mark_was';
    // why: straight to the transaction's connection, not knex.raw: the text is already SQL (literals made by the
    // packer), and knex would scan a megabyte for `?` placeholders, which a valid email may hold.
    const rows = await query(await connectionOf(this.db), sql);
    for (const r of rows) {
      if (r.import_mark_was !== null && Number(r.import_mark_was) === 0) created.set(String(r.email_key), Number(r.id));
      else existing.set(String(r.email_key), toExisting({ ...r, import_mark: r.import_mark_was }));
    }
    return { created, existing };
  }

  /**
   * Puts the import's mark on contacts the import takes but does not write (suppressed, unsubscribed from the book),
   * under a row lock; returns the claims of other imports it replaced.
   */
  async markTaken(accountId: number, contactIds: number[], mark: number): Promise<DisplacedClaim[]> {
    const out: DisplacedClaim[] = [];
    for (const part of slices(contactIds, 500)) {
      if (!part.length) continue;
      const q = this.db('contacts').where({ account_id: accountId }).whereIn('id', part).select('email_key', 'import_mark');
      const rows = this.dialect === 'mysql' ? await q.forUpdate() : await q;
      for (const r of rows) {
        if (r.import_mark !== null && Number(r.import_mark) !== mark) out.push({ mark: Number(r.import_mark), key: String(r.email_key) });
      }
      await this.db.raw(
        `update contacts set import_mark_was = import_mark, import_mark = ? where account_id = ? and id in (${part.map(() => '?').join(',')})`,
        [mark, accountId, ...part],
      );
    }
    return out;
  }

  /** Records displaced claims in import_seen for those of their imports still running (the rest need none). */
  async recordDisplaced(accountId: number, claims: DisplacedClaim[]): Promise<void> {
    if (!claims.length) return;
    const marks = [...new Set(claims.map((c) => c.mark))];
    const running = new Map<number, string>();
    for (const part of slices(marks, 500)) {
      const rows = await this.db('imports').where({ account_id: accountId, status: 'NotFinished' }).whereIn('mark', part).select('id', 'mark');
      for (const r of rows) running.set(Number(r.mark), String(r.id));
    }
    const rows = claims.filter((c) => running.has(c.mark)).map((c) => [running.get(c.mark)!, c.key]);
    for (const part of slices(rows, 500)) {
      if (!part.length) continue;
      const values = part.map(() => '(?,?)').join(',');
      const sql =
        this.dialect === 'sqlite'
          ? `insert into import_seen (import_id, email_key) values ${values} on conflict do nothing`
          : `insert ignore into import_seen (import_id, email_key) values ${values}`;
      await this.db.raw(sql, part.flat());
    }
  }

  /** Of these keys, those whose claim by this import another import displaced (see recordDisplaced). */
  async displacedOf(importId: string, keys: string[]): Promise<Set<string>> {
    // why: almost always empty; one probe per chunk instead of a keyed lookup of every row.
    return (await this.hasDisplaced(importId)) ? this.seen(importId, keys) : new Set<string>();
  }

  /** True when some claim of this import was displaced or handed over into import_seen. */
  async hasDisplaced(importId: string): Promise<boolean> {
    return (await this.db('import_seen').where({ import_id: importId }).first('email_key')) !== undefined;
  }

  /** Of these contacts, those unsubscribed from the book (an import does not re-add them). */
  async unsubscribedFromBook(bookId: number, contactIds: number[]): Promise<Set<number>> {
    const out = new Set<number>();
    for (const part of slices(contactIds, 2000)) {
      if (!part.length) continue;
      const rows = await this.db('address_book_contacts')
        .where({ address_book_id: bookId, status: 'Unsubscribed' })
        .whereIn('contact_id', part)
        .select('contact_id');
      for (const r of rows) out.add(Number(r.contact_id));
    }
    return out;
  }

  /** Adds contacts to a book; existing memberships are left as they are. */
  async addMembers(accountId: number, bookId: number, contactIds: number[], now: number): Promise<void> {
    for (const { part, prepared } of fixedSlices(contactIds)) {
      const values = part.map(() => `(?,?,?,'Subscribed',?,?)`).join(',');
      const binds = part.flatMap((cid) => [bookId, cid, accountId, now, now]);
      const head = `insert into address_book_contacts (address_book_id, contact_id, account_id, status, added_at, updated_at) values ${values}`;
      const tail = this.dialect === 'sqlite' ? ' on conflict(address_book_id, contact_id) do nothing' : ' on duplicate key update contact_id = contact_id';
      await this.exec(head + tail, binds, prepared);
    }
  }

  /** Stores rejected rows. */
  async addFaults(importId: string, faults: FaultRow[]): Promise<void> {
    for (const part of slices(faults, 5000)) {
      if (!part.length) continue;
      const sql = `insert into import_faults (import_id, row_no, reason, email, data) values ${part.map(() => '(?,?,?,?,?)').join(',')}`;
      await this.db.raw(
        sql,
        part.flatMap((f) => [importId, f.rowNo, f.reason.slice(0, 60), f.email.slice(0, 300), f.cellsJson ?? JSON.stringify(f.cells)]),
      );
    }
  }

  /** Rejected rows in file order, a page at a time. */
  async faults(importId: string, afterId: number, limit: number): Promise<Array<FaultRow & { id: number }>> {
    const rows = await this.db('import_faults').where({ import_id: importId }).where('id', '>', afterId).orderBy('id').limit(limit);
    return rows.map((r) => ({
      id: Number(r.id),
      rowNo: Number(r.row_no),
      reason: String(r.reason),
      email: String(r.email ?? ''),
      cells: parseJson<string[]>(r.data, []),
    }));
  }

  /** Frees the working state of a finished import (its bytes and its seen-email set). */
  async cleanup(importId: string): Promise<void> {
    await this.db('import_seen').where({ import_id: importId }).delete();
    await this.db('import_blobs').where({ import_id: importId }).delete();
  }
}

/** The contacts a chunk's LOAD DATA created: their ids when every line was new, else their ids by email key. */
export type LoadedContacts = { allNew: true; ids: number[] } | { allNew: false; byKey: Map<string, number> };

/** LOAD DATA read the chunk's lines other than they were written (see ImportRepo.loadNew). */
export class LoadRejected extends Error {
  constructor(info: string) {
    super(`import load rejected: ${info}`);
  }
}

/** The driver connection of a transaction (the same one for every call inside it). */
async function connectionOf<T = MysqlConn>(db: Knex | Knex.Transaction): Promise<T> {
  return (await (db.client as unknown as { acquireConnection(): Promise<unknown> }).acquireConnection()) as T;
}

/** Runs SQL text as it is on a connection (no placeholders: the text may hold `?`). */
function query(conn: MysqlConn, sql: string): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => conn.query(sql, (e, r) => (e ? reject(e) : resolve(r as Array<Record<string, unknown>>))));
}

/**
 * Runs a LOAD DATA LOCAL INFILE statement whose file is these bytes, sent in 64 KB packets. why: the stream factory
 * ignores the file name the server asks for, so a server can never make the gateway read one of its files.
 */
function loadRows(conn: MysqlConn, sql: string, bytes: Uint8Array): Promise<unknown> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pieces = function* () {
    for (let o = 0; o < buf.length; o += 65536) yield buf.subarray(o, o + 65536);
  };
  return new Promise((resolve, reject) =>
    conn.query({ sql, infileStreamFactory: () => Readable.from(pieces()) }, (e, r) => (e ? reject(e) : resolve(r))),
  );
}

/** An integer for SQL text (anything else is a bug, not input). */
function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return String(n);
}

function toExisting(r: Record<string, unknown>): ExistingContact {
  return {
    id: Number(r.id),
    status: r.status as ContactStatus,
    optInType: r.opt_in_type as OptInType,
    emailType: r.email_type as EmailType,
    audienceType: r.audience_type as AudienceType,
    notes: (r.notes as string | null) ?? null,
    mark: num(r.import_mark),
  };
}

function toImport(r: Record<string, unknown>): ImportRecord {
  return {
    id: String(r.id),
    accountId: Number(r.account_id),
    addressBookId: num(r.address_book_id),
    fileName: String(r.file_name),
    format: String(r.format),
    sizeBytes: Number(r.size_bytes),
    status: r.status as ImportStatus,
    dialect: (r.dialect as string | null) ?? null,
    totalRows: num(r.total_rows),
    rowsDone: Number(r.rows_done),
    cursor: parseJson<ImportCursor>(r.cursor, { rows: 0 }),
    report: { ...emptyReport(), ...parseJson<Partial<ImportReport>>(r.report, {}) },
    errorCode: (r.error_code as string | null) ?? null,
    errorText: (r.error_text as string | null) ?? null,
    encoding: (r.encoding as TextEncoding | null) ?? null,
    createdAt: Number(r.created_at),
    startedAt: num(r.started_at),
    finishedAt: num(r.finished_at),
    mark: num(r.mark),
  };
}
