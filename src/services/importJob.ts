// The import job: streams one stored import through the parser thread and commits it chunk by chunk. One chunk is
// commitOnce, top to bottom: the parser's rejected rows, the write port (db/repos/importWrite) with the one decision
// pass (rowVerdict) over what it finds, faults, segment hooks, progress and cursor.
import { Clock } from '../lib/clock';
import { ImportStatus } from '../domain/enums';
import { emptyReport, ImportReport } from '../domain/importReport';
import { ImportFormat, suppressionCounter } from '../domain/importFile';
import { ImportChunk } from '../domain/importChunk';
import { Store } from '../db/store';
import { FaultRow, ImportRecord } from '../db/repos/imports';
import { RowFinding, withBoundFallback } from '../db/repos/importWrite/writeChunk';
import { Config } from '../config';
import { Metrics } from '../lib/metrics';
import { SegmentHooks } from './segmentHooks';
import { FileParseError } from './importRows';
import { parseInWorker } from './importParse';

/** What a job run needs from the runner: a heartbeat that keeps the lease and says whether to go on. */
export interface ImportJobContext {
  heartbeat(): Promise<boolean>;
}

class CursorMoved extends Error {}

/** One run of an import's job (ImportService.runJob). */
export class ImportJob {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly hooks: SegmentHooks,
    private readonly config: Config,
    private readonly metrics?: Metrics,
  ) {}

  /**
   * Runs (or resumes) one import: streams the stored file, skips the rows committed by earlier runs, and commits
   * chunks of importChunkRows rows, each in one transaction with its faults, report counters and cursor.
   * Returns 'released' when the heartbeat says stop (nothing more is committed).
   */
  async run(id: string, ctx: ImportJobContext): Promise<'done' | 'released'> {
    const imp = await this.store.repos.imports.get(id);
    if (!imp || imp.status !== 'NotFinished') return 'done';
    await this.store.repos.imports.markStarted(id, this.clock.now());
    const fields = await this.store.repos.dataFields.list(imp.accountId);
    const run = new ChunkState(imp);
    run.clockStart = process.hrtime.bigint();
    // One chunk commits while the next one is parsed (the database and the parser overlap); never more than one.
    let inflight: Promise<void> | undefined;
    let failed: unknown;
    const settle = async () => {
      if (inflight) await inflight;
      inflight = undefined;
      if (failed) throw failed;
    };
    let headerCells: string[] | undefined;
    try {
      let unknown: string[] = [];
      const rowText = await this.store.repos.importWrites.rowText(imp, this.config.importLoadData);
      const format = imp.format as ImportFormat;
      const parser = parseInWorker(
        {
          format,
          fields,
          skipRows: run.rowsDone,
          chunkRows: this.config.importChunkRows,
          rowText,
          encoding: imp.encoding ?? undefined,
          pieceSizes: format === 'xlsx' ? await this.store.repos.imports.blobSizes(id) : undefined,
        },
        (seq) => this.store.repos.imports.blob(id, seq),
      );
      for await (const ev of parser) {
        if (ev.type === 'header') {
          headerCells = ev.header;
          unknown = ev.unknown;
          if (ev.emailIndex < 0) return await this.endInvalid(run, 'NO_EMAIL_COLUMN', 'NoEmailColumn', 'the header row has no Email column', headerCells);
        } else if (ev.type === 'skip') {
          if (!(await ctx.heartbeat())) return 'released';
        } else if (ev.type === 'chunk') {
          await settle();
          if (!(await ctx.heartbeat())) return 'released';
          inflight = this.commit(run, unknown, headerCells!, ev.chunk, false).catch((e) => {
            failed = e;
          });
        } else {
          await settle();
          if (!ev.header) return await this.endInvalid(run, 'NO_EMAIL_COLUMN', 'NoEmailColumn', 'the file has no header row (it holds no data)', []);
          if (!(await ctx.heartbeat())) return 'released';
          await this.commit(run, unknown, headerCells!, ev.chunk.endingAt(Math.max(ev.rowNo, run.rowsDone)), true);
        }
      }
    } catch (e) {
      if (inflight) await inflight;
      if (e instanceof CursorMoved || failed instanceof CursorMoved) return 'released';
      if (failed) throw failed;
      if (e instanceof FileParseError) return await this.endInvalid(run, 'IMPORT_UNSUPPORTED_FORMAT', e.reason, e.message, headerCells ?? run.imp.cursor.header ?? []);
      throw e;
    } finally {
      if (inflight) await inflight;
      // why: the per-import gauge is removed when its run ends, so label values stay bounded by running imports.
      this.metrics?.importRowsPerSecond.remove({ import_id: id });
    }
    await this.store.repos.imports.cleanup(id);
    return 'done';
  }

  /** Ends the import InvalidFileFormat: error code, `<reason>: <text>` for people, and one file-level fault. */
  private async endInvalid(run: ChunkState, code: string, reason: string, text: string, header: string[]): Promise<'done'> {
    await this.store.tx(async (r) => {
      const ok = await r.imports.saveProgress(run.imp.id, run.rowsDone, {
        rowsDone: run.rowsDone,
        cursor: { rows: run.rowsDone, header },
        report: run.report,
        status: 'InvalidFileFormat',
        errorCode: code,
        errorText: `${reason}: ${text}`,
        finishedAt: this.clock.now(),
      });
      if (!ok) throw new CursorMoved();
      await r.imports.addFaults(run.imp.id, [{ rowNo: 0, reason, email: '', cells: [] }]);
    });
    await this.store.repos.imports.cleanup(run.imp.id);
    return 'done';
  }

  /** Commits one chunk (retried as a whole by store.tx on deadlocks; outer state changes only after commit). */
  private async commit(run: ChunkState, unknown: string[], header: string[], chunk: ImportChunk, final: boolean): Promise<void> {
    const out = await withBoundFallback(chunk, (c) => this.commitOnce(run, unknown, header, c, final));
    const imp = run.imp;
    const rows = chunk.rows;
    run.report = out.report;
    run.rowsDone = chunk.rowsAfter;
    if (this.metrics) {
      this.metrics.importRows.inc({ outcome: 'imported' }, Math.max(0, rows - out.rejected));
      if (out.rejected) this.metrics.importRows.inc({ outcome: 'rejected' }, out.rejected);
      run.rowsThisRun += rows;
      const secs = Number(process.hrtime.bigint() - run.clockStart) / 1e9;
      if (!final) this.metrics.importRowsPerSecond.set({ import_id: imp.id }, Math.round(run.rowsThisRun / Math.max(secs, 0.001)));
    }
  }

  /**
   * One chunk in one transaction, top to bottom: the rows the parser thread rejected, the write port's findings
   * decided one by one (rowVerdict), faults in file order, the segment hooks, the progress and cursor.
   */
  private async commitOnce(run: ChunkState, unknown: string[], header: string[], chunk: ImportChunk, final: boolean): Promise<{ report: ImportReport; rejected: number }> {
    const imp = run.imp;
    const rowsAfter = chunk.rowsAfter;
    let rejected = 0;
    const report = await this.store.tx(async (r) => {
      const rep = { ...run.report };
      const faults: FaultRow[] = [];
      if (run.rowsDone === 0) for (const u of unknown) faults.push({ rowNo: 0, reason: `UnknownColumn: ${u}`.slice(0, 60), email: '', cells: [] });
      const x = chunk.rejected;
      for (let i = 0; i < x.length; i++) {
        rep[x.counter(i)]++;
        faults.push({ rowNo: x.rowNo(i), reason: x.reason(i), email: x.email(i), cells: [], cellsJson: x.cellsJson(i) });
      }
      const written = await r.importWrites.writeChunk(imp, chunk, this.clock.now(), (found) => {
        const v = rowVerdict(found);
        rep[v.counter]++;
        if (v.write) return true;
        const p = chunk.valid();
        faults.push({ rowNo: p.rowNo(found.row), reason: v.reason, email: p.email(found.row), cells: [], cellsJson: p.cellsJson(found.row) });
        return false;
      });
      rep.newContacts += written.created;
      // why: faults are found in passes (parser checks, then the port's findings); stored in file order.
      faults.sort((a, b) => a.rowNo - b.rowNo);
      if (faults.length) await r.imports.addFaults(imp.id, faults);
      rejected = faults.filter((f) => f.rowNo > 0).length;
      if (written.touched.length) await this.hooks.bulkWrite(r, imp.accountId, written.touched);
      const now = this.clock.now();
      const ok = await r.imports.saveProgress(imp.id, run.rowsDone, {
        rowsDone: rowsAfter,
        cursor: { rows: rowsAfter, header },
        report: rep,
        ...(final ? { status: 'Finished' as ImportStatus, totalRows: rowsAfter, finishedAt: now, errorCode: null } : {}),
      });
      if (!ok) throw new CursorMoved();
      return rep;
    });
    return { report, rejected };
  }
}

/** What the import does with a row whose email the account or this import already had. */
export type RowVerdict =
  | { write: true; counter: 'updatedContacts' | 'pendingDoubleOptin' }
  | { write: false; reason: string; counter: keyof ImportReport };

/**
 * The one decision pass of imports, over what the write port found for a row: first wins (a duplicate of an earlier
 * row of this import), a suppressed contact and a contact unsubscribed from the book are not written (faults with
 * their report counter); any other existing contact is updated. A new rule such as "skip X on import" goes here.
 */
export function rowVerdict(f: RowFinding): RowVerdict {
  if (f.duplicate || !f.existing) return { write: false, reason: 'DuplicateEmail', counter: 'duplicateEmails' };
  const suppressed = suppressionCounter(f.existing.status);
  if (suppressed) return { write: false, reason: f.existing.status, counter: suppressed };
  if (f.unsubscribedFromBook) return { write: false, reason: 'UnsubscribedFromAddressBook', counter: 'unsubscribed' };
  return { write: true, counter: f.existing.status === 'PendingOptIn' ? 'pendingDoubleOptin' : 'updatedContacts' };
}

class ChunkState {
  rowsDone: number;
  report: ImportReport;
  /** Rows committed by this run (for rows/s) and when the run started. */
  rowsThisRun = 0;
  clockStart = process.hrtime.bigint();
  constructor(readonly imp: ImportRecord) {
    this.rowsDone = imp.rowsDone;
    this.report = { ...emptyReport(), ...imp.report };
  }
}
