// The statement plumbing of the import hot paths: prepared statements on the transaction's own connection, engine
// feature detection (RETURNING, LOAD DATA LOCAL INFILE) and raw driver calls. Shared by ImportRepo (upload pieces) and
// the import write port (db/repos/importWrite).
import { Readable } from 'node:stream';
import { Knex } from 'knex';
import { Dialect } from '../../connection';

/** Per connection pool: whether INSERT ... RETURNING works (SQLite 3.35+, MariaDB 10.5+; not MySQL 8). */
const returningByClient = new WeakMap<object, Promise<boolean>>();

/** Per connection pool: whether the server takes LOAD DATA LOCAL INFILE (PreparedSql.loadAllowed). */
const loadByClient = new WeakMap<object, Promise<boolean>>();
/** MySQL/MariaDB errors that mean "no LOCAL INFILE here": not allowed (1148), disabled on the server or client (3948, 2068). */
const LOAD_REFUSED = new Set([1148, 3948, 2068]);

/** Overrides RETURNING detection for one knex instance (tests of the MySQL 8 path; servers that misreport). */
export function setReturningSupport(knex: { client: unknown }, supported: boolean): void {
  returningByClient.set(knex.client as object, Promise.resolve(supported));
}

/** A better-sqlite3 connection, as far as the fast path uses it. */
interface SqliteConn {
  prepare(sql: string): { reader: boolean; all(binds: unknown[]): unknown[]; run(binds: unknown[]): unknown; pluck(on: boolean): unknown };
}

/** A mysql2 (callback API) connection, as far as the fast path uses it. */
export interface MysqlConn {
  execute(sql: string, binds: unknown[], cb: (err: unknown, rows: unknown, fields: unknown) => void): void;
  query(sql: string | { sql: string; infileStreamFactory: () => Readable }, cb: (err: unknown, rows: unknown, fields: unknown) => void): void;
}

/** Rows per prepared hot-path statement; chunks are cut into slices of exactly this size plus one remainder. */
export const PREPARED_ROWS = 500;

/** Splits a list into full slices of PREPARED_ROWS (prepared) and one shorter remainder (not prepared). */
export function fixedSlices<T>(list: T[]): Array<{ part: T[]; prepared: boolean }> {
  const out: Array<{ part: T[]; prepared: boolean }> = [];
  for (let i = 0; i < list.length; i += PREPARED_ROWS) {
    const part = list.slice(i, i + PREPARED_ROWS);
    out.push({ part, prepared: part.length === PREPARED_ROWS });
  }
  return out;
}

/** Prepared statements per SQLite connection, keyed by SQL text (chunks of one size share one statement). */
const statementCache = new WeakMap<object, Map<string, ReturnType<SqliteConn['prepare']>>>();

/** Runs the statements of the import hot paths on one connection or transaction. */
export class PreparedSql {
  constructor(
    protected readonly db: Knex | Knex.Transaction,
    protected readonly dialect: Dialect,
  ) {}

  /** True when this engine answers INSERT ... RETURNING (saves a round trip per chunk on SQLite and MariaDB). */
  protected returning(): Promise<boolean> {
    const key = this.db.client as object;
    let p = returningByClient.get(key);
    if (!p && this.dialect === 'sqlite') p = Promise.resolve(true);
    if (!p) {
      p = this.db.raw('select version() as v').then((res) => /mariadb/i.test(String(res[0][0].v)));
      returningByClient.set(key, p);
    }
    return p;
  }

  /**
   * Runs one statement of the import hot paths (chunks, upload pieces). Statements of one fixed shape (`prepared`) run
   * as prepared statements on the transaction's own connection, cached by SQL text: better-sqlite3 statements on SQLite, the
   * binary protocol (mysql2 `execute`) on MySQL/MariaDB, so the server parses the statement once per connection
   * instead of a megabyte of inline values per chunk. Only the fixed shapes are prepared, which bounds the number of
   * prepared statements per connection to a handful. Everything else goes through knex.raw. With `pluck` the
   * answer is the first column's values (a plucking better-sqlite3 statement on SQLite).
   */
  protected async exec(sql: string, binds: Knex.RawBinding[], prepared: boolean, pluck = false): Promise<unknown> {
    const db = this.db as Knex.Transaction;
    if (pluck && (!prepared || !db.isTransaction || this.dialect !== 'sqlite')) {
      return this.rows(await this.db.raw(sql, binds)).map((r) => Object.values(r)[0]);
    }
    if (!prepared || !db.isTransaction) return this.db.raw(sql, binds);
    const conn = await connectionOf<unknown>(db);
    if (this.dialect === 'mysql') {
      const c = conn as MysqlConn;
      return new Promise((resolve, reject) => c.execute(sql, binds, (e, rows, fields) => (e ? reject(e) : resolve([rows, fields]))));
    }
    const sc = conn as SqliteConn;
    let cache = statementCache.get(sc);
    if (!cache) statementCache.set(sc, (cache = new Map()));
    let st = cache.get(sql);
    if (!st) {
      if (cache.size >= 16) cache.clear();
      st = sc.prepare(sql);
      if (pluck) st.pluck(true);
      cache.set(sql, st);
    }
    return st.reader ? st.all(binds) : st.run(binds);
  }

  /** The result rows of a raw statement on either engine. */
  protected rows(res: unknown): Array<Record<string, unknown>> {
    return (this.dialect === 'mysql' ? (res as unknown[])[0] : res) as Array<Record<string, unknown>>;
  }

  /**
   * True when the server takes LOAD DATA LOCAL INFILE from this client (asked once per connection pool, by loading
   * nothing into import_seen). why: local_infile is off by default in MySQL 8 and may be turned off in MariaDB.
   * Only the server's yes or no is kept: after any other failure (a lost connection, say) this run takes the SQL
   * text and the next one asks again.
   */
  protected loadAllowed(): Promise<boolean> {
    const key = this.db.client as object;
    let p = loadByClient.get(key);
    if (!p) {
      p = probeLoadData(this.db).then((r) => {
        if (!r.allowed && !r.refused) loadByClient.delete(key);
        return r.allowed;
      });
      loadByClient.set(key, p);
    }
    return p;
  }
}

/**
 * Asks the server now (no cache) whether it takes LOAD DATA LOCAL INFILE from this client, by loading nothing into
 * import_seen. Not allowed: `refused` is true when that is the server's answer (local_infile off), false for any
 * other failure. The doctor reports this; loadAllowed keeps the answer per pool.
 */
export async function probeLoadData(db: Knex | Knex.Transaction): Promise<{ allowed: true } | { allowed: false; refused: boolean; errno?: number; message: string }> {
  try {
    await db.transaction(async (trx) => {
      await loadRows(await connectionOf(trx), "load data local infile 'cg-probe' into table import_seen (import_id, email_key)", new Uint8Array(0));
    });
    return { allowed: true };
  } catch (e) {
    const err = e as { errno?: number; message?: string };
    return { allowed: false, refused: err?.errno !== undefined && LOAD_REFUSED.has(err.errno), errno: err?.errno, message: String(err?.message ?? e) };
  }
}

/** The driver connection of a transaction (the same one for every call inside it). */
export async function connectionOf<T = MysqlConn>(db: Knex | Knex.Transaction): Promise<T> {
  return (await (db.client as unknown as { acquireConnection(): Promise<unknown> }).acquireConnection()) as T;
}

/** Runs SQL text as it is on a connection (no placeholders: the text may hold `?`). */
export function query(conn: MysqlConn, sql: string): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => conn.query(sql, (e, r) => (e ? reject(e) : resolve(r as Array<Record<string, unknown>>))));
}

/**
 * Runs a LOAD DATA LOCAL INFILE statement whose file is these bytes, sent in 64 KB packets. why: the stream factory
 * ignores the file name the server asks for, so a server can never make the gateway read one of its files.
 */
export function loadRows(conn: MysqlConn, sql: string, bytes: Uint8Array): Promise<unknown> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pieces = function* () {
    for (let o = 0; o < buf.length; o += 65536) yield buf.subarray(o, o + 65536);
  };
  return new Promise((resolve, reject) =>
    conn.query({ sql, infileStreamFactory: () => Readable.from(pieces()) }, (e, r) => (e ? reject(e) : resolve(r))),
  );
}

/** An integer for SQL text (anything else is a bug, not input). */
export function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return String(n);
}
