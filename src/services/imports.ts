import fs from 'node:fs';
import { Clock } from '../lib/clock';
import { isGuid, newGuid } from '../lib/ids';
import { DomainError } from '../domain/errors';
import { ImportStatus } from '../domain/enums';
import { ImportReport } from '../domain/importReport';
import { csvLine, detectFormat, unsupportedReason } from '../domain/importFile';
import { sniffEncoding, TextEncoding, Utf8Check } from '../domain/importEncoding';
import { Store } from '../db/store';
import { ImportRecord } from '../db/repos/imports';
import { Config } from '../config';
import { Metrics } from '../lib/metrics';
import { JobQueue } from './jobQueue';
import { SegmentHooks } from './segmentHooks';
import { ImportJob, ImportJobContext } from './importJob';
import { TX_IMPORT_FORMAT } from './transactionalData';

/** An upload to import: the file bytes and how to read them. */
export interface ImportUpload {
  /** Target address book; undefined imports into the account only ("All contacts"). */
  addressBookId?: unknown;
  /** Original file name; its extension decides the format when dataType is absent. */
  fileName?: string;
  /** Explicit format from SOAP (`CSV`, `XLS`, `csv`, ...); REST leaves it undefined. */
  dataType?: string;
  data: Buffer;
  /** Which API surface it came from (rest | v1 | v2 | cli), for logs and the status page. */
  dialect: string;
}

/** An upload already spooled to a local file (multipart uploads, the CLI): read in pieces, never whole. */
export type ImportFileUpload = Omit<ImportUpload, 'data'> & { path: string };

/** An import's id and status (ApiContactImport). */
export interface ImportState {
  id: string;
  status: ImportStatus;
}

/** Progress of one import for the status page and the CLI. */
export interface ImportProgress extends ImportState {
  rowsDone: number;
  /** Data rows in the file (an estimate from line count for CSV until the import ends; null for xlsx until then). */
  totalRows: number | null;
  rowsPerSecond: number;
  etaSeconds: number | null;
  /** Why the import ended InvalidFileFormat or Failed (`<Reason>: <details>`); null otherwise. */
  reason: string | null;
}

/** What a job run needs from the runner (defined with the job). */
export type { ImportJobContext } from './importJob';

/** The job type imports run under. */
export const IMPORT_JOB = 'import';

/** Size of the pieces an upload is stored in. */
const BLOB_PIECE = 256 * 1024;

/** Bulk contact imports: durable upload, leased streaming job, report and faults. */
export class ImportService {
  constructor(
    protected readonly store: Store,
    protected readonly clock: Clock,
    protected readonly hooks: SegmentHooks,
    protected readonly jobs: JobQueue,
    protected readonly config: Config,
    /** Where import rows and rows/s are recorded (optional so tools can build the service bare). */
    protected readonly metrics?: Metrics,
  ) {}

  /** Stores the upload durably, queues its job and returns at once with status NotFinished. */
  async start(accountId: number, upload: ImportUpload): Promise<ImportState> {
    const data = upload.data;
    return this.begin(accountId, upload, data.length, data.subarray(0, 4096), async function* () {
      for (let i = 0; i < data.length; i += BLOB_PIECE) yield data.subarray(i, i + BLOB_PIECE);
    });
  }

  /** Like start, for an upload spooled to a file: the bytes are copied into the database in pieces. */
  async startFile(accountId: number, upload: ImportFileUpload): Promise<ImportState> {
    const size = (await fs.promises.stat(upload.path)).size;
    const fh = await fs.promises.open(upload.path, 'r');
    const head = Buffer.alloc(Math.min(4096, size));
    try {
      await fh.read(head, 0, head.length, 0);
    } finally {
      await fh.close();
    }
    return this.begin(accountId, upload, size, head, () => fs.createReadStream(upload.path, { highWaterMark: BLOB_PIECE }));
  }

  private async begin(
    accountId: number,
    meta: Omit<ImportUpload, 'data'>,
    size: number,
    head: Buffer,
    bytes: () => AsyncIterable<Buffer>,
  ): Promise<ImportState> {
    const bookId = bookArg(meta.addressBookId);
    if (bookId !== null && !(await this.store.repos.addressBooks.get(accountId, bookId))) throw new DomainError('ADDRESSBOOK_NOT_FOUND');
    if (size > this.config.importMaxBytes) {
      throw new DomainError('REQUEST_TOO_LARGE', `The import file is larger than ${this.config.importMaxBytes} bytes.`);
    }
    const format = detectFormat(head, meta.dataType, meta.fileName);
    const id = newGuid();
    const now = this.clock.now();
    const fileName = meta.fileName?.trim() || `import.${format ?? 'bin'}`;
    return this.store.tx(async (r) => {
      await r.imports.lockAccount(accountId);
      if ((await r.imports.countActive(accountId)) >= this.config.importMaxActive) throw new DomainError('IMPORT_TOOMANYACTIVEIMPORTS');
      const base = { id, accountId, addressBookId: bookId, fileName, sizeBytes: size, dialect: meta.dialect, now };
      const refuse = async (reason: string, text: string) => {
        await r.imports.create({ ...base, format: format ?? 'unknown', status: 'InvalidFileFormat', totalRows: null, errorCode: 'IMPORT_UNSUPPORTED_FORMAT', errorText: `${reason}: ${text}` });
        await r.imports.addFaults(id, [{ rowNo: 0, reason, email: '', cells: [] }]);
        return { id, status: 'InvalidFileFormat' as ImportStatus };
      };
      // why: no well-kept streaming reader for legacy BIFF .xls exists on npm (the npm `xlsx` build is stale and has
      // open advisories), so a legacy .xls ends at once as InvalidFileFormat instead of being half read.
      if (format === undefined || format === 'xls') {
        const why = unsupportedReason(head, format, meta.dataType, meta.fileName);
        return refuse(why.reason, why.text);
      }
      const sniffed = format === 'csv' ? sniffEncoding(head) : undefined;
      if (sniffed && 'unsupported' in sniffed) return refuse('UnsupportedEncoding', sniffed.unsupported);
      // why: without a byte-order mark the bytes decide: UTF-8 when all of them are valid UTF-8, else Windows-1252 (what
      // Excel's plain "CSV" writes on Windows). All of them, because the first invalid byte may come late in a big file.
      const utf8 = sniffed && !sniffed.bom ? new Utf8Check() : undefined;
      await r.imports.create({ ...base, format, status: 'NotFinished', totalRows: null, mark: await r.imports.nextMark(accountId) });
      let seq = 0;
      let lines = 0;
      let last = 0x0a;
      let pending: Buffer[] = [];
      let pendingLen = 0;
      const flush = async () => {
        if (pendingLen === 0) return;
        await r.imports.appendBlob(id, seq++, pending.length === 1 ? pending[0] : Buffer.concat(pending));
        pending = [];
        pendingLen = 0;
      };
      for await (const piece of bytes()) {
        if (format === 'csv') {
          for (let i = piece.indexOf(0x0a); i >= 0; i = piece.indexOf(0x0a, i + 1)) lines++;
          if (piece.length) last = piece[piece.length - 1];
          utf8?.push(piece);
        }
        pending.push(piece);
        pendingLen += piece.length;
        if (pendingLen >= BLOB_PIECE) await flush();
      }
      await flush();
      if (sniffed && !('unsupported' in sniffed)) {
        const estimate = Math.max(0, lines + (last === 0x0a ? 0 : 1) - 1);
        const encoding: TextEncoding = sniffed.encoding ?? (utf8!.valid() ? 'utf-8' : 'windows-1252');
        await r.imports.setTextFacts(id, estimate, encoding);
      }
      await this.jobs.enqueueIn(r, { type: IMPORT_JOB, ref: id, accountId });
      return { id, status: 'NotFinished' as ImportStatus };
    });
  }

  /** The import's status. */
  async status(accountId: number, id: unknown): Promise<ImportState> {
    const imp = await this.find(accountId, id);
    return { id: imp.id, status: imp.status };
  }

  /** Rows done, total, rows per second and ETA of one import. */
  async progress(accountId: number, id: unknown): Promise<ImportProgress> {
    return progressOf(await this.find(accountId, id), this.clock.now());
  }

  /** The finished import's report; IMPORT_REPORT_NOT_FOUND while unfinished, with the reason when it ended otherwise. */
  async report(accountId: number, id: unknown): Promise<ImportReport> {
    const imp = await this.find(accountId, id);
    if (imp.status === 'NotFinished') throw new DomainError('IMPORT_REPORT_NOT_FOUND');
    if (imp.status !== 'Finished') {
      // why: the vendor's sentence stays first (clients match it); what follows says why there is no report.
      const why = imp.errorText ? ` (${imp.errorText.replace(/\.$/, '')})` : '';
      throw new DomainError('IMPORT_REPORT_NOT_FOUND', `Import is not processed yet or completed with error. It ended ${imp.status}${why}.`);
    }
    return imp.report;
  }

  /** The rejected rows as CSV bytes (UTF-8 with BOM): reason, email, then the row's other columns. */
  async faultsCsv(accountId: number, id: unknown): Promise<Buffer> {
    const imp = await this.find(accountId, id);
    if (imp.status === 'NotFinished') throw new DomainError('IMPORT_REPORT_NOT_FOUND');
    const header = imp.cursor.header ?? [];
    const emailIdx = header.findIndex((h) => String(h).trim().toUpperCase() === 'EMAIL');
    const others = (cells: string[]) => cells.filter((_, i) => i !== emailIdx).map((c) => (c === null || c === undefined ? '' : String(c)));
    const parts: string[] = ['\ufeff', csvLine(['Reason', 'Email', ...others(header)])];
    for (let after = 0; ; ) {
      const page = await this.store.repos.imports.faults(imp.id, after, 5000);
      if (!page.length) break;
      for (const f of page) {
        // why: the file-level fault of an import that ended InvalidFileFormat is stored as a short reason; the faults
        // file spells it out (`FileLimitExceeded: xl/worksheets/sheet1.xml unpacks to ...`).
        const reason = f.rowNo === 0 && imp.errorText?.startsWith(`${f.reason}: `) ? imp.errorText : f.reason;
        parts.push(csvLine([reason, f.email, ...(f.cells.length ? others(f.cells) : [])]));
      }
      after = page[page.length - 1].id;
    }
    return Buffer.from(parts.join(''), 'utf8');
  }

  /** Ends an import as Failed (the job gave up after its retries). */
  async markFailed(id: string, attempts: number): Promise<void> {
    const text = `InternalError: the import stopped on an internal error ${attempts} times; the gateway log has the details`;
    await this.store.repos.imports.finish(id, 'Failed', 'UNKNOWN', this.clock.now(), text);
  }

  /**
   * Runs (or resumes) one import's job (importJob.ts); 'released' when the heartbeat says stop.
   */
  async runJob(id: string, ctx: ImportJobContext): Promise<'done' | 'released'> {
    return new ImportJob(this.store, this.clock, this.hooks, this.config, this.metrics).run(id, ctx);
  }

  private async find(accountId: number, id: unknown): Promise<ImportRecord> {
    const imp = isGuid(id) ? await this.store.repos.imports.get(id.toLowerCase(), accountId) : undefined;
    // why: transactional-data imports share the table (services/transactionalData.ts); they are not contact imports.
    if (!imp || imp.format === TX_IMPORT_FORMAT) throw new DomainError('IMPORT_NOT_FOUND');
    return imp;
  }
}

/** Progress figures of an import at a time. */
export function progressOf(imp: ImportRecord, now: number): ImportProgress {
  const end = imp.finishedAt ?? now;
  const secs = imp.startedAt ? Math.max(0.001, (end - imp.startedAt) / 1000) : 0;
  const rate = secs ? imp.rowsDone / secs : 0;
  const total = imp.totalRows;
  const eta = imp.status !== 'NotFinished' ? 0 : total !== null && rate > 0 ? Math.max(0, (total - imp.rowsDone) / rate) : null;
  return {
    id: imp.id,
    status: imp.status,
    rowsDone: imp.rowsDone,
    totalRows: total,
    rowsPerSecond: Math.round(rate),
    etaSeconds: eta === null ? null : Math.round(eta),
    reason: imp.status === 'NotFinished' || imp.status === 'Finished' ? null : imp.errorText,
  };
}

function bookArg(v: unknown): number | null {
  if (v === undefined || v === null || v === '') return null;
  const n = typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 2 ** 31) throw new DomainError('ADDRESSBOOK_NOT_FOUND');
  return n;
}
