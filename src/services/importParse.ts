import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ChunkMessage, ImportChunk } from '../domain/importChunk';
import { FileParseError, FileRefusal } from './importRows';
import type { ParseJob } from './importParseWorker';

/** What the parser thread reports, in file order. */
export type ParseEvent =
  | { type: 'header'; header: string[]; emailIndex: number; unknown: string[] }
  /** A resumed run skipped another importChunkRows × 25 committed rows (time to renew the lease). */
  | { type: 'skip' }
  | { type: 'chunk'; chunk: ImportChunk }
  /** The end of the file: the last (possibly empty) chunk, the number of data rows, and whether a header was seen. */
  | { type: 'end'; chunk: ImportChunk; rowNo: number; header: boolean };

type WorkerMessage =
  | { type: 'need'; seq: number }
  | { type: 'header'; header: string[]; emailIndex: number; unknown: string[] }
  | { type: 'skip'; rowNo: number }
  | { type: 'chunk'; chunk: ChunkMessage; rowsAfter: number }
  | { type: 'end'; chunk: ChunkMessage; rowNo: number; header: boolean }
  | { type: 'error'; parse: boolean; reason?: FileRefusal; message: string };

/** Chunks the parser thread may run ahead of the SQL thread (memory stays bounded by this). */
const AHEAD = 2;

/**
 * The parser thread's own heap limits. why: V8 sizes a worker's heap on its own; the gateway's RSS budget (256 MB,
 * see docs/imports.md) has to hold both threads. The parser keeps a few pieces and chunks alive; the rest is garbage.
 */
const LIMITS = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 12 };

/**
 * The failure of a parser thread that ran out of memory, as a file error. why: the thread holds nothing but this
 * file's parsing, so a file that exhausts it will do so on every attempt; the import ends InvalidFileFormat at once.
 */
function outOfMemory(e: unknown): FileParseError | undefined {
  if ((e as { code?: string } | undefined)?.code !== 'ERR_WORKER_OUT_OF_MEMORY') return undefined;
  return new FileParseError(`reading the file needs more memory than the import parser may use (${LIMITS.maxOldGenerationSizeMb} MB)`, 'FileLimitExceeded');
}

function startWorker(job: ParseJob): Worker {
  const entry = path.join(__dirname, `importParseWorker${path.extname(__filename)}`);
  if (entry.endsWith('.ts')) {
    // why: running from TypeScript sources (npm start uses `node --import tsx`, mocha uses tsx/cjs). A worker gets a
    // fresh module system, so it registers tsx's require hook itself before loading the TypeScript entry; execArgv is
    // empty so `--import tsx` (an ESM loader) is not started a second time in the thread.
    return new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true, workerData: job, execArgv: [], resourceLimits: LIMITS });
  }
  return new Worker(entry, { workerData: job, execArgv: [], resourceLimits: LIMITS });
}

/**
 * Parses and checks an import file on a worker thread and yields its header and packed chunks in file order, so
 * the calling thread only runs SQL. Pieces of the file come from `piece(seq)` (undefined past the end). A file the
 * parser cannot read (or that exhausts the thread's memory) throws FileParseError; a parser thread that fails or dies
 * otherwise throws an Error. Ending the iteration early (return, throw) stops the thread.
 */
export async function* parseInWorker(job: ParseJob, piece: (seq: number) => Promise<Buffer | undefined>): AsyncGenerator<ParseEvent> {
  const worker = startWorker(job);
  const inbox: WorkerMessage[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  let reads: Promise<void> = Promise.resolve();
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const fail = (e: unknown) => {
    failure ??= outOfMemory(e) ?? (e instanceof Error ? e : new Error(String(e)));
    notify();
  };
  worker.on('message', (m: WorkerMessage) => {
    if (m.type === 'need') {
      // why: reads are chained so pieces arrive in order even on a pool with several connections.
      reads = reads.then(async () => {
        if (failure) return;
        const data = await piece(m.seq);
        worker.postMessage({ type: 'piece', seq: m.seq, data: data ?? null });
      }).catch(fail);
      return;
    }
    inbox.push(m);
    notify();
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the import parser thread exited (code ${code})`)));
  try {
    for (let i = 0; i < AHEAD; i++) worker.postMessage({ type: 'more' });
    for (;;) {
      // why: messages sent before a failure are delivered first, so a parse error is reported as such.
      while (!inbox.length && !failure) await new Promise<void>((resolve) => (wake = resolve));
      const m = inbox.shift();
      if (!m) throw failure;
      switch (m.type) {
        case 'error':
          throw m.parse ? new FileParseError(m.message, m.reason) : new Error(`import parser: ${m.message}`);
        case 'header':
          yield { type: 'header', header: m.header, emailIndex: m.emailIndex, unknown: m.unknown };
          break;
        case 'skip':
          yield { type: 'skip' };
          break;
        case 'chunk':
          worker.postMessage({ type: 'more' });
          yield { type: 'chunk', chunk: new ImportChunk(m.chunk, m.rowsAfter) };
          break;
        case 'end':
          yield { type: 'end', chunk: new ImportChunk(m.chunk, m.rowNo), rowNo: m.rowNo, header: m.header };
          return;
        default:
          break;
      }
    }
  } finally {
    failure ??= new Error('stopped');
    worker.removeAllListeners('exit');
    await worker.terminate();
    await reads.catch(() => undefined);
  }
}
