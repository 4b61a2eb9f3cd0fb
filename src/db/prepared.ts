import type { Knex } from 'knex';

/** A minimal view of a better-sqlite3 statement and database (the driver ships no types here). */
interface SqliteStatement {
  all(...binds: unknown[]): Record<string, unknown>[];
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  pragma(s: string): unknown;
  close(): void;

}

/**
 * Hot reads outside transactions on SQLite: statements prepared once on a read-only connection of their own.
 *
 * why: knex builds, compiles and prepares the SQL of every query again and hands it through its pool, which on the
 * hot read path (one indexed lookup per request) cost more than the read itself. A second connection reads in WAL
 * mode without waiting for the writer and sees exactly what is committed, like a read on the plain connection
 * outside a transaction. Reads inside a transaction never come here: they must see the transaction's own writes.
 */
export class PreparedReads {
  private readonly statements = new Map<string, SqliteStatement>();
  private db: SqliteDatabase | undefined;
  private unavailable = false;

  private constructor(private readonly filename: string) {}

  /** Hot reads for a knex SQLite database on a file; undefined for MySQL or an in-memory database. */
  static of(knex: Knex): PreparedReads | undefined {
    const client = knex.client?.config?.client;
    const filename = (knex.client?.config?.connection as { filename?: string } | undefined)?.filename;
    if (client !== 'better-sqlite3' || !filename || filename === ':memory:' || filename.startsWith('file:')) return undefined;
    return new PreparedReads(filename);
  }

  /**
   * The rows of a fixed SQL text with positional binds (the statement is prepared on first use and kept), or undefined
   * when this path cannot answer now (the file is not there yet, or SQLite is busy): the caller then reads through knex.
   */
  rows(sql: string, binds: unknown[]): Record<string, unknown>[] | undefined {
    const db = this.connection();
    if (!db) return undefined;
    try {
      let st = this.statements.get(sql);
      if (!st) {
        st = db.prepare(sql);
        this.statements.set(sql, st);
      }
      return st.all(...binds);
    } catch (e) {
      if ((e as { code?: string }).code?.startsWith('SQLITE_BUSY')) return undefined;
      throw e;
    }
  }

  /** Closes the read connection. */
  close(): void {
    this.statements.clear();
    this.db?.close();
    this.db = undefined;
    this.unavailable = true;
  }

  private connection(): SqliteDatabase | undefined {
    if (this.db || this.unavailable) return this.db;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const Database = require('better-sqlite3') as new (f: string, o: { readonly: boolean; fileMustExist: boolean }) => SqliteDatabase;
      const db = new Database(this.filename, { readonly: true, fileMustExist: true });
      // why: a reader waits only while SQLite recovers or restarts the WAL; keep that wait short, as it blocks the event loop.
      db.pragma('busy_timeout = 250');
      this.db = db;
    } catch {
      // No file yet (the knex connection creates it): try again on the next read.
      return undefined;
    }
    return this.db;
  }
}
