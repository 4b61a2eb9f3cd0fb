import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Knex } from 'knex';
import { connect } from '../../src/db/connection';
import { BACKSTOP_PAGES, WalCheckpointer } from '../../src/db/walCheckpointer';

// The checkpoint thread is SQLite's alone: these tests run on a private SQLite file whatever engine the suite runs on.
describe('SQLite WAL checkpoints on a thread of their own', () => {
  let dir: string;
  let file: string;
  let knex: Knex;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-wal-'));
    file = path.join(dir, 'wal.sqlite');
    knex = (await connect({ client: 'sqlite', filename: file })).knex;
    await knex.raw('create table t (id integer primary key, v text not null)');
  });
  afterEach(async () => {
    await knex.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const autocheckpoint = async () => Number((await knex.raw('pragma wal_autocheckpoint'))[0].wal_autocheckpoint);
  const write = async (transactions: number) => {
    for (let t = 0; t < transactions; t++) {
      await knex.transaction(async (trx) => {
        await trx('t').insert(Array.from({ length: 100 }, (_, i) => ({ v: `${t}-${i}-${'x'.repeat(400)}` })));
      });
    }
  };

  it('copies every committed frame into the file while the connection itself checkpoints only at the backstop', async () => {
    // the thread's own timer is set far out, so only checkpointNow checkpoints here
    const cp = await WalCheckpointer.start(knex, file, undefined, 3_600_000);
    try {
      expect(await autocheckpoint()).to.equal(BACKSTOP_PAGES);
      await write(100); // about 1,300 pages: past SQLite's default of 1000, which would have checkpointed in a commit
      const r = await cp.checkpointNow();
      expect(r.busy).to.equal(0);
      expect(r.log).to.be.greaterThan(1000);
      expect(r.checkpointed).to.equal(r.log);
      // a connection that reads the file sees every row
      const other = (await connect({ client: 'sqlite', filename: file })).knex;
      expect(Number((await other('t').count({ n: '*' }))[0].n)).to.equal(10000);
      await other.destroy();
    } finally {
      await cp.stop();
    }
  });

  it('hands checkpoints back to the connection when stopped', async () => {
    const cp = await WalCheckpointer.start(knex, file);
    await cp.stop();
    expect(await autocheckpoint()).to.equal(1000);
    let err: unknown;
    await cp.checkpointNow().catch((e) => (err = e));
    expect(err).to.be.instanceOf(Error);
    await write(2); // the connection keeps working
    expect(Number((await knex('t').count({ n: '*' }))[0].n)).to.equal(200);
  });

  it('reports a thread that cannot start, and the connection checkpoints at SQLite default again', async () => {
    let failed!: (e: Error) => void;
    const failure = new Promise<Error>((resolve) => (failed = resolve));
    const cp = await WalCheckpointer.start(knex, path.join(dir, 'missing.sqlite'), (e) => failed(e));
    const e = await failure;
    expect(e.message).to.match(/unable to open|does not exist|SQLITE_CANTOPEN|directory does not exist/i);
    expect(await autocheckpoint()).to.equal(1000);
    let err: unknown;
    await cp.checkpointNow().catch((x) => (err = x));
    expect(err).to.equal(e);
    await cp.stop();
  });
});
