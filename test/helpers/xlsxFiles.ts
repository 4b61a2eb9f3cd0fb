import zlib from 'node:zlib';

// Hand-built zip and xlsx files for import tests: ordinary workbooks and "bombs" (a sheet that unpacks to 1 GB, more
// rows than a sheet may hold, a huge sharedStrings part), made in well under a second with little memory.

/** One entry of a hand-built zip: its name, raw-deflate bytes, true unpacked size and what the directory says. */
export interface ZipPart {
  name: string;
  /** Raw deflate data (method 8), or the bytes themselves when `stored`. */
  data: Buffer;
  /** The true unpacked size. */
  size: number;
  /** The unpacked size written into the headers (a lie when it differs from `size`). */
  declaredSize?: number;
  stored?: boolean;
  crc?: number;
}

/** A deflated part from its bytes. */
export function deflated(name: string, content: string | Buffer): ZipPart {
  const raw = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
  return { name, data: zlib.deflateRawSync(raw), size: raw.length, crc: zlib.crc32(raw) };
}

/**
 * A deflated part of `head`, then `unit` repeated `times` times, then `tail`, without ever holding the unpacked bytes:
 * each piece is deflated on its own and ended with a full flush (byte-aligned, no back-references across pieces), so
 * the pieces concatenate into one valid deflate stream; the repeated piece is deflated once and copied.
 */
export function repeated(name: string, head: string, unit: string | Buffer, times: number, tail: string): ZipPart {
  const flush = { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH };
  const u = Buffer.isBuffer(unit) ? unit : Buffer.from(unit, 'utf8');
  // why: a bigger block compresses repetitive text far better than one short unit on its own.
  const per = Math.max(1, Math.min(times, Math.floor((4 << 20) / u.length)));
  const block = zlib.deflateRawSync(Buffer.concat(Array(per).fill(u)), flush);
  const blocks = Math.floor(times / per);
  const rest = times - blocks * per;
  const parts = [zlib.deflateRawSync(Buffer.from(head), flush), ...Array<Buffer>(blocks).fill(block)];
  if (rest) parts.push(zlib.deflateRawSync(Buffer.concat(Array(rest).fill(u)), flush));
  parts.push(zlib.deflateRawSync(Buffer.from(tail)));
  return { name, data: Buffer.concat(parts), size: Buffer.byteLength(head) + u.length * times + Buffer.byteLength(tail), crc: 0 };
}

/** A zip archive of these parts, in this order (local headers, data, central directory, end record). */
export function zip(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name, 'utf8');
    const size = p.declaredSize ?? p.size;
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(0x0800, 6);
    h.writeUInt16LE(p.stored ? 0 : 8, 8);
    h.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00
    h.writeUInt32LE((p.crc ?? 0) >>> 0, 14);
    h.writeUInt32LE(p.data.length, 18);
    h.writeUInt32LE(size, 22);
    h.writeUInt16LE(name.length, 26);
    h.writeUInt16LE(0, 28);
    locals.push(h, name, p.data);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(p.stored ? 0 : 8, 10);
    c.writeUInt32LE(0x00210000, 12);
    c.writeUInt32LE((p.crc ?? 0) >>> 0, 16);
    c.writeUInt32LE(p.data.length, 20);
    c.writeUInt32LE(size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    offset += 30 + name.length + p.data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RNS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PNS = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** The XML that opens and closes a worksheet part around its rows. */
export const SHEET_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${NS}"><sheetData>`;
export const SHEET_TAIL = '</sheetData></worksheet>';
/** The XML that opens and closes a sharedStrings part around its `<si>` items. */
export const SST_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="${NS}">`;
export const SST_TAIL = '</sst>';

/** An xlsx workbook of one sheet (the parts Excel writes that an import reads), in Excel's order: sheet first. */
export function xlsx(sheet: ZipPart, sharedStrings?: ZipPart, extra: ZipPart[] = []): Buffer {
  const rels =
    `<Relationships xmlns="${PNS}"><Relationship Id="rId1" Type="${RNS}/worksheet" Target="worksheets/sheet1.xml"/>` +
    (sharedStrings ? `<Relationship Id="rId2" Type="${RNS}/sharedStrings" Target="sharedStrings.xml"/>` : '') +
    '</Relationships>';
  return zip([
    deflated('[Content_Types].xml', '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    deflated('_rels/.rels', `<Relationships xmlns="${PNS}"><Relationship Id="rId1" Type="${RNS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
    deflated('xl/workbook.xml', `<workbook xmlns="${NS}" xmlns:r="${RNS}"><sheets><sheet name="Contacts" sheetId="1" r:id="rId1"/></sheets></workbook>`),
    deflated('xl/_rels/workbook.xml.rels', rels),
    { ...sheet, name: 'xl/worksheets/sheet1.xml' },
    ...(sharedStrings ? [{ ...sharedStrings, name: 'xl/sharedStrings.xml' }] : []),
    ...extra,
  ]);
}

/** An inline-string cell (no shared strings needed). */
export const inlineCell = (text: string, ref = ''): string => `<c${ref ? ` r="${ref}"` : ''} t="inlineStr"><is><t>${text}</t></is></c>`;

/** A 1 MB xlsx whose sheet unpacks to about 1 GB (one cell of a billion zeros); `lie` makes the directory say 64 KB. */
export function sheetBomb(lie = false): Buffer {
  const head = `${SHEET_HEAD}<row r="1">${inlineCell('Email', 'A1')}</row><row r="2"><c r="A2"><v>`;
  const part = repeated('sheet', head, '0'.repeat(1 << 16), 1 << 14, `</v></c></row>${SHEET_TAIL}`);
  return xlsx(lie ? { ...part, declaredSize: 64 * 1024 } : part);
}

/**
 * An xlsx whose sheet holds `rows` rows (5 million by default): a header, then rows of one shared-string cell each,
 * the index varying at random (0-9), so the sheet packs only about 40 to 1 (no ratio limit refuses it) and its
 * 160 MB stay under the sheet size limit: only counting its rows stops it. Eight different 64K-row blocks are deflated
 * once and cycled (each block is far longer than deflate's 32 KB window, so repeats do not pack better).
 */
export function rowsBomb(rows = 5_000_000): Buffer {
  const flush = { level: 6, finishFlush: zlib.constants.Z_FULL_FLUSH };
  let seed = 20261126;
  const digit = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >>> 8) % 10;
  const block = (n: number) => Buffer.from(Array.from({ length: n }, () => `<row><c t="s"><v>${digit()}</v></c></row>`).join(''));
  const per = 65_536;
  const blocks = Array.from({ length: 8 }, () => {
    const raw = block(per);
    return { data: zlib.deflateRawSync(raw, flush), size: raw.length };
  });
  const head = Buffer.from(`${SHEET_HEAD}<row>${inlineCell('Email')}</row>`);
  const parts: Buffer[] = [zlib.deflateRawSync(head, flush)];
  let size = head.length;
  const full = Math.floor((rows - 1) / per);
  for (let i = 0; i < full; i++) {
    parts.push(blocks[i % 8].data);
    size += blocks[i % 8].size;
  }
  const rest = block(rows - 1 - full * per);
  parts.push(zlib.deflateRawSync(rest, flush), zlib.deflateRawSync(Buffer.from(SHEET_TAIL)));
  size += rest.length + SHEET_TAIL.length;
  const sst = `${SST_HEAD}${Array.from({ length: 10 }, (_, i) => `<si><t>row${i}@example.com</t></si>`).join('')}${SST_TAIL}`;
  return xlsx({ name: 'sheet', data: Buffer.concat(parts), size, crc: 0 }, deflated('sst', sst));
}

/** An xlsx with a sharedStrings part of about 500 MB (`lie` makes the directory say 64 KB). */
export function sharedStringsBomb(lie = false): Buffer {
  const sheet = deflated('sheet', `${SHEET_HEAD}<row><c t="s"><v>0</v></c></row><row><c t="s"><v>1</v></c></row>${SHEET_TAIL}`);
  const unit = `<si><t>${'x'.repeat(1000)}@example.com</t></si>`;
  const sst = repeated('sst', `${SST_HEAD}<si><t>Email</t></si>`, unit, Math.ceil((500 << 20) / unit.length), SST_TAIL);
  return xlsx(sheet, lie ? { ...sst, declaredSize: 64 * 1024 } : sst);
}
