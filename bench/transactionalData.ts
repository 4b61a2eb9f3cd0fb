// Transactional-data benchmark (issue #19), side by side in one run on one engine:
//   (a) an import of N records of ~1 KB JSON end to end (stored, job run, chunks validated, contacts resolved by email,
//       written, faults, progress) vs a hand-written bulk insert of the same rows (contact ids known, multi-row INSERTs
//       of 500 rows, one transaction per 50,000): target >= 0.5x the baseline's throughput;
//   (b) a segment over the collection: incremental refresh after a 10,000-record import vs a full recompute: target <= 5%.
// Usage: npm run bench:transactional-data [-- --records N] [--contacts C] [--changed K] (SQLite temp file), or with
// DB_CLIENT=mysql2 (database cg_bench_txdata, dropped afterwards). Defaults: N 1,000,000; C = max(20,000, N/2); K 10,000.
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
import { MAX_IMPORT_ITEMS } from '../src/domain/transactionalData';
import { TxDataInput } from '../src/services/transactionalData';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive whole number`);
  return v;
}
const RECORDS = arg('records', 1_000_000);
const CONTACTS = arg('contacts', Math.max(20_000, Math.floor(RECORDS / 2)));
const CHANGED = arg('changed', 10_000);
const PAD = 'x'.repeat(700);

/** Wall-clock ms and this process's CPU ms of one timed phase. */
interface Timing {
  ms: number;
  cpu: number;
}
function timer(): () => Timing {
  const t = process.hrtime.bigint();
  const c = process.cpuUsage();
  return () => {
    const d = process.cpuUsage(c);
    return { ms: Number(process.hrtime.bigint() - t) / 1e6, cpu: (d.user + d.system) / 1000 };
  };
}

/** Record i: an order of ~1 KB JSON of contact (i % contacts). */
function record(i: number, prefix: string): { key: string; contact: number; json: string } {
  const contact = i % CONTACTS;
  const json = JSON.stringify({
    id: `${prefix}${i}`,
    total: (i * 37) % 1000,
    placedAt: new Date(Date.UTC(2026, 0, 1) + (i % 365) * 86_400_000).toISOString(),
    shipping: { country: ['GB', 'FR', 'DE'][i % 3], postcode: `AB${i % 100} 1CD` },
    lines: [
      { sku: `SKU-${i % 5000}`, qty: 1 + (i % 3), price: 9.99 },
      { sku: `SKU-${(i + 7) % 5000}`, qty: 1, price: 19.5 },
    ],
    note: PAD,
  });
  return { key: `${prefix}${i}`, contact, json };
}

async function generateContacts(db: Knex, dialect: 'sqlite' | 'mysql', accountId: number, n: number): Promise<number[]> {
  const now = Date.now();
  const cols = 'account_id, email, email_key, opt_in_type, email_type, audience_type, status, data, created_at, updated_at';
  if (dialect === 'sqlite') {
    await db.raw(
      `INSERT INTO contacts (${cols}) WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < ?)
       SELECT ?, 'c' || n || '@bench.example', 'c' || n || '@bench.example', 'Single', 'Html', 'Unknown', 'Subscribed', '{}', ?, ? FROM seq`,
      [n - 1, accountId, now, now],
    );
  } else {
    for (let from = 0; from < n; from += 200_000) {
      const to = Math.min(n - 1, from + 199_999);
      await db.raw(
        `INSERT INTO contacts (${cols}) SELECT ?, CONCAT('c', seq, '@bench.example'), CONCAT('c', seq, '@bench.example'), 'Single', 'Html', 'Unknown',
         'Subscribed', '{}', ?, ? FROM seq_${from}_to_${to}`,
        [accountId, now, now],
      );
    }
  }
  // contact i is c<i>@bench.example
  const rows = await db('contacts').where({ account_id: accountId }).select('id', 'email_key');
  const ids = new Array<number>(n);
  for (const r of rows) ids[Number(String(r.email_key).slice(1, String(r.email_key).indexOf('@')))] = Number(r.id);
  return ids;
}

/** Where the pipeline's wall time went: storing the imports, running their jobs. */
const phases = { store: 0, job: 0 };

/** The pipeline: imports of up to MAX_IMPORT_ITEMS records each, stored and their jobs run to the end. */
async function pipelineImport(s: Services, accountId: number, collection: string, from: number, count: number, prefix: string): Promise<Timing> {
  const stop = timer();
  for (let at = from; at < from + count; at += MAX_IMPORT_ITEMS) {
    const items: TxDataInput[] = [];
    for (let i = at; i < Math.min(from + count, at + MAX_IMPORT_ITEMS); i++) {
      const r = record(i, prefix);
      items.push({ key: r.key, contactIdentifier: `c${r.contact}@bench.example`, json: r.json });
    }
    const t0 = timer();
    const st = await s.transactionalData.startImport(accountId, collection, items, 'bench');
    phases.store += t0().ms;
    const t1 = timer();
    if ((await s.transactionalData.runImportJob(st.id, { heartbeat: async () => true })) !== 'done') throw new Error('import released');
    phases.job += t1().ms;
    const rep = await s.transactionalData.importReport(accountId, st.id);
    if (rep.totalRejected !== 0) throw new Error(`import rejected ${rep.totalRejected} records`);
  }
  return stop();
}

/** The baseline: the same rows by hand (contact ids known), 500-row INSERTs, one transaction per 50,000 rows. */
async function baselineInsert(knex: Knex, accountId: number, ids: number[], collection: string, count: number, prefix: string): Promise<Timing> {
  const stop = timer();
  const now = Date.now();
  for (let at = 0; at < count; at += 50_000) {
    await knex.transaction(async (trx) => {
      for (let b = at; b < Math.min(count, at + 50_000); b += 500) {
        const binds: unknown[] = [];
        let n = 0;
        for (let i = b; i < Math.min(count, b + 500); i++) {
          const r = record(i, prefix);
          binds.push(accountId, collection, r.key, ids[r.contact], r.json, now, now);
          n++;
        }
        await trx.raw(
          `INSERT INTO transactional_data (account_id, collection, record_key, contact_id, json, created_at, updated_at) VALUES ${Array(n).fill('(?,?,?,?,?,?,?)').join(',')}`,
          binds as Knex.RawBinding[],
        );
      }
    });
  }
  return stop();
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
    for (const [sql, t] of [...totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, 10)) console.log(`  ${t.ms.toFixed(0)} ms / ${t.n}x  ${sql}`);
  };
}

async function refresh(s: Services, runner: JobRunner, accountId: number, seg: number, full: boolean): Promise<{ t: Timing; changed: number }> {
  await s.segments.requestRefresh(accountId, seg, 'bench', { full });
  const stop = timer();
  await runner.drain();
  const t = stop();
  const h = (await s.segments.history(accountId, seg))[0];
  if (h.status !== 'done' || h.mode !== (full ? 'full' : 'incremental')) throw new Error(`refresh was ${h.mode}/${h.status}`);
  return { t, changed: h.changedContacts ?? 0 };
}

async function main(): Promise<void> {
  const base = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  let cfg: Config;
  let cleanup: () => Promise<void>;
  if (base.db.client === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bench-tx-'));
    cfg = { ...base, db: { client: 'sqlite', filename: path.join(dir, 'bench.sqlite') } };
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    cfg = { ...base, db: { ...base.db, database: 'cg_bench_txdata' } };
    const admin = knexFactory({ ...knexOptions({ ...base.db, database: '' }), pool: { min: 0, max: 1 } });
    await admin.raw('DROP DATABASE IF EXISTS cg_bench_txdata');
    cleanup = async () => {
      if (!process.env.BENCH_KEEP) await admin.raw('DROP DATABASE IF EXISTS cg_bench_txdata');
      await admin.destroy();
    };
  }
  const { knex, dialect } = await connect(cfg.db);
  await migrateLatest(knex);
  const store = new Store(knex, dialect);
  const s = createServices(store, systemClock, cfg);
  const runner = new JobRunner(s.jobs, 'bench', { pollMs: 10 });
  registerSegmentJobs(runner, s);
  try {
    console.log(`transactional-data benchmark on ${dialect}, ${new Date().toISOString()}, ${os.cpus().length} CPUs, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log(`${RECORDS} records of ~${record(1, 'o-').json.length} bytes JSON, ${CONTACTS} contacts, import chunks of ${cfg.txImportChunkRows}`);
    const accountId = await s.accounts.createAccount('bench', `bench-${Date.now()}@example.com`, 'bench-password-1');
    const ids = await generateContacts(knex, dialect, accountId, CONTACTS);
    // The baseline first (into its own collection): the pipeline then writes into the larger table, never the smaller.
    const raw = await baselineInsert(knex, accountId, ids, 'OrdersRaw', RECORDS, 'r-');
    console.log(`  baseline bulk insert: ${raw.ms.toFixed(0)} ms`);
    const stopProfile = process.env.BENCH_PROFILE ? profile(knex) : () => undefined;
    const imp = await pipelineImport(s, accountId, 'Orders', 0, RECORDS, 'o-');
    stopProfile();
    console.log(`  pipeline import: ${imp.ms.toFixed(0)} ms (storing ${phases.store.toFixed(0)} ms, jobs ${phases.job.toFixed(0)} ms)`);
    const seg = (await s.segments.create(accountId, { name: 'big spenders', rules: { all: [{ collection: 'Orders', op: 'exists', where: [{ field: 'total', op: '>', value: 900 }] }] } })).id;
    await runner.drain();
    const full = await refresh(s, runner, accountId, seg, true);
    // K new records on K distinct contacts (spread over the account), through the pipeline: a bulk write.
    const changedImport = await pipelineImport(s, accountId, 'Orders', RECORDS, Math.min(CHANGED, CONTACTS), 'o-');
    const inc = await refresh(s, runner, accountId, seg, false);
    const rate = (t: Timing, n: number) => Math.round(n / (t.ms / 1000));
    console.log('');
    console.log(`| case (${dialect}) | wall ms | CPU ms (this process) | comparison |`);
    console.log('|---|---:|---:|---|');
    console.log(`| (a) import of ${RECORDS} records end to end | ${imp.ms.toFixed(0)} | ${imp.cpu.toFixed(0)} | ${rate(imp, RECORDS)} records/s = ${(raw.ms / imp.ms).toFixed(2)}x the baseline's throughput (target >= 0.5x) |`);
    console.log(`| baseline: hand-written bulk insert of the same rows | ${raw.ms.toFixed(0)} | ${raw.cpu.toFixed(0)} | ${rate(raw, RECORDS)} records/s |`);
    console.log(`| (b) full recompute of a segment over the collection | ${full.t.ms.toFixed(0)} | ${full.t.cpu.toFixed(0)} | ${full.changed} members |`);
    console.log(`| (b) incremental refresh after a ${Math.min(CHANGED, CONTACTS)}-record import (${changedImport.ms.toFixed(0)} ms) | ${inc.t.ms.toFixed(0)} | ${inc.t.cpu.toFixed(0)} | ${inc.changed} contacts evaluated; ${((inc.t.ms / full.t.ms) * 100).toFixed(2)}% of full (target <= 5%) |`);
  } finally {
    await store.close();
    await cleanup();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
