import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { DbConfig } from '../config';
import type { Logger } from '../lib/logger';

/** Which SQL dialect a connection speaks. */
export type Dialect = 'sqlite' | 'mysql';

/** Builds the knex options for a database config (knexfile.ts uses the same function). */
export function knexOptions(db: DbConfig): Knex.Config {
  if (db.client === 'sqlite') {
    return {
      client: 'better-sqlite3',
      connection: { filename: db.filename },
      useNullAsDefault: true,
      // why: better-sqlite3 is synchronous; a second connection waiting on a write lock would block the event
      // loop while the first one waits for it. One connection serialises all access instead.
      pool: {
        min: 1,
        max: 1,
        afterCreate: (
          conn: { pragma(s: string): unknown; function(name: string, o: { deterministic: boolean }, fn: (v: unknown) => unknown): unknown },
          done: (err: Error | null, conn: unknown) => void,
        ) => {
          try {
            // why: SQLite's built-in LOWER folds ASCII only, so a segment rule on 'Ärger' never matched the value
            // 'Ärger' (the rule value is lowered in JS); Unicode lower-casing here matches MariaDB's LOWER.
            conn.function('lower', { deterministic: true }, (v) => (v === null || v === undefined ? null : String(v).toLowerCase()));
            conn.pragma('journal_mode = WAL');
            conn.pragma('synchronous = NORMAL');
            conn.pragma('foreign_keys = ON');
            conn.pragma('busy_timeout = 10000');
            done(null, conn);
          } catch (e) {
            done(e as Error, conn);
          }
        },
      },
    };
  }
  return {
    client: 'mysql2',
    connection: {
      host: db.host,
      port: db.port,
      user: db.user,
      password: db.password,
      database: db.database,
      charset: 'utf8mb4',
      timezone: 'Z',
      supportBigNumbers: true,
      bigNumberStrings: false,
      decimalNumbers: true,
    },
    pool: { min: 0, max: 10 },
  };
}

/**
 * knex's own messages as records of our logger (`component: "knex"`, first line only). why: knex writes them with
 * console.log, so e.g. "Acquire connection error" and its stack trace landed on stdout between the JSON log lines.
 */
export function knexLog(log: Logger): NonNullable<Knex.Config['log']> {
  const child = log.child({ component: 'knex' });
  const first = (m: unknown) => String(m instanceof Error ? m.message : m).split('\n')[0];
  return {
    warn: (m: unknown) => child.warn(first(m)),
    error: (m: unknown) => child.error(first(m)),
    debug: (m: unknown) => child.debug(first(m)),
    deprecate: (method: string, alternative: string) => child.warn(`${method} is deprecated; use ${alternative}`),
  };
}

/** Opens the database, creating the SQLite folder or the MySQL database when missing; knex's messages go to log if given. */
export async function connect(db: DbConfig, log?: Logger): Promise<{ knex: Knex; dialect: Dialect }> {
  const logOpt = log ? { log: knexLog(log) } : {};
  if (db.client === 'sqlite') {
    fs.mkdirSync(path.dirname(db.filename), { recursive: true });
    return { knex: knexFactory({ ...knexOptions(db), ...logOpt }), dialect: 'sqlite' };
  }
  const admin = knexFactory({ ...knexOptions({ ...db, database: '' }), pool: { min: 0, max: 1 }, ...logOpt });
  try {
    await admin.raw('CREATE DATABASE IF NOT EXISTS ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_bin', [db.database]);
  } finally {
    await admin.destroy();
  }
  return { knex: knexFactory({ ...knexOptions(db), ...logOpt }), dialect: 'mysql' };
}

const quiet = (): void => undefined;

/** The configured database does not exist yet (no SQLite file); the doctor reports it, nothing creates it. */
export class DatabaseMissing extends Error {}

/**
 * Opens the configured database without creating anything (no SQLite file or folder, no MySQL database) and checks
 * that it answers: the doctor's look at a database it must not change. Connecting gives up after about 5 s.
 */
export async function openExisting(db: DbConfig): Promise<{ knex: Knex; dialect: Dialect }> {
  if (db.client === 'sqlite') {
    if (!fs.existsSync(db.filename)) throw new DatabaseMissing(`no SQLite database file at ${db.filename}`);
    const knex = knexFactory(knexOptions(db));
    await knex.raw('select 1').catch(async (e) => {
      await knex.destroy();
      throw e;
    });
    return { knex, dialect: 'sqlite' };
  }
  const opts = knexOptions(db);
  const knex = knexFactory({
    ...opts,
    connection: { ...(opts.connection as object), connectTimeout: 5000 },
    acquireConnectionTimeout: 6000,
    pool: { min: 0, max: 2 },
    // why: the caller reports a failed connection itself; knex would also print it with a stack trace to stderr.
    log: { warn: quiet, error: quiet, deprecate: quiet, debug: quiet },
  });
  await knex.raw('select 1').catch(async (e) => {
    await knex.destroy();
    throw e;
  });
  return { knex, dialect: 'mysql' };
}
