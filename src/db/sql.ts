import { Knex } from 'knex';
import { Dialect } from './connection';

// Every dialect difference in SQL text lives in this file.

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
