import { expect } from 'chai';
import { ChunkPacker, ImportChunk } from '../../src/domain/importChunk';
import { loadField, rowTextEncoder, sqlLiteral } from '../../src/db/repos/importWrite/rowText';
import { REPORT_KEYS } from '../../src/domain/importReport';
import { mapHeader, RowReader } from '../../src/domain/importFile';
import { ContactSql, LoadRejected } from '../../src/db/repos/importWrite/contactSql';
import { startApp, TestApp } from '../helpers/app';
import { testEngine, testStore } from '../helpers/db';
import { drainJobs } from '../helpers/imports';

const ZERO = Object.fromEntries(REPORT_KEYS.map((k) => [k, 0]));
const q = (v: string) => `"${v.replace(/"/g, '""')}"`;

// On MariaDB a chunk's new contacts are written from text the parser thread made: LOAD DATA lines where the server
// takes LOAD DATA LOCAL INFILE (IMPORT_LOAD_DATA on, the default), one INSERT of SQL tuples otherwise; on SQLite the
// same file goes through the bound statements. Every way must store exactly the file's text.
for (const importLoadData of [true, false]) {
  describe(`imports: text the parser's row values must carry exactly (IMPORT_LOAD_DATA ${importLoadData})`, () => {
    let app: TestApp;
    before(async () => {
      app = await startApp({ config: { importChunkRows: 2, importLoadData } });
    });
    after(() => app.close());

    const awkward = [
      `it's "quoted"`,
      'back\\slash \\\\ and \\n not a newline, \\N not NULL',
      'question ? marks ?? and :named',
      'Ärger 中文 🎉 with\ttab',
      "'; drop table contacts; --",
      'line\nbreak',
    ];

    it('imports quotes, backslashes, tabs, placeholders, non-ASCII and line breaks in emails, notes and data fields unchanged', async () => {
      const s = app.services;
      const login = await app.newAccount('Literals');
      await s.dataFields.create(login.accountId, { name: 'TXT', type: 'String' });
      const emails = [`o'brien@example.com`, 'what?if@example.com', 'a+b%c_d@example.com', 'plain@example.com', 'x{y}@example.com', 'z$@example.com'];
      const lines = emails.map((e, i) => `${q(e)},${q(awkward[i])},${q(awkward[(i + 1) % awkward.length])}`);
      const { id } = await s.imports.start(login.accountId, { fileName: 'l.csv', data: Buffer.from(`Email,TXT,Notes\n${lines.join('\n')}\n`), dialect: 'test' });
      await drainJobs(s);
      expect(await s.imports.report(login.accountId, id)).to.deep.equal({ ...ZERO, newContacts: emails.length });
      for (let i = 0; i < emails.length; i++) {
        const c = await s.contacts.getByEmail(login.accountId, emails[i]);
        expect(c.email).to.equal(emails[i]);
        expect(c.dataFields.TXT).to.equal(awkward[i]);
        expect(c.notes).to.equal(awkward[(i + 1) % awkward.length]);
        expect(c.optInType).to.equal('Unknown');
        expect(c.emailType).to.equal('Html');
      }
      // a second import of the same emails updates them (the existing-contact path) and keeps the text exact
      const again = await s.imports.start(login.accountId, {
        fileName: 'l2.csv',
        data: Buffer.from(`Email,TXT,OptInType\n${emails.map((e, i) => `${q(e.toUpperCase())},${q(awkward[(i + 2) % awkward.length])},Double`).join('\n')}\n`),
        dialect: 'test',
      });
      await drainJobs(s);
      expect(await s.imports.report(login.accountId, again.id)).to.deep.equal({ ...ZERO, updatedContacts: emails.length });
      for (let i = 0; i < emails.length; i++) {
        const c = await s.contacts.getByEmail(login.accountId, emails[i]);
        expect(c.email).to.equal(emails[i].toUpperCase());
        expect(c.dataFields.TXT).to.equal(awkward[(i + 2) % awkward.length]);
        expect(c.notes).to.equal(awkward[(i + 1) % awkward.length]);
        expect(c.optInType).to.equal('Double');
      }
    });

    it('mixes new, existing, suppressed and repeated emails in one chunk and counts each once', async () => {
      const s = app.services;
      const login = await app.newAccount('Mixed chunk');
      await s.contacts.create(login.accountId, { email: 'old@example.com' });
      await s.contacts.create(login.accountId, { email: 'gone@example.com' });
      await s.contacts.unsubscribe(login.accountId, { email: 'gone@example.com' });
      // chunks of 2: [new1, old] [gone, new1 again] [new2, OLD again]
      const file = 'Email\nnew1@example.com\nold@example.com\ngone@example.com\nNEW1@example.com\nnew2@example.com\nOLD@example.com\n';
      const { id } = await s.imports.start(login.accountId, { fileName: 'm.csv', data: Buffer.from(file), dialect: 'test' });
      await drainJobs(s);
      expect(await s.imports.report(login.accountId, id)).to.deep.equal({
        ...ZERO,
        newContacts: 2,
        updatedContacts: 1,
        unsubscribed: 1,
        duplicateEmails: 2,
      });
      expect((await s.contacts.getByEmail(login.accountId, 'gone@example.com')).status).to.not.equal('Subscribed');
      const faults = await s.imports.faultsCsv(login.accountId, id);
      expect(faults.toString('utf8')).to.match(/NEW1@example\.com/).and.to.match(/OLD@example\.com/).and.to.match(/gone@example\.com/);
    });
  });
}

describe('imports: the way MariaDB chunks are written', () => {
  let app: TestApp;
  before(async () => {
    app = await startApp({ config: { importChunkRows: 3 } });
  });
  after(() => app.close());

  it('uses LOAD DATA lines where the server takes them, SQL tuples when IMPORT_LOAD_DATA is off, bound new-first inserts on SQLite', async () => {
    const { store } = await testStore();
    const login = await app.newAccount('Row values');
    const { id } = await app.services.imports.start(login.accountId, { fileName: 'a.csv', data: Buffer.from('Email\na@example.com\n'), dialect: 'test' });
    const imp = (await store.repos.imports.get(id))!;
    await drainJobs(app.services);
    if (testEngine() === 'mysql') {
      // the test server runs with local_infile on (MariaDB's default)
      expect(await store.repos.importWrites.rowText(imp, true)).to.equal('load');
      expect(await store.repos.importWrites.rowText(imp, false)).to.equal('sql');
      expect(await store.repos.importWrites.bindsNewFirst(imp)).to.equal(false);
    } else {
      expect(await store.repos.importWrites.rowText(imp, true)).to.equal(undefined);
      // SQLite binds the rows as new contacts first (insertNew) and looks up only those that were not new
      expect(await store.repos.importWrites.bindsNewFirst(imp)).to.equal(true);
    }
  });

  it('writes a chunk whose LOAD DATA the server read otherwise again with bound statements, with exactly its rows', async () => {
    const s = app.services;
    const login = await app.newAccount('Load rejected');
    const loadNew = ContactSql.prototype.loadNew;
    let calls = 0;
    ContactSql.prototype.loadNew = async function (...args: Parameters<typeof loadNew>) {
      // the second chunk's load "fails" after its rows went in: the transaction must roll them back
      const out = await loadNew.apply(this, args);
      if (++calls === 2) throw new LoadRejected('Records: 3  Deleted: 0  Skipped: 0  Warnings: 1');
      return out;
    };
    try {
      const rows = Array.from({ length: 8 }, (_, i) => `r${i}@example.com`);
      const { id } = await s.imports.start(login.accountId, { fileName: 'r.csv', data: Buffer.from(`Email\n${rows.join('\n')}\nr1@example.com\n`), dialect: 'test' });
      await drainJobs(s);
      expect(await s.imports.report(login.accountId, id)).to.deep.equal({ ...ZERO, newContacts: 8, duplicateEmails: 1 });
      const page = await s.contacts.list(login.accountId, { select: 100, skip: 0 });
      expect(page.map((c) => c.email).sort()).to.deep.equal([...rows].sort());
    } finally {
      ContactSql.prototype.loadNew = loadNew;
    }
    // MariaDB: three chunks loaded (the rejected one again, bound); SQLite never loads
    expect(calls).to.equal(testEngine() === 'mysql' ? 3 : 0);
  });

  it('rejects a LOAD DATA whose lines the server does not read back as written (MariaDB), leaving nothing behind', async function () {
    const { store } = await testStore();
    const login = await app.newAccount('Load check');
    if (testEngine() !== 'mysql') {
      // SQLite has no LOAD DATA: the repository never offers it
      const { id } = await app.services.imports.start(login.accountId, { fileName: 'b.csv', data: Buffer.from('Email\nb@example.com\n'), dialect: 'test' });
      expect(await store.repos.importWrites.rowText((await store.repos.imports.get(id))!, true)).to.equal(undefined);
      return;
    }
    // one line lacks its data column: the server fills it in with a warning, and loadNew must not accept that
    const lines = Buffer.from('ok@example.com\tok@example.com\tUnknown\tHtml\tUnknown\t\\N\t{}\nshort@example.com\tshort@example.com\tUnknown\n');
    let err: unknown;
    try {
      await store.tx(async (r) => {
        await r.importWrites.sql.loadNew(login.accountId, lines, 2, Date.now(), 999);
      });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(LoadRejected);
    expect(await app.services.contacts.list(login.accountId, { select: 10, skip: 0 })).to.have.length(0);
  });

  it('gives the ids of the contacts a LOAD DATA created without reading the rows one by one, and ids by email only when some lines existed', async () => {
    const { store } = await testStore();
    const login = await app.newAccount('Load ids');
    const line = (e: string) => `${e}\t${e}\tUnknown\tHtml\tUnknown\t\\N\t{}\n`;
    const idsOf = async (emails: string[]) => {
      const all = await app.services.contacts.list(login.accountId, { select: 100, skip: 0 });
      return emails.map((e) => all.find((c) => c.email === e)!.id);
    };
    if (testEngine() !== 'mysql') {
      // SQLite has no LOAD DATA (insertNew is its way); the repository never offers it
      expect(await store.repos.importWrites.rowText({ accountId: login.accountId } as never, true)).to.equal(undefined);
      return;
    }
    const fresh = await store.tx((r) => r.importWrites.sql.loadNew(login.accountId, Buffer.from(['a', 'b', 'c'].map((x) => line(`${x}@example.com`)).join('')), 3, Date.now(), 71));
    expect(fresh.allNew && fresh.ids).to.deep.equal(await idsOf(['a@example.com', 'b@example.com', 'c@example.com']));
    // b exists: the ids come with their emails, and only the new contacts are among them
    const mixed = await store.tx((r) => r.importWrites.sql.loadNew(login.accountId, Buffer.from(['b', 'd'].map((x) => line(`${x}@example.com`)).join('')), 2, Date.now(), 72));
    const [d] = await idsOf(['d@example.com']);
    expect(!mixed.allNew && [...mixed.byKey]).to.deep.equal([['d@example.com', d]]);
  });
});

describe('imports: row text encodings', () => {
  it('writes a text with a backslash or NUL as a hex literal and doubles quotes otherwise', () => {
    expect(sqlLiteral(`it's`)).to.equal(`'it''s'`);
    expect(sqlLiteral('a?b')).to.equal(`'a?b'`);
    expect(sqlLiteral('a\\b')).to.equal(`_utf8mb4 X'615c62'`);
    expect(sqlLiteral('\u0000')).to.equal(`_utf8mb4 X'00'`);
    expect(sqlLiteral('Ä')).to.equal(`'Ä'`);
  });

  it('escapes backslash, tab, newline and NUL in a LOAD DATA field and leaves everything else as it is', () => {
    expect(loadField('plain@example.com')).to.equal('plain@example.com');
    expect(loadField('a\\b')).to.equal('a\\\\b');
    expect(loadField('\\N')).to.equal('\\\\N');
    expect(loadField('a\tb\nc\u0000d')).to.equal('a\\tb\\nc\\0d');
    expect(loadField(`it's "Ä"`)).to.equal(`it's "Ä"`);
  });

  it('packs one LOAD DATA line per valid row, with NULL notes, defaults and no line for rejected or repeated rows', () => {
    const fields = [{ id: 1, name: 'TXT', type: 'String' as const, visibility: 'Private' as const, defaultValue: null }];
    const h = mapHeader(['Email', 'TXT', 'Notes'], fields as never);
    const packer = new ChunkPacker(new RowReader(h, fields as never), rowTextEncoder('load'));
    packer.add(1, ['A@example.com', 'x\ty', '']);
    packer.add(2, ['not an email', 'v', '']);
    packer.add(3, ['a@example.com', 'again', '']);
    packer.add(4, ['b@example.com', '', 'a note']);
    const taken = packer.take();
    const text = Buffer.from(taken.text?.kind === 'load' ? taken.text.bytes : []).toString('utf8');
    const lines = text.split('\n');
    expect(lines.pop()).to.equal('');
    expect(lines).to.have.length(2);
    expect(lines[0].split('\t').slice(0, 6)).to.deep.equal(['A@example.com', 'a@example.com', 'Unknown', 'Html', 'Unknown', '\\N']);
    expect(lines[0]).to.include('"x\\\\ty"');
    expect(lines[1].split('\t')[5]).to.equal('a note');
    expect(taken.text?.kind === 'sql' ? taken.text.sql : undefined).to.equal(undefined);
    // the valid rows and the rejected ones are packed apart: rows 1 and 4 valid, 2 (invalid email) and 3 (repeat) not
    expect(taken.validRows).to.equal(2);
    const chunk = new ImportChunk(taken, 4);
    expect(chunk.rows).to.equal(4);
    const valid = chunk.valid();
    expect(Array.from({ length: valid.length }, (_, i) => String(valid.rowNo(i)))).to.deep.equal(['1', '4']);
    expect(Array.from({ length: chunk.rejected.length }, (_, i) => chunk.rejected.counter(i))).to.deep.equal(['invalidEntries', 'duplicateEmails']);
  });
});
