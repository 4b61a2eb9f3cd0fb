import { isFault, RowReader } from '../domain/importFile';

// A chunk of checked import rows packed into UTF-8 text: rows of SLOTS slots each, every slot ended by '\n'.
// why: the parser thread hands chunks to the SQL thread. Structured clone of thousands of small objects costs the
// receiving thread about as much as building them; one buffer is transferred, decoded and split by the receiver in
// two native calls. '\n' is safe as separator: a valid email has no whitespace, and every slot that may hold free text
// (fault emails and reasons, notes) is JSON text, which escapes line breaks.

/** Slots per packed row. */
export const SLOTS = 12;
/** Slot of the data row number (decimal). */
export const S_ROW = 0;
/** Slot of the report counter of a rejected row; empty for a valid row. */
export const S_COUNTER = 1;
/** Slot of a rejected row's reason (JSON string). */
export const S_REASON = 2;
/** Slot of the email: as written for a valid row, JSON string for a rejected row. */
export const S_EMAIL = 3;
/** Slot of the email key (valid rows). */
export const S_KEY = 4;
/** Slot of OptInType (empty when the file gave none). */
export const S_OPTIN = 5;
/** Slot of EmailType (empty when the file gave none). */
export const S_EMAILTYPE = 6;
/** Slot of AudienceType (empty when the file gave none). */
export const S_AUDIENCE = 7;
/** Slot of Notes (JSON string; empty when the file gave none). */
export const S_NOTES = 8;
/** Slot of the JSON merge patch of the row's data values. */
export const S_PATCH = 9;
/** Slot of a new contact's data JSON; empty when it equals the patch (no field has a default). */
export const S_NEWDATA = 10;
/** Slot of the row's cells as JSON (what a fault row stores). */
export const S_CELLS = 11;

/**
 * A packed chunk as the SQL side reads it: the rejected rows' slots, the valid rows (decoded on first use) and the data
 * row number the chunk ends at.
 */
export class PackedChunk {
  private validParts?: string[];

  constructor(
    /** The valid rows, packed (slots of validRows rows). */
    private readonly validBytes: Uint8Array,
    /** How many valid rows the chunk holds. */
    readonly validRows: number,
    /** The slots of the rows the parser rejected (their counter slot set), in file order. */
    readonly rejected: string[],
    /** The data row number the chunk ends at. */
    readonly rowsAfter: number,
    /**
     * The chunk's valid rows as one SQL `VALUES` list of new contacts (ImportRepo.insertOrClaim's columns, in file
     * order), when the parse job asked for it (MariaDB); undefined otherwise.
     */
    readonly values?: string,
    /**
     * The chunk's valid rows as `LOAD DATA` input (tab-separated UTF-8 lines, ImportRepo.loadNew's columns, in file
     * order), when the parse job asked for it (MariaDB allowing LOCAL INFILE); undefined otherwise.
     */
    readonly loadRows?: Uint8Array,
  ) {}

  /** Data rows in the chunk, valid and rejected. */
  get rows(): number {
    return this.validRows + this.rejected.length / SLOTS;
  }

  /**
   * The valid rows' slots, SLOTS per row in file order. why: decoded only when asked: when every row of a LOADed chunk
   * is a new contact (the bulk of a big import) nothing per row is read on the SQL thread, which keeps its heap and
   * its collector out of the statement chain.
   */
  valid(): string[] {
    return (this.validParts ??= split(this.validBytes));
  }

  /** The same rows ending at another data row number (the last chunk of a resumed run). */
  endingAt(rowsAfter: number): PackedChunk {
    return new PackedChunk(this.validBytes, this.validRows, this.rejected, rowsAfter, this.values, this.loadRows);
  }
}

/** Which per-row text the parser thread makes besides the packed slots: SQL tuples or LOAD DATA lines. */
export type RowValues = 'sql' | 'load';

/** A chunk as the parser thread sends it: the packed valid and rejected rows and the per-row text asked for. */
export interface ChunkBytes {
  bytes: Uint8Array<ArrayBuffer>;
  validRows: number;
  rejected: Uint8Array<ArrayBuffer>;
  values?: string;
  loadRows?: Uint8Array<ArrayBuffer>;
}

/** The chunk the SQL side reads from what the parser thread sent; the rejected rows are split at once. */
export function unpack(c: ChunkBytes, rowsAfter: number): PackedChunk {
  return new PackedChunk(c.bytes, c.validRows, split(c.rejected), rowsAfter, c.values, c.loadRows);
}

/** Splits packed UTF-8 bytes into their slots (no bytes is no slots). */
function split(bytes: Uint8Array): string[] {
  if (!bytes.byteLength) return [];
  const parts = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8').split('\n');
  parts.pop(); // the text ends with a separator
  return parts;
}

/**
 * A MySQL string literal that means the same under every sql_mode. why: with NO_BACKSLASH_ESCAPES a backslash is a
 * plain character, without it an escape; a text holding a backslash (or NUL) is sent as a hex literal instead, and a
 * quote is doubled, which both modes read alike.
 */
export function sqlLiteral(s: string): string {
  if (/[\\\0]/.test(s)) return `_utf8mb4 X'${Buffer.from(s, 'utf8').toString('hex')}'`;
  return s.includes("'") ? `'${s.replace(/'/g, "''")}'` : `'${s}'`;
}

const LOAD_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\0': '\\0' };

/**
 * A field of a LOAD DATA line (fields ended by tab, lines by newline, escapes by backslash): backslash, tab, newline
 * and NUL are escaped, so the server reads back exactly the text (a text `\N` goes as `\\N`, not as NULL).
 */
export function loadField(s: string): string {
  return /[\\\t\n\0]/.test(s) ? s.replace(/[\\\t\n\0]/g, (c) => LOAD_ESCAPES[c]) : s;
}

/**
 * Checks rows with a RowReader and packs them, valid and rejected rows apart. Duplicate emails inside one chunk are
 * found here (first wins); the SQL side finds those of earlier chunks and earlier runs.
 */
export class ChunkPacker {
  // why: packed rows are written into off-heap buffers as they are made, so nothing per row outlives the row on
  // the parser thread's heap (keeping 2000 row strings alive until the chunk is sent made GC half of its time).
  private readonly packed = new ByteText();
  private readonly rejected = new ByteText();
  private seen = new Set<string>();
  private values: string[] = [];
  private readonly load?: ByteText;
  /** Rows packed since the last take(). */
  rows = 0;
  private validRows = 0;

  /**
   * With `rowValues`, valid rows are also written as new contacts: 'sql' as SQL tuples (ChunkBytes.values), 'load' as
   * LOAD DATA lines (ChunkBytes.loadRows).
   */
  constructor(
    private readonly reader: RowReader,
    private readonly rowValues?: RowValues,
  ) {
    if (rowValues === 'load') this.load = new ByteText();
  }

  /** Checks one data row and packs it as valid or rejected. */
  add(rowNo: number, cells: string[]): void {
    this.rows++;
    const p = this.reader.read(rowNo, cells);
    if (isFault(p)) return this.reject(rowNo, p.counter, p.reason, p.email, cells);
    if (this.seen.has(p.key)) return this.reject(rowNo, 'duplicateEmails', 'DuplicateEmail', p.email, cells);
    this.seen.add(p.key);
    this.validRows++;
    const notes = p.notes === undefined ? '' : JSON.stringify(p.notes);
    const newData = p.newData === p.patch ? '' : p.newData;
    if (this.rowValues === 'load') {
      // why: the columns and defaults of insertOrClaim's tuples; the account, the time and the mark are set by the
      // LOAD statement itself (ImportRepo.loadNew). \N is LOAD DATA's NULL.
      const notesField = p.notes === undefined ? '\\N' : loadField(p.notes);
      this.load!.write(
        `${loadField(p.email)}\t${loadField(p.key)}\t${p.optInType ?? 'Unknown'}\t${p.emailType ?? 'Html'}\t${p.audienceType ?? 'Unknown'}\t` +
          `${notesField}\t${loadField(newData || p.patch)}\n`,
      );
    } else if (this.rowValues === 'sql') {
      // why: the row as a new contact would be written (the defaults of ImportService.applyRows); the account, the
      // time and the import's mark are session variables the SQL thread sets per chunk (ImportRepo.insertOrClaim).
      this.values.push(
        `(@cg_account,${sqlLiteral(p.email)},${sqlLiteral(p.key)},'${p.optInType ?? 'Unknown'}','${p.emailType ?? 'Html'}',` +
          `'${p.audienceType ?? 'Unknown'}',${p.notes === undefined ? 'NULL' : sqlLiteral(p.notes)},'Subscribed',` +
          `${sqlLiteral(newData || p.patch)},@cg_now,@cg_now,@cg_mark,0)`,
      );
    }
    this.packed.write(
      `${rowNo}\n\n\n${p.email}\n${p.key}\n${p.optInType ?? ''}\n${p.emailType ?? ''}\n${p.audienceType ?? ''}\n${notes}\n${p.patch}\n${newData}\n${JSON.stringify(cells)}\n`,
    );
  }

  private reject(rowNo: number, counter: string, reason: string, email: string, cells: string[]): void {
    this.rejected.write(`${rowNo}\n${counter}\n${JSON.stringify(reason)}\n${JSON.stringify(email)}\n\n\n\n\n\n\n\n${JSON.stringify(cells)}\n`);
  }

  /**
   * The rows added since the last call: the packed valid and rejected rows and the per-row text asked for (values ''
   * when no row is valid, undefined unless rowValues is 'sql'), each buffer of its own so it can be transferred.
   * Starts a new chunk.
   */
  take(): ChunkBytes {
    const out: ChunkBytes = {
      bytes: this.packed.take(),
      validRows: this.validRows,
      rejected: this.rejected.take(),
    };
    if (this.rowValues === 'sql') out.values = this.values.join(',');
    if (this.load) out.loadRows = this.load.take();
    this.values = [];
    this.seen = new Set();
    this.rows = 0;
    this.validRows = 0;
    return out;
  }
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
