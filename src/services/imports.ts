import { Clock } from '../lib/clock';
import { DomainError } from '../domain/errors';
import { ImportStatus } from '../domain/enums';
import { ImportReport } from '../domain/importReport';
import { Store } from '../db/store';
import { Config } from '../config';
import { JobQueue } from './jobQueue';
import { SegmentHooks } from './segmentHooks';

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

/** An import's id and status (ApiContactImport). */
export interface ImportState {
  id: string;
  status: ImportStatus;
}

/** Bulk contact imports: durable upload, leased streaming job, report and faults. (Pipeline lands with issue 3.) */
export class ImportService {
  constructor(
    protected readonly store: Store,
    protected readonly clock: Clock,
    protected readonly hooks: SegmentHooks,
    protected readonly jobs: JobQueue,
    protected readonly config: Config,
  ) {}

  /** Stores the upload durably, queues its job and returns at once with status NotFinished. */
  async start(_accountId: number, _upload: ImportUpload): Promise<ImportState> {
    throw new DomainError('FEATURENOTACTIVE', 'Imports are not available yet.');
  }

  /** The import's status. */
  async status(_accountId: number, _id: unknown): Promise<ImportState> {
    throw new DomainError('IMPORT_NOT_FOUND');
  }

  /** The finished import's report; IMPORT_REPORT_NOT_FOUND while unfinished. */
  async report(_accountId: number, _id: unknown): Promise<ImportReport> {
    throw new DomainError('IMPORT_NOT_FOUND');
  }

  /** The rejected rows as CSV bytes (UTF-8 with BOM): reason, email, then the row's other columns. */
  async faultsCsv(_accountId: number, _id: unknown): Promise<Buffer> {
    throw new DomainError('IMPORT_NOT_FOUND');
  }
}
