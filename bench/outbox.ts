// Outbox benchmark (issue #21): claim + acknowledge throughput of the outbox service (what GET/POST /v2/outbox* and
// `outbox claim|ack` run) against raw SQL doing the same work (select the claimable rows, stamp the claim, mark them
// acknowledged; no re-checks, no token check on ack) in the same run, on the same rows; both read whole rows, as a
// worker needs them. Batches of BENCH_BATCH rows; one worker, then two workers on separate connections (as two
// processes) draining the same outbox.
// Usage: npm run bench:outbox (SQLite temp file) or DB_CLIENT=mysql2 npm run bench:outbox (MariaDB database
// cg_bench_outbox, dropped afterwards). BENCH_ROWS (default 10000), BENCH_BATCH (default 100).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import knexFactory, { Knex } from 'knex';
import { loadConfig, Config } from '../src/config';
import { connect, knexOptions } from '../src/db/connection';
import { migrateLatest } from '../src/db/migrate';
import { Store } from '../src/db/store';
import { systemClock } from '../src/lib/clock';
import { createServices } from '../src/services';
import { OutboxService } from '../src/services/outbox';
import { isTransientDbError } from '../src/db/errors';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);

async function fill(knex: Knex, accountId: number): Promise<void> {
  await knex('outbox').delete();
  const now = Date.now();
  for (let i = 0; i < ROWS; i += 500) {
    const rows = Array.from({ length: Math.min(500, ROWS - i) }, (_, k) => ({
      account_id: accountId, kind: 'sms', telephone: `+4477009${String(i + k).padStart(5, '0')}`, payload: JSON.stringify({ message: `Message ${i + k}` }), created_at: now,
    }));
    await knex('outbox').insert(rows);
  }
}

async function retry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isTransientDbError(e) || attempt > 20) throw e;
      await new Promise((res) => setTimeout(res, Math.min(200, 5 * 2 ** attempt)));
    }
  }
}

/** Drains the outbox through the service; returns rows acknowledged. */
async function serviceWorker(svc: OutboxService, accountId: number): Promise<number> {
  let n = 0;
  for (;;) {
    const c = await svc.claim(accountId, { limit: BATCH, leaseMs: 60_000 });
    if (c.rows.length === 0) return n;
    n += (await svc.ack(accountId, { claimToken: c.claimToken, ids: c.rows.map((r) => r.id) })).acked.length;
  }
}

/** The same work in raw SQL: claim (select + stamp) in one transaction, ack in one statement. */
async function rawWorker(knex: Knex, dialect: 'sqlite' | 'mysql', accountId: number): Promise<number> {
  let n = 0;
  const lock = dialect === 'mysql' ? ' FOR UPDATE SKIP LOCKED' : '';
  for (;;) {
    const token = randomUUID();
    const now = Date.now();
    // why: like Store.tx, retry a transaction that lost a lock race (SQLite's SQLITE_BUSY between two connections).
    const ids = await retry(() => knex.transaction(async (trx) => {
      const res = await trx.raw(`select * from outbox where account_id = ? and acked_at is null and (claimed_until is null or claimed_until <= ?) order by id limit ${BATCH}${lock}`, [accountId, now]);
      const got = ((dialect === 'mysql' ? res[0] : res) as Array<{ id: number }>).map((r) => Number(r.id));
      if (got.length) await trx('outbox').whereIn('id', got).update({ claim_token: token, claimed_until: now + 60_000 });
      return got;
    }));
    if (ids.length === 0) return n;
    await retry(() => knex('outbox').whereIn('id', ids).update({ acked_at: Date.now() }));
    n += ids.length;
  }
}

async function timed(label: string, knex: Knex, accountId: number, work: () => Promise<number[]>): Promise<{ label: string; ms: number; rows: number }> {
  await knex('outbox').update({ claim_token: null, claimed_until: null, acked_at: null });
  const t = process.hrtime.bigint();
  const counts = await work();
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const rows = counts.reduce((a, b) => a + b, 0);
  if (rows !== ROWS) throw new Error(`${label}: ${rows} rows acknowledged, expected ${ROWS}`);
  console.log(`  ${label}: ${rows} rows in ${ms.toFixed(0)} ms`);
  return { label, ms, rows };
}

async function main(): Promise<void> {
  const base = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  let cfg: Config;
  let cleanup: () => Promise<void>;
  if (base.db.client === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bench-outbox-'));
    cfg = { ...base, db: { client: 'sqlite', filename: path.join(dir, 'bench.sqlite') } };
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    cfg = { ...base, db: { ...base.db, database: 'cg_bench_outbox' } };
    const admin = knexFactory({ ...knexOptions({ ...base.db, database: '' }), pool: { min: 0, max: 1 } });
    await admin.raw('DROP DATABASE IF EXISTS cg_bench_outbox');
    cleanup = async () => {
      await admin.raw('DROP DATABASE IF EXISTS cg_bench_outbox');
      await admin.destroy();
    };
  }
  const { knex, dialect } = await connect(cfg.db);
  await migrateLatest(knex);
  const store = new Store(knex, dialect);
  const other = await connect(cfg.db);
  const store2 = new Store(other.knex, other.dialect);
  const s = createServices(store, systemClock, cfg);
  const s2 = new OutboxService(store2, systemClock, cfg.maxSelect);
  try {
    console.log(`outbox benchmark on ${dialect}, ${new Date().toISOString()}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}`);
    console.log(`load average at the start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; ${ROWS} rows, batches of ${BATCH}`);
    const accountId = await s.accounts.createAccount('bench', `bench-outbox-${process.pid}@example.com`, 'bench-secret-1');
    await fill(knex, accountId);
    const raw1 = await timed('raw SQL, 1 worker', knex, accountId, async () => [await rawWorker(knex, dialect, accountId)]);
    const svc1 = await timed('service, 1 worker', knex, accountId, async () => [await serviceWorker(s.outbox, accountId)]);
    const raw2 = await timed('raw SQL, 2 workers', knex, accountId, () => Promise.all([rawWorker(knex, dialect, accountId), rawWorker(other.knex, other.dialect, accountId)]));
    const svc2 = await timed('service, 2 workers', knex, accountId, () => Promise.all([serviceWorker(s.outbox, accountId), serviceWorker(s2, accountId)]));
    console.log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log('');
    console.log(`| ${dialect}, ${ROWS} rows, batch ${BATCH} | ms | rows/s | vs raw SQL |`);
    console.log('|---|---:|---:|---:|');
    for (const [r, baseline] of [[raw1, raw1], [svc1, raw1], [raw2, raw2], [svc2, raw2]] as const) {
      console.log(`| ${r.label} | ${r.ms.toFixed(0)} | ${((r.rows / r.ms) * 1000).toFixed(0)} | ${(r.ms / baseline.ms).toFixed(2)}x |`);
    }
  } finally {
    await store2.close();
    await store.close();
    await cleanup();
  }
}

main().catch((e) => {
  console.error(String(e instanceof Error ? e.message : e).slice(0, 2000));
  process.exit(1);
});
