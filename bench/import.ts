// Import benchmark: generates N rows (10 data fields), imports them through the real HTTP route of a real server
// process into SQLite and MariaDB, and in the same run times a raw baseline for the same rows on the same engine:
//   SQLite : prepared upserts in one transaction (better-sqlite3) into the migrated contacts table (same indexes)
//   MariaDB: LOAD DATA LOCAL INFILE into a copy of the contacts table (CREATE TABLE ... LIKE: same indexes)
// The server is started exactly as `npm start` starts it (package.json scripts.start).
// The baseline runs again after the import into the empty table; the ratio is taken against the faster run.
// Then it loads the contacts table up to --existing contacts and imports N new rows again (rows/s with a big table).
// Usage: npm run bench:import -- [--rows 1000000] [--existing 2000000] [--engines sqlite,mysql] [--chunk 2000]
//                                 [--server-node-options '--max-semi-space-size=2']
import { spawn, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { knexOptions } from '../src/db/connection';
import { DbConfig } from '../src/config';
import { migrateLatest } from '../src/db/migrate';
import { Store } from '../src/db/store';
import { systemClock } from '../src/lib/clock';
import { createServices } from '../src/services';
import { loadConfig } from '../src/config';

/** The few better-sqlite3 calls the baseline uses (the package ships no types here). */
interface RawSqlite {
  pragma(s: string): unknown;
  exec(sql: string): void;
  prepare(sql: string): { run(...args: unknown[]): unknown };
  transaction(fn: () => void): () => void;
  close(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (file: string) => RawSqlite;

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}
const ROWS = Number(arg('rows', '1000000'));
const EXISTING = Number(arg('existing', '2000000'));
const ENGINES = arg('engines', 'sqlite,mysql').split(',');
const CHUNK = arg('chunk', '2000');
const SERVER_NODE_OPTIONS = arg('server-node-options', '');
const SERVER_ARGS = arg('server-args', '');
const FIELDS = Array.from({ length: 10 }, (_, i) => `FIELD${i + 1}`);
const TMP = path.resolve('.bench-tmp');
const PORT = 18000 + (process.pid % 1000);

interface Result {
  engine: string;
  /** The faster of the two baseline runs (the ratio is taken against it). */
  baseline: number;
  /** The baseline's rows/s before and after the import into the empty table. */
  baselines: [number, number];
  e2e: number;
  e2eExisting: number;
  uploadSecs: number;
  existingCount: number;
  rssMb: number;
}

function generate(file: string, n: number, prefix: string): void {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, `Email,${FIELDS.join(',')}\n`);
  let buf = '';
  for (let i = 1; i <= n; i++) {
    buf += `${prefix}${i}@bench.example.com,${FIELDS.map((f, j) => (j % 3 === 2 ? String((i * (j + 1)) % 100000) : `v${j}-${i % 9973}`)).join(',')}\n`;
    if (buf.length > 1 << 20) {
      fs.writeSync(fd, buf);
      buf = '';
    }
  }
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
}

function* fileRows(file: string): Generator<string[]> {
  const fd = fs.openSync(file, 'r');
  const b = Buffer.alloc(1 << 20);
  let rest = '';
  let first = true;
  for (;;) {
    const n = fs.readSync(fd, b, 0, b.length, null);
    if (n === 0) break;
    const lines = (rest + b.toString('utf8', 0, n)).split('\n');
    rest = lines.pop()!;
    for (const l of lines) {
      if (first) {
        first = false;
        continue;
      }
      if (l) yield l.split(',');
    }
  }
  fs.closeSync(fd);
}

/**
 * SQLite baseline: prepared upserts in one transaction into the real contacts table (the migrated schema: the same
 * unique key, the same three secondary indexes and the foreign key to accounts), with the server's pragmas.
 */
async function sqliteBaseline(file: string): Promise<number> {
  const dbFile = path.join(TMP, 'baseline.sqlite');
  for (const f of ['', '-wal', '-shm']) fs.rmSync(dbFile + f, { force: true });
  const k = knexFactory({ ...knexOptions({ client: 'sqlite', filename: dbFile }), pool: { min: 0, max: 1 } });
  await migrateLatest(k);
  await k.raw("insert into accounts (id, name, created_at) values (1, 'baseline', 0)");
  await k.destroy();
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const st = db.prepare(`insert into contacts (account_id, email, email_key, opt_in_type, email_type, audience_type, status, data, created_at, updated_at)
    values (1, ?, ?, 'Unknown', 'Html', 'Unknown', 'Subscribed', ?, ?, ?)
    on conflict(account_id, email_key) do update set data = json_patch(contacts.data, excluded.data), updated_at = excluded.updated_at`);
  const t0 = process.hrtime.bigint();
  const now = Date.now();
  db.transaction(() => {
    for (const r of fileRows(file)) {
      const data: Record<string, string | number> = {};
      FIELDS.forEach((f, j) => (data[f] = j % 3 === 2 ? Number(r[j + 1]) : r[j + 1]));
      st.run(r[0], r[0].toLowerCase(), JSON.stringify(data), now, now);
    }
  })();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  db.close();
  return ROWS / secs;
}

/** MariaDB baseline: LOAD DATA LOCAL INFILE into a contacts-shaped table. */
async function mysqlBaseline(k: Knex, file: string): Promise<number> {
  await k.raw('drop table if exists bench_baseline');
  // why: CREATE TABLE ... LIKE copies the columns and indexes but not the foreign key; add it for the same work per row.
  await k.raw(`create table bench_baseline like contacts`);
  await k.raw('alter table bench_baseline add foreign key (account_id) references accounts (id)');
  const t0 = process.hrtime.bigint();
  const vars = FIELDS.map((_, j) => `@f${j}`).join(',');
  const obj = FIELDS.map((f, j) => `'${f}', ${j % 3 === 2 ? `cast(@f${j} as unsigned)` : `@f${j}`}`).join(',');
  const now = Date.now();
  await k.raw(
    `load data local infile ? into table bench_baseline fields terminated by ',' lines terminated by '\\n' ignore 1 lines
     (email, ${vars}) set account_id = 1, email_key = lower(email), opt_in_type = 'Unknown', email_type = 'Html', audience_type = 'Unknown',
     status = 'Subscribed', data = json_object(${obj}), created_at = ${now}, updated_at = ${now}`,
    [file],
  );
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  await k.raw('drop table bench_baseline');
  return ROWS / secs;
}

function request(method: string, url: string, auth: string, body?: { stream: fs.ReadStream; type: string; length: number } | string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { Authorization: auth, Accept: 'application/json' };
    if (typeof body === 'string') {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(body);
    } else if (body) {
      headers['Content-Type'] = body.type;
      headers['Content-Length'] = body.length;
    }
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    if (typeof body === 'string') req.end(body);
    else if (body) {
      body.stream.pipe(req);
    } else req.end();
  });
}

/** Uploads the file as multipart through the real route and waits until the import is Finished; returns rows/s. */
async function importOverHttp(base: string, auth: string, file: string): Promise<{ rate: number; uploadSecs: number }> {
  const boundary = '----cgbench';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.csv"\r\nContent-Type: text/csv\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const size = fs.statSync(file).size;
  const t0 = process.hrtime.bigint();
  const stream = fs.createReadStream(file);
  const { PassThrough } = await import('node:stream');
  const pt = new PassThrough();
  pt.write(head);
  stream.on('end', () => pt.end(tail));
  stream.pipe(pt, { end: false });
  const r = await request('POST', `${base}/v2/contacts/import`, auth, { stream: pt as unknown as fs.ReadStream, type: `multipart/form-data; boundary=${boundary}`, length: head.length + size + tail.length });
  if (r.status !== 202) throw new Error(`upload failed: ${r.status} ${r.text}`);
  const id = JSON.parse(r.text).id;
  const uploadSecs = Number(process.hrtime.bigint() - t0) / 1e9;
  for (;;) {
    await new Promise((res) => setTimeout(res, 200));
    const st = JSON.parse((await request('GET', `${base}/v2/contacts/import/${id}`, auth)).text).status;
    if (st === 'Finished') break;
    if (st !== 'NotFinished') throw new Error(`import ended ${st}`);
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const rep = JSON.parse((await request('GET', `${base}/v2/contacts/import/${id}/report`, auth)).text);
  if (rep.newContacts !== ROWS) throw new Error(`expected ${ROWS} new contacts, report says ${JSON.stringify(rep)}`);
  return { rate: ROWS / secs, uploadSecs };
}

function peakRssMb(child: ChildProcess): number {
  const s = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(s);
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/**
 * The server command exactly as `npm start` runs it (package.json `scripts.start`, `[exec] node [flags] ...` or `tsx ...`),
 * with this node binary; --server-args adds node flags in front (e.g. --cpu-prof, which NODE_OPTIONS refuses).
 */
export function startCommand(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.resolve('package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = pkg.scripts.start.trim().replace(/^exec\s+/, '').split(/\s+/);
  const extra = SERVER_ARGS ? SERVER_ARGS.split(/\s+/) : [];
  if (words[0] === 'node') return [...extra, ...words.slice(1)];
  if (words[0] === 'tsx') return [...extra, '--import', 'tsx', ...words.slice(1)];
  throw new Error(`cannot run the start script: ${pkg.scripts.start}`);
}

async function startServer(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, startCommand(), { env, stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('exit', (code, sig) => process.stderr.write(`server exited: ${code ?? sig}\n`));
  for (let i = 0; i < 200; i++) {
    await new Promise((res) => setTimeout(res, 100));
    const ok = await new Promise<boolean>((res) => {
      http.get(`http://127.0.0.1:${PORT}/ready`, (r) => res(r.statusCode === 200)).on('error', () => res(false));
    });
    if (ok) return child;
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}

async function preload(k: Knex, dialect: 'sqlite' | 'mysql', accountId: number, upTo: number): Promise<number> {
  const have = Number((await k('contacts').count({ n: '*' }))[0].n);
  const need = upTo - have;
  if (need > 0) {
    const now = Date.now();
    const data = `'{"FIELD1":"pre","FIELD3":7}'`;
    if (dialect === 'sqlite') {
      await k.raw(`with recursive c(x) as (select 1 union all select x + 1 from c where x < ${need})
        insert into contacts (account_id, email, email_key, opt_in_type, email_type, audience_type, status, data, created_at, updated_at)
        select ${accountId}, 'pre' || x || '@old.example.com', 'pre' || x || '@old.example.com', 'Unknown', 'Html', 'Unknown', 'Subscribed', ${data}, ${now}, ${now} from c`);
    } else {
      await k.raw(`insert into contacts (account_id, email, email_key, opt_in_type, email_type, audience_type, status, data, created_at, updated_at)
        select ${accountId}, concat('pre', seq, '@old.example.com'), concat('pre', seq, '@old.example.com'), 'Unknown', 'Html', 'Unknown', 'Subscribed', ${data}, ${now}, ${now}
        from seq_1_to_${need}`);
    }
  }
  return Number((await k('contacts').count({ n: '*' }))[0].n);
}

async function runEngine(engine: string, fileA: string, fileB: string): Promise<Result> {
  const db: DbConfig =
    engine === 'sqlite'
      ? { client: 'sqlite', filename: path.join(TMP, 'bench.sqlite') }
      : { client: 'mysql', host: '127.0.0.1', port: 3306, user: 'root', password: '', database: `cg_bench_${process.pid}` };
  if (db.client === 'sqlite') for (const f of ['', '-wal', '-shm']) fs.rmSync(db.filename + f, { force: true });
  else {
    const admin = knexFactory({ ...knexOptions({ ...db, database: '' }), pool: { min: 0, max: 1 } });
    await admin.raw('create database ?? character set utf8mb4 collate utf8mb4_bin', [db.database]);
    await admin.destroy();
  }
  const opts = knexOptions(db);
  if (db.client === 'mysql') (opts.connection as Record<string, unknown>).infileStreamFactory = (p: string) => fs.createReadStream(p);
  const k = knexFactory({ ...opts, pool: { min: 0, max: 1 } });
  await migrateLatest(k);
  const s = createServices(new Store(k, db.client), systemClock, loadConfig({ ...process.env, DB_CLIENT: 'sqlite' }));
  const userA = 'apiuser-bench-a@example.com';
  const userB = 'apiuser-bench-b@example.com';
  const pw = 'bench-password-1';
  const accA = await s.accounts.createAccount('bench empty', userA, pw);
  const accB = await s.accounts.createAccount('bench existing', userB, pw);
  const accP = await s.accounts.createAccount('bench preload', 'apiuser-bench-p@example.com', pw);
  for (const acc of [accA, accB]) {
    for (const [j, f] of FIELDS.entries()) await s.dataFields.create(acc, { name: f, type: j % 3 === 2 ? 'Numeric' : 'String' });
  }
  // why: the baseline runs before and after the import and the ratio takes the faster run, so a machine that slows
  // down (or speeds up) during the run can only make the ratio look worse, never better.
  const runBaseline = () => (db.client === 'sqlite' ? sqliteBaseline(fileA) : mysqlBaseline(k, fileA));
  process.stderr.write(`[${engine}] baseline...\n`);
  const before = await runBaseline();

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(PORT),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    IMPORT_MAX_BYTES: String(4 * 1024 * 1024 * 1024),
    IMPORT_CHUNK_ROWS: CHUNK,
    JOB_POLL_INTERVAL: '100ms',
    NODE_OPTIONS: [process.env.NODE_OPTIONS, SERVER_NODE_OPTIONS].filter(Boolean).join(' '),
    ...(db.client === 'sqlite' ? { DB_CLIENT: 'sqlite', DB_FILENAME: db.filename } : { DB_CLIENT: 'mysql2', DB_NAME: db.database }),
  };
  const server = await startServer(env);
  const base = `http://127.0.0.1:${PORT}`;
  const auth = (u: string) => `Basic ${Buffer.from(`${u}:${pw}`).toString('base64')}`;
  try {
    process.stderr.write(`[${engine}] import into an empty table...\n`);
    const first = await importOverHttp(base, auth(userA), fileA);
    process.stderr.write(`[${engine}] baseline again...\n`);
    const after = await runBaseline();
    process.stderr.write(`[${engine}] preloading to ${EXISTING} contacts...\n`);
    const existingCount = await preload(k, db.client, accP, EXISTING);
    process.stderr.write(`[${engine}] import with ${existingCount} existing contacts...\n`);
    const e2eExisting = (await importOverHttp(base, auth(userB), fileB)).rate;
    const rssMb = peakRssMb(server);
    const baseline = Math.max(before, after);
    return { engine: engine === 'sqlite' ? 'SQLite' : 'MariaDB', baseline, baselines: [before, after], e2e: first.rate, uploadSecs: first.uploadSecs, e2eExisting, existingCount, rssMb };
  } finally {
    server.kill('SIGTERM');
    await new Promise((res) => server.once('exit', res));
    if (db.client === 'mysql') await k.raw('drop database ??', [db.database]);
    await k.destroy();
  }
}

async function main(): Promise<void> {
  fs.mkdirSync(TMP, { recursive: true });
  const fileA = path.join(TMP, `rows-a-${ROWS}.csv`);
  const fileB = path.join(TMP, `rows-b-${ROWS}.csv`);
  if (!fs.existsSync(fileA)) generate(fileA, ROWS, 'a');
  if (!fs.existsSync(fileB)) generate(fileB, ROWS, 'b');
  const results: Result[] = [];
  for (const e of ENGINES) results.push(await runEngine(e, fileA, fileB));
  const cpu = (os.cpus()[0]?.model ?? 'unknown').trim();
  console.log(`\nimport benchmark ${new Date().toISOString()} | rows ${ROWS} x 10 data fields | chunk ${CHUNK} | server NODE_OPTIONS '${SERVER_NODE_OPTIONS}' | nproc ${os.cpus().length} | CPU ${cpu}`);
  console.log(
    '| engine | raw baseline rows/s (faster run) | baseline before / after | end-to-end rows/s (empty) | ratio | of which upload to 202 (s) | end-to-end rows/s (existing) | existing contacts | existing/empty | server peak RSS MB |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(
      `| ${r.engine} | ${Math.round(r.baseline)} | ${Math.round(r.baselines[0])} / ${Math.round(r.baselines[1])} | ${Math.round(r.e2e)} | ${(r.e2e / r.baseline).toFixed(2)} | ${r.uploadSecs.toFixed(1)} | ${Math.round(r.e2eExisting)} | ${r.existingCount} | ${(r.e2eExisting / r.e2e).toFixed(2)} | ${r.rssMb} |`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
