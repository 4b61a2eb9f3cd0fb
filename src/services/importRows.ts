import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import Papa from 'papaparse';
import type ExcelJSModule from 'exceljs';
import { ImportFormat } from '../domain/importFile';

/** An error in the file's bytes (bad quoting, broken zip): the import ends InvalidFileFormat, it is not retried. */
export class FileParseError extends Error {}

/** Longest row a CSV may have, in characters (a row is held whole until its end arrives). */
export const MAX_CSV_ROW_CHARS = 16 * 1024 * 1024;

/**
 * Streams the rows of an import file as arrays of cell text, a batch at a time (the first row of the first batch is
 * the header). CSV per RFC 4180 with or without a UTF-8 BOM, CRLF or LF; empty lines (and lines of only empty cells)
 * are skipped. xlsx: the first worksheet, read with the streaming reader. Memory stays flat: bytes come in pieces
 * from `bytes`, and one batch holds the rows of one piece.
 */
export async function* readRows(format: ImportFormat, bytes: () => AsyncIterable<Buffer>): AsyncGenerator<string[][]> {
  if (format === 'csv') {
    // why: Papa Parse's parser core is fed the decoded text a piece at a time and hands back the piece's complete rows
    // and where the unfinished last row starts; that row is parsed again with the next piece. It is about four times
    // as fast as csv-parse was on the parser thread (docs/imports.md, round 7), which CPU-bound imports wait for.
    const decoder = new StringDecoder('utf8');
    let rest = '';
    let started = false;
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
        if (bad) throw new FileParseError(`${bad.message} (row ${bad.row + 1} of this piece)`);
        rest = atEnd ? '' : text.slice(res.meta.cursor);
        rows = res.data.filter((row) => !row.every((c) => c.trim() === ''));
      }
      if (rest.length > MAX_CSV_ROW_CHARS) throw new FileParseError(`a row is longer than ${MAX_CSV_ROW_CHARS} characters`);
      return rows;
    };
    for await (const piece of bytes()) {
      const batch = feed(decoder.write(piece), false);
      if (batch.length) yield batch;
    }
    const batch = feed(decoder.end(), true);
    if (batch.length) yield batch;
    return;
  }
  if (format === 'xlsx') {
    // why: loaded on first use: the parser thread loads this module for every import, most of them CSV.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ExcelJS = require('exceljs') as typeof ExcelJSModule;
    let reader: ExcelJSModule.stream.xlsx.WorkbookReader;
    try {
      reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(bytes()), {
        sharedStrings: 'cache',
        hyperlinks: 'ignore',
        styles: 'ignore',
        worksheets: 'emit',
        entries: 'emit',
      });
    } catch (e) {
      throw new FileParseError(e instanceof Error ? e.message : String(e));
    }
    const it = reader[Symbol.asyncIterator]();
    let sheet: ExcelJSModule.stream.xlsx.WorksheetReader | undefined;
    try {
      const first = await it.next();
      sheet = first.done ? undefined : first.value;
    } catch (e) {
      throw new FileParseError(e instanceof Error ? e.message : String(e));
    }
    if (!sheet) return;
    let batch: string[][] = [];
    for await (const row of sheet) {
      const values = row.values as unknown[];
      const cells: string[] = [];
      for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
      if (cells.every((c) => c.trim() === '')) continue;
      batch.push(cells);
      if (batch.length >= 1000) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
    return;
  }
  throw new FileParseError(`format ${format} cannot be read`);
}

/** Text of one Excel cell value (numbers, dates, rich text, formulas with results, hyperlinks). */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    const o = v as { richText?: Array<{ text: string }>; result?: unknown; text?: unknown; error?: unknown };
    if (Array.isArray(o.richText)) return o.richText.map((t) => t.text).join('');
    if ('result' in o) return cellText(o.result);
    if ('text' in o) return cellText(o.text);
    return '';
  }
  return String(v);
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
