import { expect } from 'chai';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { resultOf, textAt, v2Call } from '../../helpers/dialects';
import { drainJobs, multipart } from '../../helpers/imports';
import { RestClient } from '../../helpers/rest';

// CSV imports in the encodings legacy clients send: UTF-8 with or without a BOM, UTF-16 LE/BE with a BOM (Excel's
// "Unicode Text"), and Windows-1252 (Excel's plain "CSV" on Windows). Text is stored as written, never with U+FFFD
// from a decoding error; what cannot be read ends InvalidFileFormat with its reason.

const latin1 = (s: string) => Buffer.from(s, 'latin1');
const utf16le = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
const utf16be = (s: string) => {
  const le = Buffer.from(s, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
  return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
};

describe('REST v2: CSV imports in legacy encodings', () => {
  let app: TestApp;
  let login: TestLogin;
  let api: RestClient;
  before(async () => {
    app = await startApp({ config: { importChunkRows: 50 } });
    login = await app.newAccount('Encodings');
    api = new RestClient(app.baseUrl, login);
    await api.post('/v2/data-fields', { name: 'CITY', type: 'String' });
  });
  after(() => app.close());

  /** Uploads through REST (JSON base64, or multipart), runs the job and returns the id and final status. */
  const importBytes = async (data: Buffer, how: 'json' | 'multipart' = 'json'): Promise<{ id: string; status: string }> => {
    let r;
    if (how === 'json') r = await api.post('/v2/contacts/import', { fileName: 'legacy.csv', data: data.toString('base64') });
    else {
      const m = multipart([{ name: 'file', filename: 'legacy.csv', type: 'text/csv', content: data }]);
      r = await api.call('POST', '/v2/contacts/import', m.body, { 'Content-Type': m.contentType });
    }
    expect(r.status, r.text).to.equal(202);
    await drainJobs(app.services);
    return { id: r.body.id, status: (await api.get(`/v2/contacts/import/${r.body.id}`)).body.status };
  };
  const contact = (email: string) => app.services.contacts.getByEmail(login.accountId, email);
  const stored = async () => (await app.services.store.knex('contacts').where({ account_id: login.accountId }).select('email', 'data')).map((c) => `${c.email} ${c.data}`).join('\n');

  it('reads a Windows-1252 CSV (REST JSON and multipart): café@, Renée, “quotes”, € and Œ stored as written, no U+FFFD', async () => {
    const file = latin1('Email,FirstName,City\r\ncaf\xe9@example.com,Ren\xe9e,Z\xfcrich\r\nzoe@example.com,Zo\xeb,K\xf8benhavn\r\n');
    // bytes 0x80-0x9F are where Windows-1252 differs from ISO-8859-1: € “ ” Œ ™
    const quotes = Buffer.concat([latin1('Email,FirstName,City\r\nquotes@example.com,'), Buffer.from([0x93, 0x41, 0x94, 0x20, 0x80, 0x8c, 0x99]), latin1(',Paris\r\n')]);
    const a = await importBytes(file);
    const b = await importBytes(quotes, 'multipart');
    expect([a.status, b.status]).to.deep.equal(['Finished', 'Finished']);
    expect((await api.get(`/v2/contacts/import/${a.id}/report`)).body).to.include({ newContacts: 2, invalidEntries: 0 });
    const cafe = await contact('café@example.com');
    expect(cafe.dataFields).to.deep.include({ FIRSTNAME: 'Renée', CITY: 'Zürich' });
    expect((await contact('zoe@example.com')).dataFields).to.deep.include({ FIRSTNAME: 'Zoë', CITY: 'København' });
    expect((await contact('quotes@example.com')).dataFields.FIRSTNAME).to.equal('“A” €Œ™');
    expect(await stored()).to.not.include('\ufffd');
  });

  it('decides by all the bytes: an invalid UTF-8 byte deep in a big file makes the whole file Windows-1252', async () => {
    // 400 KB of ASCII rows (more than one stored 256 KB piece), then one Latin-1 row at the very end
    const rows = Array.from({ length: 12_000 }, (_, i) => `late-${i}@example.com,Row${i},Town`).join('\r\n');
    const r = await importBytes(Buffer.concat([latin1(`Email,FirstName,City\r\n${rows}\r\n`), latin1('late-last@example.com,Ren\xe9e,Gen\xe8ve\r\n')]), 'multipart');
    expect(r.status).to.equal('Finished');
    expect((await contact('late-last@example.com')).dataFields).to.deep.include({ FIRSTNAME: 'Renée', CITY: 'Genève' });
    expect((await contact('late-11999@example.com')).dataFields.FIRSTNAME).to.equal('Row11999');
  });

  it('reads UTF-8 with and without a BOM, and UTF-16 LE and BE with a BOM', async () => {
    const text = (tag: string) => `Email,FirstName,City\r\n${tag}@example.com,Ren\u00e9e \u00c5sa \u6771\u4eac \ud83d\ude00,\u0141\u00f3d\u017a\r\n`;
    const files: Array<[string, Buffer]> = [
      ['utf8', Buffer.from(text('utf8'), 'utf8')],
      ['utf8bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text('utf8bom'), 'utf8')])],
      ['utf16le', utf16le(text('utf16le'))],
      ['utf16be', utf16be(text('utf16be'))],
    ];
    for (const [tag, data] of files) {
      expect((await importBytes(data)).status, tag).to.equal('Finished');
      expect((await contact(`${tag}@example.com`)).dataFields, tag).to.deep.include({ FIRSTNAME: 'Renée Åsa 東京 😀', CITY: 'Łódź' });
    }
  });

  it('an email holding U+FFFD (in valid UTF-8 text) is an InvalidEmail row, never stored', async () => {
    const r = await importBytes(Buffer.from('Email\r\ncaf\ufffd@example.com\r\nfine@example.com\r\n', 'utf8'));
    expect(r.status).to.equal('Finished');
    expect((await api.get(`/v2/contacts/import/${r.id}/report`)).body).to.include({ newContacts: 1, invalidEntries: 1 });
    const faults = (await api.get(`/v2/contacts/import/${r.id}/report-faults`)).text;
    expect(faults).to.include('InvalidEmail,caf\ufffd@example.com');
    expect(await stored()).to.not.include('\ufffd');
  });

  it('ends InvalidFileFormat with the reason in the report route and the faults CSV when the text cannot be read', async () => {
    const cases: Array<[Buffer, RegExp]> = [
      // a UTF-8 BOM, then a Latin-1 byte: the BOM promised UTF-8
      [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), latin1('Email\r\nbom-caf\xe9@example.com\r\n')]), /^InvalidEncoding: the file is not valid UTF-8 \(at byte 17\)/],
      // a UTF-16 BOM, then an unpaired surrogate
      [Buffer.concat([utf16le('Email\r\nx@example.com\r\n'), Buffer.from([0x00, 0xd8, 0x41, 0x00])]), /^InvalidEncoding: the file is not valid UTF-16LE/],
      [Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from('E\0\0\0', 'latin1')]), /^UnsupportedEncoding: UTF-32 LE text is not supported/],
      [Buffer.from('Email\r\nnobom@example.com\r\n', 'utf16le'), /^UnsupportedEncoding: UTF-16 text without a byte-order mark is not supported/],
      [Buffer.from('Name,City\r\nJo,Paris\r\n'), /^NoEmailColumn: the header row has no Email column$/],
    ];
    for (const [data, reason] of cases) {
      const r = await importBytes(data);
      expect(r.status, String(reason)).to.equal('InvalidFileFormat');
      const rep = await api.get(`/v2/contacts/import/${r.id}/report`);
      expect(rep.status).to.equal(404);
      const m = /^Import is not processed yet or completed with error\. It ended InvalidFileFormat \((.*)\)\. ERROR_IMPORT_REPORT_NOT_FOUND$/.exec(rep.body.message);
      expect(m?.[1], rep.body.message).to.match(reason);
      const faults = (await api.get(`/v2/contacts/import/${r.id}/report-faults`)).text;
      expect(faults.split('\r\n')[1].replace(/^"/, '').replace(/"?,*$/, '')).to.match(reason);
    }
  });

  it('v2 SOAP ImportContacts reads a Windows-1252 file the same way', async () => {
    const data = latin1('Email,FirstName\r\nsoap-caf\xe9@example.com,Ren\xe9e\r\n').toString('base64');
    const r = await v2Call(app.baseUrl, login, 'ImportContacts', `<data>${data}</data><dataType>CSV</dataType>`);
    const id = textAt(resultOf(r, 'ImportContacts'), 'Id');
    await drainJobs(app.services);
    expect((await api.get(`/v2/contacts/import/${id}`)).body.status).to.equal('Finished');
    expect((await contact('soap-café@example.com')).dataFields.FIRSTNAME).to.equal('Renée');
  });
});
