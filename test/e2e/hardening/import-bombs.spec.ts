import { expect } from 'chai';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { faultText, v2Call } from '../../helpers/dialects';
import { drainJobs, multipart } from '../../helpers/imports';
import { RestClient } from '../../helpers/rest';
import { StatusClient } from '../../helpers/statusPage';
import { deflated, inlineCell, rowsBomb, repeated, sharedStringsBomb, SHEET_HEAD, SHEET_TAIL, sheetBomb, xlsx } from '../../helpers/xlsxFiles';

// Excel "bombs" through the REST import: a sheet that unpacks to 1 GB (with honest sizes and with a zip directory
// that lies about them), 5 million rows, a 500 MB sharedStrings part. Each is built here in well under a second.
// Each must end InvalidFileFormat within seconds, on its first and only job attempt, with its reason in the report
// route, the faults CSV, v2 SOAP and the status page, while the process's memory stays flat and the next import works.

/** Samples this process's RSS every 10 ms while `fn` runs; returns fn's result, its seconds and the RSS growth. */
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; secs: number; growthMb: number }> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  const t0 = process.hrtime.bigint();
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, secs: Number(process.hrtime.bigint() - t0) / 1e9, growthMb: (peak - before) / (1 << 20) };
  } finally {
    clearInterval(timer);
  }
}

describe('hardening: xlsx bombs end InvalidFileFormat at once, with their reason, never retried', function () {
  this.timeout(60_000);
  let app: TestApp;
  let login: TestLogin;
  let api: RestClient;
  before(async () => {
    app = await startApp({ config: { importChunkRows: 500 } });
    login = await app.newAccount('Bombs');
    api = new RestClient(app.baseUrl, login);
  });
  after(() => app.close());

  /** Uploads an xlsx through REST multipart and runs the import job(s); returns the id, seconds and RSS growth. */
  const importXlsx = async (bytes: Buffer, name = 'bomb.xlsx') => {
    const m = multipart([{ name: 'file', filename: name, content: bytes }]);
    const r = await api.call('POST', '/v2/contacts/import', m.body, { 'Content-Type': m.contentType });
    expect(r.status, r.text).to.equal(202);
    const run = await measured(() => drainJobs(app.services));
    return { id: r.body.id as string, ...run };
  };

  /** The import ended InvalidFileFormat with this reason everywhere, after exactly one job attempt. */
  const expectRefused = async (id: string, reason: RegExp) => {
    const st = await api.get(`/v2/contacts/import/${id}`);
    expect(st.body.status).to.equal('InvalidFileFormat');
    const row = await app.services.store.knex('imports').where({ id }).first();
    expect(row.error_code).to.equal('IMPORT_UNSUPPORTED_FORMAT');
    expect(row.error_text).to.match(reason);
    const jobs = await app.services.store.knex('jobs').where({ ref: id }).select('attempts', 'status');
    expect(jobs.map((j) => [Number(j.attempts), j.status])).to.deep.equal([[1, 'done']]);
    const rep = await api.get(`/v2/contacts/import/${id}/report`);
    expect(rep.status).to.equal(404);
    expect(rep.body.message).to.match(/^Import is not processed yet or completed with error\. It ended InvalidFileFormat \(FileLimitExceeded: /);
    expect(rep.body.message).to.match(reason).and.match(/ ERROR_IMPORT_REPORT_NOT_FOUND$/);
    const faults = await api.get(`/v2/contacts/import/${id}/report-faults`);
    expect(faults.status).to.equal(200);
    expect(faults.text.split('\r\n')[1]).to.match(/^"?FileLimitExceeded: /).and.match(reason);
    expect(Number((await app.services.store.knex('contacts').where({ account_id: login.accountId }).count({ n: '*' }))[0].n)).to.equal(0);
  };

  const cases: Array<[string, () => Buffer, RegExp]> = [
    ['a 1 MB xlsx whose sheet unpacks to 1 GB (the zip directory says so)', () => sheetBomb(), /sheet1\.xml unpacks to 1024 MB; at most 256 MB is allowed/],
    ['the same sheet with a zip directory that says 64 KB (inflated bytes are counted)', () => sheetBomb(true), /sheet1\.xml unpacks to more than the 0\.1 MB its zip directory declares/],
    ['a sheet of 5,000,000 rows (rows are counted before any is imported)', () => rowsBomb(), /sheet1\.xml has more than 1,048,576 rows/],
    ['a 500 MB sharedStrings part (the zip directory says so)', () => sharedStringsBomb(), /sharedStrings\.xml unpacks to 500 MB; at most 128 MB is allowed/],
    ['a 500 MB sharedStrings part with a zip directory that says 64 KB', () => sharedStringsBomb(true), /sharedStrings\.xml unpacks to more than the 0\.1 MB its zip directory declares/],
    [
      'a sheet packed 1,000 to 1 (the ratio limit)',
      () => xlsx(repeated('sheet', `${SHEET_HEAD}<row>${inlineCell('Email')}</row>`, '<row><c><v>1</v></c></row>', 4_000_000, SHEET_TAIL)),
      /sheet1\.xml is compressed \d+ to 1; at most 250 to 1 is allowed/,
    ],
  ];
  for (const [what, make, reason] of cases) {
    it(`refuses ${what} within seconds, memory flat`, async () => {
      const { id, secs, growthMb } = await importXlsx(make());
      await expectRefused(id, reason);
      expect(secs, 'seconds to InvalidFileFormat').to.be.below(5);
      expect(growthMb, 'RSS growth (MB)').to.be.below(64);
    });
  }

  it('the reason also reaches v2 SOAP and the status page, and the next import of the account works', async () => {
    const { id } = await importXlsx(sheetBomb(true));
    const r = await v2Call(app.baseUrl, login, 'GetContactImportReport', `<importId>${id}</importId>`);
    expect(r.status).to.equal(500);
    expect(faultText(r)).to.match(/It ended InvalidFileFormat \(FileLimitExceeded: xl\/worksheets\/sheet1\.xml unpacks to more than/).and.match(/ERROR_IMPORT_REPORT_NOT_FOUND$/);
    const page = new StatusClient(app.baseUrl);
    expect((await page.login(login.username, login.password)).status).to.equal(303);
    const html = (await page.get('/status')).text;
    const row = new RegExp(`<tr data-import-id="${id}" data-status="InvalidFileFormat">[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
    expect(row).to.include('FileLimitExceeded: xl/worksheets/sheet1.xml unpacks to more than the 0.1 MB its zip directory declares');
    expect(row).to.include(`<a href="/status/imports/${id}/faults.csv">faults</a>`);
    // the process is healthy: an ordinary workbook right after imports fine
    const ok = xlsx(deflated('sheet', `${SHEET_HEAD}<row>${inlineCell('Email')}${inlineCell('FirstName')}</row><row>${inlineCell('after@example.com')}${inlineCell('Ann')}</row>${SHEET_TAIL}`));
    const { id: good } = await importXlsx(ok, 'after.xlsx');
    expect((await api.get(`/v2/contacts/import/${good}`)).body.status).to.equal('Finished');
    expect((await api.get(`/v2/contacts/import/${good}/report`)).body.newContacts).to.equal(1);
    await app.services.store.knex('contacts').where({ account_id: login.accountId }).delete();
  });
});
