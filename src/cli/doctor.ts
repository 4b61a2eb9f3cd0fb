import fs from 'node:fs';
import path from 'node:path';
import { Config, ConfigError, loadConfig } from '../config';
import { DatabaseMissing, Dialect, openExisting } from '../db/connection';
import { databaseTimeMs } from '../db/health';
import { migrationStatus } from '../db/migrate';
import { Store } from '../db/store';
import { Clock } from '../lib/clock';

// The query builder the checks use, named through the Store (knex itself is imported only under src/db).
type Knex = Store['knex'];

/** How a check came out: `warn` works but is worth fixing; `skip` could not be checked because an earlier check failed. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** One doctor check: what was found and, when it is not ok, what to do about it. */
export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

/** Clock skew between this process and the database above which the clock check warns, and above which it fails. */
export const SKEW_WARN_MS = 1000;
export const SKEW_FAIL_MS = 5000;

const where = (c: Config) => (c.db.client === 'sqlite' ? `SQLite ${c.db.filename}` : `MySQL ${c.db.host}:${c.db.port}/${c.db.database}`);

/** What to do when the database cannot be opened, by cause. */
function connectFix(c: Config, e: unknown): string {
  const err = e as { errno?: number; code?: string };
  if (e instanceof DatabaseMissing) return 'start the gateway once (npm start) or run `contactgate db migrate`: both create and migrate it; or point DB_FILENAME at the existing file';
  if (c.db.client === 'sqlite') return `check that ${c.db.filename} is a SQLite database this user can read and write (DB_FILENAME)`;
  if (err.errno === 1045 || err.errno === 1698 || err.code?.startsWith('ER_ACCESS_DENIED')) return 'the server refused the login: check DB_USER and DB_PASSWORD (or DATABASE_URL)';
  if (err.errno === 1049) return `database ${c.db.database} does not exist: run \`contactgate db migrate\` (or start the gateway once), which creates it; or fix DB_NAME`;
  if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'ETIMEDOUT' || err.code === 'EHOSTUNREACH') {
    return `nothing answers at ${c.db.host}:${c.db.port}: start the MySQL/MariaDB server, or fix DB_HOST / DB_PORT (or DATABASE_URL)`;
  }
  return 'check the DB_* settings (or DATABASE_URL) and that the database server is running';
}

function configCheck(env: NodeJS.ProcessEnv): { config?: Config; result: CheckResult } {
  try {
    const config = loadConfig(env);
    return { config, result: { name: 'configuration', status: 'ok', detail: `settings valid; database: ${where(config)}` } };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return {
      result: {
        name: 'configuration',
        status: 'fail',
        detail: e.problems.map((p) => (p.message.startsWith(p.setting) ? p.message : `${p.setting} ${p.message}`)).join('; '),
        fix:
          e.settings.length === 1
            ? `set ${e.settings[0]} to a valid value (README, Configuration), or unset it for the default`
            : `set ${e.settings.join(', ')} to valid values (README, Configuration), or unset them for the defaults`,
      },
    };
  }
}

function sqliteFolderCheck(c: Config): CheckResult | undefined {
  if (c.db.client !== 'sqlite') return undefined;
  const dir = path.dirname(c.db.filename);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return undefined;
  } catch {
    return { name: 'database', status: 'fail', detail: `the folder ${dir} is not writable (SQLite writes its -wal and -shm files beside the database)`, fix: `let this user write to ${dir}` };
  }
}

async function migrationsCheck(knex: Knex): Promise<{ pending: string[]; result: CheckResult }> {
  const st = await migrationStatus(knex);
  if (!st.pending.length) return { pending: [], result: { name: 'migrations', status: 'ok', detail: `${st.applied.length} applied, none pending` } };
  return {
    pending: st.pending,
    result: {
      name: 'migrations',
      status: 'fail',
      detail: `${st.pending.length} pending: ${st.pending.join(', ')}`,
      fix: 'run `contactgate db migrate` (the gateway also applies them when it starts)',
    },
  };
}

/** The LOAD DATA LOCAL INFILE check (exported for its test: a refusing server cannot be arranged on a shared one). */
export async function loadDataCheck(c: Config, store: Pick<Store, 'repos'>, pending: string[]): Promise<CheckResult> {
  const name = 'LOAD DATA LOCAL INFILE';
  if (c.db.client === 'sqlite') return { name, status: 'skip', detail: 'SQLite: imports write with SQL statements; not used' };
  if (!c.importLoadData) return { name, status: 'ok', detail: 'off by IMPORT_LOAD_DATA=false: imports write new contacts with SQL statements' };
  if (pending.length) return { name, status: 'skip', detail: 'needs the import tables (migrations pending)' };
  const r = await store.repos.imports.probeLoadData();
  if (r.allowed) return { name, status: 'ok', detail: 'the server takes it: imports write new contacts with LOAD DATA (IMPORT_LOAD_DATA)' };
  if (r.refused) {
    return {
      name,
      status: 'warn',
      detail: `the server refuses it (errno ${r.errno}: ${r.message}); imports still work, with SQL statements, more slowly`,
      fix: 'on the server: SET GLOBAL local_infile = ON, and local_infile=1 under [mysqld] in its config so it stays on; or set IMPORT_LOAD_DATA=false to make SQL statements the intended path',
    };
  }
  return { name, status: 'fail', detail: `the probe failed: ${r.message}`, fix: 'check the database connection and that this user may write to import_seen' };
}

async function clockCheck(knex: Knex, dialect: Dialect, clock: Clock): Promise<CheckResult> {
  const before = clock.now();
  const db = await databaseTimeMs(knex, dialect);
  const after = clock.now();
  const skew = db - (before + after) / 2;
  const abs = Math.abs(skew);
  const whose = dialect === 'sqlite' ? "the database's clock (SQLite: this host's system clock)" : "the database server's clock";
  const detail = `${whose} is ${abs < 1 ? 'in step with' : `${Math.round(abs)} ms ${skew > 0 ? 'ahead of' : 'behind'}`} this process's (round trip ${after - before} ms)`;
  if (abs <= SKEW_WARN_MS) return { name: 'clock', status: 'ok', detail };
  const fix =
    'synchronise the clocks with NTP (e.g. chrony or systemd-timesyncd) on this host and the database server: job leases, segment refresh times and ' +
    'import progress are written by one process and read by others';
  return { name: 'clock', status: abs > SKEW_FAIL_MS ? 'fail' : 'warn', detail, fix };
}

/** Runs one check; an unexpected error becomes a failed check with its message instead of ending the doctor. */
async function guarded<T extends object>(name: string, fn: () => Promise<T & { result: CheckResult }>, fallback: T): Promise<T & { result: CheckResult }> {
  try {
    return await fn();
  } catch (e) {
    return { ...fallback, result: { name, status: 'fail', detail: `the check failed: ${(e as Error).message}`, fix: 'see the message; check the database connection' } };
  }
}

/**
 * Runs every check in order: configuration, database, migrations, LOAD DATA LOCAL INFILE, clock. A check that needs
 * an earlier one that failed is skipped. Reads only: nothing is created or migrated.
 */
export async function runDoctor(env: NodeJS.ProcessEnv, clock: Clock): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const skipRest = (names: string[], why: string) => names.forEach((name) => out.push({ name, status: 'skip', detail: why }));
  const cfg = configCheck(env);
  out.push(cfg.result);
  const c = cfg.config;
  if (!c) {
    skipRest(['database', 'migrations', 'LOAD DATA LOCAL INFILE', 'clock'], 'needs a valid configuration');
    return out;
  }
  let opened: { knex: Knex; dialect: Dialect };
  try {
    opened = await openExisting(c.db);
  } catch (e) {
    out.push({ name: 'database', status: 'fail', detail: `cannot open ${where(c)}: ${(e as Error).message}`, fix: connectFix(c, e) });
    skipRest(['migrations', 'LOAD DATA LOCAL INFILE', 'clock'], 'needs the database');
    return out;
  }
  const store = new Store(opened.knex, opened.dialect);
  try {
    out.push(sqliteFolderCheck(c) ?? { name: 'database', status: 'ok', detail: `${where(c)} answers` });
    const mig = await guarded('migrations', async () => migrationsCheck(opened.knex), { pending: [] as string[] });
    out.push(mig.result);
    out.push((await guarded('LOAD DATA LOCAL INFILE', async () => ({ result: await loadDataCheck(c, store, mig.pending) }), {})).result);
    out.push((await guarded('clock', async () => ({ result: await clockCheck(opened.knex, opened.dialect, clock) }), {})).result);
  } finally {
    await store.close();
  }
  return out;
}
