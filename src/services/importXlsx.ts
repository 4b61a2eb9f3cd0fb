import path from 'node:path';
import sax from 'sax';
import { FileParseError } from './importRows';
import { ByteSource, readZipDirectory, unzipEntry, ZipDirectory } from './importZip';

/**
 * Limits of an xlsx import (docs/imports.md, "xlsx limits"). Sizes are unpacked bytes of the XML parts the import
 * reads; they are checked against the zip directory before inflating and counted while inflating.
 */
export const XLSX_LIMITS = {
  /** The first worksheet's XML. */
  sheetBytes: 256 << 20,
  /** The shared strings part's XML. */
  sharedStringsBytes: 128 << 20,
  /** The workbook, its relationships and the package relationships, each. */
  smallPartBytes: 4 << 20,
  /** Characters in all shared strings together (they are held in memory while the sheet is read). */
  sharedStringChars: 16 << 20,
  /** Shared strings. */
  sharedStrings: 2_000_000,
  /** Rows of the sheet, the header row included (Excel's own limit). */
  rows: 1_048_576,
  /** Columns (Excel's own limit, column XFD); also the cells one row may hold. */
  columns: 16_384,
  /** Characters in one cell (Excel's own limit). */
  cellChars: 32_767,
  /** Element nesting and attributes per element in any part. */
  depth: 64,
  attributes: 256,
};

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * Streams the rows of an xlsx upload's first worksheet as cell text, a batch at a time (the first row is the header),
 * like readRows does for CSV. The zip directory is read and checked first; the shared strings part is read before
 * the sheet, whatever their order in the archive; the sheet's rows are counted before any is parsed, so a sheet
 * with too many rows is refused before a row is imported. Cell text: shared and inline strings (rich text runs
 * joined, phonetic runs left out), numbers as JavaScript prints them, booleans as true/false, formula results,
 * error cells empty. Dates are numbers (serial days), as before.
 */
export async function* readXlsxRows(src: ByteSource): AsyncGenerator<string[][]> {
  const zip = await readZipDirectory(src);
  const part = (name: string) => zip.entries.get(name.toLowerCase());
  const pkgRels = part('_rels/.rels') ? await relationships(src, zip, '_rels/.rels') : [];
  const bookName = resolvePart('', pkgRels.find((r) => r.type.endsWith('/officeDocument'))?.target ?? 'xl/workbook.xml');
  if (!part(bookName)) throw new FileParseError('the file is a zip archive but not an xlsx workbook (it has no xl/workbook.xml)');
  const dir = path.posix.dirname(bookName);
  const relsName = `${dir === '.' ? '' : `${dir}/`}_rels/${path.posix.basename(bookName)}.rels`;
  const rels = part(relsName) ? await relationships(src, zip, relsName) : [];
  const firstSheetId = await firstSheet(src, zip, bookName);
  if (firstSheetId === undefined) return;
  const sheetRel = rels.find((r) => r.id === firstSheetId);
  const sheet = sheetRel ? part(resolvePart(dir, sheetRel.target)) : undefined;
  if (!sheet) throw new FileParseError(`the workbook's first sheet (${firstSheetId}) is missing from the file`);
  const sstRel = rels.find((r) => r.type.endsWith('/sharedStrings'));
  const sstEntry = sstRel ? part(resolvePart(dir, sstRel.target)) : undefined;
  const strings = sstEntry ? await sharedStrings(src, zip, sstEntry.name) : new StringTable();
  await countRows(unzipEntry(src, zip, sheet, XLSX_LIMITS.sheetBytes), sheet.name);
  yield* sheetRows(unzipEntry(src, zip, sheet, XLSX_LIMITS.sheetBytes), sheet.name, strings);
}

/** A part name from a relationship target: relative to the source part's folder, or absolute from the root. */
function resolvePart(dir: string, target: string): string {
  const t = target.startsWith('/') ? target.slice(1) : path.posix.join(dir, target);
  return path.posix.normalize(t).replace(/^(\.\.\/)+/, '');
}

/** The local part of a possibly prefixed XML name. */
const local = (name: string) => name.slice(name.indexOf(':') + 1);

/** Handlers of the XML events a part reader needs; any may throw FileParseError to stop. */
interface XmlHandlers {
  open(name: string, attrs: Record<string, string>): void;
  close(name: string): void;
  text?(s: string): void;
}

/**
 * Feeds one part's unpacked pieces through sax, decoding UTF-8 (or UTF-16 after its BOM) in fatal mode. DOCTYPE is
 * refused; nesting and attributes are bounded. After each piece `after` runs (the sheet reader hands back rows).
 */
async function* parsePart<T>(pieces: AsyncIterable<Buffer>, name: string, h: XmlHandlers, after?: () => T | undefined): AsyncGenerator<T> {
  const p = sax.parser(true, { trim: false, normalize: false, xmlns: false });
  let depth = 0;
  let attrs = 0;
  p.onerror = (e) => {
    throw new FileParseError(`${name} is not well-formed XML (${e.message.split('\n')[0]})`);
  };
  p.ondoctype = () => {
    throw new FileParseError(`${name} has a DOCTYPE, which xlsx parts never have`);
  };
  p.onopentagstart = () => {
    attrs = 0;
    if (++depth > XLSX_LIMITS.depth) throw new FileParseError(`${name} nests elements deeper than ${XLSX_LIMITS.depth} levels`, 'FileLimitExceeded');
  };
  p.onattribute = () => {
    if (++attrs > XLSX_LIMITS.attributes) throw new FileParseError(`${name} has an element with more than ${XLSX_LIMITS.attributes} attributes`, 'FileLimitExceeded');
  };
  p.onopentag = (t) => h.open(local(t.name), t.attributes as Record<string, string>);
  p.onclosetag = (n) => {
    depth--;
    h.close(local(n));
  };
  if (h.text) p.ontext = p.oncdata = h.text;
  let decoder: InstanceType<typeof TextDecoder> | undefined;
  let offset = 0;
  const decode = (b: Buffer | undefined) => {
    try {
      if (!decoder) {
        const u16 = b && b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff));
        decoder = new TextDecoder(u16 ? (b[0] === 0xff ? 'utf-16le' : 'utf-16be') : 'utf-8', { fatal: true });
      }
      const s = b ? decoder.decode(b, { stream: true }) : decoder.decode();
      offset += b?.length ?? 0;
      return s;
    } catch {
      throw new FileParseError(`${name} is not valid ${decoder?.encoding.toUpperCase() ?? 'UTF-8'} (near byte ${offset})`, 'InvalidEncoding');
    }
  };
  for await (const piece of pieces) {
    p.write(decode(piece));
    const out = after?.();
    if (out !== undefined) yield out;
  }
  p.write(decode(undefined));
  p.close();
  const out = after?.();
  if (out !== undefined) yield out;
}

/** Reads a small part whole (it yields nothing). */
async function readSmall(src: ByteSource, zip: ZipDirectory, name: string, h: XmlHandlers): Promise<void> {
  const e = zip.entries.get(name.toLowerCase())!;
  for await (const _ of parsePart(unzipEntry(src, zip, e, XLSX_LIMITS.smallPartBytes), e.name, h)) void _;
}

/** The relationships of a part (`.rels`). */
async function relationships(src: ByteSource, zip: ZipDirectory, name: string): Promise<Array<{ id: string; type: string; target: string }>> {
  const out: Array<{ id: string; type: string; target: string }> = [];
  await readSmall(src, zip, name, {
    open: (n, a) => {
      if (n === 'Relationship' && a.Id && a.Target && a.TargetMode !== 'External') out.push({ id: a.Id, type: a.Type ?? '', target: a.Target });
    },
    close: () => undefined,
  });
  return out;
}

/** The relationship id of the workbook's first sheet (the first tab), or undefined when it has none. */
async function firstSheet(src: ByteSource, zip: ZipDirectory, bookName: string): Promise<string | undefined> {
  let id: string | undefined;
  await readSmall(src, zip, bookName, {
    open: (n, a) => {
      if (n !== 'sheet' || id !== undefined) return;
      // why: the attribute is r:id in the relationships namespace; writers pick the prefix, so any `<prefix>:id` will do.
      const key = Object.keys(a).find((k) => k.endsWith(':id'));
      if (key) id = a[key];
    },
    close: () => undefined,
  });
  return id;
}

/**
 * Shared strings, stored compactly: each block of 65,536 strings is one joined string plus their end offsets, so a
 * million short strings cost about their characters, not a million string objects.
 */
export class StringTable {
  private readonly blocks: Array<{ text: string; ends: Uint32Array }> = [];
  private open: string[] = [];
  size = 0;
  chars = 0;

  /** Appends one string. */
  add(s: string): void {
    if (++this.size > XLSX_LIMITS.sharedStrings) throw new FileParseError(`the workbook has more than ${fmt(XLSX_LIMITS.sharedStrings)} shared strings`, 'FileLimitExceeded');
    this.chars += s.length;
    if (this.chars > XLSX_LIMITS.sharedStringChars) {
      throw new FileParseError(`the workbook's shared strings hold more than ${fmt(XLSX_LIMITS.sharedStringChars)} characters`, 'FileLimitExceeded');
    }
    this.open.push(s);
    if (this.open.length === 65_536) this.seal();
  }

  private seal(): void {
    const ends = new Uint32Array(this.open.length);
    let at = 0;
    this.open.forEach((s, i) => (ends[i] = at += s.length));
    this.blocks.push({ text: this.open.join(''), ends });
    this.open = [];
  }

  /** The string at an index, or undefined past the end. */
  get(i: number): string | undefined {
    if (!(i >= 0 && i < this.size)) return undefined;
    const b = this.blocks[i >>> 16];
    if (!b) return this.open[i & 0xffff];
    const j = i & 0xffff;
    return b.text.slice(j ? b.ends[j - 1] : 0, b.ends[j]);
  }
}

/**
 * Collects the text of a string item (`<si>` or an inline `<is>`): the `<t>` elements, in runs or not, except those
 * of phonetic runs (`<rPh>`), up to XLSX_LIMITS.cellChars characters.
 */
class ItemText {
  private parts: string[] = [];
  private len = 0;
  private inT = 0;
  private inPhonetic = 0;
  constructor(private readonly where: () => string) {}

  open(n: string): void {
    if (n === 't') this.inT++;
    else if (n === 'rPh') this.inPhonetic++;
  }

  close(n: string): void {
    if (n === 't') this.inT--;
    else if (n === 'rPh') this.inPhonetic--;
  }

  text(s: string): void {
    if (!this.inT || this.inPhonetic) return;
    this.len += s.length;
    if (this.len > XLSX_LIMITS.cellChars) throw new FileParseError(`${this.where()} holds more than ${fmt(XLSX_LIMITS.cellChars)} characters`, 'FileLimitExceeded');
    this.parts.push(s);
  }

  /** The text so far, and starts a new item. */
  take(): string {
    const s = this.parts.length === 1 ? this.parts[0] : this.parts.join('');
    this.parts = [];
    this.len = 0;
    this.inT = this.inPhonetic = 0;
    return s;
  }
}

/** Reads the shared strings part into a StringTable. */
async function sharedStrings(src: ByteSource, zip: ZipDirectory, name: string): Promise<StringTable> {
  const table = new StringTable();
  let inItem = false;
  const item = new ItemText(() => `shared string ${fmt(table.size + 1)}`);
  const e = zip.entries.get(name.toLowerCase())!;
  const h: XmlHandlers = {
    open: (n) => {
      if (n === 'si') inItem = true;
      else if (inItem) item.open(n);
    },
    close: (n) => {
      if (n === 'si') {
        table.add(item.take());
        inItem = false;
      } else if (inItem) item.close(n);
    },
    text: (s) => {
      if (inItem) item.text(s);
    },
  };
  for await (const _ of parsePart(unzipEntry(src, zip, e, XLSX_LIMITS.sharedStringsBytes), e.name, h)) void _;
  return table;
}

const ROW = [0x72, 0x6f, 0x77]; // "row"

/**
 * Counts the sheet's `<row>` elements on the unpacked bytes, without parsing, and refuses a sheet with more than
 * XLSX_LIMITS.rows. why: rows are imported as they are parsed; a sheet found too long half-way would already have
 * written its first million rows. Counting is a byte search, about as fast as inflating.
 */
async function countRows(pieces: AsyncIterable<Buffer>, name: string): Promise<number> {
  let rows = 0;
  let tail = Buffer.alloc(0);
  for await (const piece of pieces) {
    const buf = tail.length ? Buffer.concat([tail, piece]) : piece;
    for (let i = buf.indexOf('row'); i >= 0; i = buf.indexOf('row', i + 3)) {
      // counted once: when the byte after "row" is in this piece (earlier matches were counted with the last piece)
      if (i + 3 >= buf.length || i + 3 < tail.length || !isRowTag(buf, i)) continue;
      if (++rows > XLSX_LIMITS.rows) throw new FileParseError(`${name} has more than ${fmt(XLSX_LIMITS.rows)} rows`, 'FileLimitExceeded');
    }
    tail = Buffer.from(buf.subarray(Math.max(0, buf.length - 64)));
  }
  return rows;
}

/** True when "row" at i is the name of a start tag: `<row` or `<prefix:row`, then a space, `>` or `/`. */
function isRowTag(buf: Buffer, i: number): boolean {
  const next = buf[i + ROW.length];
  if (next !== 0x20 && next !== 0x3e && next !== 0x2f && next !== 0x09 && next !== 0x0a && next !== 0x0d) return false;
  if (buf[i - 1] === 0x3c) return true;
  if (buf[i - 1] !== 0x3a) return false;
  for (let j = i - 2; j >= 0 && j > i - 60; j--) {
    const c = buf[j];
    if (c === 0x3c) return j < i - 2;
    const nameChar = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2d || c === 0x2e;
    if (!nameChar) return false;
  }
  return false;
}

/** Column number (0-based) of a cell reference such as `AB12`; undefined when it has no letters. */
function columnOf(ref: string): number | undefined {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i) | 0x20;
    if (c < 0x61 || c > 0x7a) break;
    col = col * 26 + (c - 0x60);
    if (col > XLSX_LIMITS.columns) return Infinity;
  }
  return i ? col - 1 : undefined;
}

/** Streams the sheet's non-blank rows as cell text, in batches of up to 1,000 rows. */
async function* sheetRows(pieces: AsyncIterable<Buffer>, name: string, strings: StringTable): AsyncGenerator<string[][]> {
  let out: string[][] = [];
  let rows = 0;
  let cells: string[] | undefined;
  let cellsInRow = 0;
  let col = 0;
  let ref = '';
  let type = 'n';
  let inCell = false;
  let inValue = false;
  let inInline = false;
  let value: string[] = [];
  let valueLen = 0;
  const where = () => `cell ${ref || `${fmt(col + 1)} of row ${fmt(rows)}`} of ${name}`;
  const inline = new ItemText(where);
  const tooLong = () => new FileParseError(`${where()} holds more than ${fmt(XLSX_LIMITS.cellChars)} characters`, 'FileLimitExceeded');
  const h: XmlHandlers = {
    open: (n, a) => {
      if (n === 'row') {
        if (++rows > XLSX_LIMITS.rows) throw new FileParseError(`${name} has more than ${fmt(XLSX_LIMITS.rows)} rows`, 'FileLimitExceeded');
        cells = [];
        cellsInRow = 0;
        col = 0;
      } else if (n === 'c' && cells) {
        ref = a.r ?? '';
        const c = ref ? columnOf(ref) : col;
        col = c === undefined ? col : c;
        if (col >= XLSX_LIMITS.columns || ++cellsInRow > XLSX_LIMITS.columns) {
          throw new FileParseError(`row ${fmt(rows)} of ${name} has a cell past column XFD (${fmt(XLSX_LIMITS.columns)} columns)`, 'FileLimitExceeded');
        }
        type = a.t ?? 'n';
        inCell = true;
        value = [];
        valueLen = 0;
      } else if (inCell) {
        if (n === 'v') inValue = true;
        else if (n === 'is') inInline = true;
        else if (inInline) inline.open(n);
      }
    },
    close: (n) => {
      if (n === 'c' && inCell) {
        inCell = inValue = inInline = false;
        const raw = value.length === 1 ? value[0] : value.join('');
        const text = cellValue(type, raw, type === 'inlineStr' ? inline.take() : '', strings, where);
        while (cells!.length < col) cells!.push('');
        cells![col] = text;
        col++;
      } else if (n === 'row' && cells) {
        for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = '';
        if (!cells.every((c) => c.trim() === '')) out.push(cells);
        cells = undefined;
      } else if (inCell) {
        if (n === 'v') inValue = false;
        else if (n === 'is') inInline = false;
        else if (inInline) inline.close(n);
      }
    },
    text: (s) => {
      if (inValue) {
        valueLen += s.length;
        if (valueLen > XLSX_LIMITS.cellChars) throw tooLong();
        value.push(s);
      } else if (inInline) inline.text(s);
    },
  };
  yield* parsePart(pieces, name, h, () => {
    if (!out.length) return undefined;
    const batch = out;
    out = [];
    return batch;
  });
}

/** The text of one cell from its type (`t`), its `<v>` text and its inline string. */
function cellValue(type: string, raw: string, inline: string, strings: StringTable, where: () => string): string {
  switch (type) {
    case 's': {
      const i = Number(raw.trim());
      const s = strings.get(i);
      if (s === undefined) throw new FileParseError(`${where()} refers to shared string ${raw.trim()}, but the workbook has ${fmt(strings.size)}`);
      return s;
    }
    case 'inlineStr':
      return inline;
    case 'b':
      return raw === '1' ? 'true' : raw === '0' ? 'false' : raw;
    case 'e':
      return '';
    case 'n': {
      const t = raw.trim();
      if (t === '') return '';
      // why: numbers read as exceljs (the reader before this one) printed them: 1.50 as 1.5, 1E3 as 1000.
      const n = Number(t);
      return Number.isFinite(n) ? String(n) : raw;
    }
    default:
      return raw; // str (formula text), d (ISO date)
  }
}
