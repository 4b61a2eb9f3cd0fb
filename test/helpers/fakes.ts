import { DomainError } from '../../src/domain/errors';
import { ImportReport, REPORT_KEYS } from '../../src/domain/importReport';
import { Services } from '../../src/services';
import { ImportService, ImportState, ImportUpload } from '../../src/services/imports';
import { noSegmentHooks } from '../../src/services/segmentHooks';
import { SegmentRefreshState, SegmentService, SegmentView } from '../../src/services/segments';

/** An ImportService that records uploads and answers fixed states, to test transport mapping in isolation. */
export class FakeImports extends ImportService {
  readonly uploads: Array<{ accountId: number; upload: ImportUpload }> = [];
  static readonly ID = '0b6d4f9e-3c1a-4a47-9d2e-5f1b8a7c6e21';
  constructor(s: Services) {
    super(s.store, s.clock, noSegmentHooks, s.jobs, s.config);
  }
  override async start(accountId: number, upload: ImportUpload): Promise<ImportState> {
    this.uploads.push({ accountId, upload });
    return { id: FakeImports.ID, status: 'NotFinished' };
  }
  override async status(_a: number, id: unknown): Promise<ImportState> {
    if (id !== FakeImports.ID) throw new DomainError('IMPORT_NOT_FOUND');
    return { id: FakeImports.ID, status: 'Finished' };
  }
  override async report(_a: number, id: unknown): Promise<ImportReport> {
    if (id !== FakeImports.ID) throw new DomainError('IMPORT_NOT_FOUND');
    return numberedReport();
  }
  override async faultsCsv(_a: number, id: unknown): Promise<Buffer> {
    if (id !== FakeImports.ID) throw new DomainError('IMPORT_NOT_FOUND');
    return Buffer.from('\uFEFFReason,Email\nInvalid email,nope\n', 'utf8');
  }
}

/** A SegmentService with one fixed segment (id 7), to test transport mapping in isolation. */
export class FakeSegments extends SegmentService {
  constructor(s: Services) {
    super(s.store, s.clock, s.jobs, s.config);
  }
  override async list(): Promise<SegmentView[]> {
    return [{ id: 7, name: 'Seg <7>', contacts: 42, kind: 'realtime', lastRefreshed: 0, pendingRefresh: false, staleSince: null, refreshDueBy: null }];
  }
  override async requestRefresh(_a: number, id: unknown): Promise<SegmentRefreshState> {
    if (id !== 7) throw new DomainError('SEGMENT_NOT_FOUND');
    return { id: 7, status: 'NotStarted' };
  }
  override async refreshStatus(_a: number, id: unknown): Promise<SegmentRefreshState> {
    if (id !== 7) throw new DomainError('SEGMENT_NOT_FOUND');
    return { id: 7, status: 'Finished' };
  }
}

/** A report whose fourteen counters are 1..14 in the vendor's schema order, so a mapper's ordering shows. */
export function numberedReport(): ImportReport {
  return Object.fromEntries(REPORT_KEYS.map((k, i) => [k, i + 1])) as unknown as ImportReport;
}
