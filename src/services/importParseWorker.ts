// The import parser thread: reads the stored file's pieces (sent by the SQL thread), parses and checks every row and
// sends back packed chunks of importChunkRows rows. Started by parseInWorker (importParse.ts); the protocol is there.
import { parentPort, workerData } from 'node:worker_threads';
import { DataField } from '../domain/dataField';
import { ImportFormat, mapHeader, RowReader } from '../domain/importFile';
import { ChunkBytes, ChunkPacker, RowValues } from './importChunk';
import { FileParseError, readRows } from './importRows';

/** What the parser thread is started with. */
export interface ParseJob {
  format: ImportFormat;
  fields: DataField[];
  /** Data rows committed by earlier runs: skipped without checking them. */
  skipRows: number;
  chunkRows: number;
  /**
   * Also hand back each chunk's valid rows as new contacts (MariaDB): 'load' as LOAD DATA lines (ImportRepo.loadNew),
   * 'sql' as SQL tuples (ImportRepo.insertOrClaim).
   */
  rowValues?: RowValues;
}

/** Pieces requested ahead of use, so parsing never waits while the SQL thread holds the only SQLite connection. */
const READ_AHEAD = 3;

const port = parentPort!;
const job = workerData as ParseJob;
const pieces = new Map<number, Uint8Array | null>();
let nextPiece = 0;
let requested = 0;
let credits = 0;
let wake: (() => void) | undefined;

port.on('message', (m: { type: 'piece'; seq: number; data: Uint8Array | null } | { type: 'more' }) => {
  if (m.type === 'piece') pieces.set(m.seq, m.data);
  else credits++;
  const w = wake;
  wake = undefined;
  w?.();
});

function until(ready: () => boolean): Promise<void> | undefined {
  if (ready()) return undefined;
  return new Promise<void>((resolve) => {
    const check = () => (ready() ? resolve() : (wake = check));
    wake = check;
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

async function run(): Promise<void> {
  let packer: ChunkPacker | undefined;
  let rowNo = 0;
  const every = job.chunkRows * 25;
  for await (const rows of readRows(job.format, bytes)) {
    for (let i = 0; i < rows.length; i++) {
      const cells = rows[i];
      if (!packer) {
        const header = cells.map((c) => String(c ?? '').trim());
        const h = mapHeader(header, job.fields);
        port.postMessage({ type: 'header', header, emailIndex: h.emailIndex, unknown: h.unknown });
        if (h.emailIndex < 0) return;
        packer = new ChunkPacker(new RowReader(h, job.fields), job.rowValues);
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
        const c = packer.take();
        port.postMessage({ type: 'chunk', ...c, rowsAfter: rowNo }, transfers(c));
      }
    }
  }
  const c: ChunkBytes = packer ? packer.take() : { bytes: new Uint8Array(0), validRows: 0, rejected: new Uint8Array(0) };
  port.postMessage({ type: 'end', ...c, rowNo, header: packer !== undefined }, transfers(c));
}

/** The buffers a chunk message moves to the SQL thread instead of copying. */
function transfers(c: ChunkBytes): ArrayBuffer[] {
  return c.loadRows ? [c.bytes.buffer, c.rejected.buffer, c.loadRows.buffer] : [c.bytes.buffer, c.rejected.buffer];
}

run().catch((e: unknown) => {
  port.postMessage({ type: 'error', parse: e instanceof FileParseError, message: e instanceof Error ? e.message : String(e) });
});
