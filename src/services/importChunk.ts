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

/** A packed chunk as the SQL side reads it: the split slots and the data row number the chunk ends at. */
export interface PackedChunk {
  parts: string[];
  rowsAfter: number;
  /**
   * The chunk's valid rows as one SQL `VALUES` list of new contacts (ImportRepo.insertOrClaim's columns, in file
   * order), when the parse job asked for it (MariaDB); undefined otherwise.
   */
  values?: string;
  /**
   * The chunk's valid rows as `LOAD DATA` input (tab-separated UTF-8 lines, ImportRepo.loadNew's columns, in file
   * order), when the parse job asked for it (MariaDB allowing LOCAL INFILE); undefined otherwise.
   */
  loadRows?: Uint8Array;
}

/** Which per-row text the parser thread makes besides the packed slots: SQL tuples or LOAD DATA lines. */
export type RowValues = 'sql' | 'load';

/** Splits packed UTF-8 bytes into their slots (no bytes is an empty chunk). */
export function unpack(bytes: Uint8Array, rowsAfter: number, values?: string, loadRows?: Uint8Array): PackedChunk {
  const text = bytes.byteLength ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') : '';
  const parts = text ? text.split('\n') : [];
  parts.pop(); // the text ends with a separator
  const chunk: PackedChunk = { parts, rowsAfter };
  if (values !== undefined) chunk.values = values;
  if (loadRows !== undefined) chunk.loadRows = loadRows;
  return chunk;
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
 * Checks rows with a RowReader and packs them. Duplicate emails inside one chunk are found here (first wins); the
 * SQL side finds those of earlier chunks and earlier runs.
 */
export class ChunkPacker {
  // why: packed rows are written into one off-heap buffer as they are made, so nothing per row outlives the row on
  // the parser thread's heap (keeping 2000 row strings alive until the chunk is sent made GC half of its time).
  private readonly packed = new ByteText();
  private seen = new Set<string>();
  private values: string[] = [];
  private readonly load?: ByteText;
  /** Rows packed since the last take(). */
  rows = 0;

  /**
   * With `rowValues`, valid rows are also written as new contacts: 'sql' as SQL tuples (PackedChunk.values), 'load' as
   * LOAD DATA lines (PackedChunk.loadRows).
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
    this.packed.write(this.pack(rowNo, cells));
  }

  private pack(rowNo: number, cells: string[]): string {
    const p = this.reader.read(rowNo, cells);
    const cellsJson = JSON.stringify(cells);
    if (isFault(p)) return `${rowNo}\n${p.counter}\n${JSON.stringify(p.reason)}\n${JSON.stringify(p.email)}\n\n\n\n\n\n\n\n${cellsJson}\n`;
    if (this.seen.has(p.key)) return `${rowNo}\nduplicateEmails\n"DuplicateEmail"\n${JSON.stringify(p.email)}\n\n\n\n\n\n\n\n${cellsJson}\n`;
    this.seen.add(p.key);
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
    return `${rowNo}\n\n\n${p.email}\n${p.key}\n${p.optInType ?? ''}\n${p.emailType ?? ''}\n${p.audienceType ?? ''}\n${notes}\n${p.patch}\n${newData}\n${cellsJson}\n`;
  }

  /** The packed UTF-8 bytes of the rows added since the last call (a buffer of their own, to transfer); starts a new chunk. */
  take(): Uint8Array<ArrayBuffer> {
    this.seen = new Set();
    this.rows = 0;
    return this.packed.take();
  }

  /** The SQL values list of the valid rows since the last call ('' when none; undefined unless rowValues is 'sql'). */
  takeValues(): string | undefined {
    if (this.rowValues !== 'sql') return undefined;
    const out = this.values.join(',');
    this.values = [];
    return out;
  }

  /** The LOAD DATA lines of the valid rows since the last call (a buffer of their own; undefined unless 'load'). */
  takeLoadRows(): Uint8Array<ArrayBuffer> | undefined {
    return this.load?.take();
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
