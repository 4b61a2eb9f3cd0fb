// Split-test send and program enrolment benchmark (issue #21): the same audience (one address book of BENCH_CONTACTS
// Subscribed contacts) handed over three ways through the shared services and the job runner, in one run:
//   ordinary send   a campaign send (the baseline: snapshot, outbox, sent activities);
//   split test      a split-test send with 2 versions and a 20% test: the test portion, then (clock moved past the
//                   test period) the decision job scoring the versions and handing the rest over with the winner;
//   enrolment       a program enrolment of the book (faults, outbox rows).
// Usage: npm run bench:split-tests (SQLite temp file) or DB_CLIENT=mysql2 npm run bench:split-tests (MariaDB database
// cg_bench_split, dropped afterwards). BENCH_CONTACTS (default 50000), BENCH_ROUNDS (default 3, the median is shown).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { loadConfig, Config } from '../src/config';
import { connect, knexOptions } from '../src/db/connection';
import { migrateLatest } from '../src/db/migrate';
import { Store } from '../src/db/store';
import { FakeClock } from '../src/lib/clock';
import { silentLogger } from '../src/lib/logger';
import { createServices, Services } from '../src/services';
import { createBackground } from '../src/jobs';
import { JobRunner } from '../src/jobs/runner';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function setup(s: Services, db: Knex): Promise<{ accountId: number; book: number; program: number }> {
  const accountId = await s.accounts.createAccount('bench-split', `bench-split-${Date.now()}@example.com`, 'bench-password-1');
  const book = (await s.addressBooks.create(accountId, { name: 'everyone' })).id;
  const now = Date.now();
  for (let from = 0; from < CONTACTS; from += 500) {
    const rows = [];
    for (let n = from; n < Math.min(CONTACTS, from + 500); n++) {
      const email = `c${n}@example.com`;
      rows.push({ account_id: accountId, email, email_key: email, opt_in_type: 'Single', email_type: 'Html', audience_type: 'Unknown', status: 'Subscribed', data: '{}', created_at: now, updated_at: now });
    }
    await db('contacts').insert(rows);
  }
  await db.raw(
    `INSERT INTO address_book_contacts (address_book_id, contact_id, account_id, status, added_at, updated_at)
     SELECT ?, id, account_id, 'Subscribed', ?, ? FROM contacts WHERE account_id = ?`,
    [book, now, now, accountId],
  );
  const program = (await s.programs.create(accountId, { name: 'Welcome', status: 'Active' })).id;
  return { accountId, book, program };
}

async function timed(f: () => Promise<void>): Promise<number> {
  const t = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const base = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  let cfg: Config;
  let cleanup: () => Promise<void>;
  if (base.db.client === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bench-split-'));
    cfg = { ...base, db: { client: 'sqlite', filename: path.join(dir, 'bench.sqlite') } };
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    cfg = { ...base, db: { ...base.db, database: 'cg_bench_split' } };
    const admin = knexFactory({ ...knexOptions({ ...base.db, database: '' }), pool: { min: 0, max: 1 } });
    await admin.raw('DROP DATABASE IF EXISTS cg_bench_split');
    cleanup = async () => {
      await admin.raw('DROP DATABASE IF EXISTS cg_bench_split');
      await admin.destroy();
    };
  }
  const { knex, dialect } = await connect(cfg.db);
  await migrateLatest(knex);
  const store = new Store(knex, dialect);
  const clock = new FakeClock(Date.now());
  const s = createServices(store, clock, cfg);
  const runner: JobRunner = createBackground(s, silentLogger).runner;
  try {
    console.log(`split-test / enrolment benchmark on ${dialect}, ${new Date().toISOString()}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}`);
    console.log(`load average at the start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    const a = await setup(s, knex);
    const t = { send: [] as number[], split: [] as number[], enrol: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      const plain = await s.campaigns.create(a.accountId, { name: `plain-${round}`, subject: 'Hi' });
      t.send.push(await timed(async () => {
        await s.sends.send(a.accountId, { campaignId: plain.id, addressBookIds: [a.book] });
        await runner.drain();
      }));
      const split = await s.splitTests.createCampaign(a.accountId, { name: `split-${round}`, subjects: ['A', 'B'] });
      t.split.push(await timed(async () => {
        await s.splitTests.send(a.accountId, { campaignId: split.campaign.id, addressBookIds: [a.book], metric: 'Opens', percentage: 20, periodHours: 1 });
        await runner.drain();
        clock.advance(3_600_000);
        await runner.drain();
      }));
      t.enrol.push(await timed(async () => {
        await s.programs.enrol(a.accountId, { programId: a.program, addressBooks: [a.book] });
        await runner.drain();
      }));
      console.log(`  round ${round + 1}: send ${t.send[round].toFixed(0)} ms, split test ${t.split[round].toFixed(0)} ms, enrolment ${t.enrol[round].toFixed(0)} ms`);
    }
    const [m0, m1, m2] = [median(t.send), median(t.split), median(t.enrol)];
    console.log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log('');
    console.log(`| ${dialect}, ${CONTACTS} recipients (median of ${ROUNDS}) | ordinary send (baseline) | split test: 20% test + decision + rest | program enrolment |`);
    console.log('|---|---:|---:|---:|');
    console.log(`| ms, request to all handed over | ${m0.toFixed(0)} | ${m1.toFixed(0)} (${(m1 / m0).toFixed(2)}x) | ${m2.toFixed(0)} (${(m2 / m0).toFixed(2)}x) |`);
  } finally {
    await store.close();
    await cleanup();
  }
}

main().catch((e) => {
  console.error(String(e instanceof Error ? e.message : e).slice(0, 2000));
  process.exit(1);
});
