import { expect } from 'chai';
import { startApp, TestApp } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { MAX_STRING_VALUE } from '../../../src/domain/dataField';
import { drainJobs } from '../../helpers/imports';

// A contact may carry every data field of its account at the longest value each allows; with 300 String fields that
// is about 80 KB of JSON, more than a 64 KB TEXT column holds.
describe('REST v2: a contact with hundreds of long data-field values', () => {
  let app: TestApp;
  before(async () => {
    app = await startApp();
  });
  after(() => app.close());

  it('stores, reads back and imports 300 String fields of 255 characters each, on both engines', async () => {
    const login = await app.newAccount();
    const api = new RestClient(app.baseUrl, login);
    const names = Array.from({ length: 300 }, (_, i) => `WIDE${String(i).padStart(3, '0')}`);
    for (const name of names) await app.services.dataFields.create(login.accountId, { name, type: 'String' });
    const value = (i: number, tag: string) => `${tag}${i}-`.padEnd(MAX_STRING_VALUE, 'x');
    const created = await api.post('/v2/contacts', { email: 'wide@example.com', dataFields: names.map((key, i) => ({ key, value: value(i, 'a') })) });
    expect(created.status).to.equal(201);
    const read = await api.get(`/v2/contacts/${created.body.id}`);
    const got = new Map((read.body.dataFields as Array<{ key: string; value: unknown }>).map((d) => [d.key, d.value]));
    for (let i = 0; i < names.length; i++) expect(got.get(names[i])).to.equal(value(i, 'a'));
    // the import path merges into the same column
    // a second, rejected row keeps all of its cells for the faults CSV
    const row = (email: string, tag: string) => `${email},${names.map((_, i) => value(i, tag)).join(',')}\r\n`;
    const csv = `Email,${names.join(',')}\r\n${row('wide@example.com', 'b')}${row('not-an-email', 'c')}`;
    const started = await app.services.imports.start(login.accountId, { fileName: 'wide.csv', data: Buffer.from(csv), dialect: 'rest' });
    await drainJobs(app.services);
    expect(await app.services.imports.report(login.accountId, started.id)).to.include({ updatedContacts: 1, invalidEntries: 1 });
    const faults = (await app.services.imports.faultsCsv(login.accountId, started.id)).toString('utf8');
    expect(faults).to.include(`InvalidEmail,not-an-email,${names.map((_, i) => value(i, 'c')).join(',')}\r\n`);
    const again = await api.get(`/v2/contacts/${created.body.id}`);
    const got2 = new Map((again.body.dataFields as Array<{ key: string; value: unknown }>).map((d) => [d.key, d.value]));
    for (let i = 0; i < names.length; i++) expect(got2.get(names[i])).to.equal(value(i, 'b'));
  });

  it('stores a campaign whose HTML is larger than 64 KB', async () => {
    const api = new RestClient(app.baseUrl, await app.newAccount());
    const html = `<html><body>${'<p>Blue things, on sale now.</p>\n'.repeat(4000)}</body></html>`;
    expect(html.length).to.be.greaterThan(100_000);
    const r = await api.post('/v2/campaigns', { name: 'Long', subject: 'S', htmlContent: html, plainTextContent: html.replace(/<[^>]+>/g, '') });
    expect(r.status).to.equal(201);
    const got = await api.get(`/v2/campaigns/${r.body.id}`);
    expect(got.body.htmlContent).to.equal(html);
  });
});
