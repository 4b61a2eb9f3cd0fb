import { expect } from 'chai';
import { startApp, TestApp } from '../../helpers/app';
import { multipart } from '../../helpers/imports';
import { RestClient } from '../../helpers/rest';

// Import uploads are capped by IMPORT_MAX_BYTES, buffered bodies by BODY_LIMIT_BYTES: a multipart file is streamed to
// disk, so a gateway configured for imports larger than its body cap takes them, and refuses the next byte over.

describe('REST: multipart import uploads follow IMPORT_MAX_BYTES, not the buffered-body cap', () => {
  let app: TestApp;
  let api: RestClient;
  const bodyLimitBytes = 64 * 1024;
  const importMaxBytes = 256 * 1024;
  before(async () => {
    app = await startApp({ config: { bodyLimitBytes, importMaxBytes } });
    api = new RestClient(app.baseUrl, await app.newAccount('Big importer'));
  });
  after(() => app.close());

  const csvOf = (bytes: number) => {
    let csv = 'Email\n';
    for (let i = 0; csv.length < bytes - 40; i++) csv += `big-${i}@limits.example\n`;
    return csv;
  };
  const upload = (csv: string) => {
    const m = multipart([{ name: 'file', filename: 'Contacts.csv', type: 'text/csv', content: csv }]);
    return api.call('POST', '/v2/contacts/import', m.body, { 'Content-Type': m.contentType });
  };

  it('takes a file over the body cap and under the import cap', async () => {
    const csv = csvOf(200 * 1024);
    expect(csv.length).to.be.greaterThan(bodyLimitBytes);
    const r = await upload(csv);
    expect(r.status, r.text).to.equal(202);
  });

  it('refuses a file over the import cap with 413, and a JSON body over the body cap as before', async () => {
    const r = await upload(csvOf(importMaxBytes + 70 * 1024));
    expect(r.status, r.text).to.equal(413);
    const j = await api.post('/v2/contacts/import', { FileName: 'x.csv', Data: Buffer.from(csvOf(80 * 1024)).toString('base64') });
    expect(j.status, j.text).to.equal(413);
  });
});
