import { expect } from 'chai';
import { REPORT_KEYS } from '../../src/domain/importReport';
import { startApp, TestApp } from '../helpers/app';
import { drainJobs } from '../helpers/imports';

const ZERO = Object.fromEntries(REPORT_KEYS.map((k) => [k, 0]));

describe('imports: duplicate emails found by contact marks', () => {
  let app: TestApp;
  before(async () => {
    app = await startApp({ config: { importChunkRows: 3 } });
  });
  after(() => app.close());

  const csv = (emails: string[]) => Buffer.from(`Email,FirstName\n${emails.map((e, i) => `${e},N${i + 1}`).join('\n')}\n`);
  const faultsOf = async (id: string) =>
    (await app.services.store.knex('import_faults').where({ import_id: id }).orderBy('id').select('row_no', 'reason')).map((f) => [Number(f.row_no), f.reason]);

  it('gives each import of an account its own mark', async () => {
    const s = app.services;
    const login = await app.newAccount('Marks');
    const a = await s.imports.start(login.accountId, { fileName: 'a.csv', data: csv(['m1@example.com']), dialect: 'test' });
    const b = await s.imports.start(login.accountId, { fileName: 'b.csv', data: csv(['m1@example.com']), dialect: 'test' });
    const marks = await s.store.knex('imports').whereIn('id', [a.id, b.id]).orderBy('mark').pluck('mark');
    expect(marks.map(Number)).to.deep.equal([1, 2]);
    await drainJobs(s);
    expect(await s.imports.report(login.accountId, b.id)).to.deep.equal({ ...ZERO, updatedContacts: 1 });
  });

  it('keeps first-wins exact when a concurrent import of the same account takes the same emails between two chunks', async () => {
    const s = app.services;
    const login = await app.newAccount('Concurrent');
    const sup = await s.contacts.create(login.accountId, { email: 'c3@example.com' });
    await s.store.knex('contacts').where({ id: sup.id }).update({ status: 'HardBounced' });
    // A: chunk 1 takes c1, c2 and the suppressed c3; chunk 2 repeats all three
    const a = await s.imports.start(login.accountId, {
      fileName: 'a.csv',
      data: csv(['c1@example.com', 'c2@example.com', 'c3@example.com', 'C1@example.com', 'c2@example.com', 'c3@example.com', 'c4@example.com']),
      dialect: 'test',
    });
    // B runs to the end between A's two chunks and takes the same emails (its marks replace A's)
    const b = await s.imports.start(login.accountId, {
      fileName: 'b.csv',
      data: csv(['c1@example.com', 'c2@example.com', 'c3@example.com', 'c1@example.com']),
      dialect: 'test',
    });
    let beats = 0;
    const outA = await s.imports.runJob(a.id, {
      heartbeat: async () => {
        if (++beats === 2) expect(await s.imports.runJob(b.id, { heartbeat: async () => true })).to.equal('done');
        return true;
      },
    });
    expect(outA).to.equal('done');
    expect(await s.imports.report(login.accountId, b.id)).to.deep.equal({ ...ZERO, updatedContacts: 2, hardBounced: 1, duplicateEmails: 1 });
    expect(await faultsOf(b.id)).to.deep.equal([
      [3, 'HardBounced'],
      [4, 'DuplicateEmail'],
    ]);
    expect(await s.imports.report(login.accountId, a.id)).to.deep.equal({ ...ZERO, newContacts: 3, hardBounced: 1, duplicateEmails: 3 });
    expect(await faultsOf(a.id)).to.deep.equal([
      [3, 'HardBounced'],
      [4, 'DuplicateEmail'],
      [5, 'DuplicateEmail'],
      [6, 'DuplicateEmail'],
    ]);
    // the displaced claims were working state of A: gone once A finished
    expect(Number((await s.store.knex('import_seen').count({ n: '*' }))[0].n)).to.equal(0);
    await drainJobs(s);
  });

  it('keeps a taken email a duplicate when its contact is deleted or renamed while the import runs', async () => {
    const s = app.services;
    const login = await app.newAccount('Deleted midway');
    const { id } = await s.imports.start(login.accountId, {
      fileName: 'd.csv',
      data: csv(['d1@example.com', 'd2@example.com', 'd3@example.com', 'd1@example.com', 'D2@example.com', 'd4@example.com']),
      dialect: 'test',
    });
    let beats = 0;
    const out = await s.imports.runJob(id, {
      heartbeat: async () => {
        if (++beats === 2) {
          await s.contacts.delete(login.accountId, (await s.contacts.getByEmail(login.accountId, 'd1@example.com')).id);
          const d2 = await s.contacts.getByEmail(login.accountId, 'd2@example.com');
          await s.contacts.update(login.accountId, d2.id, { email: 'renamed@example.com' });
        }
        return true;
      },
    });
    expect(out).to.equal('done');
    expect(await s.imports.report(login.accountId, id)).to.deep.equal({ ...ZERO, newContacts: 4, duplicateEmails: 2 });
    expect(await faultsOf(id)).to.deep.equal([
      [4, 'DuplicateEmail'],
      [5, 'DuplicateEmail'],
    ]);
    const emails = await s.store.knex('contacts').where({ account_id: login.accountId }).orderBy('email_key').pluck('email_key');
    expect(emails).to.deep.equal(['d3@example.com', 'd4@example.com', 'renamed@example.com']);
    expect(Number((await s.store.knex('import_seen').where({ import_id: id }).count({ n: '*' }))[0].n)).to.equal(0);
  });

  it('an import from before marks (no mark) still finds duplicates across chunks through import_seen', async () => {
    const s = app.services;
    const login = await app.newAccount('Unmarked');
    const { id } = await s.imports.start(login.accountId, {
      fileName: 'u.csv',
      data: csv(['u1@example.com', 'u2@example.com', 'u3@example.com', 'U2@example.com', 'u4@example.com']),
      dialect: 'test',
    });
    await s.store.knex('imports').where({ id }).update({ mark: null });
    await drainJobs(s);
    expect(await s.imports.report(login.accountId, id)).to.deep.equal({ ...ZERO, newContacts: 4, duplicateEmails: 1 });
    expect(await faultsOf(id)).to.deep.equal([[4, 'DuplicateEmail']]);
    const marked = await s.store.knex('contacts').where({ account_id: login.accountId }).whereNotNull('import_mark').count({ n: '*' });
    expect(Number(marked[0].n)).to.equal(0);
  });
});
