import { isUtf8 } from 'node:buffer';
import { expect } from 'chai';
import fc from 'fast-check';
import { isValidEmail } from '../../src/domain/contact';
import { decodeWindows1252, firstInvalidUtf8, sniffEncoding, Utf8Check } from '../../src/domain/importEncoding';
import { detectFormat } from '../../src/domain/importFile';
import { decoderFor, FileParseError, readRows } from '../../src/services/importRows';

/** Rows of CSV bytes in an encoding, fed in pieces of `size` bytes. */
async function rowsOf(bytes: Buffer, encoding: Parameters<typeof readRows>[2], size = 3): Promise<string[][]> {
  const out: string[][] = [];
  for await (const batch of readRows(
    'csv',
    async function* () {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    },
    encoding,
  ))
    out.push(...batch);
  return out;
}

describe('import text encodings (domain/importEncoding, readRows)', () => {
  it('sniffs the byte-order mark: UTF-8, UTF-16 LE/BE decide; UTF-32 and BOM-less UTF-16 are refused with a reason', () => {
    expect(sniffEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x45]))).to.deep.equal({ encoding: 'utf-8', bom: true });
    expect(sniffEncoding(Buffer.from([0xff, 0xfe, 0x45, 0]))).to.deep.equal({ encoding: 'utf-16le', bom: true });
    expect(sniffEncoding(Buffer.from([0xfe, 0xff, 0, 0x45]))).to.deep.equal({ encoding: 'utf-16be', bom: true });
    expect(sniffEncoding(Buffer.from('Email\ncaf\xe9', 'latin1'))).to.deep.equal({ encoding: undefined, bom: false });
    expect(sniffEncoding(Buffer.from([0xff, 0xfe, 0, 0]))).to.have.property('unsupported').that.match(/^UTF-32 LE/);
    expect(sniffEncoding(Buffer.from([0, 0, 0xfe, 0xff]))).to.have.property('unsupported').that.match(/^UTF-32 BE/);
    expect(sniffEncoding(Buffer.from('Email,Name\r\n', 'utf16le'))).to.have.property('unsupported').that.match(/without a byte-order mark/);
    // UTF-16 text is full of NULs: its BOM makes it text (CSV), not binary
    expect(detectFormat(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Email\r\n', 'utf16le')]), undefined, 'a.csv')).to.equal('csv');
    expect(detectFormat(Buffer.from('Email\r\n', 'utf16le'), undefined, 'a.csv')).to.equal(undefined);
  });

  it('Utf8Check agrees with isUtf8 on the whole buffer, however the bytes are split into pieces', () => {
    const bytes = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }).map((s) => Buffer.from(s, 'utf8')),
      fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
      fc.tuple(fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom([0xe9], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xed, 0xa0, 0x80], [0xc0, 0x80], [0xf8, 0x88, 0x80, 0x80])).map(([s, bad]) => Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from(bad)])),
    );
    fc.assert(
      fc.property(bytes, fc.array(fc.nat({ max: 45 }), { maxLength: 6 }), (buf, cuts) => {
        const check = new Utf8Check();
        let at = 0;
        for (const c of [...cuts].sort((a, b) => a - b)) {
          check.push(buf.subarray(at, Math.max(at, Math.min(c, buf.length))));
          at = Math.max(at, Math.min(c, buf.length));
        }
        check.push(buf.subarray(at));
        expect(check.valid()).to.equal(isUtf8(buf));
      }),
      { seed: 20261203, numRuns: 800 },
    );
    // one byte at a time, through a four-byte character
    const check = new Utf8Check();
    for (const b of Buffer.from('a😀é')) check.push(Buffer.from([b]));
    expect(check.valid()).to.equal(true);
    const cut = new Utf8Check();
    cut.push(Buffer.from([0x61, 0xf0, 0x9f]));
    expect(cut.valid(), 'a character left unfinished').to.equal(false);
  });

  it('decodes Windows-1252 by the WHATWG table (0x80-0x9F are € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ)', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const text = decodeWindows1252(all);
    expect(text).to.have.length(256);
    expect(text.slice(0x80, 0xa0)).to.equal('€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ');
    expect(text.slice(0, 0x80)).to.equal(all.subarray(0, 0x80).toString('latin1'));
    expect(text.slice(0xa0)).to.equal('\u00a0¡¢£¤¥¦§¨©ª«¬\u00ad®¯°±²³´µ¶·¸¹º»¼½¾¿ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõö÷øùúûüýþÿ');
  });

  it('reads CSV rows in each encoding; a sequence invalid in a BOM-chosen encoding is a FileParseError (InvalidEncoding), never U+FFFD', async () => {
    expect(await rowsOf(Buffer.from('Email,Name\r\ncaf\xe9@x.com,\x93Ren\xe9e\x94\r\n', 'latin1'), 'windows-1252')).to.deep.equal([
      ['Email', 'Name'],
      ['café@x.com', '“Renée”'],
    ]);
    const u16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Email,Name\r\na@x.com,東京😀\r\n', 'utf16le')]);
    expect(await rowsOf(u16, 'utf-16le')).to.deep.equal([
      ['Email', 'Name'],
      ['a@x.com', '東京😀'],
    ]);
    const bom = Buffer.from('\ufeffEmail\r\nb@x.com\r\n', 'utf8');
    expect(await rowsOf(bom, 'utf-8')).to.deep.equal([['Email'], ['b@x.com']]);
    for (const [bytes, enc] of [
      [Buffer.from('Email\r\ncaf\xe9@x.com\r\n', 'latin1'), 'utf-8'],
      [Buffer.concat([u16, Buffer.from([0x3d])]), 'utf-16le'],
    ] as const) {
      const err = await rowsOf(bytes, enc).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(FileParseError);
      expect((err as FileParseError).reason).to.equal('InvalidEncoding');
    }
    expect(firstInvalidUtf8(Buffer.from('ab\xe9cd', 'latin1'))).to.equal(2);
    const d = decoderFor('utf-8');
    expect(d(Buffer.from([0x41, 0xc3]), false) + d(Buffer.from([0xa9]), false) + d(undefined, true)).to.equal('Aé');
  });

  it('an email with U+FFFD or a control character is invalid (imports and single writes alike)', () => {
    expect(isValidEmail('caf\ufffd@example.com')).to.equal(false);
    expect(isValidEmail('ren\u0001e@example.com')).to.equal(false);
    expect(isValidEmail('x\u0085y@example.com')).to.equal(false);
    expect(isValidEmail('café@example.com')).to.equal(true);
  });
});
