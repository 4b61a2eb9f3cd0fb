import { Knex } from 'knex';
import { Dialect } from './connection';

/**
 * The database's own clock now, in epoch milliseconds (MySQL/MariaDB: the server's clock; SQLite: this host's clock
 * as SQLite reads it). The doctor compares it with the process clock.
 */
export async function databaseTimeMs(knex: Knex, dialect: Dialect): Promise<number> {
  const sql = dialect === 'sqlite' ? "select (julianday('now') - 2440587.5) * 86400000.0 as t" : 'select unix_timestamp(now(3)) * 1000 as t';
  const res = await knex.raw(sql);
  const rows = (dialect === 'sqlite' ? res : res[0]) as Array<{ t: number | string }>;
  return Math.round(Number(rows[0].t));
}
