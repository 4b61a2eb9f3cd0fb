import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startApp, TestApp } from '../helpers/app';
import { testConfig } from '../helpers/db';
import { sheetBomb } from '../helpers/xlsxFiles';

describe('CLI: import <file>', () => {
  let app: TestApp;
  let dir: string;
  before(async () => {
    app = await startApp();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-cli-'));
  });
  after(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await app.close();
  });

  const cli = (args: string[]) => {
    const db = testConfig().db;
    const env = { ...process.env, LOG_LEVEL: 'silent', ...(db.client === 'sqlite' ? { DB_CLIENT: 'sqlite', DB_FILENAME: db.filename } : { DB_CLIENT: 'mysql2', DB_NAME: db.database }) };
    return spawnSync(process.execPath, ['--import', 'tsx', path.resolve('src/cli/main.ts'), ...args], { env, encoding: 'utf8', timeout: 60_000 });
  };

  it('imports a file through the same pipeline into a book and prints the report', async function () {
    this.timeout(90_000);
    const login = await app.newAccount('CLI');
    const book = await app.services.addressBooks.create(login.accountId, { name: 'From CLI' });
    const file = path.join(dir, 'contacts.csv');
    fs.writeFileSync(file, 'Email,FirstName\ncli-1@example.com,One\ncli-2@example.com,Two\nnot-an-email,X\ncli-1@example.com,Again\n');
    const r = cli(['import', file, '--account', String(login.accountId), '--address-book', String(book.id), '--json']);
    expect(r.status, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout);
    expect(out.status).to.equal('Finished');
    expect(out.report).to.include({ newContacts: 2, invalidEntries: 1, duplicateEmails: 1 });
    expect((await app.services.addressBooks.get(login.accountId, book.id)).contacts).to.equal(2);
    const bad = cli(['import', file, '--account', String(login.accountId), '--address-book', '99999999']);
    expect(bad.status).to.equal(3);
    expect(bad.stderr).to.match(/ERROR_ADDRESSBOOK_NOT_FOUND/);
    const help = cli(['import', '--help']);
    expect(help.status).to.equal(0);
    expect(help.stdout).to.match(/--address-book <id>/);
  });

  it('says why an import ended InvalidFileFormat (an xlsx bomb, a CSV without an Email column), exit code 1', async function () {
    this.timeout(90_000);
    const login = await app.newAccount('CLI bombs');
    const bomb = path.join(dir, 'bomb.xlsx');
    fs.writeFileSync(bomb, sheetBomb(true));
    const r = cli(['import', bomb, '--account', String(login.accountId), '--no-progress']);
    expect(r.status, r.stderr).to.equal(1);
    expect(r.stderr).to.match(/ended with status InvalidFileFormat: FileLimitExceeded: xl\/worksheets\/sheet1\.xml unpacks to more than the 0\.1 MB its zip directory declares/);
    const noEmail = path.join(dir, 'names.csv');
    fs.writeFileSync(noEmail, 'Name\nJo\n');
    const j = cli(['import', noEmail, '--account', String(login.accountId), '--json']);
    expect(j.status).to.equal(1);
    expect(JSON.parse(j.stdout)).to.include({ status: 'InvalidFileFormat', reason: 'NoEmailColumn: the header row has no Email column' });
  });
});
