// Campaign summary benchmark (issue #20): the summary of a campaign with 1M recipients and 3M activity rows, read from
// the exact rollups (campaign_counters, migration 012) vs the raw scan of the same summary over the activity rows
// (the baseline: the pre-rollup query, served by the (campaign_id, type, contact_id) index), side by side in one run.
// Usage: npm run bench:campaign-summary [-- --scale 0.1] (SQLite temp file), or DB_CLIENT=mysql2 npm run
// bench:campaign-summary (MariaDB database cg_bench_campaign_summary, dropped afterwards). --scale multiplies the 1M
// recipients (0.1 = 100k recipients / ~300k rows, for quick runs). BENCH_BUFFER_POOL_MB (MariaDB: InnoDB buffer pool
// for this run, set back afterwards), BENCH_RUNS (timed summaries per side, default 30 rollup / 5 raw).
// The rows are generated with SQL (ingesting 3M events one by one would take hours), then the rollups are built with
// the same recount the backfill migration and `campaigns verify-counters --rebuild` use; live batches of events then
// go through the real ingestion path, and the rollups are checked against a recount before anything is timed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { loadConfig, Config } from '../src/config';
import { connect, knexOptions } from '../src/db/connection';
import { migrateLatest } from '../src/db/migrate';
import { Store } from '../src/db/store';
import { systemClock } from '../src/lib/clock';
import { createServices } from '../src/services';
import { summarize } from '../src/domain/campaignSummary';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const SCALE = Number(arg('--scale') ?? process.env.BENCH_SCALE ?? 1);
const N = Math.round(1_000_000 * SCALE);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const RAW_RUNS = Math.max(1, Math.round(RUNS / 6));
const DB_NAME = 'cg_bench_campaign_summary';

/** Activity rows per recipient n (1..N): [type, filter, extra columns]; about 3 rows per recipient in all. */
const SHAPES: Array<{ type: string; k: number; where: string; detail?: 'roi' | 'click' | 'bookmark' }> = [
  { type: 'sent', k: 0, where: '1 = 1' },
  { type: 'open', k: 0, where: 'n % 10 < 6' },
  { type: 'open', k: 1, where: 'n % 10 < 3' },
  { type: 'click', k: 0, where: 'n % 10 < 4', detail: 'click' },
  { type: 'click', k: 1, where: 'n % 20 = 0', detail: 'click' },
  { type: 'pageView', k: 0, where: 'n % 10 < 5' },
  { type: 'bounce', k: 0, where: 'n % 50 = 7' },
  { type: 'softbounce', k: 0, where: 'n % 50 = 8' },
  { type: 'unsubscribe', k: 0, where: 'n % 100 = 2' },
  { type: 'reply', k: 0, where: 'n % 100 = 3' },
  { type: 'forward', k: 0, where: 'n % 50 = 4' },
  { type: 'roi', k: 0, where: 'n % 20 = 5', detail: 'roi' },
  { type: 'socialBookmarkView', k: 0, where: 'n % 100 = 6', detail: 'bookmark' },
];

async function generate(db: Knex, dialect: 'sqlite' | 'mysql', accountId: number, campaignId: number, t0: number): Promise<void> {
  const cat = (...p: string[]) => (dialect === 'sqlite' ? p.join(' || ') : `CONCAT(${p.join(', ')})`);
  for (const s of SHAPES) {
    const url = s.detail === 'click' ? `'https://shop.example/p'` : 'NULL';
    const group = s.detail === 'click' ? `'Products'` : 'NULL';
    const name = s.detail === 'roi' ? `'Basket'` : s.detail === 'bookmark' ? `'Twitter'` : 'NULL';
    const value = s.detail === 'roi' ? cat(`(n % 97)`, `'.25'`) : 'NULL';
    const vtype = s.detail === 'roi' ? `'Numeric'` : 'NULL';
    const cols = `account_id, event_id, send_id, campaign_id, contact_id, type, url, occurred_at, link_group, detail_name, detail_value, value_type`;
    const sel = (from: string) =>
      `SELECT ${accountId}, ${cat(`'b-${s.type}-${s.k}-'`, 'n')}, NULL, ${campaignId}, n, '${s.type}', ${url}, ${t0} + n * 7 + ${s.k * 1000}, ${group}, ${name}, ${value}, ${vtype} FROM ${from} WHERE ${s.where}`;
    if (dialect === 'sqlite') {
      await db.raw(`INSERT INTO activities (${cols}) WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${N}) ${sel('seq')}`);
    } else {
      for (let from = 1; from <= N; from += 250_000) {
        const to = Math.min(N, from + 249_999);
        await db.raw(`INSERT INTO activities (${cols}) ${sel(`(SELECT seq AS n FROM seq_${from}_to_${to}) q`)}`);
      }
    }
  }
}

/** Reads (and with mb, sets) innodb_buffer_pool_size; restore() sets the original size back. */
async function bufferPool(admin: Knex, mb: string | undefined): Promise<{ restore(): Promise<void> }> {
  const size = async () => Number(Object.values((await admin.raw('SELECT @@innodb_buffer_pool_size AS s'))[0][0])[0]);
  const original = await size();
  const resize = async (bytes: number) => {
    await admin.raw(`SET GLOBAL innodb_buffer_pool_size = ${Math.floor(bytes)}`);
    for (let i = 0; i < 600 && (await size()) !== bytes; i++) await new Promise((r) => setTimeout(r, 100));
  };
  if (mb) await resize(Number(mb) * 1024 * 1024);
  console.log(`InnoDB buffer pool: ${Math.round((await size()) / 1048576)} MB${mb ? ` for this run (server setting ${Math.round(original / 1048576)} MB)` : ' (server setting)'}`);
  return { restore: async () => (mb ? resize(original) : undefined) };
}

async function timed(runs: number, fn: () => Promise<unknown>): Promise<{ median: number; p95: number; max: number }> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)], p95: ms[Math.min(ms.length - 1, Math.ceil(ms.length * 0.95) - 1)], max: ms[ms.length - 1] };
}

async function main(): Promise<void> {
  const base = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  let cfg: Config;
  let cleanup: () => Promise<void>;
  if (base.db.client === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bench-sum-'));
    cfg = { ...base, db: { client: 'sqlite', filename: path.join(dir, 'bench.sqlite') } };
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    cfg = { ...base, db: { ...base.db, database: DB_NAME } };
    const admin = knexFactory({ ...knexOptions({ ...base.db, database: '' }), pool: { min: 0, max: 1 } });
    await admin.raw(`DROP DATABASE IF EXISTS ${DB_NAME}`);
    const pool = await bufferPool(admin, process.env.BENCH_BUFFER_POOL_MB);
    cleanup = async () => {
      if (!process.env.BENCH_KEEP) await admin.raw(`DROP DATABASE IF EXISTS ${DB_NAME}`);
      await pool.restore();
      await admin.destroy();
    };
  }
  const { knex, dialect } = await connect(cfg.db);
  await migrateLatest(knex);
  const store = new Store(knex, dialect);
  const s = createServices(store, systemClock, cfg);
  try {
    console.log(`campaign summary benchmark on ${dialect}, ${new Date().toISOString()}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'})`);
    console.log(`load average at the start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    const accountId = await s.accounts.createAccount('bench-summary', `bench-summary-${Date.now()}@example.com`, 'bench-password-1');
    const campaign = await s.campaigns.create(accountId, { name: 'Big', subject: 's', fromName: 'f', htmlContent: 'h', plainTextContent: 'p' });
    const other = await s.campaigns.create(accountId, { name: 'Other', subject: 's', fromName: 'f', htmlContent: 'h', plainTextContent: 'p' });
    const t0 = Date.UTC(2026, 0, 1);
    let t = Date.now();
    await generate(knex, dialect, accountId, campaign.id, t0);
    const rows = Number((await knex('activities').where({ campaign_id: campaign.id }).count({ n: '*' }).first())?.n ?? 0);
    console.log(`  generated ${N} recipients, ${rows} activity rows in ${Date.now() - t} ms`);
    t = Date.now();
    await store.tx((r) => r.campaignRollups.rebuild(campaign.id));
    console.log(`  built the rollups from the rows in ${Date.now() - t} ms`);
    // live traffic through the real ingestion path (both campaigns, with redeliveries), as a gateway would see it
    const contact = await s.contacts.create(accountId, { email: 'live@shop.example' });
    for (let b = 0; b < 5; b++) {
      const events = Array.from({ length: 200 }, (_, i) => ({
        eventId: `live-${(b * 150 + i) % 800}`,
        type: i % 3 ? 'open' : 'click',
        campaignId: i % 4 ? campaign.id : other.id,
        contactId: contact.id,
        url: 'https://shop.example/live',
      }));
      await s.activities.ingest(accountId, events);
    }
    if (dialect === 'mysql') await knex.raw('ANALYZE TABLE activities, campaign_counters, campaign_firsts');
    else await knex.raw('ANALYZE');
    t = Date.now();
    // why: the counters are compared with a recount here; the per-contact first rows are checked by `verify` (its
    // anti-joins over 2M first rows take minutes on MariaDB, so only BENCH_VERIFY_FIRSTS=1 runs it here).
    const stored = JSON.stringify(await store.repos.campaignRollups.counters(accountId, campaign.id));
    const recounted = JSON.stringify(await store.repos.campaignRollups.recount(accountId, campaign.id));
    if (stored !== recounted) throw new Error(`rollups drifted:\n${stored}\n${recounted}`);
    console.log(`  rollup counters == a recount from the rows (${Date.now() - t} ms)`);
    if (process.env.BENCH_VERIFY_FIRSTS) {
      t = Date.now();
      const drift = await store.repos.campaignRollups.verify(campaign.id);
      console.log(`  verify (rollups and first rows vs a full recount): ${drift.length} difference(s), ${Date.now() - t} ms`);
      if (drift.length) throw new Error(`rollups drifted: ${JSON.stringify(drift.slice(0, 5))}`);
    }

    const repo = store.repos.campaignReports;
    const viaRollups = summarize(await repo.counters(accountId, campaign.id));
    const viaScan = summarize(await repo.rawCounters(accountId, campaign.id));
    if (JSON.stringify(viaRollups) !== JSON.stringify(viaScan)) throw new Error(`summaries differ:\n${JSON.stringify(viaRollups)}\n${JSON.stringify(viaScan)}`);
    console.log(`  both sides answer the same summary: sent ${viaRollups.sent}, opens ${viaRollups.opens} (${viaRollups.uniqueOpens} unique), clicks ${viaRollups.clicks} (${viaRollups.recipientsClicked} unique), roiTotal ${viaRollups.roiTotal}`);

    const service = await timed(RUNS, () => s.campaignReports.summary(accountId, campaign.id));
    const rollup = await timed(RUNS, async () => summarize(await repo.counters(accountId, campaign.id)));
    const raw = await timed(RAW_RUNS, async () => summarize(await repo.rawCounters(accountId, campaign.id)));
    console.log('');
    console.log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log(`| summary of one campaign (${dialect}, ${N} recipients, ${rows} activity rows) | runs | median ms | p95 ms | max ms | vs baseline |`);
    console.log('|---|---:|---:|---:|---:|---|');
    const line = (name: string, runs: number, x: { median: number; p95: number; max: number }, cmp: string) =>
      console.log(`| ${name} | ${runs} | ${x.median.toFixed(2)} | ${x.p95.toFixed(2)} | ${x.max.toFixed(2)} | ${cmp} |`);
    line('service summary (campaign check + rollups), target <= 200 ms', RUNS, service, `${(raw.median / service.median).toFixed(0)}x faster`);
    line('rollup read (campaign_counters) + rates', RUNS, rollup, `${(raw.median / rollup.median).toFixed(0)}x faster`);
    line('baseline: raw scan of the activity rows + rates', RAW_RUNS, raw, '1x');
  } finally {
    await store.close();
    await cleanup();
  }
}

main().catch((e) => {
  console.error(String(e instanceof Error ? e.stack ?? e.message : e).slice(0, 2000));
  process.exit(1);
});
