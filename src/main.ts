import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Config, ConfigError, loadConfig } from './config';
import { createApp, httpServer } from './app';
import { connect } from './db/connection';
import { migrateLatest } from './db/migrate';
import { Store } from './db/store';
import { WalCheckpointer } from './db/walCheckpointer';
import { systemClock } from './lib/clock';
import { createLogger, Logger } from './lib/logger';
import { createServices } from './services';
import { Background, createBackground } from './jobs';

/**
 * Process entry: config -> db -> migrate -> services -> listen -> jobs; clean shutdown on SIGTERM/SIGINT. Everything
 * it writes to stdout is a JSON log line (start-up records included).
 */
async function main(): Promise<void> {
  // Every setting is checked before anything is opened: a bad one stops the process here, named, with exit code 1.
  const config = loadConfig();
  const log = createLogger(config.logLevel);

  // Signal handlers first, so a SIGTERM that arrives during start-up still shuts down cleanly.
  let store: Store | undefined;
  let server: http.Server | undefined;
  let background: Background | undefined;
  let checkpointer: WalCheckpointer | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    // Stop taking requests, let running job chunks commit and hand their leases back, then close the pool.
    const closed = server ? new Promise<void>((res) => server!.close(() => res())) : Promise.resolve();
    server?.closeIdleConnections?.();
    await background?.stop();
    await closed;
    await checkpointer?.stop();
    await store?.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  const { knex, dialect } = await connect(config.db, log);
  const applied = await migrateLatest(knex);
  if (applied.length) log.info({ applied }, 'migrations applied');
  if (config.db.client === 'sqlite' && config.sqliteCheckpointThread) {
    checkpointer = await WalCheckpointer.start(knex, config.db.filename, (e) =>
      log.warn({ err: e.message }, 'SQLite checkpoint thread stopped; checkpoints run in commits again'),
    );
  }
  store = new Store(knex, dialect);
  const services = createServices(store, systemClock, config);
  const login = await services.accounts.provision(
    config.bootstrapUser && config.bootstrapPassword ? { username: config.bootstrapUser, password: config.bootstrapPassword } : undefined,
  );
  background = createBackground(services, log);
  const sweeperState = background.sweeperState;
  const app = createApp({ services, log, statusSources: config.runJobs ? { sweeper: () => sweeperState } : {} });
  server = httpServer(app);
  await new Promise<void>((resolve, reject) => {
    server!.once('error', reject);
    server!.listen(config.port, config.host, resolve);
  });
  if (stopping) return;
  if (config.runJobs) background.start();
  const port = (server.address() as AddressInfo).port;
  log.info({ url: `http://localhost:${port}`, port, host: config.host, database: describeDb(config) }, 'listening');
  if (login && !config.bootstrapUser) {
    // why: the one time this login is shown; warn so that LOG_LEVEL=warn still shows it (LOG_LEVEL=error hides it:
    // `contactgate users create` adds another user).
    log.warn(
      { oneTime: true, apiUsername: login.username, apiPassword: login.password, accountId: login.accountId, tryIt: `curl -u '${login.username}:${login.password}' http://localhost:${port}/v2/account-info` },
      'demo account created (login shown once; keep it)',
    );
  } else if (login) {
    log.info({ apiUsername: login.username, accountId: login.accountId }, 'bootstrap API user created');
  }
}

/** Where the data lives, for the start-up record (never the password). */
function describeDb(config: Config): string {
  return config.db.client === 'sqlite' ? `SQLite ${config.db.filename}` : `MySQL ${config.db.host}:${config.db.port}/${config.db.database}`;
}

/** Logs why the process could not start, as one JSON line, and exits 1. */
function failStart(e: unknown, log: Logger): never {
  if (e instanceof ConfigError) log.fatal({ settings: e.settings, problems: e.problems }, e.message);
  else log.fatal({ err: e instanceof Error ? { message: e.message, code: (e as { code?: unknown }).code } : String(e) }, 'contactgate failed to start');
  process.exit(1);
}

// why: the logger of the failure is built at level info, whatever LOG_LEVEL says (it may be the bad setting itself).
main().catch((e) => failStart(e, createLogger('info')));
