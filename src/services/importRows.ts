import Papa from 'papaparse';
import { decodeWindows1252, firstInvalidUtf8, TextEncoding } from '../domain/importEncoding';
import { ImportFormat } from '../domain/importFile';

/** Why a file cannot be imported: the fault reason stored with the import (the message says the details). */
export type FileRefusal = 'UnreadableFile' | 'InvalidEncoding' | 'FileLimitExceeded';

/** An error in the file's bytes (bad quoting, broken zip, a limit passed): the import ends InvalidFileFormat, it is not retried. */
export class FileParseError extends Error {
  constructor(
    message: string,
    /** The fault reason: why, in one word. */
    readonly reason: FileRefusal = 'UnreadableFile',
  ) {
    super(message);
  }
}

/** Longest row a CSV may have, in characters (a row is held whole until its end arrives). */
export const MAX_CSV_ROW_CHARS = 16 * 1024 * 1024;

/**
 * Streams the rows of a CSV import file as arrays of cell text, a batch at a time (the first row of the first batch is
 * the header). RFC 4180, CRLF or LF; empty lines (and lines of only empty cells) are skipped. The bytes are decoded
 * in `encoding` (chosen at upload, see docs/imports.md): a byte sequence that is not valid in it is a FileParseError,
 * never a U+FFFD in the data; a UTF-8 BOM is dropped. Memory stays flat: bytes come in pieces from `bytes`, and one
 * batch holds the rows of one piece.
 */
export async function* readRows(format: ImportFormat, bytes: () => AsyncIterable<Buffer>, encoding: TextEncoding = 'utf-8'): AsyncGenerator<string[][]> {
  if (format !== 'csv') throw new FileParseError(`format ${format} is not read as text`);
  // why: Papa Parse's parser core is fed the decoded text a piece at a time and hands back the piece's complete rows
  // and where the unfinished last row starts; that row is parsed again with the next piece. It is about four times
  // as fast as csv-parse was on the parser thread (figures in docs/imports.md), which CPU-bound imports wait for.
  const decode = decoderFor(encoding);
  let rest = '';
  let started = false;
  let records = 0;
  let parser: Papa.Parser | undefined;
  /** The complete non-blank rows of the unfinished row so far plus `more`; what is left unfinished stays in `rest`. */
  const feed = (more: string, atEnd: boolean): string[][] => {
    let text = rest + more;
    if (!started && text.length) {
      started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let rows: string[][] = [];
    if (!parser) {
      const newline = lineBreakOf(text, atEnd);
      if (newline !== undefined) parser = new Papa.Parser({ delimiter: ',', newline: newline as Papa.ParseConfig['newline'], quoteChar: '"', escapeChar: '"' });
    }
    if (!parser) rest = text;
    else {
      const res = parser.parse(text, 0, !atEnd) as { data: string[][]; errors: Array<{ message: string; row: number }>; meta: { cursor: number } };
      // why: with more text to come, an error in the unfinished last row may go away once the row is whole.
      const bad = res.errors.find((e) => atEnd || e.row < res.data.length);
      if (bad) throw new FileParseError(`CSV record ${records + bad.row + 1}: ${bad.message}`);
      rest = atEnd ? '' : text.slice(res.meta.cursor);
      records += res.data.length;
      rows = res.data.filter((row) => !row.every((c) => c.trim() === ''));
    }
    if (rest.length > MAX_CSV_ROW_CHARS) throw new FileParseError(`a row is longer than ${MAX_CSV_ROW_CHARS} characters`, 'FileLimitExceeded');
    return rows;
  };
  for await (const piece of bytes()) {
    const batch = feed(decode(piece, false), false);
    if (batch.length) yield batch;
  }
  const batch = feed(decode(undefined, true), true);
  if (batch.length) yield batch;
}

/**
 * A streaming decoder for one encoding: pieces in order, then `(undefined, true)` at the end. UTF-8 and UTF-16 decode
 * in fatal mode (a character may straddle pieces); an invalid sequence throws FileParseError with its file offset.
 */
export function decoderFor(encoding: TextEncoding): (piece: Uint8Array | undefined, atEnd: boolean) => string {
  if (encoding === 'windows-1252') return (piece) => (piece ? decodeWindows1252(piece) : '');
  // why: ignoreBOM keeps a UTF-8 BOM in the text, where the CSV reader drops it (as it always did); a UTF-16 BOM was
  // what chose the encoding, so it is skipped here.
  const d = new TextDecoder(encoding, { fatal: true, ignoreBOM: encoding === 'utf-8' });
  let offset = 0;
  return (piece, atEnd) => {
    try {
      const s = piece ? d.decode(piece, { stream: !atEnd }) : d.decode();
      offset += piece?.length ?? 0;
      return s;
    } catch {
      const name = encoding.toUpperCase();
      const at = offset + (piece && encoding === 'utf-8' ? firstInvalidUtf8(piece) : 0);
      offset += piece?.length ?? 0;
      // why: UTF-8 is only chosen for a file whose bytes are all valid UTF-8 or that starts with its BOM (the upload
      // checks), and UTF-16 only by its BOM; so an invalid sequence here means a file that contradicts its own BOM.
      throw new FileParseError(`the file is not valid ${name} (${piece ? 'at' : 'ends inside a character at'} byte ${at}); a file that starts with a ${name} byte-order mark must be ${name} throughout`, 'InvalidEncoding');
    }
  };
}

/**
 * The record separator of CSV text: the first line break outside a quoted field (CRLF, LF or CR; the rule of
 * csv-parse, which read import files before Papa Parse). Undefined while the text has none and more may come; LF for text without any.
 */
export function lineBreakOf(text: string, atEnd: boolean): string | undefined {
  let quoted = false;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === 34) {
        if (text.charCodeAt(i + 1) === 34) i++;
        else quoted = false;
      }
      continue;
    }
    if (c === 10) return '\n';
    if (c === 13) {
      if (i + 1 < text.length) return text.charCodeAt(i + 1) === 10 ? '\r\n' : '\r';
      return atEnd ? '\r' : undefined;
    }
    // why: a quote opens a quoted field only at the start of a field; elsewhere it is text (as csv-parse's relax_quotes).
    if (c === 34 && fieldStart) quoted = true;
    fieldStart = c === 44;
  }
  return atEnd ? '\n' : undefined;
}
