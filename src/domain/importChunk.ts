import { AudienceType, EmailType, OptInType } from './enums';
import { ImportReport } from './importReport';
import { ImportRowJson, isFault, RowReader } from './importFile';

// The chunk format between the import parser thread and the SQL thread (the one cross-thread protocol of imports).
//
// The parser thread checks every row (RowReader) and sends a chunk as ChunkMessage: the valid rows and the rejected
// rows as two UTF-8 buffers, each row a fixed run of lines (VALID_FIELDS resp. REJECTED_FIELDS, in the order of the
// enums below, every line ended by '\n'), plus optional row text for the writing engine (RowText, made by the
// import write port's encoder). The SQL thread reads the rows by name through ValidRows and RejectedRows.
// why: structured clone of thousands of small objects costs the receiving thread about as much as building them; one
// buffer is transferred, decoded and split by the receiver in two native calls. '\n' is safe as separator: a valid
// email has no whitespace, and every line that may hold free text (fault emails and reasons, notes, cells) is JSON
// text, which escapes line breaks.

/** The lines of a valid row, in order. */
const enum V {
  /** Data row number (decimal). */
  rowNo,
  /** Email as written. */
  email,
  /** Email key. */
  key,
  /** OptInType; empty when the file gave none. */
  optInType,
  /** EmailType; empty when the file gave none. */
  emailType,
  /** AudienceType; empty when the file gave none. */
  audienceType,
  /** Notes as a JSON string; empty when the file gave none. */
  notes,
  /** JSON merge patch of the row's data values. */
  patch,
  /** A new contact's data JSON; empty when it equals the patch (no field has a default). */
  newData,
  /** The row's cells as JSON (what a fault row stores). */
  cells,
}
/** Lines per valid row. */
const VALID_FIELDS = 10;

/** The lines of a rejected row, in order. */
const enum X {
  /** Data row number (decimal). */
  rowNo,
  /** Report counter the row counts in. */
  counter,
  /** Reason (JSON string). */
  reason,
  /** Email as written (JSON string). */
  email,
  /** The row's cells as JSON. */
  cells,
}
/** Lines per rejected row. */
const REJECTED_FIELDS = 5;

/**
 * The valid rows of a chunk as text the writing engine takes as it is, made on the parser thread by the import write
 * port's encoder (db/repos/importWrite/rowText.ts): `load` is LOAD DATA input (bytes), `sql` one SQL VALUES list.
 */
export type RowText = { kind: 'load'; bytes: Uint8Array<ArrayBuffer> } | { kind: 'sql'; sql: string };

/** Writes one valid row as engine text (a LOAD DATA line, an SQL tuple); supplied by the import write port. */
export interface RowTextEncoder {
  kind: RowText['kind'];
  encode(row: ImportRowJson): string;
}

/** A chunk as the parser thread sends it (postMessage; the buffers are transferred, see chunkTransfers). */
export interface ChunkMessage {
  /** The valid rows, VALID_FIELDS lines each. */
  valid: Uint8Array<ArrayBuffer>;
  validRows: number;
  /** The rejected rows, REJECTED_FIELDS lines each, in file order. */
  rejected: Uint8Array<ArrayBuffer>;
  /** The valid rows as engine text, when the parse job asked for it. */
  text?: RowText;
}

/** The buffers of a chunk message moved to the other thread instead of copied. */
export function chunkTransfers(c: ChunkMessage): ArrayBuffer[] {
  const out = [c.valid.buffer, c.rejected.buffer];
  if (c.text?.kind === 'load') out.push(c.text.bytes.buffer);
  return out;
}

/** The valid rows of a chunk, read by row index (0 ..< length) and field name. */
export class ValidRows {
  /** How many rows. */
  readonly length: number;
  constructor(private readonly p: string[]) {
    this.length = p.length / VALID_FIELDS;
  }
  /** Data row number in the file. */
  rowNo(i: number): number {
    return Number(this.p[i * VALID_FIELDS + V.rowNo]);
  }
  /** Email as written. */
  email(i: number): string {
    return this.p[i * VALID_FIELDS + V.email];
  }
  /** Email key (the contact's identity in the account). */
  key(i: number): string {
    return this.p[i * VALID_FIELDS + V.key];
  }
  /** OptInType from the file, or undefined. */
  optInType(i: number): OptInType | undefined {
    return (this.p[i * VALID_FIELDS + V.optInType] || undefined) as OptInType | undefined;
  }
  /** EmailType from the file, or undefined. */
  emailType(i: number): EmailType | undefined {
    return (this.p[i * VALID_FIELDS + V.emailType] || undefined) as EmailType | undefined;
  }
  /** AudienceType from the file, or undefined. */
  audienceType(i: number): AudienceType | undefined {
    return (this.p[i * VALID_FIELDS + V.audienceType] || undefined) as AudienceType | undefined;
  }
  /** Notes from the file, or undefined. */
  notes(i: number): string | undefined {
    const n = this.p[i * VALID_FIELDS + V.notes];
    return n ? (JSON.parse(n) as string) : undefined;
  }
  /** JSON merge patch of the row's data values (what an existing contact gets). */
  patch(i: number): string {
    return this.p[i * VALID_FIELDS + V.patch];
  }
  /** Data JSON of the row as a new contact (the fields' defaults overlaid with the row's values). */
  newData(i: number): string {
    return this.p[i * VALID_FIELDS + V.newData] || this.p[i * VALID_FIELDS + V.patch];
  }
  /** The row's cells as JSON. */
  cellsJson(i: number): string {
    return this.p[i * VALID_FIELDS + V.cells];
  }
}

/** The rows of a chunk the parser thread rejected, read by row index and field name. */
export class RejectedRows {
  /** How many rows. */
  readonly length: number;
  constructor(private readonly p: string[]) {
    this.length = p.length / REJECTED_FIELDS;
  }
  /** Data row number in the file. */
  rowNo(i: number): number {
    return Number(this.p[i * REJECTED_FIELDS + X.rowNo]);
  }
  /** The report counter it counts in. */
  counter(i: number): keyof ImportReport {
    return this.p[i * REJECTED_FIELDS + X.counter] as keyof ImportReport;
  }
  /** Why it was rejected. */
  reason(i: number): string {
    return JSON.parse(this.p[i * REJECTED_FIELDS + X.reason]) as string;
  }
  /** Email cell as written. */
  email(i: number): string {
    return JSON.parse(this.p[i * REJECTED_FIELDS + X.email]) as string;
  }
  /** The row's cells as JSON. */
  cellsJson(i: number): string {
    return this.p[i * REJECTED_FIELDS + X.cells];
  }
}

/** A chunk as the SQL side reads it: rejected rows, valid rows (decoded on first use), row text and where it ends. */
export class ImportChunk {
  private validParts?: ValidRows;
  /** The rows the parser rejected, in file order. */
  readonly rejected: RejectedRows;

  constructor(
    private readonly msg: ChunkMessage,
    /** The data row number the chunk ends at. */
    readonly rowsAfter: number,
    rejected?: RejectedRows,
    /** The valid rows as engine text; null: none (the writer binds them), undefined: the message's. */
    text?: RowText | null,
  ) {
    this.rejected = rejected ?? new RejectedRows(split(msg.rejected));
    this.text = text === null ? undefined : (text ?? msg.text);
  }

  /** The valid rows as engine text, made on the parser thread (undefined: the writer binds them). */
  readonly text: RowText | undefined;

  /** How many valid rows the chunk holds. */
  get validRows(): number {
    return this.msg.validRows;
  }

  /** Data rows in the chunk, valid and rejected. */
  get rows(): number {
    return this.msg.validRows + this.rejected.length;
  }

  /**
   * The valid rows in file order. why: decoded only when asked: when every row of a LOADed chunk is a new contact (the
   * bulk of a big import) nothing per row is read on the SQL thread, which keeps its heap and its collector out of the
   * statement chain.
   */
  valid(): ValidRows {
    return (this.validParts ??= new ValidRows(split(this.msg.valid)));
  }

  /** The same rows ending at another data row number (the last chunk of a resumed run). */
  endingAt(rowsAfter: number): ImportChunk {
    return new ImportChunk(this.msg, rowsAfter, this.rejected, this.text ?? null);
  }

  /** The same rows without their engine text: the writer binds them (after the engine misread the text). */
  withoutText(): ImportChunk {
    return new ImportChunk(this.msg, this.rowsAfter, this.rejected, null);
  }
}

/** Splits packed UTF-8 bytes into their lines (no bytes is no lines). */
function split(bytes: Uint8Array): string[] {
  if (!bytes.byteLength) return [];
  const parts = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8').split('\n');
  parts.pop(); // the text ends with a separator
  return parts;
}

/**
 * Checks rows with a RowReader and packs them, valid and rejected rows apart (parser thread). Duplicate emails inside
 * one chunk are found here (first wins); the SQL side finds those of earlier chunks and earlier runs.
 */
export class ChunkPacker {
  // why: packed rows are written into off-heap buffers as they are made, so nothing per row outlives the row on
  // the parser thread's heap (keeping 2000 row strings alive until the chunk is sent made GC half of its time).
  private readonly packed = new ByteText();
  private readonly rejected = new ByteText();
  private seen = new Set<string>();
  private sqlRows: string[] = [];
  private readonly load?: ByteText;
  /** Rows packed since the last take(). */
  rows = 0;
  private validRows = 0;

  /** With `text`, valid rows are also written as engine text (ChunkMessage.text). */
  constructor(
    private readonly reader: RowReader,
    private readonly text?: RowTextEncoder,
  ) {
    if (text?.kind === 'load') this.load = new ByteText();
  }

  /** Checks one data row and packs it as valid or rejected. */
  add(rowNo: number, cells: string[]): void {
    this.rows++;
    const p = this.reader.read(rowNo, cells);
    if (isFault(p)) return this.reject(rowNo, p.counter, p.reason, p.email, cells);
    if (this.seen.has(p.key)) return this.reject(rowNo, 'duplicateEmails', 'DuplicateEmail', p.email, cells);
    this.seen.add(p.key);
    this.validRows++;
    if (this.load) this.load.write(this.text!.encode(p));
    else if (this.text) this.sqlRows.push(this.text.encode(p));
    const notes = p.notes === undefined ? '' : JSON.stringify(p.notes);
    const newData = p.newData === p.patch ? '' : p.newData;
    this.packed.write(
      `${rowNo}\n${p.email}\n${p.key}\n${p.optInType ?? ''}\n${p.emailType ?? ''}\n${p.audienceType ?? ''}\n${notes}\n${p.patch}\n${newData}\n${JSON.stringify(cells)}\n`,
    );
  }

  private reject(rowNo: number, counter: string, reason: string, email: string, cells: string[]): void {
    this.rejected.write(`${rowNo}\n${counter}\n${JSON.stringify(reason)}\n${JSON.stringify(email)}\n${JSON.stringify(cells)}\n`);
  }

  /** The rows added since the last call, each buffer of its own so it can be transferred. Starts a new chunk. */
  take(): ChunkMessage {
    const out: ChunkMessage = { valid: this.packed.take(), validRows: this.validRows, rejected: this.rejected.take() };
    if (this.load) out.text = { kind: 'load', bytes: this.load.take() };
    else if (this.text) out.text = { kind: 'sql', sql: this.sqlRows.join(',') };
    this.sqlRows = [];
    this.seen = new Set();
    this.rows = 0;
    this.validRows = 0;
    return out;
  }
}

/** An empty chunk message (a file with no data rows). */
export function emptyChunk(): ChunkMessage {
  return { valid: new Uint8Array(0), validRows: 0, rejected: new Uint8Array(0) };
}

/** UTF-8 text written into one growing off-heap buffer and taken out as a buffer of its own (to transfer). */
class ByteText {
  private buf = Buffer.allocUnsafeSlow(1 << 20);
  private len = 0;

  write(text: string): void {
    // a UTF-16 unit is at most 3 UTF-8 bytes
    if (this.len + text.length * 3 > this.buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.len + text.length * 3));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    this.len += this.buf.write(text, this.len);
  }

  /** The bytes written since the last take(). */
  take(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.len);
    out.set(this.buf.subarray(0, this.len));
    this.len = 0;
    return out;
  }
}
