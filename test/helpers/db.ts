import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { Config, loadConfig } from '../../src/config';
import { connect, knexOptions } from '../../src/db/connection';
import { migrateLatest } from '../../src/db/migrate';
import { Store } from '../../src/db/store';

// One database per test run: a temp SQLite file by default, or a fresh MariaDB/MySQL database when DB_CLIENT=mysql2.

let shared: Promise<{ store: Store; config: Config }> | undefined;
let cleanup: (() => Promise<void>) | undefined;

/** The engine the suite runs on ('sqlite' or 'mysql'). */
export function testEngine(): 'sqlite' | 'mysql' {
  return loadConfig().db.client;
}

/** The configuration the test run uses (a private database; everything else default unless overridden). */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const base = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  return { ...base, db: runDb(base), ...overrides };
}

let dbName: string | undefined;
function runDb(base: Config): Config['db'] {
  if (base.db.client === 'sqlite') {
    dbName ??= path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'contactgate-test-')), 'test.sqlite');
    return { client: 'sqlite', filename: dbName };
  }
  dbName ??= `cg_test_${process.pid}_${Date.now().toString(36)}`;
  return { ...base.db, database: dbName };
}

/** The migrated store shared by the whole run. */
export function testStore(): Promise<{ store: Store; config: Config }> {
  shared ??= (async () => {
    const config = testConfig();
    const { knex, dialect } = await connect(config.db);
    await migrateLatest(knex);
    const store = new Store(knex, dialect);
    cleanup = async () => {
      await store.close();
      if (config.db.client === 'mysql') {
        const admin = knexFactory({ ...knexOptions({ ...config.db, database: '' }), pool: { min: 0, max: 1 } });
        await admin.raw('DROP DATABASE IF EXISTS ??', [config.db.database]);
        await admin.destroy();
      } else {
        fs.rmSync(path.dirname(config.db.filename), { recursive: true, force: true });
      }
    };
    return { store, config };
  })();
  return shared;
}

const scratch: string[] = [];

/**
 * Environment for a gateway child process on a database of its own (a temp SQLite file, or a MariaDB database named
 * after the run's with a suffix, dropped at the end of the run).
 */
export function scratchDbEnv(suffix: string): Record<string, string> {
  const c = testConfig().db;
  if (c.client === 'sqlite') {
    return { DB_CLIENT: 'sqlite', DB_FILENAME: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cg-proc-')), `${suffix}.sqlite`) };
  }
  const name = `${c.database}_${suffix}`;
  if (!scratch.includes(name)) scratch.push(name);
  return { DB_CLIENT: 'mysql2', DB_HOST: c.host, DB_PORT: String(c.port), DB_USER: c.user, DB_PASSWORD: c.password, DB_NAME: name };
}

/** Closes and drops the run's database and scratch databases (root after-hook). */
export async function closeTestStore(): Promise<void> {
  const c = testConfig().db;
  if (c.client === 'mysql' && scratch.length) {
    const admin = knexFactory({ ...knexOptions({ ...c, database: '' }), pool: { min: 0, max: 1 } });
    for (const name of scratch.splice(0)) await admin.raw('DROP DATABASE IF EXISTS ??', [name]);
    await admin.destroy();
  }
  if (cleanup) await cleanup();
  shared = undefined;
  cleanup = undefined;
}
