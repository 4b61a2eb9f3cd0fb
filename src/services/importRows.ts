import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { ImportFormat } from '../domain/importFile';

/** An error in the file's bytes (bad quoting, broken zip): the import ends InvalidFileFormat, it is not retried. */
export class FileParseError extends Error {}

/**
 * Streams the rows of an import file as arrays of cell text: the first row is the header. CSV per RFC 4180 with or
 * without a UTF-8 BOM, CRLF or LF; empty lines (and lines of only empty cells) are skipped. xlsx: the first worksheet,
 * read with the streaming reader. Memory stays flat: bytes come in pieces from `bytes`.
 */
export async function* readRows(format: ImportFormat, bytes: () => AsyncIterable<Buffer>): AsyncGenerator<string[]> {
  if (format === 'csv') {
    const parser = Readable.from(bytes()).pipe(
      parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, skip_records_with_empty_values: true }),
    );
    try {
      for await (const rec of parser as AsyncIterable<string[]>) yield rec;
    } catch (e) {
      throw new FileParseError(e instanceof Error ? e.message : String(e));
    }
    return;
  }
  if (format === 'xlsx') {
    let reader: ExcelJS.stream.xlsx.WorkbookReader;
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
    let sheet: ExcelJS.stream.xlsx.WorksheetReader | undefined;
    try {
      const first = await it.next();
      sheet = first.done ? undefined : first.value;
    } catch (e) {
      throw new FileParseError(e instanceof Error ? e.message : String(e));
    }
    if (!sheet) return;
    for await (const row of sheet) {
      const values = row.values as unknown[];
      const cells: string[] = [];
      for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
      if (cells.every((c) => c.trim() === '')) continue;
      yield cells;
    }
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
