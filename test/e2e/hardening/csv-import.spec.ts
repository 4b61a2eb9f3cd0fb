import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { resultOf, textAt, v1Call, v2Call } from '../../helpers/dialects';
import { assertClean } from '../../helpers/hostile';
import { drainJobs, multipart } from '../../helpers/imports';
import { csvField } from '../../../src/domain/importFile';

// Hostile CSV imports through REST (JSON base64 and multipart), v2 SOAP (ImportContacts) and v1 SOAP
// (AddContactsToAddressBookWithProgress): prototype-polluting headers, SQL-shaped headers, cells and emails, and
// spreadsheet formulas in every column of the faults CSV. Nothing global changes, values are data, faults are inert.

const SQL_VALUES = [
  `'; DROP TABLE contacts; --`,
  `" OR "1"="1`,
  `\\'); DELETE FROM accounts; /*`,
  '%_\\%',
  '$."a"[0]',
  '{"__proto__":{"polluted":"yes"}}',
  'NULL',
  // (a NUL byte in the first 4 KB makes the whole file binary: InvalidFileFormat, by design of detectFormat)
  'tab\there\r\nnew line',
  '`x`; SELECT SLEEP(5)',
];
const SQL_HEADERS = [`x'; DROP TABLE contacts; --`, 'a"b', '`c`', '$.d', 'e[0]', 'f%_'];
/** Everything a spreadsheet treats as the start of a formula (or a DDE payload). */
const DANGEROUS = ['=', '+', '-', '@', '\t', '\r'];
const TABLES = ['accounts', 'api_users', 'contacts', 'address_books', 'address_book_contacts', 'data_fields', 'imports', 'import_faults', 'segments'];

/** One CSV file from rows of raw cell text (RFC 4180 quoting, CRLF). */
const csv = (rows: string[][]) => rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';

type Via = 'rest' | 'rest-multipart' | 'v2' | 'v1';

describe('hardening: hostile CSV imports on REST, v2 and v1 SOAP', function () {
  this.timeout(60_000);
  let app: TestApp;
  let login: TestLogin;
  let other: TestLogin;
  let api: RestClient;
  let book: number;

  /** Starts an import through one dialect and runs it to the end; returns its id. */
  const importVia = async (via: Via, file: string): Promise<string> => {
    const data = Buffer.from(file, 'utf8');
    let id: string | undefined;
    if (via === 'rest') {
      const r = await api.post('/v2/contacts/import', { fileName: 'hostile.csv', data: data.toString('base64') });
      expect(r.status, r.text).to.equal(202);
      id = r.body.id;
    } else if (via === 'rest-multipart') {
      const m = multipart([{ name: 'file', filename: 'hostile.csv', type: 'text/csv', content: data }]);
      const r = await api.call('POST', `/v2/address-books/${book}/contacts/import`, m.body, { 'Content-Type': m.contentType });
      expect(r.status, r.text).to.equal(202);
      id = r.body.id;
    } else if (via === 'v2') {
      const r = await v2Call(app.baseUrl, login, 'ImportContacts', `<data>${data.toString('base64')}</data><dataType>CSV</dataType>`);
      id = textAt(resultOf(r, 'ImportContacts'), 'Id');
    } else {
      const r = await v1Call(app.baseUrl, login, 'AddContactsToAddressBookWithProgress', `<addressbookID>${book}</addressbookID><data>${data.toString('base64')}</data><dataType>CSV</dataType>`);
      id = resultOf(r, 'AddContactsToAddressBookWithProgress')?.text;
    }
    expect(id, via).to.match(/^[0-9a-f-]{36}$/);
    await drainJobs(app.services);
    expect((await app.services.imports.status(login.accountId, id)).status, via).to.equal('Finished');
    return id!;
  };

  /** The faults CSV through REST and through v2 SOAP (base64): both must be byte-identical. */
  const faultsOf = async (id: string): Promise<{ raw: string; rows: string[][] }> => {
    const r = await api.get(`/v2/contacts/import/${id}/report-faults`);
    expect(r.status).to.equal(200);
    const b64 = resultOf(await v2Call(app.baseUrl, login, 'GetContactImportReportFaults', `<importId>${id}</importId>`), 'GetContactImportReportFaults')?.text ?? '';
    const viaV2 = Buffer.from(b64, 'base64').toString('utf8');
    expect(viaV2).to.equal(r.text);
    expect(r.text.startsWith('\ufeff')).to.equal(true);
    return { raw: r.text, rows: parse(r.text.slice(1), { relax_column_count: true }) as string[][] };
  };

  before(async () => {
    app = await startApp({ config: { importChunkRows: 3 } });
    login = await app.newAccount('csv');
    other = await app.newAccount('bystander');
    api = new RestClient(app.baseUrl, login);
    await app.services.contacts.create(other.accountId, { email: 'bystander@example.com' });
    for (const name of ['CONSTRUCTOR', 'PROTOTYPE', 'SQLVAL']) await app.services.dataFields.create(login.accountId, { name, type: 'String' });
    book = (await app.services.addressBooks.create(login.accountId, { name: 'csv book' })).id;
  });
  afterEach(async function () {
    assertClean(this.currentTest?.title ?? '');
    for (const t of TABLES) expect(await app.services.store.knex.schema.hasTable(t), t).to.equal(true);
    expect((await app.services.contacts.list(other.accountId, {})).map((c) => c.email)).to.deep.equal(['bystander@example.com']);
  });
  after(() => app.close());

  for (const via of ['rest', 'rest-multipart', 'v2', 'v1'] as const) {
    it(`${via}: __proto__/constructor/prototype headers are a refused column and two plain fields; nothing global changes`, async () => {
      const tag = via.replace(/[^a-z0-9]/g, '');
      const payload = '{"polluted":"yes","isAdmin":true}';
      const file = csv([
        ['Email', '__proto__', 'constructor', 'prototype', '__PROTO__', 'Constructor'],
        [`pp-${tag}-1@example.com`, payload, 'c1', 'p1', payload, 'dup-c'],
        [`pp-${tag}-2@example.com`, payload, payload, payload, 'x', ''],
      ]);
      const id = await importVia(via, file);
      const rep = await app.services.imports.report(login.accountId, id);
      expect(rep.newContacts).to.equal(2);
      const c1 = await app.services.contacts.getByEmail(login.accountId, `pp-${tag}-1@example.com`);
      const c2 = await app.services.contacts.getByEmail(login.accountId, `pp-${tag}-2@example.com`);
      // The second CONSTRUCTOR column maps to the same field; the later cell wins within the row.
      expect(c1.dataFields).to.include({ CONSTRUCTOR: 'dup-c', PROTOTYPE: 'p1' });
      expect(c2.dataFields).to.include({ CONSTRUCTOR: payload, PROTOTYPE: payload });
      for (const c of [c1, c2]) {
        expect(Object.getPrototypeOf(c.dataFields)).to.be.oneOf([Object.prototype, null]);
        expect(Object.keys(c.dataFields)).not.to.include('__proto__');
        expect((c.dataFields as Record<string, unknown>).polluted).to.equal(undefined);
      }
      const { rows } = await faultsOf(id);
      expect(rows.map((r) => r[0])).to.include.members(['UnknownColumn: __proto__', 'UnknownColumn: __PROTO__']);
    });
  }

  for (const via of ['rest', 'v2', 'v1'] as const) {
    it(`${via}: SQL metacharacters in headers, emails, notes and data cells are stored and read back as data`, async () => {
      const tag = via.replace(/[^a-z0-9]/g, '');
      const rows = SQL_VALUES.map((v, i) => [`o'sql--${tag}-${i}@example.com`, v, v, `${v} ${i}`, ...SQL_HEADERS.map(() => v)]);
      const file = csv([['Email', 'SQLVAL', 'Notes', 'constructor', ...SQL_HEADERS], ...rows, [`x' OR '1'='1`, 'bad', '', '']]);
      const id = await importVia(via, file);
      const rep = await app.services.imports.report(login.accountId, id);
      expect(rep.newContacts).to.equal(SQL_VALUES.length);
      expect(rep.invalidEntries).to.equal(1);
      for (let i = 0; i < SQL_VALUES.length; i++) {
        const c = await app.services.contacts.getByEmail(login.accountId, `o'sql--${tag}-${i}@example.com`);
        expect(c.dataFields.SQLVAL, SQL_VALUES[i]).to.equal(SQL_VALUES[i]);
        expect(c.dataFields.CONSTRUCTOR).to.equal(`${SQL_VALUES[i]} ${i}`);
        expect(c.notes).to.equal(SQL_VALUES[i]);
        // and through the wire too
        const r = await api.get(`/v2/contacts/${c.id}`);
        expect(r.body.dataFields.find((d: { key: string }) => d.key === 'SQLVAL').value).to.equal(SQL_VALUES[i]);
      }
      const { rows: faults } = await faultsOf(id);
      for (const h of SQL_HEADERS) expect(faults.map((r) => r[0])).to.include(`UnknownColumn: ${h}`);
      // An SQL-shaped lookup finds nothing.
      expect((await api.get(`/v2/contacts/${encodeURIComponent(`x' OR '1'='1`)}`)).status).to.equal(404);
    });
  }

  it('faults CSV: every dangerous leading character in every column (header, reason, email, data) is neutralised', async () => {
    const fields = ['SQLVAL', 'Notes', 'OptInType'];
    // Each dangerous character leads a header (unknown column), the email (invalid email), and every data cell.
    const header = ['Email', ...fields, ...DANGEROUS.map((d) => `${d}HDR`)];
    const payload = (d: string, col: number) => `${d}cmd|' /C calc'!A${col}`;
    const body = DANGEROUS.map((d) => header.map((_, col) => payload(d, col)));
    // Valid email, bad OptInType: the row is a fault whose email column holds a value and whose cells are dangerous.
    const bad = DANGEROUS.map((d, i) => [`guard${i}@example.com`, payload(d, 1), payload(d, 2), payload(d, 3), ...DANGEROUS.map(() => payload(d, 9))]);
    const id = await importVia('rest', csv([header, ...body, ...bad]));
    const { rows, raw } = await faultsOf(id);
    const dataRows = rows.slice(1).filter((r) => !r[0].startsWith('UnknownColumn'));
    expect(dataRows).to.have.length(DANGEROUS.length * 2);
    let checked = 0;
    for (const r of rows) {
      for (const cell of r) {
        checked++;
        expect(/^[=+\-@\t\r]/.test(cell), `cell ${JSON.stringify(cell)} in ${JSON.stringify(raw.slice(0, 200))}`).to.equal(false);
      }
    }
    // The original text is still there, behind the apostrophe.
    expect(rows[0].slice(0, 2)).to.deep.equal(['Reason', 'Email']);
    // header cells are trimmed when read (a leading tab/CR goes), then guarded
    expect(rows[0].slice(-DANGEROUS.length)).to.deep.equal(DANGEROUS.map((d) => (/[\t\r]/.test(d) ? 'HDR' : `'${d}HDR`)));
    for (const [i, d] of DANGEROUS.entries()) {
      const r = dataRows[i];
      expect(r[0]).to.equal('InvalidEmail');
      // the email column is trimmed like the import reads it: a leading tab/CR goes, the rest is guarded
      const email = payload(d, 0).trim();
      expect(r[1]).to.equal(/^[=+\-@]/.test(email) ? `'${email}` : email);
      expect(r.slice(2)).to.deep.equal(header.slice(1).map((_, col) => `'${payload(d, col + 1)}`));
    }
    expect(checked).to.be.greaterThan(DANGEROUS.length * header.length * 2);
  });

  it('faults CSV: a reason or email stored with a dangerous leading character is neutralised too', async () => {
    const id = await importVia('rest', csv([['Email'], ['ok-reason@example.com']]));
    await app.services.store.repos.imports.addFaults(
      id,
      DANGEROUS.map((d, i) => ({ rowNo: 100 + i, reason: `${d}HYPERLINK("http://x")`, email: `${d}SUM(1+1)`, cells: [`${d}1`] })),
    );
    const { rows } = await faultsOf(id);
    const mine = rows.filter((r) => /HYPERLINK/.test(r[0]));
    expect(mine).to.have.length(DANGEROUS.length);
    for (const [i, d] of DANGEROUS.entries()) expect(mine[i].slice(0, 2)).to.deep.equal([`'${d}HYPERLINK("http://x")`, `'${d}SUM(1+1)`]);
  });
});
