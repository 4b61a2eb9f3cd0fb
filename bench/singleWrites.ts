// Single-write benchmark (issue #24 §1, DESIGN invariant 11): the cost of one contact update (two data fields, as
// PUT /v2/contacts/{id} does, through the shared contact service) with 0, 10, 50, 100, 200 and 1000 real-time
// segments on the account, in one run, with each count's ratio to the same write with none.
// Two segment mixes, each on its own 20,000-contact account:
//   all-read  every segment reads a field the write changes (the dependency skip saves nothing: worst case);
//   spread    segments rotate over 10 rule shapes (8 data fields, books, status, email); the write's two fields are
//             read by 2 of the 10 shapes, so a fifth of the segments are affected.
// Usage: npm run bench:single-writes (SQLite temp file) or DB_CLIENT=mysql2 npm run bench:single-writes (MariaDB
// database cg_bench_single, dropped afterwards). BENCH_CONTACTS (default 20000), BENCH_WRITES (default 300).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { loadConfig, Config } from '../src/config';
import { connect, knexOptions } from '../src/db/connection';
import { migrateLatest } from '../src/db/migrate';
import { Store } from '../src/db/store';
import { systemClock } from '../src/lib/clock';
import { createServices, Services } from '../src/services';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 20_000);
const WRITES = Number(process.env.BENCH_WRITES ?? 300);
const COUNTS = (process.env.BENCH_COUNTS ?? '0,10,50,100,200,1000').split(',').map(Number);
const FIELDS: Array<[string, string]> = [
  ['COLOUR', 'String'], ['AGE', 'Numeric'], ['CITY', 'String'], ['SCORE', 'Numeric'],
  ['JOINED', 'Date'], ['VIP', 'Boolean'], ['PLAN', 'String'], ['NOTE', 'String'],
];
const COLOURS = ['Blue', 'Red', 'Green', 'Yellow', 'Black'];

/** Rules of segment k in a mix; `books` are the account's address books. */
function ruleFor(mix: 'all-read' | 'spread', k: number, books: number[]): unknown {
  const book = books[k % books.length];
  const colour = COLOURS[k % 5];
  const lo = (k * 7) % 80;
  if (mix === 'all-read') {
    switch (k % 4) {
      case 0: return { all: [{ dataField: 'COLOUR', op: 'equals', value: colour }, { addressBook: book, op: 'in' }] };
      case 1: return { all: [{ dataField: 'AGE', op: 'between', values: [lo, lo + 15] }, { contact: 'status', op: 'equals', value: 'Subscribed' }] };
      case 2: return { any: [{ dataField: 'COLOUR', op: 'startsWith', value: colour.slice(0, 2) }, { dataField: 'VIP', op: 'isTrue' }] };
      default: return { all: [{ dataField: 'AGE', op: '>', value: lo }, { dataField: 'CITY', op: 'notEquals', value: `city${k % 9}` }] };
    }
  }
  switch (k % 10) {
    case 0: return { all: [{ dataField: 'COLOUR', op: 'equals', value: colour }, { addressBook: book, op: 'in' }] };
    case 1: return { all: [{ dataField: 'AGE', op: 'between', values: [lo, lo + 15] }] };
    case 2: return { all: [{ dataField: 'CITY', op: 'equals', value: `city${k % 9}` }] };
    case 3: return { all: [{ dataField: 'SCORE', op: '>', value: (k * 13) % 100 }, { contact: 'status', op: 'equals', value: 'Subscribed' }] };
    case 4: return { all: [{ dataField: 'JOINED', op: 'after', value: `202${k % 4}-0${1 + (k % 9)}-01` }] };
    case 5: return { all: [{ dataField: 'VIP', op: 'isTrue' }, { addressBook: book, op: 'in' }] };
    case 6: return { all: [{ dataField: 'PLAN', op: 'contains', value: `p${k % 7}` }] };
    case 7: return { any: [{ dataField: 'NOTE', op: 'startsWith', value: `n${k % 5}` }, { addressBook: book, op: 'notIn' }] };
    case 8: return { all: [{ contact: 'status', op: 'equals', value: 'Subscribed' }, { addressBook: book, op: 'in' }] };
    default: return { all: [{ contact: 'email', op: 'domainIs', value: `d${k % 50}.com` }] };
  }
}

interface Acct {
  accountId: number;
  books: number[];
  ids: number[];
  segments: number;
}

async function setupAccount(s: Services, db: Knex, name: string): Promise<Acct> {
  const accountId = await s.accounts.createAccount(name, `${name}-${Date.now()}@example.com`, 'bench-password-1');
  for (const [f, type] of FIELDS) await s.dataFields.create(accountId, { name: f, type });
  const books: number[] = [];
  for (let i = 0; i < 5; i++) books.push((await s.addressBooks.create(accountId, { name: `book-${i}` })).id);
  const now = Date.now();
  for (let from = 0; from < CONTACTS; from += 400) {
    const rows = [];
    for (let n = from; n < Math.min(CONTACTS, from + 400); n++) {
      const email = `c${n}@d${n % 50}.com`;
      const data = {
        COLOUR: COLOURS[n % 5], AGE: n % 90, CITY: `city${n % 9}`, SCORE: n % 100,
        JOINED: new Date(Date.UTC(2019, 0, 1) + (n % 2000) * 86_400_000).toISOString(), VIP: n % 3 === 0,
        PLAN: `p${n % 7}-plan`, NOTE: `n${n % 5} note`,
      };
      rows.push({ account_id: accountId, email, email_key: email, opt_in_type: 'Single', email_type: 'Html', audience_type: 'Unknown', status: n % 20 === 0 ? 'Unsubscribed' : 'Subscribed', data: JSON.stringify(data), created_at: now, updated_at: now });
    }
    await db('contacts').insert(rows);
  }
  const ids = (await db('contacts').where({ account_id: accountId }).orderBy('id').select('id')).map((r) => Number(r.id));
  for (let i = 0; i < books.length; i++) {
    await db.raw(
      `INSERT INTO address_book_contacts (address_book_id, contact_id, account_id, status, added_at, updated_at)
       SELECT ?, id, account_id, 'Subscribed', ?, ? FROM contacts WHERE account_id = ? AND id % ? = 0`,
      [books[i], now, now, accountId, i + 2],
    );
  }
  return { accountId, books, ids, segments: 0 };
}

/** Adds segments up to `count` (created as the API does; their members are then computed by a full recompute). */
async function growSegments(s: Services, store: Store, a: Acct, mix: 'all-read' | 'spread', count: number): Promise<void> {
  for (let k = a.segments; k < count; k++) {
    const seg = await s.segments.create(a.accountId, { name: `${mix}-${k}`, rules: ruleFor(mix, k, a.books) });
    // why: the bench's writes should flip real memberships, so each segment starts with its right members.
    await store.tx(async (r) => {
      const row = (await r.segments.get(a.accountId, seg.id))!;
      const n = await r.segmentEval.applyFull(row.id, a.accountId, row.rules, Date.now());
      await r.segments.finishRefresh(row.id, a.accountId, { horizon: 0, rulesVersion: row.rulesVersion, memberCount: n, full: true, now: Date.now() });
    });
  }
  a.segments = count;
}

/** Mean ms per write of `WRITES` sequential two-field updates of contacts spread over the account. */
async function timeWrites(s: Services, a: Acct, round: number): Promise<{ ms: number; cpu: number }> {
  const write = async (i: number) => {
    const id = a.ids[(i * 7919 + round * 104729) % a.ids.length];
    await s.contacts.update(a.accountId, id, { dataFields: { COLOUR: COLOURS[(i + round) % 5], AGE: (i * 31 + round) % 90 } });
  };
  for (let i = 0; i < 20; i++) await write(WRITES + i);
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < WRITES; i++) await write(i);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / WRITES;
  const cu = process.cpuUsage(c0);
  return { ms, cpu: (cu.user + cu.system) / 1000 / WRITES };
}

async function main(): Promise<void> {
  const base = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  let cfg: Config;
  let cleanup: () => Promise<void>;
  if (base.db.client === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bench-single-'));
    cfg = { ...base, db: { client: 'sqlite', filename: path.join(dir, 'bench.sqlite') } };
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    cfg = { ...base, db: { ...base.db, database: 'cg_bench_single' } };
    const admin = knexFactory({ ...knexOptions({ ...base.db, database: '' }), pool: { min: 0, max: 1 } });
    await admin.raw('DROP DATABASE IF EXISTS cg_bench_single');
    cleanup = async () => {
      await admin.raw('DROP DATABASE IF EXISTS cg_bench_single');
      await admin.destroy();
    };
  }
  const { knex, dialect } = await connect(cfg.db);
  await migrateLatest(knex);
  const store = new Store(knex, dialect);
  const s = createServices(store, systemClock, cfg);
  try {
    console.log(`single-write benchmark on ${dialect}, ${new Date().toISOString()}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}`);
    console.log(`load average at the start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    const results: Record<string, Array<{ ms: number; cpu: number }>> = {};
    for (const mix of ['all-read', 'spread'] as const) {
      const a = await setupAccount(s, knex, `bench-${mix}`);
      results[mix] = [];
      for (const [round, n] of COUNTS.entries()) {
        await growSegments(s, store, a, mix, n);
        if (dialect === 'mysql') await knex.raw('ANALYZE TABLE contacts, address_book_contacts, segment_members, segments');
        else await knex.raw('ANALYZE');
        const t = await timeWrites(s, a, round);
        results[mix].push(t);
        console.log(`  ${mix}, ${n} segments: ${t.ms.toFixed(2)} ms per write (${t.cpu.toFixed(2)} ms CPU)`);
      }
    }
    console.log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log('');
    console.log(`| ${dialect}: real-time segments | ${COUNTS.join(' | ')} |`);
    console.log(`|---|${COUNTS.map(() => '---:').join('|')}|`);
    for (const mix of ['all-read', 'spread'] as const) {
      const r = results[mix];
      const affected = mix === 'all-read' ? 'all affected' : 'a fifth affected';
      console.log(`| ${mix} (${affected}), ms per write | ${r.map((x, i) => (i === 0 ? x.ms.toFixed(2) : `${x.ms.toFixed(2)} (${(x.ms / r[0].ms).toFixed(2)}x)`)).join(' | ')} |`);
      console.log(`| ${mix}, CPU ms per write (this process) | ${r.map((x, i) => (i === 0 ? x.cpu.toFixed(2) : `${x.cpu.toFixed(2)} (${(x.cpu / r[0].cpu).toFixed(2)}x)`)).join(' | ')} |`);
    }
  } finally {
    await store.close();
    await cleanup();
  }
}

main().catch((e) => {
  console.error(String(e instanceof Error ? e.message : e).slice(0, 2000));
  process.exit(1);
});
