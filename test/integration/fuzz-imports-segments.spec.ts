import { expect } from 'chai';
import fc from 'fast-check';
import { DomainError } from '../../src/domain/errors';
import { csvField } from '../../src/domain/importFile';
import { parseRules, ParsedRules } from '../../src/domain/segmentRules';
import { compileRules } from '../../src/db/segmentSql';
import { isUtf8 } from 'node:buffer';
import { decodeWindows1252, sniffEncoding, TextEncoding } from '../../src/domain/importEncoding';
import { FileParseError, readRows } from '../../src/services/importRows';
import { startApp, TestApp, TestLogin } from '../helpers/app';
import { drainJobs } from '../helpers/imports';

// Property-based fuzzing (fast-check, FIXED seed, bounded runs; the file runs in a few seconds on either engine) of
//  - the CSV import path: random cells with quotes, commas, CR/LF, BOMs and invalid UTF-8, read by the row reader and
//    imported end to end: never a crash, and every data row is either imported or in the faults;
//  - the segment rule validator: random JSON trees give a parsed rule or a DomainError, never another exception, and
//    valid rules compile to SQL that runs on the real test database.

const SEED = 20261126;
const opts = (numRuns: number) => ({ seed: SEED, numRuns, endOnFailure: true });

/** Cell text rich in CSV syntax and encoding trouble. */
const cell = fc.oneof(
  fc.constantFrom('', ' ', '"', '""', ',', '\r', '\n', '\r\n', '\ufeff', 'a"b', '"quoted"', 'x,y', 'line1\nline2', '\u2028', '=1+1', 'Ä', '\u0085'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: fc.constantFrom('"', ',', '\r', '\n', 'a', ' ', '\ufeff'), maxLength: 10 }),
);
/** Emails: a few valid ones (so duplicates happen), junk, and hostile ones. */
const email = fc.oneof(
  fc.constantFrom('a@example.com', 'B@Example.com', 'c@example.com', ' d@example.com ', 'e"@example.com', 'f,g@example.com', '', 'no-at', '\ufeffh@example.com'),
  fc.integer({ min: 0, max: 40 }).map((n) => `u${n}@example.com`),
  cell,
);
/** Raw bytes that are not valid UTF-8. */
const badUtf8 = fc.constantFrom(Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xe2, 0x82]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]));

/** A CSV file from rows, with a BOM or not, CRLF or LF, invalid UTF-8 spliced into some quoted cells. */
const csvFile = fc
  .record({
    rows: fc.array(fc.tuple(email, fc.array(cell, { minLength: 0, maxLength: 4 })), { minLength: 0, maxLength: 12 }),
    bom: fc.boolean(),
    eol: fc.constantFrom('\r\n', '\n'),
    finalEol: fc.boolean(),
    bad: fc.array(fc.tuple(fc.nat(), badUtf8), { maxLength: 3 }),
  })
  .map(({ rows, bom, eol, finalEol, bad }) => {
    const lines: Buffer[] = [Buffer.from(['Email', 'TXT', 'NUM', 'Notes', 'Other'].join(','))];
    const cellsOf: string[][] = [];
    rows.forEach(([e, rest], i) => {
      const cells = [e, ...rest];
      cellsOf.push(cells);
      const parts = cells.map((c) => Buffer.from(csvField(c)));
      // invalid UTF-8 goes inside a quoted cell, so the row structure stays what the generator meant
      for (const [at, bytes] of bad) if (at % Math.max(1, rows.length) === i) parts.push(Buffer.concat([Buffer.from('"x'), bytes, Buffer.from('"')]));
      lines.push(Buffer.concat(parts.flatMap((p, k) => (k ? [Buffer.from(','), p] : [p]))));
    });
    const sep = Buffer.from(eol);
    const body = Buffer.concat(lines.flatMap((l, k) => (k ? [sep, l] : [l])).concat(finalEol ? [sep] : []));
    // A data row is one with at least one non-blank cell (blank lines and rows of blank cells are skipped, as documented).
    // A file with invalid UTF-8 and no BOM is read as Windows-1252 throughout, where U+FEFF (a blank in JS) is "ï»¿".
    const as1252 = !bom && bad.length > 0 && rows.length > 0;
    const blank = (c: string) => (as1252 ? decodeWindows1252(Buffer.from(c, 'utf8')) : c).trim() === '';
    const dataRows = rows.filter((_, i) => cellsOf[i].some((c) => !blank(c)) || bad.some(([at]) => at % Math.max(1, rows.length) === i)).length;
    return { bytes: bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body, dataRows };
  });

/** The encoding the upload chooses (docs/imports.md): the BOM, else UTF-8 when every byte is valid UTF-8, else Windows-1252. */
function encodingOf(bytes: Buffer): TextEncoding {
  const s = sniffEncoding(bytes);
  if ('unsupported' in s) throw new Error('not generated');
  return s.encoding ?? (isUtf8(bytes) ? 'utf-8' : 'windows-1252');
}

/** A BOM-less file decodes whatever its bytes; one with a UTF-8 BOM must be valid UTF-8 throughout. */
const readable = (bytes: Buffer) => isUtf8(bytes) || encodingOf(bytes) !== 'utf-8';

async function readAll(bytes: Buffer): Promise<string[][]> {
  const out: string[][] = [];
  for await (const r of readRows(
    'csv',
    async function* () {
      // in uneven pieces, so multi-byte characters and quotes straddle chunk borders
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    },
    encodingOf(bytes),
  ))
    out.push(...r);
  return out;
}

describe('fuzz: CSV import path and segment rule validator (fast-check, fixed seed)', function () {
  this.timeout(60_000);
  let app: TestApp;
  let login: TestLogin;

  before(async () => {
    app = await startApp({ config: { importChunkRows: 4, importMaxActive: 1000 } });
    login = await app.newAccount('fuzz');
    await app.services.dataFields.create(login.accountId, { name: 'TXT', type: 'String' });
    await app.services.dataFields.create(login.accountId, { name: 'NUM', type: 'Numeric' });
    await app.services.dataFields.create(login.accountId, { name: 'DAY', type: 'Date' });
    await app.services.dataFields.create(login.accountId, { name: 'YES', type: 'Boolean' });
  });
  after(() => app.close());

  it('the row reader: well-formed random CSV reads back exactly the rows written; random bytes read or give FileParseError', async () => {
    await fc.assert(
      fc.asyncProperty(csvFile, async ({ bytes, dataRows }) => {
        if (!readable(bytes)) {
          const err = await readAll(bytes).catch((e: unknown) => e);
          expect((err as FileParseError).reason).to.equal('InvalidEncoding');
          return;
        }
        const rows = await readAll(bytes);
        expect(rows.length - 1).to.equal(dataRows);
        expect(rows[0]).to.deep.equal(['Email', 'TXT', 'NUM', 'Notes', 'Other']);
      }),
      opts(400),
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (raw) => {
        try {
          if (!('unsupported' in sniffEncoding(Buffer.from(raw)))) await readAll(Buffer.from(raw));
        } catch (e) {
          if (!(e instanceof FileParseError)) throw e;
        }
      }),
      opts(400),
    );
  });

  it('imports end to end: never a crash, and every data row is imported or in the faults', async () => {
    const s = app.services;
    await fc.assert(
      fc.asyncProperty(csvFile, async ({ bytes, dataRows }) => {
        const { id } = await s.imports.start(login.accountId, { data: bytes, fileName: 'fuzz.csv', dialect: 'rest' });
        await drainJobs(s);
        const st = await s.imports.status(login.accountId, id);
        if (!readable(bytes)) {
          // a UTF-8 BOM followed by bytes that are not UTF-8: refused as a whole, with the reason
          expect(st.status).to.equal('InvalidFileFormat');
          expect((await s.imports.progress(login.accountId, id)).reason).to.match(/^InvalidEncoding: the file is not valid UTF-8/);
          return;
        }
        expect(st.status).to.equal('Finished');
        const rep = await s.imports.report(login.accountId, id);
        const rowFaults = await s.store.knex('import_faults').where({ import_id: id }).andWhere('row_no', '>', 0).count({ n: '*' });
        const imported = rep.newContacts + rep.updatedContacts + rep.pendingDoubleOptin;
        expect(imported + Number(rowFaults[0].n), JSON.stringify(rep)).to.equal(dataRows);
        // the faults CSV is always producible and has one line per fault (+ header)
        const faults = (await s.imports.faultsCsv(login.accountId, id)).toString('utf8');
        expect(faults.startsWith('\ufeffReason,Email')).to.equal(true);
      }),
      opts(60),
    );
    // Random bytes end to end: Finished or InvalidFileFormat, never Failed or a thrown error.
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.constantFrom('CSV', 'XLSX', undefined), async (raw, dataType) => {
        const { id } = await s.imports.start(login.accountId, { data: Buffer.concat([Buffer.from('Email\n'), raw]), fileName: 'f.csv', dataType, dialect: 'v2' });
        await drainJobs(s);
        expect((await s.imports.status(login.accountId, id)).status).to.be.oneOf(['Finished', 'InvalidFileFormat']);
      }),
      opts(40),
    );
  });

  it('rule validator: random JSON trees give a parsed rule or a DomainError; valid rules compile to SQL that runs', async () => {
    const fields = [
      { name: 'TXT', type: 'String' as const },
      { name: 'NUM', type: 'Numeric' as const },
      { name: 'DAY', type: 'Date' as const },
      { name: 'YES', type: 'Boolean' as const },
    ];
    const hostile = fc.constantFrom(`'; DROP TABLE contacts; --`, '%', '_', '\\', '!', '$."x"', 'a"b', '[0]', '.', '$', '__proto__', 'constructor', '1 OR 1=1', '', ' ');
    const scalar = fc.oneof(
      hostile,
      fc.string({ maxLength: 20 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom('2024-02-29', '2024-13-01', '2020-01-01T00:00:00Z', '10', '-1', '1e400', 'NaN'),
    );
    const op = fc.oneof(
      fc.constantFrom('equals', 'notEquals', 'contains', 'startsWith', 'endsWith', 'isEmpty', 'isNotEmpty', '=', '!=', '<', '<=', '>', '>=', 'between'),
      fc.constantFrom('before', 'after', 'on', 'withinLastDays', 'moreThanDaysAgo', 'isTrue', 'isFalse', 'domainIs', 'in', 'notIn'),
      fc.constantFrom('sent', 'opened', 'clicked', 'notOpened', 'notClicked', 'pageViewed', 'replied', 'EQUALS', ' contains ', 'like', '; DROP'),
      fc.string({ maxLength: 8 }),
    );
    const cond = fc.oneof(
      fc.record({ dataField: fc.oneof(fc.constantFrom('TXT', 'num', 'Day', 'YES', 'txt '), hostile), op, value: scalar }, { requiredKeys: ['dataField', 'op'] }),
      fc.record({ dataField: fc.constant('NUM'), op: fc.constant('between'), values: fc.array(scalar, { maxLength: 3 }) }),
      fc.record({ contact: fc.oneof(fc.constantFrom('email', 'optInType', 'emailType', 'status'), hostile), op, value: fc.oneof(scalar, fc.constantFrom('Single', 'Html', 'Subscribed', 'example.com')) }),
      fc.record({ addressBook: fc.oneof(fc.integer({ min: -2, max: 5 }), hostile), op }),
      fc.record({ campaign: fc.oneof(fc.constant('any'), fc.integer({ min: -2, max: 5 }), hostile), op, withinDays: fc.oneof(fc.constant(undefined), scalar) }, { requiredKeys: ['campaign', 'op'] }),
    );
    // Well-typed conditions with hostile values, so that many trees pass validation and reach the compiler.
    const text = fc.oneof(hostile.filter((h) => h.trim() !== ''), fc.string({ minLength: 1, maxLength: 20 }));
    const good = fc.oneof(
      fc.record({ dataField: fc.constant('TXT'), op: fc.constantFrom('equals', 'notEquals', 'contains', 'startsWith', 'endsWith', 'isEmpty', 'isNotEmpty'), value: text }),
      fc.record({ dataField: fc.constant('num'), op: fc.constantFrom('=', '!=', '<', '<=', '>', '>='), value: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })) }),
      fc.record({ dataField: fc.constant('NUM'), op: fc.constant('between'), values: fc.tuple(fc.integer({ max: 0 }), fc.integer({ min: 0 })) }),
      fc.record({ dataField: fc.constant('DAY'), op: fc.constantFrom('before', 'after', 'on'), value: fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()) }),
      fc.record({ dataField: fc.constant('DAY'), op: fc.constantFrom('withinLastDays', 'moreThanDaysAgo'), value: fc.integer({ min: 0, max: 36500 }) }),
      fc.record({ dataField: fc.constant('YES'), op: fc.constantFrom('isTrue', 'isFalse') }),
      fc.record({ contact: fc.constant('email'), op: fc.constantFrom('domainIs', 'contains', 'equals'), value: text }),
      fc.record({ contact: fc.constant('status'), op: fc.constantFrom('equals', 'notEquals'), value: fc.constantFrom('Subscribed', 'Unsubscribed', 'softbounced') }),
      fc.record({ addressBook: fc.integer({ min: 1, max: 2 ** 31 }), op: fc.constantFrom('in', 'notIn') }),
      fc.record({ campaign: fc.oneof(fc.constant('any'), fc.integer({ min: 1, max: 99 })), op: fc.constantFrom('sent', 'opened', 'clicked', 'notOpened', 'notClicked', 'pageViewed', 'replied'), withinDays: fc.integer({ min: 0, max: 36500 }) }),
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, good, good, cond, tie('group'), fc.jsonValue({ maxDepth: 3 })),
      group: fc.oneof(
        fc.record({ all: fc.array(tie('tree'), { maxLength: 4 }) }),
        fc.record({ any: fc.array(tie('tree'), { maxLength: 4 }) }),
        fc.record({ all: tie('tree'), any: tie('tree') }, { requiredKeys: [] }),
      ),
    }));
    const root = fc.oneof(tie2(tree), fc.jsonValue({ maxDepth: 4 }), fc.anything({ maxDepth: 3 }));

    const valid: ParsedRules[] = [];
    let refused = 0;
    fc.assert(
      fc.property(root, (raw) => {
        let parsed: ParsedRules | undefined;
        try {
          parsed = parseRules(raw, fields);
        } catch (e) {
          if (!(e instanceof DomainError)) throw new Error(`escaped ${(e as Error)?.constructor?.name}: ${(e as Error)?.message} for ${JSON.stringify(raw)}`);
          expect(e.message).to.match(/ ERROR_(SEGMENT_INVALID|DATAFIELD_NOTFOUND|ADDRESSBOOK_NOT_FOUND)$/);
          refused++;
          return;
        }
        valid.push(parsed);
      }),
      opts(3000),
    );
    expect(valid.length, 'the generator must produce valid rules too').to.be.greaterThan(100);
    expect(refused).to.be.greaterThan(100);

    // Seed the account with contacts whose data has every type, then run every compiled predicate on the engine.
    const s = app.services;
    for (const [i, data] of [{ TXT: '100%', NUM: 5, DAY: '2020-01-01', YES: true }, { TXT: "it's_", NUM: -1 }, {}].entries()) {
      await s.contacts.create(login.accountId, { email: `rule${i}@example.com`, dataFields: data });
    }
    const total = Number((await s.store.knex('contacts').where({ account_id: login.accountId }).count({ n: '*' }))[0].n);
    const sample = valid.filter((_, i) => i % Math.max(1, Math.floor(valid.length / 150)) === 0);
    for (const p of sample) {
      const pred = compileRules(s.store.dialect, p.root, login.accountId, Date.UTC(2026, 0, 1));
      const rows = await s.store.knex.raw(
        `SELECT COUNT(*) AS n FROM contacts c WHERE c.account_id = ? AND (${pred.sql})`,
        [login.accountId, ...pred.bindings],
      );
      const n = Number(s.store.dialect === 'sqlite' ? rows[0].n : rows[0][0].n);
      expect(n).to.be.within(0, total);
    }
    expect(sample.length).to.be.greaterThan(100);
  });
});

/** Wraps the rule-tree arbitrary so that roots are mostly groups (the validator's entry point). */
function tie2<T>(tree: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(fc.record({ all: fc.array(tree, { maxLength: 5 }) }), fc.record({ any: fc.array(tree, { maxLength: 5 }) }), tree);
}
