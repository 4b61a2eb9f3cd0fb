import os from 'node:os';
import path from 'node:path';
import { parseDuration } from '../lib/duration';

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
}

/** Raised when an environment value is unusable; main prints it and exits non-zero. */
export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, dflt: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

function duration(env: NodeJS.ProcessEnv, name: string, dflt: string): number {
  try {
    return parseDuration(env[name] || dflt);
  } catch (e) {
    throw new ConfigError(`${name}: ${(e as Error).message}`);
  }
}

function dbConfig(env: NodeJS.ProcessEnv): DbConfig {
  const url = env.DATABASE_URL;
  if (url) {
    const u = new URL(url);
    if (!/^mysql2?:|^mariadb:/.test(u.protocol)) {
      if (/^sqlite:|^file:/.test(u.protocol)) return { client: 'sqlite', filename: decodeURIComponent(u.pathname) };
      throw new ConfigError(`DATABASE_URL: unsupported scheme ${u.protocol}`);
    }
    return {
      client: 'mysql',
      host: u.hostname || '127.0.0.1',
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username || 'root'),
      password: decodeURIComponent(u.password || ''),
      database: u.pathname.replace(/^\//, '') || 'contactgate',
    };
  }
  const client = (env.DB_CLIENT || 'sqlite').toLowerCase();
  if (client === 'mysql' || client === 'mysql2' || client === 'mariadb') {
    return {
      client: 'mysql',
      host: env.DB_HOST || '127.0.0.1',
      port: int(env, 'DB_PORT', 3306),
      user: env.DB_USER || 'root',
      password: env.DB_PASSWORD || '',
      database: env.DB_NAME || 'contactgate',
    };
  }
  if (client === 'sqlite' || client === 'sqlite3' || client === 'better-sqlite3') {
    return { client: 'sqlite', filename: path.resolve(env.DB_FILENAME || path.join('data', 'contactgate.sqlite')) };
  }
  throw new ConfigError(`DB_CLIENT must be sqlite or mysql2, got "${env.DB_CLIENT}"`);
}

/** Reads and validates the configuration; nothing else in the code reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cfg: Config = {
    port: int(env, 'PORT', 8080),
    host: env.HOST || '0.0.0.0',
    db: dbConfig(env),
    logLevel: env.LOG_LEVEL || 'info',
    bootstrapUser: env.BOOTSTRAP_API_USER || undefined,
    bootstrapPassword: env.BOOTSTRAP_API_PASSWORD || undefined,
    maxSelect: int(env, 'MAX_SELECT', 1000),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 15 * 1024 * 1024),
    requestBodyBudgetBytes: int(env, 'REQUEST_BODY_BUDGET_BYTES', 48 * 1024 * 1024),
    trustProxy: trustProxy(env.TRUST_PROXY),
    importMaxBytes: int(env, 'IMPORT_MAX_BYTES', 10 * 1024 * 1024),
    importMaxActive: int(env, 'IMPORT_MAX_ACTIVE', 25),
    importChunkRows: int(env, 'IMPORT_CHUNK_ROWS', 2000),
    importLoadData: (env.IMPORT_LOAD_DATA ?? 'true') !== 'false',
    sqliteCheckpointThread: (env.SQLITE_CHECKPOINT_THREAD ?? 'true') !== 'false',
    segmentRefreshMaxDelayMs: duration(env, 'SEGMENT_REFRESH_MAX_DELAY', '30m'),
    segmentRefreshQuietMs: duration(env, 'SEGMENT_REFRESH_QUIET', '2m'),
    segmentSweepCron: env.SEGMENT_SWEEP_CRON || '* * * * *',
    segmentRefreshHoldMs: duration(env, 'SEGMENT_REFRESH_TEST_HOLD', '0'),
    segmentRefreshCacheMb: int(env, 'SEGMENT_REFRESH_CACHE_MB', 64),
    jobLeaseMs: duration(env, 'JOB_LEASE', '60s'),
    jobPollMs: duration(env, 'JOB_POLL_INTERVAL', '500ms'),
    sendSegmentWaitMs: duration(env, 'SEND_SEGMENT_WAIT', '1s'),
    runJobs: (env.RUN_JOBS ?? 'true') !== 'false',
    instanceId: env.INSTANCE_ID || `${os.hostname()}:${process.pid}`,
    rateLimitPerHour: int(env, 'RATE_LIMIT_PER_HOUR', 100_000),
    loginMaxFailures: int(env, 'LOGIN_MAX_FAILURES', 10),
    loginThrottleWindowMs: duration(env, 'LOGIN_THROTTLE_WINDOW', '15m'),
  };
  if (Boolean(cfg.bootstrapUser) !== Boolean(cfg.bootstrapPassword)) {
    throw new ConfigError('BOOTSTRAP_API_USER and BOOTSTRAP_API_PASSWORD must be set together');
  }
  if (cfg.segmentRefreshQuietMs > cfg.segmentRefreshMaxDelayMs) {
    throw new ConfigError('SEGMENT_REFRESH_QUIET must not be longer than SEGMENT_REFRESH_MAX_DELAY');
  }
  if (cfg.importChunkRows < 1) throw new ConfigError('IMPORT_CHUNK_ROWS must be at least 1');
  if (cfg.requestBodyBudgetBytes < cfg.bodyLimitBytes) {
    throw new ConfigError('REQUEST_BODY_BUDGET_BYTES must be at least BODY_LIMIT_BYTES (one largest body must fit)');
  }
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
