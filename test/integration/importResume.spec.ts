import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { REPORT_KEYS } from '../../src/domain/importReport';
import { FakeClock } from '../../src/lib/clock';
import { IMPORT_JOB, ImportService } from '../../src/services/imports';
import { setReturningSupport } from '../../src/db/repos/imports';
import { startApp, TestApp } from '../helpers/app';
import { testConfig } from '../helpers/db';
import { drainJobs } from '../helpers/imports';

const ZERO = Object.fromEntries(REPORT_KEYS.map((k) => [k, 0]));

/** A CSV of n rows where every 10th row repeats an earlier email (in another chunk) and every 25th is invalid. */
function fileOf(prefix: string, n: number): { csv: string; unique: number; dups: number; invalid: number } {
  const lines = ['Email,FirstName'];
  let dups = 0;
  let invalid = 0;
  for (let i = 1; i <= n; i++) {
    if (i % 25 === 0) {
      lines.push(`broken-${i},X${i}`);
      invalid++;
    } else if (i % 10 === 0) {
      lines.push(`${prefix}-${i - 7}@example.com,Dup${i}`);
      dups++;
    } else lines.push(`${prefix}-${i}@example.com,Name${i}`);
  }
  return { csv: `${lines.join('\n')}\n`, unique: n - dups - invalid, dups, invalid };
}

describe('imports: crash and resume', () => {
  let app: TestApp;
  let clock: FakeClock;
  before(async () => {
    clock = new FakeClock(Date.now());
    app = await startApp({ clock, config: { importChunkRows: 3 } });
  });
  after(() => app.close());

  const count = async (accountId: number) => Number((await app.services.store.knex('contacts').where({ account_id: accountId }).count({ n: '*' }))[0].n);

  it('a run stopped between chunks (heartbeat false) and taken over after its lease expired finishes with exactly the file', async () => {
    const s = app.services;
    const login = await app.newAccount('Resume');
    const f = fileOf('r', 40);
    const { id } = await s.imports.start(login.accountId, { fileName: 'r.csv', data: Buffer.from(f.csv), dialect: 'test' });
    const claimed = await s.jobs.claim([IMPORT_JOB], 'crashing-process');
    expect(claimed?.job.ref).to.equal(id);
    let beats = 0;
    const out = await s.imports.runJob(id, { heartbeat: async () => ++beats <= 4 });
    expect(out).to.equal('released');
    const mid = await s.imports.progress(login.accountId, id);
    expect(mid.status).to.equal('NotFinished');
    expect(mid.rowsDone).to.equal(12);
    expect(await count(login.accountId)).to.equal(12 - 1); // row 10 repeats row 3
    // the crashed process never released its lease: nobody may take the job until it expires
    expect(await drainJobs(s)).to.equal(0);
    clock.advance(s.config.jobLeaseMs + 1);
    expect(await drainJobs(s)).to.equal(1);
    expect((await s.imports.status(login.accountId, id)).status).to.equal('Finished');
    expect(await s.imports.report(login.accountId, id)).to.deep.equal({ ...ZERO, newContacts: f.unique, duplicateEmails: f.dups, invalidEntries: f.invalid });
    expect(await count(login.accountId)).to.equal(f.unique);
    const faults = await s.store.knex('import_faults').where({ import_id: id }).orderBy('row_no').select('row_no');
    expect(faults.map((x) => x.row_no)).to.deep.equal([10, 20, 25, 30, 40]);
    // the first holder wakes up and tries to go on: it cannot commit anything more
    expect(await s.imports.runJob(id, { heartbeat: async () => true })).to.equal('done');
    expect(await count(login.accountId)).to.equal(f.unique);
  });

  it('a holder whose cursor was moved by another process commits nothing', async () => {
    const s = app.services;
    const login = await app.newAccount('Two holders');
    const f = fileOf('t', 12);
    const { id } = await s.imports.start(login.accountId, { fileName: 't.csv', data: Buffer.from(f.csv), dialect: 'test' });
    let n = 0;
    // the second run starts while the first is "paused" before its second commit; the first must then stop
    let resumeFirst!: () => void;
    let paused!: () => void;
    const gate = new Promise<void>((r) => (resumeFirst = r));
    const reached = new Promise<void>((r) => (paused = r));
    const first = s.imports.runJob(id, {
      heartbeat: async () => {
        if (++n === 2) {
          paused();
          await gate;
        }
        return true;
      },
    });
    await reached;
    const second = await s.imports.runJob(id, { heartbeat: async () => true });
    expect(second).to.equal('done');
    resumeFirst();
    expect(await first).to.equal('released');
    expect(await s.imports.report(login.accountId, id)).to.deep.equal({ ...ZERO, newContacts: f.unique, duplicateEmails: f.dups, invalidEntries: f.invalid });
    expect(await count(login.accountId)).to.equal(f.unique);
    await drainJobs(s);
  });

  it('a real process killed with SIGKILL mid-import is resumed by another and ends with exactly the rows of the file', async function () {
    this.timeout(120_000);
    const s = app.services;
    const login = await app.newAccount('Killed');
    clock.set(Date.now());
    const f = fileOf('k', 3000);
    const { id } = await s.imports.start(login.accountId, { fileName: 'k.csv', data: Buffer.from(f.csv), dialect: 'test' });
    const db = testConfig().db;
    const env = { ...process.env, CHUNK_ROWS: '100', IMPORT_ID: id, ...(db.client === 'sqlite' ? { DB_CLIENT: 'sqlite', DB_FILENAME: db.filename } : { DB_CLIENT: 'mysql2', DB_NAME: db.database }) };
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '../fixtures/importChild.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<NodeJS.Signals | number | null>((res) => child.on('exit', (code, sig) => res(sig ?? code)));
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d) => {
        buf += String(d);
        if (/chunk 5\n/.test(buf)) {
          child.kill('SIGKILL');
          resolve();
        }
        if (/finished/.test(buf)) reject(new Error('child finished before it could be killed'));
      });
      child.on('exit', () => reject(new Error(`child exited early: ${stderr}`)));
    });
    expect(await exited).to.equal('SIGKILL');
    const mid = await s.imports.progress(login.accountId, id);
    expect(mid.status).to.equal('NotFinished');
    expect(mid.rowsDone).to.be.greaterThan(0).and.lessThan(3000);
    clock.set(Date.now() + s.config.jobLeaseMs + 1000);
    expect(await drainJobs(s)).to.be.greaterThan(0);
    expect(await s.imports.report(login.accountId, id)).to.deep.equal({ ...ZERO, newContacts: f.unique, duplicateEmails: f.dups, invalidEntries: f.invalid });
    expect(await count(login.accountId)).to.equal(f.unique);
    const faults = Number((await s.store.knex('import_faults').where({ import_id: id }).count({ n: '*' }))[0].n);
    expect(faults).to.equal(f.dups + f.invalid);
  });
});

describe('imports: engines without INSERT ... RETURNING (MySQL 8 path)', () => {
  let app: TestApp;
  before(async () => {
    app = await startApp({ config: { importChunkRows: 3 } });
  });
  after(async () => {
    setReturningSupport(app.services.store.knex, app.services.store.dialect === 'sqlite' || /mariadb/i.test(String((await app.services.store.knex.raw('select version() as v'))[0][0].v)));
    await app.close();
  });

  it('finds duplicates and new contact ids with plain statements and gives the same report', async () => {
    const s = app.services;
    setReturningSupport(s.store.knex, false);
    const login = await app.newAccount('No RETURNING');
    const book = await s.addressBooks.create(login.accountId, { name: 'B' });
    await s.contacts.create(login.accountId, { email: 'n-2@example.com' });
    const f = fileOf('n', 30);
    const { id } = await s.imports.start(login.accountId, { fileName: 'n.csv', data: Buffer.from(f.csv), dialect: 'test', addressBookId: book.id });
    await drainJobs(s);
    expect(await s.imports.report(login.accountId, id)).to.deep.equal({ ...ZERO, newContacts: f.unique - 1, updatedContacts: 1, duplicateEmails: f.dups, invalidEntries: f.invalid });
    expect((await s.addressBooks.get(login.accountId, book.id)).contacts).to.equal(f.unique);
  });
});

describe('imports: chunks larger than the prepared slice size', () => {
  let app: TestApp;
  before(async () => {
    app = await startApp({ config: { importChunkRows: 1200 } });
  });
  after(async () => {
    setReturningSupport(app.services.store.knex, app.services.store.dialect === 'sqlite' || /mariadb/i.test(String((await app.services.store.knex.raw('select version() as v'))[0][0].v)));
    await app.close();
  });

  it('rolls a whole chunk back when anything in its transaction fails (prepared statements included), then resumes', async () => {
    const s = app.services;
    const login = await app.newAccount('Atomic chunks');
    const f = fileOf('a', 3000);
    const { id } = await s.imports.start(login.accountId, { fileName: 'a.csv', data: Buffer.from(f.csv), dialect: 'test' });
    let calls = 0;
    const failing = new ImportService(s.store, s.clock, {
      singleWrite: async () => undefined,
      bulkWrite: async () => {
        if (++calls === 2) throw new Error('segment engine down');
      },
    }, s.jobs, s.config);
    let err: unknown;
    try {
      await failing.runJob(id, { heartbeat: async () => true });
    } catch (e) {
      err = e;
    }
    expect(String(err)).to.match(/segment engine down/);
    expect((await s.imports.progress(login.accountId, id)).rowsDone).to.equal(1200);
    const written = Number((await s.store.knex('contacts').where({ account_id: login.accountId }).count({ n: '*' }))[0].n);
    const firstChunk = fileOf('a', 1200);
    expect(written).to.equal(firstChunk.unique);
    await drainJobs(s);
    expect(await s.imports.report(login.accountId, id)).to.deep.equal({ ...ZERO, newContacts: f.unique, duplicateEmails: f.dups, invalidEntries: f.invalid });
  });

  for (const returning of [true, false]) {
    it(`writes full prepared slices and remainders alike (RETURNING ${returning ? 'on' : 'off'})`, async () => {
      const s = app.services;
      setReturningSupport(s.store.knex, returning);
      const login = await app.newAccount(`Big chunks ${returning}`);
      await s.dataFields.create(login.accountId, { name: 'SCORE', type: 'Numeric' });
      const book = await s.addressBooks.create(login.accountId, { name: 'Big' });
      for (const i of [5, 701, 1999]) await s.contacts.create(login.accountId, { email: `b-${i}@example.com`, dataFields: { LASTNAME: `Keep${i}` } });
      const f = fileOf('b', 2600);
      const { id } = await s.imports.start(login.accountId, { fileName: 'b.csv', data: Buffer.from(f.csv), dialect: 'test', addressBookId: book.id });
      await drainJobs(s);
      expect(await s.imports.report(login.accountId, id)).to.deep.equal({
        ...ZERO,
        newContacts: f.unique - 3,
        updatedContacts: 3,
        duplicateEmails: f.dups,
        invalidEntries: f.invalid,
      });
      expect((await s.addressBooks.get(login.accountId, book.id)).contacts).to.equal(f.unique);
      const kept = await s.contacts.getByEmail(login.accountId, 'b-701@example.com');
      expect(kept.dataFields).to.deep.equal({ LASTNAME: 'Keep701', FIRSTNAME: 'Name701' });
      const last = await s.contacts.getByEmail(login.accountId, 'b-2599@example.com');
      expect(last.dataFields).to.deep.equal({ FIRSTNAME: 'Name2599' });
    });
  }
});
