import { isFault, RowReader } from '../domain/importFile';

// A chunk of checked import rows packed into one string: rows of SLOTS slots each, every slot ended by '\n'.
// why: the parser thread hands chunks to the SQL thread. Structured clone of thousands of small objects costs the
// receiving thread about as much as building them; one string is copied in one go and split by the receiver in one
// native call. '\n' is safe as separator: a valid email has no whitespace, and every slot that may hold free text
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
}

/** Splits packed text into its slots (empty text is an empty chunk). */
export function unpack(text: string, rowsAfter: number): PackedChunk {
  const parts = text ? text.split('\n') : [];
  parts.pop(); // the text ends with a separator
  return { parts, rowsAfter };
}

/**
 * Checks rows with a RowReader and packs them. Duplicate emails inside one chunk are found here (first wins); the
 * SQL side finds those of earlier chunks and earlier runs.
 */
export class ChunkPacker {
  private out: string[] = [];
  private seen = new Set<string>();
  /** Rows packed since the last take(). */
  rows = 0;

  constructor(private readonly reader: RowReader) {}

  /** Checks one data row and packs it as valid or rejected. */
  add(rowNo: number, cells: string[]): void {
    this.rows++;
    const p = this.reader.read(rowNo, cells);
    const cellsJson = JSON.stringify(cells);
    if (isFault(p)) {
      this.out.push(`${rowNo}\n${p.counter}\n${JSON.stringify(p.reason)}\n${JSON.stringify(p.email)}\n\n\n\n\n\n\n\n${cellsJson}\n`);
      return;
    }
    if (this.seen.has(p.key)) {
      this.out.push(`${rowNo}\nduplicateEmails\n"DuplicateEmail"\n${JSON.stringify(p.email)}\n\n\n\n\n\n\n\n${cellsJson}\n`);
      return;
    }
    this.seen.add(p.key);
    const notes = p.notes === undefined ? '' : JSON.stringify(p.notes);
    const newData = p.newData === p.patch ? '' : p.newData;
    this.out.push(
      `${rowNo}\n\n\n${p.email}\n${p.key}\n${p.optInType ?? ''}\n${p.emailType ?? ''}\n${p.audienceType ?? ''}\n${notes}\n${p.patch}\n${newData}\n${cellsJson}\n`,
    );
  }

  /** The packed text of the rows added since the last call; starts a new chunk. */
  take(): string {
    const text = this.out.join('');
    this.out = [];
    this.seen = new Set();
    this.rows = 0;
    return text;
  }
}
