import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { FileParseError } from '../../src/services/importRows';
import { readXlsxRows, XLSX_LIMITS } from '../../src/services/importXlsx';
import { bufferSource, ByteSource, ZIP_LIMITS } from '../../src/services/importZip';
import { deflated, inlineCell, repeated, SHEET_HEAD, SHEET_TAIL, SST_HEAD, SST_TAIL, xlsx, zip } from '../helpers/xlsxFiles';

/** All rows of an xlsx, read from memory in pieces of `piece` bytes (as the parser thread reads stored pieces). */
async function rowsOf(buf: Buffer, piece = 4096): Promise<string[][]> {
  const src: ByteSource = {
    size: buf.length,
    async *read(offset, length) {
      for (let at = offset; at < offset + length; at += piece) yield buf.subarray(at, Math.min(offset + length, at + piece));
    },
  };
  const out: string[][] = [];
  for await (const batch of readXlsxRows(src)) out.push(...batch);
  return out;
}

async function refusal(buf: Buffer): Promise<FileParseError> {
  try {
    await rowsOf(buf);
  } catch (e) {
    if (e instanceof FileParseError) return e;
    throw e;
  }
  throw new Error('the file was read');
}

const sheet = (rows: string) => deflated('sheet', `${SHEET_HEAD}${rows}${SHEET_TAIL}`);

/** Runs fn with some limits lowered (the reader reads XLSX_LIMITS at call time). */
async function withLimits<T>(limits: Partial<typeof XLSX_LIMITS>, fn: () => Promise<T>): Promise<T> {
  const saved = { ...XLSX_LIMITS };
  Object.assign(XLSX_LIMITS, limits);
  try {
    return await fn();
  } finally {
    Object.assign(XLSX_LIMITS, saved);
  }
}

describe('xlsx rows of an import file (readXlsxRows, importZip)', () => {
  it('reads what exceljs writes: shared and rich strings, numbers, booleans, formula results, sparse cells, the first tab', async () => {
    const wb = new ExcelJS.Workbook();
    const first = wb.addWorksheet('People');
    first.addRow(['Email', 'Name', 'Age', 'Vip', 'Sum', 'Link', 'Day']);
    first.addRow(['a@example.com', { richText: [{ text: 'Bo' }, { text: 'b', font: { bold: true } }] }, 41.5, true, { formula: '1+1', result: 2 }, { text: 'site', hyperlink: 'http://x' }, new Date(Date.UTC(2024, 2, 4))]);
    first.addRow([]);
    first.getCell('A4').value = 'c@example.com';
    first.getCell('D4').value = false;
    first.getCell('C5').value = '   ';
    wb.addWorksheet('Other').addRow(['Not', 'this']);
    const rows = await rowsOf(Buffer.from(await wb.xlsx.writeBuffer()), 777);
    expect(rows).to.deep.equal([
      ['Email', 'Name', 'Age', 'Vip', 'Sum', 'Link', 'Day'],
      ['a@example.com', 'Bob', '41.5', 'true', '2', 'site', '45355'],
      ['c@example.com', '', '', 'false'],
    ]);
  });

  it('reads inline strings, prefixed element names, entities, phonetic runs left out, shared strings after the sheet', async () => {
    const sst = deflated('sst', `${SST_HEAD}<si><t>Email</t></si><si><r><t>Jo &amp; </t></r><r><t xml:space="preserve">Co </t></r><rPh><t>ジョー</t></rPh></si>${SST_TAIL}`);
    const x = 'x:';
    const body =
      `<${x}worksheet xmlns:${x}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><${x}sheetData>` +
      `<${x}row r="1"><${x}c r="A1" t="s"><${x}v>0</${x}v></${x}c><${x}c r="B1" t="inlineStr"><${x}is><${x}t>Name</${x}t></${x}is></${x}c></${x}row>` +
      `<${x}row r="3"><${x}c r="B3" t="s"><${x}v>1</${x}v></${x}c><${x}c r="A3" t="str"><${x}v>&lt;p@example.com&gt;</${x}v></${x}c></${x}row>` +
      `</${x}sheetData></${x}worksheet>`;
    expect(await rowsOf(xlsx(deflated('sheet', body), sst))).to.deep.equal([
      ['Email', 'Name'],
      ['<p@example.com>', 'Jo & Co '],
    ]);
  });

  it('refuses by the zip directory before inflating: too many entries, zip64, encryption, two entries of one name, a non-zip', async () => {
    const many = zip(Array.from({ length: ZIP_LIMITS.maxEntries + 1 }, (_, i) => deflated(`f${i}`, '')));
    expect((await refusal(many)).message).to.match(/has 10001 entries; at most 10000 are allowed/);
    const ok = xlsx(sheet(`<row>${inlineCell('Email')}</row>`));
    const z64 = Buffer.from(ok);
    z64.writeUInt16LE(0xffff, z64.length - 22 + 10);
    expect((await refusal(z64)).message).to.match(/zip64 archives are not supported/);
    expect((await refusal(xlsx(sheet(`<row>${inlineCell('Email')}</row>`), undefined, [deflated('XL/worksheets/SHEET1.xml', '')]))).message).to.match(/two entries named/);
    expect((await refusal(Buffer.from('PK\u0003\u0004 not really a zip'))).message).to.match(/not a zip archive/);
    expect((await refusal(zip([deflated('hello.txt', 'hi')]))).message).to.match(/not an xlsx workbook/);
    // flag the sheet's entry (the fifth) as encrypted
    const encSheet = Buffer.from(ok);
    let p = encSheet.readUInt32LE(encSheet.length - 22 + 16);
    for (let k = 0; k < 4; k++) p += 46 + encSheet.readUInt16LE(p + 28) + encSheet.readUInt16LE(p + 30) + encSheet.readUInt16LE(p + 32);
    encSheet.writeUInt16LE(encSheet.readUInt16LE(p + 8) | 1, p + 8);
    expect((await refusal(encSheet)).message).to.match(/sheet1\.xml is encrypted/);
  });

  it('refuses a part declared too big or packed too tightly, and one that unpacks past what its directory says', async () => {
    const big = repeated('sheet', SHEET_HEAD, '<row><c><v>1</v></c></row>', 12_000_000, SHEET_TAIL);
    const e1 = await refusal(xlsx(big));
    expect([e1.reason, e1.message]).to.deep.equal(['FileLimitExceeded', 'xl/worksheets/sheet1.xml unpacks to 297.5 MB; at most 256 MB is allowed']);
    const tight = repeated('sheet', SHEET_HEAD, '<row><c><v>1</v></c></row>', 200_000, SHEET_TAIL);
    expect((await refusal(xlsx(tight))).message).to.match(/sheet1\.xml is compressed \d+ to 1; at most 250 to 1 is allowed/);
    const lie = sheet(`<row>${inlineCell('Email')}</row>${`<row>${inlineCell('a@example.com')}</row>`.repeat(100)}`);
    expect((await refusal(xlsx({ ...lie, declaredSize: 200 }))).message).to.equal('xl/worksheets/sheet1.xml unpacks to more than the 0 MB its zip directory declares');
    expect((await refusal(xlsx({ ...lie, declaredSize: lie.size + 10 }))).message).to.match(/unpacks to \d+ bytes, not the \d+ its zip directory declares/);
  });

  it('stops at the row, column, cell-text and shared-string limits while streaming', async () => {
    const rows = (n: number) => sheet(Array.from({ length: n }, (_, i) => `<row r="${i + 1}">${inlineCell(`r${i}@example.com`)}</row>`).join(''));
    expect((await withLimits({ rows: 20 }, () => refusal(xlsx(rows(21))))).message).to.equal('xl/worksheets/sheet1.xml has more than 20 rows');
    expect(await withLimits({ rows: 20 }, () => rowsOf(xlsx(rows(20))))).to.have.length(20);
    const wide = sheet(`<row>${inlineCell('Email')}<c r="XFE1"><v>1</v></c></row>`);
    expect((await refusal(xlsx(wide))).message).to.match(/row 1 of xl\/worksheets\/sheet1\.xml has a cell past column XFD \(16,384 columns\)/);
    const manyCells = sheet(`<row>${'<c><v>1</v></c>'.repeat(XLSX_LIMITS.columns + 1)}</row>`);
    expect((await refusal(xlsx(manyCells))).message).to.match(/past column XFD/);
    const longCell = sheet(`<row><c r="A1"><v>${'9'.repeat(XLSX_LIMITS.cellChars + 1)}</v></c></row>`);
    expect((await refusal(xlsx(longCell))).message).to.equal('cell A1 of xl/worksheets/sheet1.xml holds more than 32,767 characters');
    const sst = deflated('sst', `${SST_HEAD}${'<si><t>0123456789</t></si>'.repeat(30)}${SST_TAIL}`);
    const e = await withLimits({ sharedStringChars: 250 }, () => refusal(xlsx(sheet('<row><c t="s"><v>0</v></c></row>'), sst)));
    expect([e.reason, e.message]).to.deep.equal(['FileLimitExceeded', "the workbook's shared strings hold more than 250 characters"]);
    expect((await withLimits({ sharedStrings: 29 }, () => refusal(xlsx(sheet(''), sst)))).message).to.equal('the workbook has more than 29 shared strings');
    const badIndex = await refusal(xlsx(sheet('<row><c r="B2" t="s"><v>30</v></c></row>'), sst));
    expect(badIndex.message).to.equal('cell B2 of xl/worksheets/sheet1.xml refers to shared string 30, but the workbook has 30');
  });

  it('refuses malformed XML, a DOCTYPE, deep nesting and invalid UTF-8 as file errors with the part named', async () => {
    expect((await refusal(xlsx(deflated('s', `${SHEET_HEAD}<row><c></row>${SHEET_TAIL}`)))).message).to.match(/^xl\/worksheets\/sheet1\.xml is not well-formed XML/);
    const dtd = deflated('s', `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet><sheetData/></worksheet>`);
    expect((await refusal(xlsx(dtd))).message).to.equal('xl/worksheets/sheet1.xml has a DOCTYPE, which xlsx parts never have');
    const deep = deflated('s', `${SHEET_HEAD}${'<x>'.repeat(100)}${'</x>'.repeat(100)}${SHEET_TAIL}`);
    expect((await refusal(xlsx(deep))).message).to.match(/nests elements deeper than 64 levels/);
    const latin = deflated('s', Buffer.concat([Buffer.from(`${SHEET_HEAD}<row>`), Buffer.from('<c t="inlineStr"><is><t>caf\xe9</t></is></c>', 'latin1'), Buffer.from(`</row>${SHEET_TAIL}`)]));
    const e = await refusal(xlsx(latin));
    expect(e.reason).to.equal('InvalidEncoding');
    expect(e.message).to.match(/^xl\/worksheets\/sheet1\.xml is not valid UTF-8/);
  });

  it('a workbook without sheets has no rows; the same bytes in one piece or many read alike', async () => {
    const noSheets = zip([deflated('xl/workbook.xml', '<workbook><sheets/></workbook>')]);
    expect(await rowsOf(noSheets)).to.deep.equal([]);
    const file = xlsx(sheet(`<row>${inlineCell('Email')}</row><row>${inlineCell('one@example.com')}</row>`));
    expect(await rowsOf(file, 1)).to.deep.equal(await rowsOf(file, file.length));
    const all: string[][] = [];
    for await (const b of readXlsxRows(bufferSource(file))) all.push(...b);
    expect(all).to.deep.equal([['Email'], ['one@example.com']]);
  });
});
