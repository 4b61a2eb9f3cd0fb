import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { REPORT_KEYS } from '../../../src/domain/importReport';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { drainJobs, multipart } from '../../helpers/imports';
import { RestClient, Reply } from '../../helpers/rest';

const ZERO = Object.fromEntries(REPORT_KEYS.map((k) => [k, 0]));

describe('REST v2: contact imports', () => {
  let app: TestApp;
  let login: TestLogin;
  let api: RestClient;
  before(async () => {
    app = await startApp({ config: { importChunkRows: 4 } });
    login = await app.newAccount('Importer');
    api = new RestClient(app.baseUrl, login);
    await api.post('/v2/data-fields', { name: 'AGE', type: 'Numeric' });
    await api.post('/v2/data-fields', { name: 'VIP', type: 'Boolean', defaultValue: false });
  });
  after(() => app.close());

  const uploadCsv = (client: RestClient, path: string, csv: string | Buffer, field = 'file', filename = 'Contacts.csv'): Promise<Reply> => {
    const m = multipart([{ name: field, filename, type: 'text/csv', content: csv }]);
    return client.call('POST', path, m.body, { 'Content-Type': m.contentType });
  };
  const finish = async (client: RestClient, id: string) => {
    await drainJobs(app.services);
    const st = await client.get(`/v2/contacts/import/${id}`);
    expect(st.status, st.text).to.equal(200);
    return st.body.status as string;
  };
  const report = async (client: RestClient, id: string) => {
    const r = await client.get(`/v2/contacts/import/${id}/report`);
    expect(r.status, r.text).to.equal(200);
    return r.body;
  };
  const contact = (email: string) => app.services.contacts.getByEmail(login.accountId, email);

  it('imports a multipart CSV into an address book: 202 NotFinished, report 404 until done, then Finished with 14 counters', async () => {
    const book = (await api.post('/v2/address-books', { name: 'Imported', visibility: 'Private' })).body;
    const csv = 'Email,FirstName,FullName,Gender,LastName,Postcode\njohn.smith@example.com,John,John Smith,M,Smith,CR0 0XT\n';
    const r = await uploadCsv(api, `/v2/address-books/${book.id}/contacts/import`, csv, 'Contacts');
    expect(r.status, r.text).to.equal(202);
    expect(Object.keys(r.body)).to.deep.equal(['id', 'status']);
    expect(r.body.status).to.equal('NotFinished');
    expect(r.body.id).to.match(/^[0-9a-f-]{36}$/);
    const early = await api.get(`/v2/contacts/import/${r.body.id}/report`);
    expect(early.status).to.equal(404);
    expect(early.body.message).to.equal('Import is not processed yet or completed with error. ERROR_IMPORT_REPORT_NOT_FOUND');
    const earlyFaults = await api.get(`/v2/contacts/import/${r.body.id}/report-faults`);
    expect(earlyFaults.status).to.equal(404);
    expect(earlyFaults.body.message).to.match(/ERROR_IMPORT_REPORT_NOT_FOUND$/);
    const progress = await app.services.imports.progress(login.accountId, r.body.id);
    expect(progress).to.include({ status: 'NotFinished', rowsDone: 0, totalRows: 1 });
    expect(await finish(api, r.body.id)).to.equal('Finished');
    const rep = await report(api, r.body.id);
    expect(Object.keys(rep)).to.deep.equal([...REPORT_KEYS]);
    expect(rep).to.deep.equal({ ...ZERO, newContacts: 1 });
    const c = await contact('john.smith@example.com');
    expect(c.dataFields).to.deep.equal({ FIRSTNAME: 'John', FULLNAME: 'John Smith', GENDER: 'M', LASTNAME: 'Smith', POSTCODE: 'CR0 0XT', VIP: false });
    const members = await api.get(`/v2/address-books/${book.id}/contacts`);
    expect(members.body.map((m: { email: string }) => m.email)).to.deep.equal(['john.smith@example.com']);
  });

  it('imports a JSON base64 upload (PascalCase or camelCase) into All contacts only, joining no book', async () => {
    const data = Buffer.from('Email\nnobook-1@example.com\nnobook-2@example.com\n').toString('base64');
    const r = await api.post('/v2/contacts/import', { FileName: 'list.csv', Data: data });
    expect(r.status, r.text).to.equal(202);
    const r2 = await api.post('/v2/contacts/import', { fileName: 'list2.csv', data: Buffer.from('email\nnobook-3@example.com\n').toString('base64') });
    expect(r2.status, r2.text).to.equal(202);
    expect(await finish(api, r.body.id)).to.equal('Finished');
    expect((await report(api, r.body.id)).newContacts).to.equal(2);
    expect((await report(api, r2.body.id)).newContacts).to.equal(1);
    const c = await contact('nobook-1@example.com');
    const books = await api.get(`/v2/contacts/${c.id}/address-books`);
    expect(books.body).to.deep.equal([]);
  });

  it('accepts any multipart field name (file, Contacts, csv) and refuses a second file part', async () => {
    for (const [i, field] of ['csv', 'upload_x'].entries()) {
      const r = await uploadCsv(api, '/v2/contacts/import', `Email\nfield-${i}@example.com\n`, field, `dotmailer-contacts${i}.csv`);
      expect(r.status, r.text).to.equal(202);
      expect(await finish(api, r.body.id)).to.equal('Finished');
    }
    const m = multipart([
      { name: 'a', filename: 'a.csv', content: 'Email\na@example.com\n' },
      { name: 'b', filename: 'b.csv', content: 'Email\nb@example.com\n' },
    ]);
    const r = await api.call('POST', '/v2/contacts/import', m.body, { 'Content-Type': m.contentType });
    expect(r.status).to.equal(400);
    expect(r.body.message).to.match(/ ERROR_MULTI_FILE_UPLOAD_NOT_ALLOWED$/);
  });

  it('applies the file rules: BOM, CRLF, RFC 4180 quoting, empty lines, any-case headers, reserved columns, unknown columns, bad values', async () => {
    const csv =
      '\ufeffeMail,firstname,"Age",OptInType,EMAILTYPE,Shoe Size\r\n' +
      '"quoted@example.com","Smith, ""Jo""\r\nsecond line",42,Double,PlainText,9\r\n' +
      '\r\n' +
      ',,,,,\r\n' +
      'badage@example.com,Bad,forty,,,\r\n' +
      'badopt@example.com,Opt,1,Sometimes,,\r\n' +
      'not-an-email,X,1,,,\r\n' +
      'QUOTED@example.com,Second,7,,,\r\n' +
      'last@example.com,,,,,\r\n';
    const r = await uploadCsv(api, '/v2/contacts/import', csv);
    expect(await finish(api, r.body.id)).to.equal('Finished');
    const rep = await report(api, r.body.id);
    expect(rep).to.deep.equal({ ...ZERO, newContacts: 2, failures: 2, invalidEntries: 1, duplicateEmails: 1 });
    const q = await contact('quoted@example.com');
    // first one wins: the later QUOTED@ row is a duplicate and changes nothing
    expect(q.email).to.equal('quoted@example.com');
    expect(q.dataFields).to.deep.equal({ FIRSTNAME: 'Smith, "Jo"\r\nsecond line', AGE: 42, VIP: false });
    expect(q.optInType).to.equal('Double');
    expect(q.emailType).to.equal('PlainText');
    const last = await contact('last@example.com');
    expect(last.optInType).to.equal('Unknown');
    expect(last.emailType).to.equal('Html');
    const faults = await api.get(`/v2/contacts/import/${r.body.id}/report-faults`, { Accept: 'text/csv' });
    expect(faults.text).to.include('UnknownColumn: Shoe Size');
    expect(faults.text).to.include('InvalidValue: AGE,badage@example.com');
    expect(faults.text).to.include('InvalidValue: OptInType,badopt@example.com');
    expect(faults.text).to.include('InvalidEmail,not-an-email');
    expect(faults.text).to.include('DuplicateEmail,QUOTED@example.com');
  });

  it('updates existing contacts by merging data, and never resubscribes suppressed ones (each counts in its counter)', async () => {
    const statuses: Array<[string, string]> = [
      ['Unsubscribed', 'unsubscribed'],
      ['HardBounced', 'hardBounced'],
      ['SoftBounced', 'softBounced'],
      ['IspComplained', 'ispComplaints'],
      ['MailBlocked', 'mailBlocked'],
      ['DomainSuppression', 'domainSuppressed'],
      ['SharedSuppression', 'globallySuppressed'],
      ['NotAllowed', 'blocked'],
      ['PendingOptIn', 'pendingDoubleOptin'],
    ];
    for (const [st] of statuses) {
      const c = await api.post('/v2/contacts', { email: `s-${st}@example.com`, dataFields: [{ key: 'LASTNAME', value: 'Old' }] });
      expect(c.status, c.text).to.equal(201);
      await app.services.store.knex('contacts').where({ id: c.body.id }).update({ status: st });
    }
    await api.post('/v2/contacts', { email: 'existing@example.com', emailType: 'PlainText', dataFields: [{ key: 'LASTNAME', value: 'Keep' }] });
    const rows = statuses.map(([st]) => `s-${st}@example.com,New`).join('\n');
    const r = await uploadCsv(api, '/v2/contacts/import', `Email,FirstName\n${rows}\nEXISTING@example.com,Fresh\n`);
    expect(await finish(api, r.body.id)).to.equal('Finished');
    const rep = await report(api, r.body.id);
    const expected: Record<string, number> = { ...ZERO, updatedContacts: 1 };
    for (const [, counter] of statuses) expected[counter] = 1;
    expect(rep).to.deep.equal(expected);
    for (const [st] of statuses) {
      const c = await contact(`s-${st}@example.com`);
      expect(c.status).to.equal(st);
      if (st === 'PendingOptIn') expect(c.dataFields.FIRSTNAME).to.equal('New');
      else expect(c.dataFields.FIRSTNAME).to.equal(undefined);
    }
    const e = await contact('existing@example.com');
    expect(e.email).to.equal('EXISTING@example.com');
    expect(e.emailType).to.equal('PlainText');
    expect(e.dataFields).to.include({ FIRSTNAME: 'Fresh', LASTNAME: 'Keep' });
  });

  it('does not re-add a contact unsubscribed from the target book', async () => {
    const book = (await api.post('/v2/address-books', { name: 'Unsub book' })).body;
    const c = (await api.post(`/v2/address-books/${book.id}/contacts`, { email: 'bookunsub@example.com' })).body;
    await app.services.store.knex('address_book_contacts').where({ address_book_id: book.id, contact_id: c.id }).update({ status: 'Unsubscribed' });
    const r = await uploadCsv(api, `/v2/address-books/${book.id}/contacts/import`, 'Email\nbookunsub@example.com\nbooknew@example.com\n');
    expect(await finish(api, r.body.id)).to.equal('Finished');
    expect(await report(api, r.body.id)).to.deep.equal({ ...ZERO, newContacts: 1, unsubscribed: 1 });
    const members = await api.get(`/v2/address-books/${book.id}/contacts`);
    expect(members.body.map((m: { email: string }) => m.email)).to.deep.equal(['booknew@example.com']);
  });

  it('ends InvalidFileFormat with NO_EMAIL_COLUMN when there is no Email column or no header', async () => {
    for (const csv of ['Name,Age\nJo,3\n', '', '\r\n\r\n']) {
      const r = await uploadCsv(api, '/v2/contacts/import', csv);
      expect(r.status, r.text).to.equal(202);
      expect(await finish(api, r.body.id)).to.equal('InvalidFileFormat');
      const rep = await api.get(`/v2/contacts/import/${r.body.id}/report`);
      expect(rep.status).to.equal(404);
      expect(rep.body.message).to.match(/ERROR_IMPORT_REPORT_NOT_FOUND$/);
      const faults = await api.get(`/v2/contacts/import/${r.body.id}/report-faults`);
      expect(faults.text).to.include('NoEmailColumn');
    }
    const row = await app.services.store.knex('imports').where({ account_id: login.accountId, status: 'InvalidFileFormat' }).first();
    expect(row.error_code).to.equal('NO_EMAIL_COLUMN');
  });

  it('serves faults as UTF-8 CSV with BOM: reason, email, other columns, formula cells guarded', async () => {
    const csv = 'FirstName,Email,Age\n=HYPERLINK("x"),=cmd|calc@x,1\n+SUM(1),ok-faults@example.com,-3+x\n@bad,@x,2\n';
    const r = await uploadCsv(api, '/v2/contacts/import', csv);
    expect(await finish(api, r.body.id)).to.equal('Finished');
    const f = await api.get(`/v2/contacts/import/${r.body.id}/report-faults`, { Accept: 'text/csv' });
    expect(f.status).to.equal(200);
    expect(f.headers.get('content-type')).to.match(/^text\/csv/);
    expect(f.text.charCodeAt(0)).to.equal(0xfeff);
    const lines = f.text.slice(1).split('\r\n').filter(Boolean);
    expect(lines[0]).to.equal('Reason,Email,FirstName,Age');
    expect(lines).to.include(`InvalidEmail,'=cmd|calc@x,"'=HYPERLINK(""x"")",1`);
    expect(lines).to.include(`InvalidValue: AGE,ok-faults@example.com,'+SUM(1),'-3+x`);
    expect(lines).to.include(`InvalidEmail,'@x,'@bad,2`);
    expect(lines).to.have.length(4);
  });

  it('imports xlsx (also when the name says .xls) and refuses legacy BIFF .xls cleanly', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Contacts');
    ws.addRow(['Email', 'FirstName', 'Age']);
    ws.addRow(['xl-1@example.com', 'Ann', 30]);
    ws.addRow([]);
    ws.addRow(['xl-2@example.com', { richText: [{ text: 'Bo' }, { text: 'b' }] }, 41]);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const m = multipart([{ name: 'file', filename: 'Contacts.xls', content: bytes }]);
    const r = await api.call('POST', '/v2/contacts/import', m.body, { 'Content-Type': m.contentType });
    expect(r.status, r.text).to.equal(202);
    expect(await finish(api, r.body.id)).to.equal('Finished');
    expect(await report(api, r.body.id)).to.deep.equal({ ...ZERO, newContacts: 2 });
    expect((await contact('xl-2@example.com')).dataFields).to.include({ FIRSTNAME: 'Bob', AGE: 41 });
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]);
    const x = await api.post('/v2/contacts/import', { fileName: 'old.xls', data: ole.toString('base64') });
    expect(x.status, x.text).to.equal(202);
    expect(x.body.status).to.equal('InvalidFileFormat');
    const row = await app.services.store.knex('imports').where({ id: x.body.id }).first();
    expect(row.error_code).to.equal('IMPORT_UNSUPPORTED_FORMAT');
  });

  it('answers 404 for an unknown address book, an unknown import id and another account\'s import', async () => {
    const nb = await uploadCsv(api, '/v2/address-books/99999999/contacts/import', 'Email\na@example.com\n');
    expect(nb.status).to.equal(404);
    expect(nb.body.message).to.match(/ERROR_ADDRESSBOOK_NOT_FOUND$/);
    const r = await uploadCsv(api, '/v2/contacts/import', 'Email\nmine@example.com\n');
    await finish(api, r.body.id);
    const other = new RestClient(app.baseUrl, await app.newAccount('Other'));
    for (const suffix of ['', '/report', '/report-faults']) {
      const x = await other.get(`/v2/contacts/import/${r.body.id}${suffix}`);
      expect(x.status, suffix).to.equal(404);
      expect(x.body.message).to.match(/ERROR_IMPORT_NOT_FOUND$/);
      for (const id of ['0b6d4f9e-3c1a-4a47-9d2e-5f1b8a7c6e21', 'not-a-guid']) {
        const y = await api.get(`/v2/contacts/import/${id}${suffix}`);
        expect(y.status).to.equal(404);
        expect(y.body.message).to.match(/ERROR_IMPORT_NOT_FOUND$/);
      }
    }
  });
});

describe('REST v2: import limits', () => {
  let app: TestApp;
  let api: RestClient;
  before(async () => {
    app = await startApp({ config: { importMaxBytes: 2048, importMaxActive: 2 } });
    api = new RestClient(app.baseUrl, await app.newAccount('Limits'));
  });
  after(() => app.close());

  it('answers 413 for an oversized multipart upload without reading it all, and for oversized JSON data', async () => {
    const big = `Email\n${'x@example.com\n'.repeat(40_000)}`; // ~560 KB against a 2 KB limit
    const m = multipart([{ name: 'file', filename: 'big.csv', content: big }]);
    const r = await api.call('POST', '/v2/contacts/import', m.body, { 'Content-Type': m.contentType });
    expect(r.status).to.equal(413);
    expect(r.body.message).to.match(/ ERROR_REQUEST_TOO_LARGE$/);
    expect(r.headers.get('connection')).to.equal('close');
    const j = await api.post('/v2/contacts/import', { fileName: 'big.csv', data: Buffer.from(big.slice(0, 5000)).toString('base64') });
    expect(j.status).to.equal(413);
    expect(j.body.message).to.match(/ ERROR_REQUEST_TOO_LARGE$/);
  });

  it('refuses a third active import of one account with IMPORT_TOOMANYACTIVEIMPORTS, and accepts again once they finish', async () => {
    const up = () => api.post('/v2/contacts/import', { fileName: 'a.csv', data: Buffer.from('Email\nlim@example.com\n').toString('base64') });
    expect((await up()).status).to.equal(202);
    expect((await up()).status).to.equal(202);
    const third = await up();
    expect(third.status).to.equal(409);
    expect(third.body.message).to.match(/ ERROR_IMPORT_TOOMANYACTIVEIMPORTS$/);
    await drainJobs(app.services);
    expect((await up()).status).to.equal(202);
    await drainJobs(app.services);
  });
});
