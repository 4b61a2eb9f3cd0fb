import { Knex } from 'knex';
import { Dialect } from './connection';

// SQL helpers the repositories share: readers for driver values, and the SQL fragments that differ between SQLite and
// MySQL/MariaDB and serve more than one repository. Dialect differences never leave src/db; a difference only one
// repository needs is spelled out there, next to its statement (with a `why:`).

/** Parses a JSON text column (null-safe). */
export function parseJson<T>(text: unknown, dflt: T): T {
  if (text === null || text === undefined || text === '') return dflt;
  if (typeof text !== 'string') return text as T; // mysql2 may already parse JSON columns
  try {
    return JSON.parse(text) as T;
  } catch {
    return dflt;
  }
}

/** Converts a driver boolean (0/1 on SQLite and MySQL) to a JS boolean. */
export function bool(v: unknown): boolean {
  return v === true || v === 1 || v === '1';
}

/** A number column that may arrive as a string (BIGINT) or null. */
export function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

/** JSON path for one data field, quoted so any legal field name is safe: $."NAME". */
export function fieldPath(name: string): string {
  return `$."${name.replace(/["\\]/g, '')}"`;
}

/** SQL for reading one data field's scalar value out of contacts.data, as text or number (bind the path). */
export function jsonValueSql(dialect: Dialect, column: string): string {
  return dialect === 'sqlite' ? `json_extract(${column}, ?)` : `JSON_UNQUOTE(JSON_EXTRACT(${column}, ?))`;
}

/** The row-locking clause for claiming work; SQLite has one writer at a time, so nothing is needed there. */
export function skipLocked(dialect: Dialect): string {
  return dialect === 'mysql' ? ' FOR UPDATE SKIP LOCKED' : '';
}

/** The row-locking clause for reading a row that the transaction will update. */
export function forUpdate(dialect: Dialect): string {
  return dialect === 'mysql' ? ' FOR UPDATE' : '';
}

/** Inserts rows in slices small enough for every engine's bind-parameter limit. */
export async function insertInSlices(db: Knex | Knex.Transaction, table: string, rows: object[], colsPerRow: number): Promise<void> {
  const per = Math.max(1, Math.floor(30000 / Math.max(1, colsPerRow)));
  for (let i = 0; i < rows.length; i += per) await db(table).insert(rows.slice(i, i + per));
}

/** Splits a list into slices of at most n (for IN lists). */
export function slices<T>(list: T[], n = 5000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out;
}

/**
 * SQL for one data field's scalar out of a JSON text column, given the placeholder of the bound path.
 * JSON null reads as SQL NULL on both engines; booleans read as 1/0 (MariaDB JSON_VALUE, SQLite json_extract).
 */
export function jsonScalarSql(dialect: Dialect, column: string, pathPlaceholder: string): string {
  return dialect === 'sqlite' ? `json_extract(${column}, ${pathPlaceholder})` : `JSON_VALUE(${column}, ${pathPlaceholder})`;
}

/** Casts a scalar expression to a floating-point number for Numeric comparisons. */
export function numberCastSql(dialect: Dialect, expr: string): string {
  return dialect === 'sqlite' ? `CAST(${expr} AS REAL)` : `CAST(${expr} AS DOUBLE)`;
}

/** Tests a JSON boolean scalar for true or false (null is neither). */
export function jsonBoolSql(dialect: Dialect, expr: string, truth: boolean): string {
  // why: SQLite yields integer 1/0; MariaDB's JSON_VALUE yields '1'/'0' and MySQL 8's yields 'true'/'false'.
  if (dialect === 'sqlite') return `${expr} = ${truth ? 1 : 0}`;
  return truth ? `${expr} IN ('1', 'true')` : `${expr} IN ('0', 'false')`;
}

/** The escape character used in LIKE patterns built from user values (portable: not a backslash). */
export const LIKE_ESCAPE_CLAUSE = " ESCAPE '!'";

/** Escapes LIKE wildcards in a user value so that it matches literally (use with LIKE_ESCAPE_CLAUSE). */
export function likeEscape(value: string): string {
  return value.replace(/[!%_]/g, (m) => `!${m}`);
}

/** The number of rows an INSERT/UPDATE/DELETE run through knex.raw changed. */
export function affectedRows(dialect: Dialect, result: unknown): number {
  const r = result as { changes?: number } & Array<{ affectedRows?: number }>;
  return dialect === 'sqlite' ? Number(r?.changes ?? 0) : Number(r?.[0]?.affectedRows ?? 0);
}

/** The rows of a SELECT run through knex.raw. */
export function rawRows<T = Record<string, unknown>>(dialect: Dialect, result: unknown): T[] {
  return (dialect === 'mysql' ? (result as T[][])[0] : result) as T[];
}
