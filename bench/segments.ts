// Segment refresh benchmark: full refresh vs a hand-written SQL baseline, incremental refresh after 10,000 and 100
// changed contacts, and the 100-change case again on a small account (cost must not grow with account size).
// Usage: npm run bench:segments (SQLite temp file) or DB_CLIENT=mysql2 npm run bench:segments (MariaDB database
// cg_bench_segments, dropped afterwards). BENCH_CONTACTS (default 1000000), BENCH_SMALL_CONTACTS (default 20000),
// BENCH_BUFFER_POOL_MB (MariaDB: InnoDB buffer pool for this run, set back afterwards; default: the server's).
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
import { JobRunner } from '../src/jobs/runner';
import { registerSegmentJobs } from '../src/jobs/segmentJobs';
import { SegmentWriteHooks } from '../src/services/segmentHooks';

const BIG = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const SMALL = Number(process.env.BENCH_SMALL_CONTACTS ?? 20_000);
const COLOURS = ['Blue', 'Red', 'Green', 'Yellow', 'Black'];
const DOMAINS = ['d1.com', 'd7.com', 'd13.com', 'd29.com', 'd42.com'];

/** The 20 real-time segments: 4 rule shapes x 5 parameter sets, each with its hand-written baseline predicate. */
function segmentDefs(books: number[], dialect: 'sqlite' | 'mysql') {
  const j = (f: string) => (dialect === 'sqlite' ? `json_extract(c.data, '$.${f}')` : `JSON_VALUE(c.data, '$.${f}')`);
  const num = (e: string) => (dialect === 'sqlite' ? `CAST(${e} AS REAL)` : `CAST(${e} AS DOUBLE)`);
  const isTrue = dialect === 'sqlite' ? `${j('VIP')} = 1` : `${j('VIP')} IN ('1','true')`;
  const defs: Array<{ name: string; rules: unknown; baseline: string }> = [];
  for (let i = 0; i < 5; i++) {
    defs.push({
      name: `colour-${COLOURS[i]}`,
      rules: { all: [{ dataField: 'COLOUR', op: 'equals', value: COLOURS[i] }] },
      baseline: `LOWER(${j('COLOUR')}) = '${COLOURS[i].toLowerCase()}'`,
    });
    defs.push({
      name: `age-${i}`,
      rules: { all: [{ dataField: 'AGE', op: 'between', values: [i * 15, i * 15 + 20] }] },
      baseline: `${num(j('AGE'))} BETWEEN ${i * 15} AND ${i * 15 + 20}`,
    });
    defs.push({
      name: `book-vip-${i}`,
      rules: { all: [{ addressBook: books[i % books.length], op: 'in' }, { dataField: 'VIP', op: 'isTrue' }, { contact: 'status', op: 'equals', value: 'Subscribed' }] },
      baseline:
        `EXISTS (SELECT 1 FROM address_book_contacts m WHERE m.address_book_id = ${books[i % books.length]} AND m.contact_id = c.id ` +
        `AND m.status = 'Subscribed') AND ${isTrue} AND c.status = 'Subscribed'`,
    });
    const after = new Date(Date.UTC(2023, 0, 1) - i * 60 * 86_400_000).toISOString().slice(0, 10);
    const next = new Date(Date.parse(`${after}T00:00:00.000Z`) + 86_400_000).toISOString();
    defs.push({
      name: `joined-or-domain-${i}`,
      rules: { any: [{ dataField: 'JOINED', op: 'after', value: after }, { contact: 'email', op: 'domainIs', value: DOMAINS[i] }] },
      baseline: `(${j('JOINED')} >= '${next}' OR c.email_key LIKE '%@${DOMAINS[i]}')`,
    });
  }
  return defs;
}

async function generateContacts(db: Knex, dialect: 'sqlite' | 'mysql', accountId: number, n: number): Promise<void> {
  const now = Date.now();
  if (dialect === 'sqlite') {
    await db.raw(
      `INSERT INTO contacts (account_id, email, email_key, opt_in_type, email_type, audience_type, status, data, created_at, updated_at)
       WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?)
       SELECT ?, 'c' || n || '@d' || (n % 50) || '.com', 'c' || n || '@d' || (n % 50) || '.com',
         CASE n % 4 WHEN 0 THEN 'Single' ELSE 'Unknown' END, 'Html', 'Unknown',
         CASE WHEN n % 20 = 0 THEN 'Unsubscribed' ELSE 'Subscribed' END,
         '{"COLOUR":"' || (CASE n % 5 WHEN 0 THEN 'Blue' WHEN 1 THEN 'Red' WHEN 2 THEN 'Green' WHEN 3 THEN 'Yellow' ELSE 'Black' END)
           || '","AGE":' || (n % 90) || ',"JOINED":"' || strftime('%Y-%m-%dT%H:%M:%S.000Z', 1700000000 - (n % 1000) * 86400, 'unixepoch')
           || '","VIP":' || (CASE WHEN n % 3 = 0 THEN 'true' ELSE 'false' END) || '}',
         ?, ?
       FROM seq`,
      [n, accountId, now, now],
    );
  } else {
    for (let from = 1; from <= n; from += 200_000) {
      const to = Math.min(n, from + 199_999);
      await db.raw(
        `INSERT INTO contacts (account_id, email, email_key, opt_in_type, email_type, audience_type, status, data, created_at, updated_at)
         SELECT ?, CONCAT('c', seq, '@d', seq % 50, '.com'), CONCAT('c', seq, '@d', seq % 50, '.com'),
           IF(seq % 4 = 0, 'Single', 'Unknown'), 'Html', 'Unknown', IF(seq % 20 = 0, 'Unsubscribed', 'Subscribed'),
           CONCAT('{"COLOUR":"', ELT(seq % 5 + 1, 'Blue', 'Red', 'Green', 'Yellow', 'Black'), '","AGE":', seq % 90,
             ',"JOINED":"', DATE_FORMAT(FROM_UNIXTIME(1700000000 - (seq % 1000) * 86400), '%Y-%m-%dT%H:%i:%s.000Z'),
             '","VIP":', IF(seq % 3 = 0, 'true', 'false'), '}'),
           ?, ?
         FROM seq_${from}_to_${to}`,
        [accountId, now, now],
      );
    }
  }
}

interface Acct {
  accountId: number;
  segs: number[];
  defs: ReturnType<typeof segmentDefs>;
  ids: { min: number; max: number };
}

async function setupAccount(s: Services, db: Knex, dialect: 'sqlite' | 'mysql', runner: JobRunner, n: number): Promise<Acct> {
  const accountId = await s.accounts.createAccount(`bench-${n}`, `bench-${n}-${Date.now()}@example.com`, 'bench-password-1');
  for (const [name, type] of [['COLOUR', 'String'], ['AGE', 'Numeric'], ['JOINED', 'Date'], ['VIP', 'Boolean']]) await s.dataFields.create(accountId, { name, type });
  const books: number[] = [];
  for (let i = 0; i < 3; i++) books.push((await s.addressBooks.create(accountId, { name: `book-${i}` })).id);
  const t = Date.now();
  await generateContacts(db, dialect, accountId, n);
  const r = await db('contacts').where({ account_id: accountId }).min({ min: 'id' }).max({ max: 'id' }).first();
  const ids = { min: Number(r!.min), max: Number(r!.max) };
  for (let i = 0; i < books.length; i++) {
    await db.raw(
      `INSERT INTO address_book_contacts (address_book_id, contact_id, account_id, status, added_at, updated_at)
       SELECT ?, id, account_id, 'Subscribed', ?, ? FROM contacts WHERE account_id = ? AND id % ? = 0`,
      [books[i], Date.now(), Date.now(), accountId, i + 2],
    );
  }
  if (dialect === 'mysql') await db.raw('ANALYZE TABLE contacts, address_book_contacts, segment_members');
  else await db.raw('ANALYZE');
  console.log(`  generated ${n} contacts in ${Date.now() - t} ms`);
  const defs = segmentDefs(books, dialect);
  const segs: number[] = [];
  // creating a segment queues its full computation; the caller decides when it runs
  for (const d of defs) segs.push((await s.segments.create(accountId, { name: d.name, rules: d.rules })).id);
  return { accountId, segs, defs, ids };
}

/** Wall-clock ms and this process's CPU ms (user + system) of one timed phase. */
interface Timing {
  ms: number;
  cpu: number;
}

/**
 * Starts a timer. why: the machine is shared, and under a high load average wall-clock time mostly measures the
 * scheduler; on SQLite every statement runs on this process's thread, so its CPU time is the stable measure.
 */
function timer(): () => Timing {
  const t = process.hrtime.bigint();
  const c = process.cpuUsage();
  return () => {
    const d = process.cpuUsage(c);
    return { ms: Number(process.hrtime.bigint() - t) / 1e6, cpu: (d.user + d.system) / 1000 };
  };
}

async function timedRefresh(s: Services, runner: JobRunner, a: Acct, full: boolean): Promise<Timing> {
  const before = new Map<number, number>();
  for (const id of a.segs) before.set(id, (await s.segments.history(a.accountId, id))[0]?.id ?? 0);
  for (const id of a.segs) await s.segments.requestRefresh(a.accountId, id, 'bench', { full });
  const stop = timer();
  await runner.drain();
  const ms = stop();
  for (const id of a.segs) {
    const h = (await s.segments.history(a.accountId, id))[0];
    if (h.id <= before.get(id)! || h.status !== 'done' || h.mode !== (full ? 'full' : 'incremental')) throw new Error(`refresh of ${id} was ${h.mode}/${h.status}`);
  }
  return ms;
}

async function baseline(store: Store, a: Acct): Promise<Timing> {
  const stop = timer();
  for (let i = 0; i < a.segs.length; i++) {
    await store.knex.transaction(async (trx) => {
      await trx.raw('DELETE FROM segment_members WHERE segment_id = ?', [a.segs[i]]);
      await trx.raw(`INSERT INTO segment_members (segment_id, contact_id) SELECT ?, c.id FROM contacts c WHERE c.account_id = ? AND ${a.defs[i].baseline}`, [
        a.segs[i],
        a.accountId,
      ]);
    });
  }
  return stop();
}

/** Changes `count` contacts spread over the account as an import would: chunks of 2000, bulkWrite per chunk. */
async function bulkChange(store: Store, hooks: SegmentWriteHooks, a: Acct, count: number, round: number): Promise<void> {
  const span = a.ids.max - a.ids.min + 1;
  const step = Math.max(1, Math.floor(span / count));
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push(a.ids.min + ((i * step + round) % span));
  for (let i = 0; i < ids.length; i += 2000) {
    const part = ids.slice(i, i + 2000);
    await store.tx(async (r) => {
      await r.db('contacts').whereIn('id', part).update({
        data: JSON.stringify({ COLOUR: COLOURS[round % 5], AGE: (round * 7) % 90, JOINED: new Date(Date.UTC(2024, 0, 1)).toISOString(), VIP: round % 2 === 0 }),
        updated_at: Date.now(),
      });
      await hooks.bulkWrite(r, a.accountId, part);
    });
  }
}

/** With BENCH_PROFILE=1: total time per SQL statement shape while a phase runs (printed when stopped). */
function profile(knex: Knex): () => void {
  const started = new Map<string, [string, bigint]>();
  const totals = new Map<string, { ms: number; n: number }>();
  const onQuery = (q: { __knexQueryUid: string; sql: string }) => started.set(q.__knexQueryUid, [q.sql.replace(/\s+/g, ' ').slice(0, 110), process.hrtime.bigint()]);
  const onDone = (_r: unknown, q: { __knexQueryUid: string }) => {
    const st = started.get(q.__knexQueryUid);
    if (!st) return;
    const t = totals.get(st[0]) ?? { ms: 0, n: 0 };
    t.ms += Number(process.hrtime.bigint() - st[1]) / 1e6;
    t.n++;
    totals.set(st[0], t);
  };
  knex.on('query', onQuery).on('query-response', onDone);
  return () => {
    knex.off('query', onQuery).off('query-response', onDone);
    for (const [sql, t] of [...totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, 14)) console.log(`  ${t.ms.toFixed(0)} ms / ${t.n}x  ${sql}`);
  };
}

/**
 * A 10,000-contact import: 5,000 new contacts (appended, so their ids are contiguous) and 5,000 updates of existing
 * contacts scattered over the account; chunks of 2,000 rows, bulkWrite per chunk, as the import pipeline does.
 */
async function importLike(store: Store, hooks: SegmentWriteHooks, a: Acct, count: number): Promise<void> {
  const now = Date.now();
  const fresh = Math.floor(count / 2);
  const newIds: number[] = [];
  for (let i = 0; i < fresh; i += 400) {
    const rows = [];
    for (let k = i; k < Math.min(fresh, i + 400); k++) {
      const email = `new${k}@import.example`;
      rows.push({
        account_id: a.accountId, email, email_key: email, opt_in_type: 'Single', email_type: 'Html', audience_type: 'Unknown',
        status: 'Subscribed', data: JSON.stringify({ COLOUR: COLOURS[k % 5], AGE: k % 90, JOINED: new Date(Date.UTC(2024, 0, 1)).toISOString(), VIP: k % 2 === 0 }),
        created_at: now, updated_at: now,
      });
    }
    await store.knex('contacts').insert(rows);
  }
  const r = await store.knex('contacts').where({ account_id: a.accountId }).where('email_key', 'like', 'new%@import.example').select('id');
  newIds.push(...r.map((x) => Number(x.id)));
  const span = a.ids.max - a.ids.min + 1;
  const step = Math.max(1, Math.floor(span / (count - fresh)));
  const updated: number[] = [];
  for (let i = 0; i < count - fresh; i++) updated.push(a.ids.min + ((i * step + 17) % span));
  const all = [...newIds, ...updated];
  for (let i = 0; i < all.length; i += 2000) {
    const part = all.slice(i, i + 2000);
    await store.tx(async (tx) => {
      await tx.db('contacts').whereIn('id', part.filter((id) => id <= a.ids.max)).update({ data: JSON.stringify({ COLOUR: 'Blue', AGE: 33, VIP: true }), updated_at: now });
      await hooks.bulkWrite(tx, a.accountId, part);
    });
  }
}

/** Reads (and with mb, sets) innodb_buffer_pool_size; restore() sets the original size back. */
async function bufferPool(admin: Knex, mb: string | undefined): Promise<{ restore(): Promise<void> }> {
  const size = async () => Number(Object.values((await admin.raw('SELECT @@innodb_buffer_pool_size AS s'))[0][0])[0]);
  const original = await size();
  const resize = async (bytes: number) => {
    await admin.raw(`SET GLOBAL innodb_buffer_pool_size = ${Math.floor(bytes)}`);
    // the resize runs in the server's background; wait until the new size is in effect
    for (let i = 0; i < 600 && (await size()) !== bytes; i++) await new Promise((r) => setTimeout(r, 100));
  };
  if (mb) await resize(Number(mb) * 1024 * 1024);
  console.log(`InnoDB buffer pool: ${Math.round((await size()) / 1048576)} MB${mb ? ` for this run (server setting ${Math.round(original / 1048576)} MB)` : ' (server setting)'}`);
  return { restore: async () => (mb ? resize(original) : undefined) };
}

async function main(): Promise<void> {
  const base = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  let cfg: Config;
  let cleanup: () => Promise<void>;
  if (base.db.client === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bench-seg-'));
    cfg = { ...base, db: { client: 'sqlite', filename: path.join(dir, 'bench.sqlite') } };
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    cfg = { ...base, db: { ...base.db, database: 'cg_bench_segments' } };
    const admin = knexFactory({ ...knexOptions({ ...base.db, database: '' }), pool: { min: 0, max: 1 } });
    await admin.raw('DROP DATABASE IF EXISTS cg_bench_segments');
    // BENCH_BUFFER_POOL_MB sizes InnoDB's buffer pool for this run (a global, dynamic setting) and sets it back at
    // the end. why: production servers size it to the working set; the stock 128 MB holds a fifth of the 1M data.
    const pool = await bufferPool(admin, process.env.BENCH_BUFFER_POOL_MB);
    cleanup = async () => {
      if (!process.env.BENCH_KEEP) await admin.raw('DROP DATABASE IF EXISTS cg_bench_segments');
      await pool.restore();
      await admin.destroy();
    };
  }
  const { knex, dialect } = await connect(cfg.db);
  if (dialect === 'sqlite' && process.env.BENCH_SQLITE_CACHE_MB) {
    // the pool has one connection, so these apply to every statement of the run
    await knex.raw(`PRAGMA cache_size = -${Number(process.env.BENCH_SQLITE_CACHE_MB) * 1024}`);
    await knex.raw(`PRAGMA mmap_size = ${Number(process.env.BENCH_SQLITE_CACHE_MB) * 1024 * 1024}`);
  }
  await migrateLatest(knex);
  const store = new Store(knex, dialect);
  const s = createServices(store, systemClock, cfg);
  const runner = new JobRunner(s.jobs, 'bench', { pollMs: 10 });
  registerSegmentJobs(runner, s);
  const hooks = new SegmentWriteHooks(systemClock);
  try {
    console.log(`segment refresh benchmark on ${dialect}, ${new Date().toISOString()}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'})`);
    console.log(`load average at the start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log(`big account: ${BIG} contacts, 20 real-time segments`);
    const big = await setupAccount(s, knex, dialect, runner, BIG);
    // Both sides recompute over existing members (delete + insert): the initial computation runs untimed first.
    const t = Date.now();
    await runner.drain();
    console.log(`  initial membership of 20 segments in ${Date.now() - t} ms`);
    const base1 = await baseline(store, big);
    const full = await timedRefresh(s, runner, big, true);
    await importLike(store, hooks, big, 10_000);
    const stopProfile = process.env.BENCH_PROFILE ? profile(knex) : () => undefined;
    const inc10k = await timedRefresh(s, runner, big, false);
    stopProfile();
    await bulkChange(store, hooks, big, 10_000, 1);
    const inc10kScattered = await timedRefresh(s, runner, big, false);
    await bulkChange(store, hooks, big, 100, 2);
    const inc100 = await timedRefresh(s, runner, big, false);
    console.log(`small account: ${SMALL} contacts, 20 real-time segments`);
    const small = await setupAccount(s, knex, dialect, runner, SMALL);
    await runner.drain();
    await bulkChange(store, hooks, small, 100, 3);
    const inc100small = await timedRefresh(s, runner, small, false);
    const pct = (x: Timing, y: Timing, k: keyof Timing) => `${((x[k] / y[k]) * 100).toFixed(2)}%`;
    const rows: Array<[string, Timing, string]> = [
      [`(a) full refresh, ${BIG} contacts`, full, `${(full.ms / base1.ms).toFixed(2)}x baseline wall, ${(full.cpu / base1.cpu).toFixed(2)}x CPU (target <= 2x)`],
      [`    baseline: hand-written SQL full recompute`, base1, '1.00x'],
      [`(b) incremental after a 10,000-contact import (5,000 new + 5,000 updated, scattered)`, inc10k, `${pct(inc10k, full, 'ms')} of full wall, ${pct(inc10k, full, 'cpu')} CPU; ${pct(inc10k, base1, 'ms')} / ${pct(inc10k, base1, 'cpu')} of baseline (target <= 5%)`],
      [`(b') incremental, 10,000 updates scattered evenly over the account (worst case)`, inc10kScattered, `${pct(inc10kScattered, full, 'ms')} of full wall, ${pct(inc10kScattered, full, 'cpu')} CPU`],
      [`(c) incremental, 100 changed`, inc100, `${(inc100.ms / 20).toFixed(1)} ms per segment (target <= 200 ms)`],
      [`(c) incremental, 100 changed, ${SMALL}-contact account`, inc100small, `${(inc100.ms / inc100small.ms).toFixed(2)}x = big/small at the same change count`],
    ];
    console.log('');
    console.log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log(`| case (all 20 segments, ${dialect}) | wall ms | per segment ms | CPU ms of this process | comparison |`);
    console.log('|---|---:|---:|---:|---|');
    for (const [name, t, cmp] of rows) console.log(`| ${name} | ${t.ms.toFixed(0)} | ${(t.ms / 20).toFixed(1)} | ${t.cpu.toFixed(0)} | ${cmp} |`);
  } finally {
    await store.close();
    await cleanup();
  }
}

main().catch((e) => {
  console.error(String(e instanceof Error ? e.message : e).slice(0, 2000));
  process.exit(1);
});
