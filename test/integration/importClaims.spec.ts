import { expect } from 'chai';
import { sqlLiteral } from '../../src/services/importChunk';
import { REPORT_KEYS } from '../../src/domain/importReport';
import { startApp, TestApp } from '../helpers/app';
import { drainJobs } from '../helpers/imports';

const ZERO = Object.fromEntries(REPORT_KEYS.map((k) => [k, 0]));

// On MariaDB a chunk's new contacts are written by one statement of SQL text the parser thread made (insertOrClaim);
// on SQLite the same file goes through the bound statements. Both must store exactly the file's text.
describe('imports: text that SQL literals must carry exactly', () => {
  let app: TestApp;
  before(async () => {
    app = await startApp({ config: { importChunkRows: 2 } });
  });
  after(() => app.close());

  const awkward = [
    `it's "quoted"`,
    'back\\slash \\\\ and \\n not a newline',
    'question ? marks ?? and :named',
    'Ärger 中文 🎉',
    "'; drop table contacts; --",
    'line\nbreak',
  ];

  it('imports quotes, backslashes, placeholders, non-ASCII and line breaks in emails, notes and data fields unchanged', async () => {
    const s = app.services;
    const login = await app.newAccount('Literals');
    await s.dataFields.create(login.accountId, { name: 'TXT', type: 'String' });
    const q = (v: string) => `"${v.replace(/"/g, '""')}"`;
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

  it('writes a text with a backslash or NUL as a hex literal and doubles quotes otherwise', () => {
    expect(sqlLiteral(`it's`)).to.equal(`'it''s'`);
    expect(sqlLiteral('a?b')).to.equal(`'a?b'`);
    expect(sqlLiteral('a\\b')).to.equal(`_utf8mb4 X'615c62'`);
    expect(sqlLiteral('\u0000')).to.equal(`_utf8mb4 X'00'`);
    expect(sqlLiteral('Ä')).to.equal(`'Ä'`);
  });
});
