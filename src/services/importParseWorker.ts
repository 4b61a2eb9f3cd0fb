// The import parser thread: reads the stored file's pieces (sent by the SQL thread), parses and checks every row and
// sends back chunks of importChunkRows rows (ChunkMessage, domain/importChunk.ts). Started by parseInWorker
// (importParse.ts); the message protocol is there.
import { parentPort, workerData } from 'node:worker_threads';
import { DataField } from '../domain/dataField';
import { TextEncoding } from '../domain/importEncoding';
import { ImportFormat, mapHeader, RowReader } from '../domain/importFile';
import { ChunkMessage, ChunkPacker, chunkTransfers, emptyChunk, RowText } from '../domain/importChunk';
import { rowTextEncoder } from '../db/repos/importWrite/rowText';
import { FileParseError, readRows } from './importRows';
import { readXlsxRows } from './importXlsx';
import { ByteSource } from './importZip';

/** What the parser thread is started with. */
export interface ParseJob {
  format: ImportFormat;
  fields: DataField[];
  /** Data rows committed by earlier runs: skipped without checking them. */
  skipRows: number;
  chunkRows: number;
  /** Also write each chunk's valid rows as this engine text (ImportWriteRepo.rowText decides; its encoder makes it). */
  rowText?: RowText['kind'];
  /** CSV: the encoding chosen at upload (undefined for imports stored before it was recorded: UTF-8). */
  encoding?: TextEncoding;
  /** xlsx: the sizes of the stored pieces in order (the reader needs random access to the zip directory at the end). */
  pieceSizes?: number[];
}

/** Pieces requested ahead of use, so parsing never waits while the SQL thread holds the only SQLite connection. */
const READ_AHEAD = 3;

const port = parentPort!;
const job = workerData as ParseJob;
const pieces = new Map<number, Uint8Array | null>();
/** Pieces a random-access read asked for ahead and then did not need: dropped when they arrive. */
const dropped = new Set<number>();
let nextPiece = 0;
let requested = 0;
let credits = 0;
/** Checks of the awaits waiting for a message (the row loop for credits, a piece read, the inflate stream's read-ahead). */
const waiting = new Set<() => void>();

port.on('message', (m: { type: 'piece'; seq: number; data: Uint8Array | null } | { type: 'more' }) => {
  if (m.type === 'piece') {
    if (dropped.delete(m.seq)) return;
    pieces.set(m.seq, m.data);
  } else credits++;
  for (const check of [...waiting]) check();
});

/**
 * Resolves once `ready()` holds, checked after each message. why: several awaits can wait at once (the xlsx reader's
 * inflate stream reads pieces ahead while the row loop waits for credits), so each keeps its own check.
 */
function until(ready: () => boolean): Promise<void> | undefined {
  if (ready()) return undefined;
  return new Promise<void>((resolve) => {
    const check = () => {
      if (!ready()) return;
      waiting.delete(check);
      resolve();
    };
    waiting.add(check);
  });
}

function request(): void {
  while (requested < nextPiece + READ_AHEAD) port.postMessage({ type: 'need', seq: requested++ });
}

async function* bytes(): AsyncGenerator<Buffer> {
  for (;;) {
    request();
    await until(() => pieces.has(nextPiece));
    const data = pieces.get(nextPiece)!;
    pieces.delete(nextPiece++);
    if (!data) return;
    yield Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }
}

/** A stored piece that should exist did not arrive (the upload was cleaned up meanwhile): not the file's fault. */
class StoredPieceMissing extends Error {}

/**
 * Random access to the stored pieces (xlsx): a range is read piece by piece, one piece requested ahead. Every piece
 * requested is consumed or dropped on arrival, so nothing piles up.
 */
function storedFile(sizes: number[]): ByteSource {
  const starts: number[] = [];
  let size = 0;
  for (const n of sizes) {
    starts.push(size);
    size += n;
  }
  const wanted = new Set<number>();
  const want = (seq: number) => {
    if (seq >= sizes.length || wanted.has(seq)) return;
    wanted.add(seq);
    port.postMessage({ type: 'need', seq });
  };
  const take = async (seq: number): Promise<Buffer> => {
    want(seq);
    await until(() => pieces.has(seq));
    const data = pieces.get(seq);
    pieces.delete(seq);
    wanted.delete(seq);
    if (!data) throw new StoredPieceMissing(`piece ${seq} of the stored upload is missing`);
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  };
  return {
    size,
    async *read(offset, length) {
      const end = offset + length;
      let seq = 0;
      while (seq + 1 < starts.length && starts[seq + 1] <= offset) seq++;
      try {
        for (; seq < sizes.length && starts[seq] < end; seq++) {
          if (starts[seq] + sizes[seq] < end) want(seq + 1);
          const b = await take(seq);
          yield b.subarray(Math.max(0, offset - starts[seq]), Math.min(b.length, end - starts[seq]));
        }
      } finally {
        // A piece asked for ahead and not read: forget it (and drop it if it arrives later).
        for (const s of wanted) {
          if (!pieces.delete(s)) dropped.add(s);
        }
        wanted.clear();
      }
    },
  };
}

async function run(): Promise<void> {
  let packer: ChunkPacker | undefined;
  let rowNo = 0;
  const every = job.chunkRows * 25;
  const reader = job.format === 'xlsx' ? readXlsxRows(storedFile(job.pieceSizes ?? [])) : readRows(job.format, bytes, job.encoding ?? 'utf-8');
  for await (const rows of fileRows(reader)) {
    for (let i = 0; i < rows.length; i++) {
      const cells = rows[i];
      if (!packer) {
        const header = cells.map((c) => String(c ?? '').trim());
        const h = mapHeader(header, job.fields);
        port.postMessage({ type: 'header', header, emailIndex: h.emailIndex, unknown: h.unknown });
        if (h.emailIndex < 0) return;
        packer = new ChunkPacker(new RowReader(h, job.fields), job.rowText ? rowTextEncoder(job.rowText) : undefined);
        continue;
      }
      rowNo++;
      if (rowNo <= job.skipRows) {
        // why: the SQL thread renews its lease while a resumed run skips the rows committed before.
        if (rowNo % every === 0) port.postMessage({ type: 'skip', rowNo });
        continue;
      }
      packer.add(rowNo, cells);
      if (packer.rows >= job.chunkRows) {
        await until(() => credits > 0);
        credits--;
        const chunk = packer.take();
        port.postMessage({ type: 'chunk', chunk, rowsAfter: rowNo }, chunkTransfers(chunk));
      }
    }
  }
  const chunk: ChunkMessage = packer ? packer.take() : emptyChunk();
  port.postMessage({ type: 'end', chunk, rowNo, header: packer !== undefined }, chunkTransfers(chunk));
}

/**
 * The file's rows; an error the reader throws is the file's (its bytes are the reader's only input), so it becomes a
 * FileParseError: the import ends InvalidFileFormat with the message, instead of being retried to no end.
 */
async function* fileRows(rows: AsyncGenerator<string[][]>): AsyncGenerator<string[][]> {
  try {
    yield* rows;
  } catch (e) {
    if (e instanceof FileParseError || e instanceof StoredPieceMissing) throw e;
    throw new FileParseError(`the file could not be read (${e instanceof Error ? e.message : String(e)})`);
  }
}

run().catch((e: unknown) => {
  port.postMessage({ type: 'error', parse: e instanceof FileParseError, reason: e instanceof FileParseError ? e.reason : undefined, message: e instanceof Error ? e.message : String(e) });
});
