import { expect } from 'chai';
import { AccountService } from '../../src/services/accounts';
import { Store } from '../../src/db/store';
import { connect } from '../../src/db/connection';
import { migrateLatest } from '../../src/db/migrate';
import { FakeClock } from '../../src/lib/clock';
import { testConfig, testEngine } from '../helpers/db';
import knexFactory from 'knex';
import { knexOptions } from '../../src/db/connection';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// provision() looks at the whole database ("is it empty?"), so each case gets its own empty database.
describe('accounts.provision (start-up accounts)', () => {
  const made: Array<() => Promise<void>> = [];
  let n = 0;

  async function emptyStore(): Promise<Store> {
    const base = testConfig();
    const db =
      base.db.client === 'sqlite'
        ? { client: 'sqlite' as const, filename: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cg-provision-')), 'p.sqlite') }
        : { ...base.db, database: `cg_prov_${process.pid}_${++n}_${Date.now().toString(36)}` };
    const { knex, dialect } = await connect(db);
    await migrateLatest(knex);
    const store = new Store(knex, dialect);
    made.push(async () => {
      await store.close();
      if (db.client === 'mysql') {
        const admin = knexFactory({ ...knexOptions({ ...db, database: '' }), pool: { min: 0, max: 1 } });
        await admin.raw('DROP DATABASE IF EXISTS ??', [db.database]);
        await admin.destroy();
      } else fs.rmSync(path.dirname(db.filename), { recursive: true, force: true });
    });
    return store;
  }
  after(async () => {
    for (const f of made) await f();
  });

  it(`without bootstrap: a demo login once on an empty database, nothing the second time (${testEngine()})`, async () => {
    const accounts = new AccountService(await emptyStore(), new FakeClock());
    const first = await accounts.provision();
    expect(first).to.not.equal(undefined);
    expect(first!.username).to.match(/^demo-\d{6}@apiconnector\.com$/);
    expect(first!.password).to.be.a('string').with.length.at.least(12);
    const actor = await accounts.authenticate(first!.username, first!.password, 'test');
    expect(actor.accountId).to.equal(first!.accountId);
    expect(await accounts.provision()).to.equal(undefined);
    expect((await accounts.list()).length).to.equal(1);
    const fields = (await accounts.list())[0];
    expect(fields.users).to.deep.equal([first!.username]);
  });

  it('the demo account starts with the five default data fields', async () => {
    const store = await emptyStore();
    const accounts = new AccountService(store, new FakeClock());
    const login = await accounts.provision();
    const names = (await store.repos.dataFields.list(login!.accountId)).map((f) => f.name);
    expect(names).to.deep.equal(['FIRSTNAME', 'LASTNAME', 'FULLNAME', 'GENDER', 'POSTCODE']);
  });

  it('with bootstrap: creates that user once; a restart creates nothing; a wrong password is refused', async () => {
    const accounts = new AccountService(await emptyStore(), new FakeClock());
    const boot = { username: 'u@example.com', password: 'secret-pass-1' };
    const first = await accounts.provision(boot);
    expect(first).to.deep.include({ username: 'u@example.com', password: 'secret-pass-1' });
    expect(await accounts.provision(boot)).to.equal(undefined);
    expect(await accounts.provision({ username: 'U@EXAMPLE.COM', password: 'other-pass-9' })).to.equal(undefined);
    expect(await accounts.provision()).to.equal(undefined);
    expect((await accounts.list()).length).to.equal(1);
    expect((await accounts.authenticate('u@example.com', 'secret-pass-1', 'test')).accountId).to.equal(first!.accountId);
    let err: unknown;
    try {
      await accounts.authenticate('u@example.com', 'wrong-pass-1', 'test');
    } catch (e) {
      err = e;
    }
    expect((err as { code?: string })?.code).to.equal('INVALID_LOGIN');
  });

  it('with bootstrap on a database that already has other accounts: still creates the bootstrap user', async () => {
    const accounts = new AccountService(await emptyStore(), new FakeClock());
    await accounts.createAccount('Existing', 'existing@example.com', 'password-123');
    const login = await accounts.provision({ username: 'boot@example.com', password: 'boot-pass-123' });
    expect(login?.username).to.equal('boot@example.com');
    expect((await accounts.list()).map((a) => a.users[0])).to.deep.equal(['existing@example.com', 'boot@example.com']);
  });
});
