// The contact statements of import chunks: set-based lookups, upserts, new-first inserts (bound, LOAD DATA, parser-made
// SQL text), the marks and claims that find duplicates across chunks and runs, and book memberships. Only the import
// write port (writeChunk.ts) calls them.
import { Knex } from 'knex';
import { AudienceType, ContactStatus, EmailType, OptInType } from '../../../domain/enums';
import { num, slices } from '../../sql';
import { connectionOf, fixedSlices, int, loadRows, PreparedSql, query } from './preparedSql';

/** What an existing contact looks like to the import (no data column: data is merged in SQL). */
export interface ExistingContact {
  id: number;
  status: ContactStatus;
  optInType: OptInType;
  emailType: EmailType;
  audienceType: AudienceType;
  notes: string | null;
  /** The mark of the import that last took this contact's email (null when none did). */
  mark: number | null;
}

/** A claim of one import that another import's write displaced from a contact's mark. */
export interface DisplacedClaim {
  mark: number;
  key: string;
}

/** One contact row of a set-based upsert; data is a JSON merge patch for existing contacts. */
export interface ContactUpsert {
  email: string;
  emailKey: string;
  optInType: OptInType;
  emailType: EmailType;
  audienceType: AudienceType;
  notes: string | null;
  data: string;
  /** The mark the chunk's lookup saw on this existing contact (undefined for a new contact). */
  wasMark?: number | null;
}

/** Columns of an upserted contact; the row encoder (rowText.ts sqlTuple) writes its SQL tuples in this order, then import_mark, import_mark_was. */
const UPSERT_COLS = [
  'account_id', 'email', 'email_key', 'opt_in_type', 'email_type', 'audience_type', 'notes', 'status', 'data', 'created_at', 'updated_at',
];

/** The contact statements of import chunks, on one transaction. */
export class ContactSql extends PreparedSql {
  /** Of these email keys, those already taken earlier in this import. */
  async seen(importId: string, keys: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (const part of slices(keys, 2000)) {
      if (!part.length) continue;
      const rows = await this.db('import_seen').where({ import_id: importId }).whereIn('email_key', part).select('email_key');
      for (const r of rows) out.add(String(r.email_key));
    }
    return out;
  }

  /** Records email keys as taken by this import; returns the keys that were already taken earlier (duplicates). */
  async claimKeys(importId: string, keys: string[]): Promise<Set<string>> {
    if (!(await this.returning())) {
      const taken = await this.seen(importId, keys);
      for (const { part, prepared } of fixedSlices(keys.filter((k) => !taken.has(k)))) await this.insertSeen(importId, part, '', prepared);
      return taken;
    }
    const fresh = new Set<string>();
    for (const { part, prepared } of fixedSlices(keys)) {
      const rows = this.rows(await this.insertSeen(importId, part, ' returning email_key', prepared));
      for (const r of rows) fresh.add(String(r.email_key));
    }
    return new Set(keys.filter((k) => !fresh.has(k)));
  }

  private insertSeen(importId: string, keys: string[], returning: string, prepared: boolean): Promise<unknown> {
    if (!keys.length) return Promise.resolve([[]]);
    const values = keys.map(() => '(?,?)').join(',');
    const sql =
      this.dialect === 'sqlite'
        ? `insert into import_seen (import_id, email_key) values ${values} on conflict do nothing${returning}`
        : `insert ignore into import_seen (import_id, email_key) values ${values}${returning}`;
    return this.exec(sql, keys.flatMap((k) => [importId, k]), prepared);
  }

  /** Existing contacts of the account by email key. */
  async existing(accountId: number, keys: string[]): Promise<Map<string, ExistingContact>> {
    const out = new Map<string, ExistingContact>();
    for (const { part, prepared } of fixedSlices(keys)) {
      const sql =
        'select id, email_key, status, opt_in_type, email_type, audience_type, notes, import_mark from contacts ' +
        `where account_id = ? and email_key in (${part.map(() => '?').join(',')})`;
      const rows = this.rows(await this.exec(sql, [accountId, ...part], prepared));
      for (const r of rows) out.set(String(r.email_key), toExisting(r));
    }
    return out;
  }

  /** Contact ids by email key. */
  async idsByKeys(accountId: number, keys: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const part of slices(keys, 2000)) {
      if (!part.length) continue;
      const rows = await this.db('contacts').where({ account_id: accountId }).whereIn('email_key', part).select('id', 'email_key');
      for (const r of rows) out.set(String(r.email_key), Number(r.id));
    }
    return out;
  }

  /**
   * One multi-row INSERT ... ON CONFLICT / ON DUPLICATE KEY UPDATE per slice: new contacts are inserted, existing ones
   * get the given columns and their JSON data merged with the row's data as a merge patch (RFC 7396). Status is never
   * changed by an import. With a mark (RETURNING engines only), every written contact takes the import's mark and the
   * marks it replaced that belong to other imports come back in `displaced`. `ids` is undefined without RETURNING.
   */
  async upsertContacts(
    accountId: number,
    rows: ContactUpsert[],
    now: number,
    mark: number | null = null,
  ): Promise<{ ids: Map<string, number> | undefined; displaced: DisplacedClaim[] }> {
    const ret = await this.returning();
    const marked = mark !== null && ret;
    // why: on SQLite, RETURNING costs the upsert about a quarter of its speed (measured), and it is not needed: one
    // writer at a time holds the database, and a transaction that read and then wrote saw every commit before its
    // write (WAL refuses the write otherwise). So the lookup's marks are the marks being replaced, and the new contacts
    // are exactly the rows above the largest id read just before the insert.
    const sqliteIds = this.dialect === 'sqlite' && ret;
    const useReturning = ret && !sqliteIds;
    const ids = ret ? new Map<string, number>() : undefined;
    const displaced: DisplacedClaim[] = [];
    const cols = marked ? [...UPSERT_COLS, 'import_mark'] : UPSERT_COLS;
    const row = `(${cols.map(() => '?').join(',')})`;
    const before = sqliteIds && rows.length ? Number(this.rows(await this.exec('select max(id) as m from contacts', [], true))[0]?.m ?? 0) : 0;
    for (const { part, prepared } of fixedSlices(rows)) {
      const values = part.map(() => row).join(',');
      const binds: Knex.RawBinding[] = [];
      for (const c of part) {
        binds.push(accountId, c.email, c.emailKey, c.optInType, c.emailType, c.audienceType, c.notes, 'Subscribed', c.data, now, now);
        if (marked) binds.push(mark);
      }
      const head = `insert into contacts (${cols.join(',')}) values ${values}`;
      // why: import_mark_was is assigned before import_mark: MySQL evaluates the assignments in order, so it keeps the
      // mark being replaced, which RETURNING then hands back.
      const sql =
        this.dialect === 'sqlite'
          ? `${head} on conflict(account_id, email_key) do update set email = excluded.email, opt_in_type = excluded.opt_in_type, ` +
            `email_type = excluded.email_type, audience_type = excluded.audience_type, notes = excluded.notes, ` +
            `data = json_patch(contacts.data, excluded.data), updated_at = excluded.updated_at` +
            (marked ? ', import_mark = excluded.import_mark' : '')
          : `${head} on duplicate key update email = values(email), opt_in_type = values(opt_in_type), ` +
            `email_type = values(email_type), audience_type = values(audience_type), notes = values(notes), ` +
            `data = json_merge_patch(data, values(data)), updated_at = values(updated_at)` +
            (marked ? ', import_mark_was = import_mark, import_mark = values(import_mark)' : '');
      const res = await this.exec(useReturning ? `${sql} returning id, email_key${marked ? ', import_mark_was' : ''}` : sql, binds, prepared);
      if (useReturning && ids) {
        for (const r of this.rows(res)) {
          ids.set(String(r.email_key), Number(r.id));
          if (marked && r.import_mark_was !== null && r.import_mark_was !== undefined && Number(r.import_mark_was) !== mark) {
            displaced.push({ mark: Number(r.import_mark_was), key: String(r.email_key) });
          }
        }
      }
    }
    if (sqliteIds && ids && rows.length) {
      // the rows the lookup did not find are the ones this statement created
      for (const [k, id] of await this.createdSince(before, rows.filter((c) => c.wasMark === undefined))) ids.set(k, id);
      if (marked) for (const c of rows) if (c.wasMark !== undefined && c.wasMark !== null && c.wasMark !== mark) displaced.push({ mark: c.wasMark, key: c.emailKey });
    }
    return { ids, displaced };
  }

  /**
   * SQLite, inside a chunk's transaction: inserts the rows as new contacts with the import's mark, skipping those
   * whose email the account already has. Returns the new contacts' ids by email key; the rows not among them are
   * existing contacts, left unchanged.
   */
  async insertNew(accountId: number, rows: ContactUpsert[], now: number, mark: number): Promise<Map<string, number>> {
    if (!rows.length) return new Map();
    const cols = [...UPSERT_COLS, 'import_mark'];
    const row = `(${cols.map(() => '?').join(',')})`;
    const before = Number(this.rows(await this.exec('select max(id) as m from contacts', [], true))[0]?.m ?? 0);
    for (const { part, prepared } of fixedSlices(rows)) {
      const binds: Knex.RawBinding[] = [];
      for (const c of part) binds.push(accountId, c.email, c.emailKey, c.optInType, c.emailType, c.audienceType, c.notes, 'Subscribed', c.data, now, now, mark);
      const sql = `insert into contacts (${cols.join(',')}) values ${part.map(() => row).join(',')} on conflict(account_id, email_key) do nothing`;
      await this.exec(sql, binds, prepared);
    }
    return this.createdSince(before, rows);
  }

  /**
   * SQLite: ids by email key of the contacts created after id `before` in this transaction, expected to be `rows` in
   * insert order. why: contacts.id is AUTOINCREMENT and one writer holds the database, so the created rows have
   * ascending ids in insert order; only the ids are read (a quarter of the time of reading id and key objects). When
   * the count differs (some rows existed), the keys are read to tell which rows the ids belong to.
   */
  private async createdSince(before: number, rows: ContactUpsert[]): Promise<Map<string, number>> {
    const created = new Map<string, number>();
    const ids = (await this.exec('select id from contacts where id > ? order by id', [before], true, true)) as number[];
    if (ids.length === rows.length) rows.forEach((c, j) => created.set(c.emailKey, ids[j]));
    else for (const r of this.rows(await this.exec('select id, email_key from contacts where id > ?', [before], true))) created.set(String(r.email_key), Number(r.id));
    return created;
  }

  /**
   * Inside a chunk's transaction: inserts the chunk's rows as new contacts with one LOAD DATA LOCAL INFILE of the
   * parser's lines (`lines` of them), skipping those whose email the account already has. Returns the new contacts'
   * ids when every line was new, else their ids by email key (the rows not among them are existing contacts, left
   * unchanged). Throws LoadRejected when the
   * server read other than `lines` lines or changed a value (warnings other than skipped duplicates); the caller then
   * writes the chunk with bound statements instead.
   */
  async loadNew(accountId: number, rows: Uint8Array, lines: number, now: number, mark: number): Promise<LoadedContacts> {
    if (!lines) return { allNew: true, ids: [] };
    const conn = await connectionOf(this.db);
    // why: no session variables needed: the account, the time and the mark are integers written into the statement.
    const sql =
      `load data local infile 'cg-chunk' ignore into table contacts character set utf8mb4 ` +
      // why: the separators as hex literals read the same with and without sql_mode NO_BACKSLASH_ESCAPES.
      "fields terminated by X'09' escaped by X'5c' lines terminated by X'0a' " +
      '(email, email_key, opt_in_type, email_type, audience_type, notes, data) ' +
      `set account_id = ${int(accountId)}, status = 'Subscribed', created_at = ${int(now)}, updated_at = ${int(now)}, ` +
      `import_mark = ${int(mark)}, import_mark_was = 0`;
    const res = (await loadRows(conn, sql, rows)) as { affectedRows: number; info?: string };
    // why: LOCAL makes the server turn data errors into warnings (it cannot stop the client's upload), so a value it
    // cut or converted would pass unseen; every skipped duplicate gives exactly one warning, anything more is a change.
    const info = /Records:\s*(\d+)\s+Deleted:\s*\d+\s+Skipped:\s*(\d+)\s+Warnings:\s*(\d+)/.exec(res.info ?? '');
    if (!info || Number(info[1]) !== lines || Number(info[3]) !== Number(info[2]) || res.affectedRows + Number(info[2]) !== lines) {
      throw new LoadRejected(res.info ?? '');
    }
    if (!res.affectedRows) return { allNew: false, byKey: new Map() };
    // why: auto-increment ids only grow, so this statement's rows are those at or after its first id that carry the
    // import's mark as new rows (import_mark_was 0); a primary-key range read instead of a lookup of every email.
    // LAST_INSERT_ID() is that first id (the OK packet of a LOAD DATA carries none).
    const mine = `from contacts where id >= last_insert_id() and account_id = ${int(accountId)} and import_mark = ${int(mark)} and import_mark_was = 0`;
    if (res.affectedRows === lines) {
      // every line is a new contact: when their ids are one gap-free run (the rule with innodb_autoinc_lock_mode 0
      // or 1), one row of count, min and max says all; else the ids themselves are read.
      const [span] = await query(conn, `select count(*) as n, min(id) as lo, max(id) as hi ${mine}`);
      const n = Number(span.n);
      const lo = Number(span.lo);
      if (n !== lines) throw new Error(`import load: ${lines} rows inserted, ${n} read back`);
      if (Number(span.hi) - lo + 1 === n) return { allNew: true, ids: Array.from({ length: n }, (_, j) => lo + j) };
      return { allNew: true, ids: (await query(conn, `select id ${mine}`)).map((r) => Number(r.id)) };
    }
    const byKey = new Map<string, number>();
    for (const r of await query(conn, `select id, email_key ${mine}`)) byKey.set(String(r.email_key), Number(r.id));
    if (byKey.size !== res.affectedRows) throw new Error(`import load: ${res.affectedRows} rows inserted, ${byKey.size} read back`);
    return { allNew: false, byKey };
  }

  /**
   * Inside a chunk's transaction: inserts the chunk's rows that are new contacts and puts the import's mark on the
   * existing ones without changing anything else, in one INSERT ... ON DUPLICATE KEY UPDATE ... RETURNING.
   * `values` are the packer's new-contact tuples. Returns the new contacts' ids and, for the existing contacts, what
   * the chunk needs to decide on them (their mark before this statement in `mark`).
   */
  async insertOrClaim(
    accountId: number,
    values: string,
    now: number,
    mark: number,
  ): Promise<{ created: Map<string, number>; existing: Map<string, ExistingContact> }> {
    const created = new Map<string, number>();
    const existing = new Map<string, ExistingContact>();
    if (!values) return { created, existing };
    await this.db.raw('set @cg_account = ?, @cg_now = ?, @cg_mark = ?', [accountId, now, mark]);
    // why: import_mark_was is 0 in a new row (marks start at 1) and the replaced mark in an existing one, so RETURNING
    // tells the two apart; it is assigned before import_mark (MySQL assigns in order).
    const sql =
      `insert into contacts (${UPSERT_COLS.join(',')}, import_mark, import_mark_was) values ${values} ` +
      'on duplicate key update import_mark_was = import_mark, import_mark = values(import_mark) ' +
      'returning id, email_key, status, opt_in_type, email_type, audience_type, notes, import_mark_was';
    // why: straight to the transaction's connection, not knex.raw: the text is already SQL (literals made by the
    // packer), and knex would scan a megabyte for `?` placeholders, which a valid email may hold.
    const rows = await query(await connectionOf(this.db), sql);
    for (const r of rows) {
      if (r.import_mark_was !== null && Number(r.import_mark_was) === 0) created.set(String(r.email_key), Number(r.id));
      else existing.set(String(r.email_key), toExisting({ ...r, import_mark: r.import_mark_was }));
    }
    return { created, existing };
  }

  /**
   * Puts the import's mark on contacts the import takes but does not write (suppressed, unsubscribed from the book),
   * under a row lock; returns the claims of other imports it replaced.
   */
  async markTaken(accountId: number, contactIds: number[], mark: number): Promise<DisplacedClaim[]> {
    const out: DisplacedClaim[] = [];
    for (const part of slices(contactIds, 500)) {
      if (!part.length) continue;
      const q = this.db('contacts').where({ account_id: accountId }).whereIn('id', part).select('email_key', 'import_mark');
      const rows = this.dialect === 'mysql' ? await q.forUpdate() : await q;
      for (const r of rows) {
        if (r.import_mark !== null && Number(r.import_mark) !== mark) out.push({ mark: Number(r.import_mark), key: String(r.email_key) });
      }
      await this.db.raw(
        `update contacts set import_mark_was = import_mark, import_mark = ? where account_id = ? and id in (${part.map(() => '?').join(',')})`,
        [mark, accountId, ...part],
      );
    }
    return out;
  }

  /** Records displaced claims in import_seen for those of their imports still running (the rest need none). */
  async recordDisplaced(accountId: number, claims: DisplacedClaim[]): Promise<void> {
    if (!claims.length) return;
    const marks = [...new Set(claims.map((c) => c.mark))];
    const running = new Map<number, string>();
    for (const part of slices(marks, 500)) {
      const rows = await this.db('imports').where({ account_id: accountId, status: 'NotFinished' }).whereIn('mark', part).select('id', 'mark');
      for (const r of rows) running.set(Number(r.mark), String(r.id));
    }
    const rows = claims.filter((c) => running.has(c.mark)).map((c) => [running.get(c.mark)!, c.key]);
    for (const part of slices(rows, 500)) {
      if (!part.length) continue;
      const values = part.map(() => '(?,?)').join(',');
      const sql =
        this.dialect === 'sqlite'
          ? `insert into import_seen (import_id, email_key) values ${values} on conflict do nothing`
          : `insert ignore into import_seen (import_id, email_key) values ${values}`;
      await this.db.raw(sql, part.flat());
    }
  }

  /** Of these keys, those whose claim by this import another import displaced (see recordDisplaced). */
  async displacedOf(importId: string, keys: string[]): Promise<Set<string>> {
    // why: almost always empty; one probe per chunk instead of a keyed lookup of every row.
    return (await this.hasDisplaced(importId)) ? this.seen(importId, keys) : new Set<string>();
  }

  /** True when some claim of this import was displaced or handed over into import_seen. */
  async hasDisplaced(importId: string): Promise<boolean> {
    return (await this.db('import_seen').where({ import_id: importId }).first('email_key')) !== undefined;
  }

  /** Of these contacts, those unsubscribed from the book (an import does not re-add them). */
  async unsubscribedFromBook(bookId: number, contactIds: number[]): Promise<Set<number>> {
    const out = new Set<number>();
    for (const part of slices(contactIds, 2000)) {
      if (!part.length) continue;
      const rows = await this.db('address_book_contacts')
        .where({ address_book_id: bookId, status: 'Unsubscribed' })
        .whereIn('contact_id', part)
        .select('contact_id');
      for (const r of rows) out.add(Number(r.contact_id));
    }
    return out;
  }

  /** Adds contacts to a book; existing memberships are left as they are. */
  async addMembers(accountId: number, bookId: number, contactIds: number[], now: number): Promise<void> {
    for (const { part, prepared } of fixedSlices(contactIds)) {
      const values = part.map(() => `(?,?,?,'Subscribed',?,?)`).join(',');
      const binds = part.flatMap((cid) => [bookId, cid, accountId, now, now]);
      const head = `insert into address_book_contacts (address_book_id, contact_id, account_id, status, added_at, updated_at) values ${values}`;
      const tail = this.dialect === 'sqlite' ? ' on conflict(address_book_id, contact_id) do nothing' : ' on duplicate key update contact_id = contact_id';
      await this.exec(head + tail, binds, prepared);
    }
  }
}

/** The contacts a chunk's LOAD DATA created: their ids when every line was new, else their ids by email key. */
export type LoadedContacts = { allNew: true; ids: number[] } | { allNew: false; byKey: Map<string, number> };

/** LOAD DATA read the chunk's lines other than they were written (see ContactSql.loadNew). */
export class LoadRejected extends Error {
  constructor(info: string) {
    super(`import load rejected: ${info}`);
  }
}

export function toExisting(r: Record<string, unknown>): ExistingContact {
  return {
    id: Number(r.id),
    status: r.status as ContactStatus,
    optInType: r.opt_in_type as OptInType,
    emailType: r.email_type as EmailType,
    audienceType: r.audience_type as AudienceType,
    notes: (r.notes as string | null) ?? null,
    mark: num(r.import_mark),
  };
}
