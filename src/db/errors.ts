// How the services and repositories read a driver error: the two kinds worth acting on, on both engines.

/** MySQL error numbers worth retrying: deadlock, lock wait timeout, lost connection. */
const TRANSIENT_MYSQL = new Set([1213, 1205, 2006, 2013, 1927]);
const TRANSIENT_CODES = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'ECONNRESET', 'PROTOCOL_CONNECTION_LOST', 'ETIMEDOUT']);

/** Message of the 503 a persistent transient database error becomes. */
export const TRANSIENT_TEXT = 'The database is busy (deadlock, lock wait or lost connection); retry the call later.';

/** True for a database error that a retry of the whole transaction may cure. */
export function isTransientDbError(e: unknown): boolean {
  const err = e as { errno?: number; code?: string };
  return (err?.errno !== undefined && TRANSIENT_MYSQL.has(err.errno)) || (err?.code !== undefined && TRANSIENT_CODES.has(err.code));
}

/**
 * True for a unique-key violation, i.e. another writer got the same key in first: MySQL/MariaDB ER_DUP_ENTRY
 * (errno 1062), SQLite's UNIQUE or PRIMARY KEY constraint. why: only these: a NOT NULL, CHECK or foreign-key failure
 * is a bug to surface, never a lost race to retry or to count as "already there".
 */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { errno?: number; code?: string };
  return err?.errno === 1062 || err?.code === 'ER_DUP_ENTRY' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
