// Scale-out benchmark: N gateway processes sharing one MariaDB/MySQL database and its job queue.
// For each process count (1, then --processes), on a fresh scratch database: start the processes (RUN_JOBS=true,
// INSTANCE_ID p1..pN), queue --imports imports of --rows rows each (into one address book) plus --segments
// address-book segments and one extra full refresh of each, then time until every job is done. Per-process job counts
// come from each process's own /metrics (contactgate_jobs_total), lease takeovers likewise. Checks the result:
// every import Finished and exactly imports x rows contacts.
// The work is spread over three accounts (IMPORT_MAX_ACTIVE caps running imports per account).
// Usage: npx tsx bench/scaleout.ts [--processes 3] [--imports 30] [--rows 2000] [--segments 6] [--chunk 500]
//        (MariaDB at DB_HOST/DB_PORT/DB_USER/DB_PASSWORD, default 127.0.0.1:3306 root)
import { spawn, ChildProcess, execSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { knexOptions } from '../src/db/connection';
import { loadConfig } from '../src/config';
import { migrateLatest } from '../src/db/migrate';
import { Store } from '../src/db/store';
import { systemClock } from '../src/lib/clock';
import { createServices } from '../src/services';
import { listeningUrl } from '../test/helpers/process';
import { IMPORT_JOB } from '../src/services/imports';
import { SEGMENT_REFRESH_JOB } from '../src/services/segments';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}
const PROCESSES = Number(arg('processes', '3'));
const IMPORTS = Number(arg('imports', '30'));
const ROWS = Number(arg('rows', '2000'));
const SEGMENTS = Number(arg('segments', '6'));
const CHUNK = arg('chunk', '500');
const ROOT = path.resolve(__dirname, '..');
const base = loadConfig({ ...process.env, DB_CLIENT: 'mysql2', LOG_LEVEL: 'silent' });
if (base.db.client !== 'mysql') throw new Error('the scale-out bench needs MariaDB/MySQL');
const dbBase = base.db;

interface Proc {
  child: ChildProcess;
  url: string;
  name: string;
}

interface Outcome {
  processes: number;
  jobs: number;
  secs: number;
  perProcess: Array<{ name: string; imports: number; refreshes: number; takeovers: number }>;
  rows: number;
  busyRetries: number;
}

function startProcess(env: Record<string, string>, name: string): Promise<Proc> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, INSTANCE_ID: name, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${out}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = listeningUrl(out);
      if (url) {
        clearTimeout(timer);
        resolve({ child, name, url });
      }
    });
    child.on('exit', (code) => reject(new Error(`${name} exited ${code}:\n${out}`)));
  });
}

/** Sum of a metric's samples whose labels include `want`. */
function sample(text: string, metric: string, want: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(metric + '{')) continue;
    if (Object.entries(want).every(([k, v]) => line.includes(`${k}="${v}"`))) sum += Number(line.split(' ').pop());
  }
  return sum;
}

/** Calls that answered "database busy" and were retried (what an API client does on that answer). */
let busyRetries = 0;

/** Runs fn, retrying (like a client would) while the database answers busy. */
async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if ((e as { kind?: string }).kind !== 'unavailable' || attempt >= 20) throw e;
      busyRetries++;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

async function runOnce(processes: number): Promise<Outcome> {
  const database = `cg_scaleout_${process.pid}_${processes}`;
  const admin = knexFactory({ ...knexOptions({ ...dbBase, database: '' }), pool: { min: 0, max: 1 } });
  await admin.raw('DROP DATABASE IF EXISTS ??', [database]);
  await admin.raw('CREATE DATABASE ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_bin', [database]);
  const db = { ...dbBase, database };
  const knex = knexFactory(knexOptions(db));
  await migrateLatest(knex);
  const env = {
    DB_CLIENT: 'mysql2',
    DB_HOST: db.host,
    DB_PORT: String(db.port),
    DB_USER: db.user,
    DB_PASSWORD: db.password,
    DB_NAME: database,
    RUN_JOBS: 'true',
    IMPORT_CHUNK_ROWS: CHUNK,
    JOB_POLL_INTERVAL: '100ms',
    JOB_LEASE: '60s',
    BOOTSTRAP_API_USER: '',
    BOOTSTRAP_API_PASSWORD: '',
  };
  const procs: Proc[] = [];
  busyRetries = 0;
  try {
    for (let i = 1; i <= processes; i++) procs.push(await startProcess(env, `p${i}`));
    const s = createServices(new Store(knex, 'mysql'), systemClock, { ...base, db });
    // why: IMPORT_MAX_ACTIVE (25) caps running imports per account, so the imports are spread over three accounts.
    const tenants: Array<{ accountId: number; book: number }> = [];
    for (let a = 0; a < 3; a++) {
      const accountId = await s.accounts.createAccount(`bench ${a}`, `bench-${process.pid}-${a}@example.com`, 'bench-secret-1');
      tenants.push({ accountId, book: (await s.addressBooks.create(accountId, { name: 'bench book' })).id });
    }
    const files = Array.from({ length: IMPORTS }, (_, f) => {
      const lines = ['Email,FIRSTNAME'];
      for (let i = 0; i < ROWS; i++) lines.push(`i${f}-r${i}@scaleout.test,N${i}`);
      return Buffer.from(lines.join('\n'));
    });
    const t0 = process.hrtime.bigint();
    const segs: Array<{ accountId: number; id: number }> = [];
    for (let g = 0; g < SEGMENTS; g++) {
      const t = tenants[g % tenants.length];
      segs.push({ accountId: t.accountId, id: (await retrying(() => s.segments.create(t.accountId, { name: `seg ${g}`, rules: { all: [{ addressBook: t.book, op: 'in' }] } }))).id });
    }
    for (let f = 0; f < IMPORTS; f++) {
      const t = tenants[f % tenants.length];
      await retrying(() => s.imports.start(t.accountId, { addressBookId: t.book, fileName: `f${f}.csv`, data: files[f], dialect: 'rest' }));
    }
    for (const g of segs) await retrying(() => s.segments.requestRefresh(g.accountId, g.id, 'bench', { full: true }));
    for (;;) {
      const [{ n }] = await knex('jobs').whereIn('status', ['queued', 'running']).count({ n: '*' });
      if (Number(n) === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const [{ n: jobs }] = await knex('jobs').count({ n: '*' });
    const [{ n: finished }] = await knex('imports').where({ status: 'Finished' }).count({ n: '*' });
    const [{ n: contacts }] = await knex('contacts').count({ n: '*' });
    if (Number(finished) !== IMPORTS || Number(contacts) !== IMPORTS * ROWS) {
      throw new Error(`wrong result: ${finished}/${IMPORTS} imports finished, ${contacts} contacts (want ${IMPORTS * ROWS})`);
    }
    const perProcess = [];
    for (const p of procs) {
      const text = await (await fetch(`${p.url}/metrics`)).text();
      perProcess.push({
        name: p.name,
        imports: sample(text, 'contactgate_jobs_total', { type: IMPORT_JOB, outcome: 'completed' }),
        refreshes: sample(text, 'contactgate_jobs_total', { type: SEGMENT_REFRESH_JOB, outcome: 'completed' }),
        takeovers: sample(text, 'contactgate_lease_takeovers_total', {}),
      });
    }
    return { processes, jobs: Number(jobs), secs, perProcess, rows: IMPORTS * ROWS, busyRetries };
  } finally {
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => new Promise((r) => (p.child.exitCode !== null ? r(null) : p.child.once('exit', r)))));
    await knex.destroy();
    await admin.raw('DROP DATABASE IF EXISTS ??', [database]);
    await admin.destroy();
  }
}

async function main(): Promise<void> {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  let server = 'MariaDB';
  try {
    server = execSync('mariadbd --version 2>/dev/null || mysqld --version', { encoding: 'utf8' }).trim().replace(/\s+/g, ' ');
  } catch {
    /* keep the generic name */
  }
  const counts = [...new Set([1, PROCESSES])];
  const results: Outcome[] = [];
  for (const n of counts) {
    console.error(`running with ${n} process(es)...`);
    results.push(await runOnce(n));
  }
  const one = results[0];
  console.log(`scale-out bench, ${new Date().toISOString()}, ${os.cpus().length} cores (nproc), ${cpu}, ${server}`);
  console.log(`${IMPORTS} imports x ${ROWS} rows (chunk ${CHUNK}) + ${SEGMENTS} segments (created, then refreshed in full once more), one database`);
  console.log('');
  console.log('| processes | jobs | total s | rows/s | vs 1 process | imports per process | refreshes per process | takeovers | busy retries while queueing |');
  console.log('| ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: |');
  for (const r of results) {
    console.log(
      `| ${r.processes} | ${r.jobs} | ${r.secs.toFixed(1)} | ${Math.round(r.rows / r.secs)} | ${(one.secs / r.secs).toFixed(2)}x | ` +
        `${r.perProcess.map((p) => `${p.name}:${p.imports}`).join(' ')} | ${r.perProcess.map((p) => `${p.name}:${p.refreshes}`).join(' ')} | ` +
        `${r.perProcess.reduce((a, p) => a + p.takeovers, 0)} | ${r.busyRetries} |`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
