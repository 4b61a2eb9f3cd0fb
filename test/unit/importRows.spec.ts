import { expect } from 'chai';
import { FileParseError, lineBreakOf, MAX_CSV_ROW_CHARS, readRows } from '../../src/services/importRows';

/** All rows of CSV bytes, fed in pieces of `size` bytes. */
async function rowsOf(text: string | Buffer, size = 5): Promise<string[][]> {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const out: string[][] = [];
  for await (const batch of readRows('csv', async function* () {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  }))
    out.push(...batch);
  return out;
}

async function parseError(text: string): Promise<unknown> {
  try {
    await rowsOf(text);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('CSV rows of an import file (readRows)', () => {
  it('finds the record separator as the first line break outside a quoted field', () => {
    expect(lineBreakOf('Email,Notes\r\nx', false)).to.equal('\r\n');
    expect(lineBreakOf('Email,Notes\nx', false)).to.equal('\n');
    expect(lineBreakOf('Email,Notes\rx', false)).to.equal('\r');
    expect(lineBreakOf('"a\r\nb",c\nx', false)).to.equal('\n');
    expect(lineBreakOf('"a""\n",c\r\nx', false)).to.equal('\r\n');
    // a quote inside a field is text, not the start of a quoted field
    expect(lineBreakOf('a"b\nc"d', false)).to.equal('\n');
    // more may come: a CR at the end of the text, or no line break yet
    expect(lineBreakOf('Email\r', false)).to.equal(undefined);
    expect(lineBreakOf('Email', false)).to.equal(undefined);
    expect(lineBreakOf('Email\r', true)).to.equal('\r');
    expect(lineBreakOf('Email', true)).to.equal('\n');
  });

  it('reads quoted cells, BOM, CRLF, line breaks of the other kind inside quotes, and skips blank rows, in any pieces', async () => {
    const csv = '\ufeffEmail,Notes\r\n"a@example.com","x, ""y""\nz"\r\n\r\n , \r\nb@example.com,a"b\r\n,\r\nc@example.com,\r\n';
    for (const size of [1, 2, 3, 7, 1000]) {
      expect(await rowsOf(csv, size)).to.deep.equal([
        ['Email', 'Notes'],
        ['a@example.com', 'x, "y"\nz'],
        ['b@example.com', 'a"b'],
        ['c@example.com', ''],
      ]);
    }
  });

  it('keeps multi-byte characters split across pieces whole', async () => {
    expect(await rowsOf('Email,Notes\nä@example.com,Grüße 😀 東京\n', 1)).to.deep.equal([
      ['Email', 'Notes'],
      ['ä@example.com', 'Grüße 😀 東京'],
    ]);
  });

  it('a quoted field never closed, or text after a closing quote, is a FileParseError', async () => {
    expect(await parseError('Email\n"a@example.com\nb@example.com\n')).to.be.instanceOf(FileParseError);
    expect(await parseError('Email,N\n"a"x@example.com,1\nb@example.com,2\n')).to.be.instanceOf(FileParseError);
    // a closing quote at the end of a piece is not an error yet: the next piece decides
    expect(await rowsOf('Email,N\n"a@example.com" ,"q"\n', 21)).to.deep.equal([['Email', 'N'], ['a@example.com', 'q']]);
  });

  it('a row longer than MAX_CSV_ROW_CHARS is a FileParseError, not unbounded memory', async () => {
    const big = Buffer.alloc(MAX_CSV_ROW_CHARS + 10, 'x');
    const err = await (async () => {
      try {
        await rowsOf(Buffer.concat([Buffer.from('Email,Notes\na@example.com,"'), big]), 1 << 20);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).to.be.instanceOf(FileParseError);
  });
});
