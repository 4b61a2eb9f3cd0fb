import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from './config';
import { createApp, httpServer } from './app';
import { connect } from './db/connection';
import { migrateLatest } from './db/migrate';
import { Store } from './db/store';
import { WalCheckpointer } from './db/walCheckpointer';
import { systemClock } from './lib/clock';
import { createLogger } from './lib/logger';
import { createServices } from './services';
import { Background, createBackground } from './jobs';

/** Process entry: config -> db -> migrate -> services -> listen -> jobs; clean shutdown on SIGTERM/SIGINT. */
async function main(): Promise<void> {
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

  const { knex, dialect } = await connect(config.db);
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
  const where = config.db.client === 'sqlite' ? `SQLite ${config.db.filename}` : `MySQL ${config.db.host}:${config.db.port}/${config.db.database}`;
  console.log(`contactgate listening on http://localhost:${port} (${where})`);
  if (login && !config.bootstrapUser) {
    console.log('');
    console.log('Demo account created (shown once; keep it):');
    console.log(`  API username: ${login.username}`);
    console.log(`  API password: ${login.password}`);
    console.log(`  try: curl -u '${login.username}:${login.password}' http://localhost:${port}/v2/account-info`);
    console.log('');
  } else if (login) {
    console.log(`Bootstrap API user ${login.username} created in account ${login.accountId}.`);
  }
}

main().catch((e) => {
  if (e instanceof ConfigError) console.error(`configuration error: ${e.message}`);
  else console.error('contactgate failed to start:', e instanceof Error ? e.message : e);
  process.exit(1);
});
