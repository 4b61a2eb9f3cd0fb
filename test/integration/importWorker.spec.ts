import { expect } from 'chai';
import { REPORT_KEYS } from '../../src/domain/importReport';
import { parseInWorker } from '../../src/services/importParse';
import { FileParseError } from '../../src/services/importRows';
import { startApp, TestApp } from '../helpers/app';
import { drainJobs } from '../helpers/imports';
import { inlineCell, SHEET_HEAD, SHEET_TAIL, SST_HEAD, SST_TAIL, xlsx } from '../helpers/xlsxFiles';

const ZERO = Object.fromEntries(REPORT_KEYS.map((k) => [k, 0]));

describe('imports: rows parsed and checked on the parser thread', () => {
  let app: TestApp;
  before(async () => {
    app = await startApp({ config: { importChunkRows: 3 } });
  });
  after(() => app.close());

  const count = async (accountId: number) => Number((await app.services.store.knex('contacts').where({ account_id: accountId }).count({ n: '*' }))[0].n);

  it('a CSV the parser thread cannot read ends InvalidFileFormat (IMPORT_UNSUPPORTED_FORMAT) and writes none of its rows', async () => {
    const s = app.services;
    const login = await app.newAccount('Unreadable');
    // an opening quote never closed: the CSV parser fails at the end of the file, after the first rows parsed fine
    const csv = 'Email,FirstName\nq1@example.com,A\nq2@example.com,B\n"q3@example.com,C\n';
    const { id } = await s.imports.start(login.accountId, { fileName: 'q.csv', data: Buffer.from(csv), dialect: 'test' });
    expect(await drainJobs(s)).to.equal(1);
    const row = await s.store.knex('imports').where({ id }).first();
    expect(row.status).to.equal('InvalidFileFormat');
    expect(row.error_code).to.equal('IMPORT_UNSUPPORTED_FORMAT');
    const faults = await s.store.knex('import_faults').where({ import_id: id }).select('reason');
    expect(faults.map((f) => f.reason)).to.deep.equal(['UnreadableFile']);
    expect(await count(login.accountId)).to.equal(0);
    expect(Number((await s.store.knex('import_blobs').where({ import_id: id }).count({ n: '*' }))[0].n)).to.equal(0);
  });

  it('stores faults of every kind in file order with their row numbers and cells, whichever thread found them', async () => {
    const s = app.services;
    const login = await app.newAccount('Fault order');
    await s.dataFields.create(login.accountId, { name: 'AGE', type: 'Numeric' });
    const book = await s.addressBooks.create(login.accountId, { name: 'Order book' });
    const sup = await s.contacts.create(login.accountId, { email: 'sup@example.com' });
    await s.store.knex('contacts').where({ id: sup.id }).update({ status: 'HardBounced' });
    const bu = await s.addressBooks.addContact(login.accountId, book.id, { email: 'bu@example.com' });
    await s.store.knex('address_book_contacts').where({ address_book_id: book.id, contact_id: bu.id }).update({ status: 'Unsubscribed' });
    const rows = [
      'ok1@example.com,1', // 1 new
      'bad-email,2', // 2 InvalidEmail (parser thread)
      'sup@example.com,3', // 3 HardBounced (SQL thread)
      'OK1@example.com,4', // 4 DuplicateEmail of an earlier chunk (SQL thread)
      'ok2@example.com,notanumber', // 5 InvalidValue: AGE (parser thread); its email is not taken
      'ok2@example.com,6', // 6 new
      'bu@example.com,7', // 7 UnsubscribedFromAddressBook (SQL thread)
      'ok3@example.com,8', // 8 new
      'ok3@example.com,9,"=9,x"', // 9 DuplicateEmail in the same chunk (parser thread), a quoted cell
      'sup@example.com,10', // 10 DuplicateEmail: the suppressed row 3 took the email first
    ];
    const { id } = await s.imports.start(login.accountId, {
      fileName: 'o.csv',
      data: Buffer.from(`Email,Age,Shoe\n${rows.join('\n')}\n`),
      dialect: 'test',
      addressBookId: book.id,
    });
    await drainJobs(s);
    expect(await s.imports.report(login.accountId, id)).to.deep.equal({
      ...ZERO,
      newContacts: 3,
      invalidEntries: 1,
      failures: 1,
      hardBounced: 1,
      unsubscribed: 1,
      duplicateEmails: 3,
    });
    const faults = await s.store.knex('import_faults').where({ import_id: id }).orderBy('id').select('row_no', 'reason', 'email', 'data');
    expect(faults.map((f) => [Number(f.row_no), f.reason, f.email])).to.deep.equal([
      [0, 'UnknownColumn: Shoe', ''],
      [2, 'InvalidEmail', 'bad-email'],
      [3, 'HardBounced', 'sup@example.com'],
      [4, 'DuplicateEmail', 'OK1@example.com'],
      [5, 'InvalidValue: AGE', 'ok2@example.com'],
      [7, 'UnsubscribedFromAddressBook', 'bu@example.com'],
      [9, 'DuplicateEmail', 'ok3@example.com'],
      [10, 'DuplicateEmail', 'sup@example.com'],
    ]);
    expect(JSON.parse(faults[6].data)).to.deep.equal(['ok3@example.com', '9', '=9,x']);
    const csv = (await s.imports.faultsCsv(login.accountId, id)).toString('utf8');
    expect(csv).to.include(`DuplicateEmail,ok3@example.com,9,"'=9,x"\r\n`);
    expect((await s.addressBooks.get(login.accountId, book.id)).contacts).to.equal(3);
  });

  it('carries non-ASCII text (umlauts, CJK, emoji, line breaks in quotes) through the parser thread unchanged', async () => {
    const s = app.services;
    const login = await app.newAccount('Unicode');
    const notes = 'Grüße 😀\n東京, "quoted"';
    const csv = `Email,FirstName,Notes\nü1@example.com,Ärger 😀,"${notes.replace(/"/g, '""')}"\nbad 😀,東京,x\n`;
    const { id } = await s.imports.start(login.accountId, { fileName: 'u.csv', data: Buffer.from(csv), dialect: 'test' });
    await drainJobs(s);
    expect(await s.imports.report(login.accountId, id)).to.deep.equal({ ...ZERO, newContacts: 1, invalidEntries: 1 });
    const c = await s.store.knex('contacts').where({ account_id: login.accountId }).first();
    expect(c.email).to.equal('ü1@example.com');
    expect(c.notes).to.equal(notes);
    expect(JSON.parse(c.data).FIRSTNAME).to.equal('Ärger 😀');
    const fault = await s.store.knex('import_faults').where({ import_id: id }).first();
    expect([fault.reason, fault.email, JSON.parse(fault.data)]).to.deep.equal(['InvalidEmail', 'bad 😀', ['bad 😀', '東京', 'x']]);
  });

  it('reads a multi-piece xlsx on the parser thread (zip directory at the end, pieces out of order), and resumes it', async () => {
    const s = app.services;
    const login = await app.newAccount('Big xlsx');
    await s.dataFields.create(login.accountId, { name: 'N', type: 'Numeric' });
    // parts stored unpacked so the sheet spans several stored 256 KB pieces, read while the row loop waits for credits;
    // the sharedStrings part comes after the sheet and is read first
    const rows: string[] = [`<row>${inlineCell('Email')}${inlineCell('FirstName')}${inlineCell('N')}${inlineCell('Filler')}</row>`];
    for (let i = 0; i < 1_200; i++) rows.push(`<row><c t="inlineStr"><is><t>x${i}@example.com</t></is></c><c t="s"><v>${i}</v></c><c><v>${i}</v></c>${inlineCell('f'.repeat(900))}</row>`);
    const strings = Array.from({ length: 1_200 }, (_, i) => `<si><t>Name ${i}</t></si>`).join('');
    const stored = (name: string, text: string) => ({ name, data: Buffer.from(text), size: Buffer.byteLength(text), stored: true });
    const file = xlsx(stored('sheet', `${SHEET_HEAD}${rows.join('')}${SHEET_TAIL}`), stored('sst', `${SST_HEAD}${strings}${SST_TAIL}`));
    expect(file.length).to.be.above(4 * 256 * 1024);
    const { id } = await s.imports.start(login.accountId, { fileName: 'big.xlsx', data: file, dialect: 'test' });
    let beats = 0;
    expect(await s.imports.runJob(id, { heartbeat: async () => ++beats <= 150 })).to.equal('released');
    expect((await s.imports.progress(login.accountId, id)).rowsDone).to.be.within(1, 1_199);
    expect(await s.imports.runJob(id, { heartbeat: async () => true })).to.equal('done');
    expect(await s.imports.report(login.accountId, id)).to.deep.equal({ ...ZERO, newContacts: 1_200 });
    expect(await count(login.accountId)).to.equal(1_200);
    expect((await s.contacts.getByEmail(login.accountId, 'x1199@example.com')).dataFields).to.deep.include({ FIRSTNAME: 'Name 1199', N: 1199 });
  });

  it('a resumed run stopped while it skips the committed rows commits nothing; the next run finishes with exactly the file', async () => {
    const s = app.services;
    const login = await app.newAccount('Stopped skipping');
    const lines = ['Email,FirstName'];
    for (let i = 1; i <= 200; i++) lines.push(i % 20 === 0 ? `sk-${i - 11}@example.com,Dup` : `sk-${i}@example.com,N${i}`);
    const { id } = await s.imports.start(login.accountId, { fileName: 'sk.csv', data: Buffer.from(lines.join('\n')), dialect: 'test' });
    let beats = 0;
    expect(await s.imports.runJob(id, { heartbeat: async () => ++beats <= 30 })).to.equal('released');
    expect((await s.imports.progress(login.accountId, id)).rowsDone).to.equal(90);
    // with 3-row chunks the resumed run renews its lease after 75 skipped rows, before it commits anything
    expect(await s.imports.runJob(id, { heartbeat: async () => false })).to.equal('released');
    expect((await s.imports.progress(login.accountId, id)).rowsDone).to.equal(90);
    expect(await s.imports.runJob(id, { heartbeat: async () => true })).to.equal('done');
    expect(await s.imports.report(login.accountId, id)).to.deep.equal({ ...ZERO, newContacts: 190, duplicateEmails: 10 });
    expect(await count(login.accountId)).to.equal(190);
    const faults = await s.store.knex('import_faults').where({ import_id: id }).orderBy('id').select('row_no');
    expect(faults.map((f) => Number(f.row_no))).to.deep.equal([20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
    await drainJobs(s);
  });

  it('the parser thread reports a file it cannot read as FileParseError and a failed piece read as an error, and stops', async () => {
    const job = { format: 'csv' as const, fields: [], skipRows: 0, chunkRows: 2 };
    const events: string[] = [];
    let err: unknown;
    try {
      for await (const ev of parseInWorker(job, async (seq) => (seq === 0 ? Buffer.from('Email\na@example.com\n"b@example.com\n') : undefined))) events.push(ev.type);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(FileParseError);
    expect(events).to.deep.equal(['header']);
    err = undefined;
    try {
      for await (const ev of parseInWorker(job, async (seq) => {
        if (seq > 0) throw new Error('piece unreadable');
        return Buffer.from('Email\na@example.com\nb@example.com\nc@example.com\n');
      })) events.push(ev.type);
    } catch (e) {
      err = e;
    }
    expect(String(err)).to.match(/piece unreadable/);
  });
});

describe('imports: a run whose parser thread fails midway', () => {
  let app: TestApp;
  before(async () => {
    app = await startApp({ config: { importChunkRows: 1000 } });
  });
  after(() => app.close());

  it('commits only whole chunks, and the retry finishes with exactly the rows of the file', async () => {
    const s = app.services;
    const login = await app.newAccount('Broken piece');
    const lines = ['Email,FirstName'];
    for (let i = 1; i <= 16000; i++) lines.push(`piece-${i}@example.com,Name number ${i}`);
    const data = Buffer.from(lines.join('\n'));
    expect(data.length).to.be.greaterThan(2 * 256 * 1024);
    const { id } = await s.imports.start(login.accountId, { fileName: 'p.csv', data, dialect: 'test' });
    const repo = s.store.repos.imports;
    const blob = repo.blob;
    repo.blob = async (importId: string, seq: number) => {
      if (seq === 2) throw new Error('piece 2 unreadable');
      return blob.call(repo, importId, seq);
    };
    let err: unknown;
    try {
      await s.imports.runJob(id, { heartbeat: async () => true });
    } catch (e) {
      err = e;
    } finally {
      repo.blob = blob;
    }
    expect(String(err)).to.match(/piece 2 unreadable/);
    const mid = await s.imports.progress(login.accountId, id);
    expect(mid.status).to.equal('NotFinished');
    expect(mid.rowsDone % 1000).to.equal(0);
    expect(mid.rowsDone).to.be.lessThan(16000);
    const written = Number((await s.store.knex('contacts').where({ account_id: login.accountId }).count({ n: '*' }))[0].n);
    expect(written).to.equal(mid.rowsDone);
    expect(await s.imports.runJob(id, { heartbeat: async () => true })).to.equal('done');
    expect(await s.imports.report(login.accountId, id)).to.deep.equal({ ...ZERO, newContacts: 16000 });
    await drainJobs(s);
  });

  it('an import whose job gave up ends Failed with an InternalError reason (the failure was not the file)', async () => {
    const s = app.services;
    const login = await app.newAccount('Gave up');
    const { id } = await s.imports.start(login.accountId, { fileName: 'g.csv', data: Buffer.from('Email\ng@example.com\n'), dialect: 'test' });
    await s.imports.markFailed(id, 5);
    const p = await s.imports.progress(login.accountId, id);
    expect([p.status, p.reason]).to.deep.equal(['Failed', 'InternalError: the import stopped on an internal error 5 times; the gateway log has the details']);
    const err = await s.imports.report(login.accountId, id).catch((e: Error) => e);
    expect(String((err as Error).message)).to.match(/^Import is not processed yet or completed with error\. It ended Failed \(InternalError: /);
    await drainJobs(s);
  });
});
