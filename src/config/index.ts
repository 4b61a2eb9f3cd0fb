import os from 'node:os';
import path from 'node:path';
import { ConfigError, SettingsReader } from './settings';

/** How to reach the database: the embedded SQLite file or a MySQL/MariaDB server. */
export type DbConfig =
  | { client: 'sqlite'; filename: string }
  | { client: 'mysql'; host: string; port: number; user: string; password: string; database: string };

/** Every setting of the gateway, read once from the environment. */
export interface Config {
  port: number;
  host: string;
  db: DbConfig;
  logLevel: string;
  bootstrapUser?: string;
  bootstrapPassword?: string;
  /** Largest `select` a list call may ask for (vendor: 1000). */
  maxSelect: number;
  /** Largest JSON/XML request body in bytes (a 10 MB import arrives base64-encoded, so ~14 MB). */
  bodyLimitBytes: number;
  /** Bytes of request bodies all requests in flight may hold together; past it, callers are asked to retry (503). */
  requestBodyBudgetBytes: number;
  /** Express `trust proxy`: false (default) ignores X-Forwarded-*; a hop count or proxy addresses trust those proxies
   * (TRUST_PROXY=true means one proxy in front: its X-Forwarded-For entry is the client, its -Host/-Proto the address). */
  trustProxy: boolean | number | string;
  /** Largest import file in bytes (vendor: 10 MB). */
  importMaxBytes: number;
  /** Active (unfinished) imports allowed per account. */
  importMaxActive: number;
  /** Rows per import chunk (one transaction each). */
  importChunkRows: number;
  /** MySQL/MariaDB: write import chunks' new contacts with LOAD DATA LOCAL INFILE where the server allows it. */
  importLoadData: boolean;
  /** SQLite: run WAL checkpoints on a thread of their own instead of in the committing request or job. */
  sqliteCheckpointThread: boolean;
  /** Hard bound from the first stale write to the start of a refresh (vendor: 30 minutes). */
  segmentRefreshMaxDelayMs: number;
  /** Quiet period after the last stale write before the sweeper refreshes (debounce). */
  segmentRefreshQuietMs: number;
  /** node-cron expression of the sweeper (seconds field allowed). */
  segmentSweepCron: string;
  /** Test/operator aid: how long a refresh job waits (heartbeating) before it writes; 0 in production. */
  segmentRefreshHoldMs: number;
  /** SQLite: page cache in MB a segment refresh runs with (0 = SQLite's default, about 2 MB). */
  segmentRefreshCacheMb: number;
  /** How long a job lease lasts before another process may take the job over. */
  jobLeaseMs: number;
  /** How often the job runner polls for work. */
  jobPollMs: number;
  /** How long a send job waits before it looks again at a segment refresh it is waiting for. */
  sendSegmentWaitMs: number;
  /** Whether this process runs background jobs and the sweeper (false for API-only processes). */
  runJobs: boolean;
  /** A name for this process in leases and logs. */
  instanceId: string;
  /** API calls per account per hour, per process (0 = unlimited). */
  rateLimitPerHour: number;
  /** Failed logins per (username, source address) within loginThrottleWindowMs before that source is refused for the
   * window (0 = no throttle). */
  loginMaxFailures: number;
  loginThrottleWindowMs: number;
  /** Records per transactional-data import chunk (one transaction each). */
  txImportChunkRows: number;
}

export { ConfigError, LOG_LEVELS } from './settings';
export type { ConfigProblem } from './settings';

const DB_CLIENTS = ['sqlite', 'sqlite3', 'better-sqlite3', 'mysql', 'mysql2', 'mariadb'] as const;

function dbConfig(r: SettingsReader): DbConfig {
  const url = r.raw('DATABASE_URL');
  if (url) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      r.fail('DATABASE_URL', 'is not a URL (e.g. mysql://user:password@127.0.0.1:3306/contactgate or sqlite:///var/lib/contactgate.sqlite)');
      return { client: 'sqlite', filename: '' };
    }
    if (/^sqlite:|^file:/.test(u.protocol)) return { client: 'sqlite', filename: decodeURIComponent(u.pathname) };
    if (!/^mysql2?:|^mariadb:/.test(u.protocol)) {
      r.fail('DATABASE_URL', `has an unsupported scheme ${u.protocol} (use mysql:, mariadb: or sqlite:)`);
      return { client: 'sqlite', filename: '' };
    }
    const port = Number(u.port || 3306);
    return {
      client: 'mysql',
      host: u.hostname || '127.0.0.1',
      port,
      user: decodeURIComponent(u.username || 'root'),
      password: decodeURIComponent(u.password || ''),
      database: u.pathname.replace(/^\//, '') || 'contactgate',
    };
  }
  const client = r.oneOf('DB_CLIENT', DB_CLIENTS, 'sqlite');
  if (client === 'mysql' || client === 'mysql2' || client === 'mariadb') {
    return {
      client: 'mysql',
      host: r.text('DB_HOST', '127.0.0.1'),
      port: r.int('DB_PORT', 3306, { min: 1, max: 65535 }),
      user: r.text('DB_USER', 'root'),
      password: r.raw('DB_PASSWORD') ?? '',
      database: r.text('DB_NAME', 'contactgate'),
    };
  }
  return { client: 'sqlite', filename: path.resolve(r.text('DB_FILENAME', path.join('data', 'contactgate.sqlite'))) };
}

/**
 * Reads and validates the configuration; nothing else in the code reads process.env. Every setting is checked before
 * anything is opened, and one ConfigError names all bad settings (main logs it and exits 1 before the database).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = new SettingsReader(env);
  const cfg: Config = {
    port: r.int('PORT', 8080, { max: 65535 }),
    host: r.text('HOST', '0.0.0.0'),
    db: dbConfig(r),
    logLevel: r.logLevel('LOG_LEVEL', 'info'),
    bootstrapUser: r.optionalText('BOOTSTRAP_API_USER'),
    bootstrapPassword: r.optionalText('BOOTSTRAP_API_PASSWORD'),
    maxSelect: r.int('MAX_SELECT', 1000, { min: 1 }),
    bodyLimitBytes: r.int('BODY_LIMIT_BYTES', 15 * 1024 * 1024, { min: 1 }),
    requestBodyBudgetBytes: r.int('REQUEST_BODY_BUDGET_BYTES', 48 * 1024 * 1024, { min: 1 }),
    trustProxy: r.custom<boolean | number | string>('TRUST_PROXY', trustProxy, false),
    importMaxBytes: r.int('IMPORT_MAX_BYTES', 10 * 1024 * 1024, { min: 1 }),
    importMaxActive: r.int('IMPORT_MAX_ACTIVE', 25),
    importChunkRows: r.int('IMPORT_CHUNK_ROWS', 2000, { min: 1 }),
    importLoadData: r.bool('IMPORT_LOAD_DATA', true),
    sqliteCheckpointThread: r.bool('SQLITE_CHECKPOINT_THREAD', true),
    segmentRefreshMaxDelayMs: r.duration('SEGMENT_REFRESH_MAX_DELAY', '30m'),
    segmentRefreshQuietMs: r.duration('SEGMENT_REFRESH_QUIET', '2m'),
    segmentSweepCron: r.cron('SEGMENT_SWEEP_CRON', '* * * * *'),
    segmentRefreshHoldMs: r.duration('SEGMENT_REFRESH_TEST_HOLD', '0'),
    segmentRefreshCacheMb: r.int('SEGMENT_REFRESH_CACHE_MB', 64),
    jobLeaseMs: r.duration('JOB_LEASE', '60s'),
    jobPollMs: r.duration('JOB_POLL_INTERVAL', '500ms'),
    sendSegmentWaitMs: r.duration('SEND_SEGMENT_WAIT', '1s'),
    runJobs: r.bool('RUN_JOBS', true),
    instanceId: r.text('INSTANCE_ID', `${os.hostname()}:${process.pid}`),
    rateLimitPerHour: r.int('RATE_LIMIT_PER_HOUR', 100_000),
    loginMaxFailures: r.int('LOGIN_MAX_FAILURES', 10),
    loginThrottleWindowMs: r.duration('LOGIN_THROTTLE_WINDOW', '15m'),
    txImportChunkRows: r.int('TXDATA_IMPORT_CHUNK_ROWS', 10_000, { min: 1 }),
  };
  // Rules between settings.
  r.require(Boolean(cfg.bootstrapUser) === Boolean(cfg.bootstrapPassword), cfg.bootstrapUser ? 'BOOTSTRAP_API_PASSWORD' : 'BOOTSTRAP_API_USER', 'must be set together with the other BOOTSTRAP_API_ variable');
  r.require(cfg.segmentRefreshQuietMs <= cfg.segmentRefreshMaxDelayMs, 'SEGMENT_REFRESH_QUIET', 'must not be longer than SEGMENT_REFRESH_MAX_DELAY');
  r.require(cfg.jobLeaseMs >= 1000, 'JOB_LEASE', 'must be at least 1s');
  r.require(cfg.jobPollMs >= 1, 'JOB_POLL_INTERVAL', 'must be at least 1ms');
  r.require(cfg.requestBodyBudgetBytes >= cfg.bodyLimitBytes, 'REQUEST_BODY_BUDGET_BYTES', 'must be at least BODY_LIMIT_BYTES (one largest body must fit)');
  r.done();
  return cfg;
}

/** TRUST_PROXY: unset/false, true, a hop count, or addresses/subnets (`loopback`, `10.0.0.0/8`, ...) as Express reads them. */
function trustProxy(v: string | undefined): boolean | number | string {
  const s = (v ?? '').trim();
  if (s === '' || s.toLowerCase() === 'false') return false;
  // why: Express's `true` takes the left-most X-Forwarded-For entry, which the client writes; one hop takes the entry
  // the proxy in front appended.
  if (s.toLowerCase() === 'true') return 1;
  if (/^\d+$/.test(s)) return Number(s);
  if (!/^[\w.:/,\s-]+$/.test(s)) throw new ConfigError(`TRUST_PROXY must be true, false, a hop count or a list of addresses, got "${s}"`);
  return s;
}
