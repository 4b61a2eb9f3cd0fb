import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type ExcelJSModule from 'exceljs';
import { ImportFormat } from '../domain/importFile';

/** An error in the file's bytes (bad quoting, broken zip): the import ends InvalidFileFormat, it is not retried. */
export class FileParseError extends Error {}

/** The synchronous core of a csv-parse parser (the engine its stream wraps): parse(bytes, end, onRecord, onClose). */
interface CsvCore {
  parse(buf: Buffer | undefined, end: boolean, push: (rec: string[]) => void, close: () => void): Error | undefined;
}

/**
 * Streams the rows of an import file as arrays of cell text, a batch at a time (the first row of the first batch is
 * the header). CSV per RFC 4180 with or without a UTF-8 BOM, CRLF or LF; empty lines (and lines of only empty cells)
 * are skipped. xlsx: the first worksheet, read with the streaming reader. Memory stays flat: bytes come in pieces
 * from `bytes`, and one batch holds the rows of one piece.
 */
export async function* readRows(format: ImportFormat, bytes: () => AsyncIterable<Buffer>): AsyncGenerator<string[][]> {
  if (format === 'csv') {
    // why: csv-parse's stream hands out one record per async step; its core parses a whole piece synchronously with
    // the very same options and state machine, which saves two promise hops per row on the hot path.
    const core = (parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, skip_records_with_empty_values: true }) as unknown as { api: CsvCore }).api;
    let batch: string[][] = [];
    const push = (rec: string[]) => {
      batch.push(rec);
    };
    const close = () => undefined;
    for await (const piece of bytes()) {
      const err = core.parse(piece, false, push, close);
      if (err) throw new FileParseError(err.message);
      if (batch.length) {
        yield batch;
        batch = [];
      }
    }
    const err = core.parse(undefined, true, push, close);
    if (err) throw new FileParseError(err.message);
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
