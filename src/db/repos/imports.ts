import { ImportStatus } from '../../domain/enums';
import { TextEncoding } from '../../domain/importEncoding';
import { emptyReport, ImportReport } from '../../domain/importReport';
import { forUpdate, num, parseJson, slices } from '../sql';
import { PreparedSql, probeLoadData } from './importWrite/preparedSql';

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

/** One stored fault row. */
export interface FaultRow {
  rowNo: number;
  reason: string;
  email: string;
  cells: string[];
  /** The cells already as JSON (rows checked on the parser thread); stored instead of `cells` when given. */
  cellsJson?: string;
}

/** Overrides RETURNING detection for one knex instance (defined with the statement plumbing). */
export { setReturningSupport } from './importWrite/preparedSql';

/**
 * The bookkeeping of imports: the import rows (status, progress, cursor, report), their stored bytes and faults. The
 * contact writes of a chunk are the import write port's (db/repos/importWrite).
 */
export class ImportRepo extends PreparedSql {

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

  /**
   * Stores one piece of the uploaded bytes. why: a prepared statement (one fixed shape): on MySQL/MariaDB the bytes go
   * as a binary parameter; inline they were spelt out as a hex literal twice their size (escaped on the gateway,
   * parsed again by the server), a large share of the upload's time (figures in docs/imports.md).
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

  /**
   * Asks the server now (no cache) whether it takes LOAD DATA LOCAL INFILE from this client (the doctor reports it;
   * see importWrite/preparedSql.ts).
   */
  probeLoadData(): ReturnType<typeof probeLoadData> {
    return probeLoadData(this.db);
  }

  /** Frees the working state of a finished import (its bytes and its seen-email set). */
  async cleanup(importId: string): Promise<void> {
    await this.db('import_seen').where({ import_id: importId }).delete();
    await this.db('import_blobs').where({ import_id: importId }).delete();
  }
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
