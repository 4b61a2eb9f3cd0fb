import { Knex } from 'knex';
import { RuleGroup } from '../../domain/segmentRules';
import { Dialect } from '../connection';
import { compileRules } from '../segmentSql';
import { rawRows } from '../sql';

// The single-write path of the segment engine (DESIGN invariant 11): all the account's real-time predicates that a
// write can affect are evaluated for the written contact(s) in one statement, and only real membership flips are
// written. Compiled rules are plain data, cached by the service per account rules version (see bumpRulesVersion).

/** One real-time segment's rules compiled to a predicate on `contacts c` (valid for one UTC day of `now`). */
export interface CompiledSegment {
  id: number;
  sql: string;
  bindings: Array<string | number>;
}

/** A ready evaluation of some compiled segments: statement texts and binds, built once and reused for every write. */
export interface SingleEvaluation {
  segmentIds: number[];
  chunks: Array<{ from: number; size: number; sql: string; bindings: Array<string | number> }>;
}

/** Membership changes of single writes, per segment: who joins, who leaves. */
export interface SingleFlips {
  adds: Array<{ segmentId: number; contactId: number }>;
  removes: Array<{ segmentId: number; contactId: number }>;
}

/** The few better-sqlite3 calls the statement cache uses. */
interface SqliteConnection {
  prepare(sql: string): { all(params: unknown[]): Array<Record<string, unknown>> };
}
type SqliteStatement = ReturnType<SqliteConnection['prepare']>;

// why: preparing a statement of a few hundred predicates costs SQLite milliseconds (4 ms for 200, measured), far more
// than running it for one contact (0.2 ms), and knex prepares every statement anew; the evaluation texts are cached
// per rules version, so their prepared statements are cached per connection too.
const prepared = new WeakMap<object, Map<string, SqliteStatement>>();
const MAX_PREPARED = 100;

// why: SQLite caps a result at 2000 columns and MySQL a row at 4096; chunks of 400 predicates stay well inside both
// and inside SQLite's 32766 bind parameters.
const PER_STATEMENT = 400;
// why: SQLite runs 1000 predicates for one contact in 2.3 ms as chunks of 50 and in 5.2 ms as chunks of 400
// (measured: each chunk reparses the contact's JSON, but long statements cost more per predicate); MariaDB pays a
// round trip per statement instead.
const SQLITE_PER_EVALUATION = 64;

/**
 * Bumps the account's segment rules version (migration 009). Every change to which real-time segments exist or what
 * their rules say calls it in the changing transaction, so single writers' cached compiled rules notice it.
 */
export async function bumpRulesVersion(db: Knex | Knex.Transaction, accountId: number): Promise<void> {
  await db('accounts').where({ id: accountId }).increment('segment_rules_version', 1);
}

/** SQL for single-write segment evaluation. */
export class SegmentSingleRepo {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
  ) {}

  /** The account's segment rules version (one primary-key read); -1 for an unknown account. */
  async rulesVersion(accountId: number): Promise<number> {
    const r = await this.db('accounts').where({ id: accountId }).first('segment_rules_version');
    return r ? Number(r.segment_rules_version) : -1;
  }

  /** Compiles real-time rules for single writes (`now` fixes relative dates; the result holds for its UTC day). */
  compile(accountId: number, segments: Array<{ id: number; rules: RuleGroup }>, now: number): CompiledSegment[] {
    return segments.map((s) => ({ id: s.id, ...compileRules(this.dialect, s.rules, accountId, now) }));
  }

  /** Builds the evaluation statements for these compiled segments (pure: the caller caches the result). */
  prepare(segments: CompiledSegment[]): SingleEvaluation {
    const chunks: SingleEvaluation['chunks'] = [];
    const per = this.dialect === 'sqlite' ? SQLITE_PER_EVALUATION : PER_STATEMENT;
    for (let from = 0; from < segments.length; from += per) {
      const part = segments.slice(from, from + per);
      const cols = part.map((p, k) => `CASE WHEN ${p.sql} THEN 1 ELSE 0 END AS h${k}`).join(', ');
      // why: on MySQL the read locks what it reads (as the INSERT ... SELECT it replaces did), so a concurrent
      // single write of the same contact that took its snapshot earlier still evaluates the latest memberships.
      const lock = this.dialect === 'mysql' ? ' LOCK IN SHARE MODE' : '';
      chunks.push({ from, size: part.length, sql: `SELECT c.id, ${cols} FROM contacts c WHERE c.account_id = ? AND c.id IN (#ids#)${lock}`, bindings: part.flatMap((p) => p.bindings) });
    }
    return { segmentIds: segments.map((s) => s.id), chunks };
  }

  /**
   * Evaluates the contacts against the prepared segments and reads their current memberships of those segments;
   * returns the flips (a contact that no longer exists matches nothing).
   */
  async evaluate(accountId: number, contactIds: number[], ev: SingleEvaluation): Promise<SingleFlips> {
    const marks = contactIds.map(() => '?').join(',');
    const index = new Map(ev.segmentIds.map((id, k) => [id, k]));
    const matches = new Map<number, Uint8Array>(contactIds.map((id) => [id, new Uint8Array(ev.segmentIds.length)]));
    for (const ch of ev.chunks) {
      const rows = await this.select(ch.sql.replace('#ids#', marks), [...ch.bindings, accountId, ...contactIds]);
      for (const row of rows) {
        const m = matches.get(Number(row.id))!;
        for (let k = 0; k < ch.size; k++) if (Number(row[`h${k}`]) === 1) m[ch.from + k] = 1;
      }
    }
    const lock = this.dialect === 'mysql' ? ' FOR UPDATE' : '';
    const current = rawRows<{ segment_id: number; contact_id: number }>(
      this.dialect,
      await this.db.raw(`SELECT segment_id, contact_id FROM segment_members WHERE contact_id IN (${marks})${lock}`, contactIds),
    );
    const flips: SingleFlips = { adds: [], removes: [] };
    for (const cur of current) {
      const k = index.get(Number(cur.segment_id));
      if (k === undefined) continue;
      const m = matches.get(Number(cur.contact_id))!;
      if (m[k] === 1) m[k] = 2;
      else flips.removes.push({ segmentId: Number(cur.segment_id), contactId: Number(cur.contact_id) });
    }
    for (const [contactId, m] of matches) for (let k = 0; k < m.length; k++) if (m[k] === 1) flips.adds.push({ segmentId: ev.segmentIds[k], contactId });
    return flips;
  }

  /** Runs a SELECT; on SQLite inside a transaction through a prepared statement cached on the connection. */
  private async select(sql: string, bindings: Array<string | number>): Promise<Array<Record<string, unknown>>> {
    if (this.dialect !== 'sqlite' || !this.db.isTransaction) return rawRows(this.dialect, await this.db.raw(sql, bindings));
    // why: a transaction's knex client hands out the transaction's own connection (the one the BEGIN ran on).
    const conn = await (this.db as unknown as { client: { acquireConnection(): Promise<SqliteConnection> } }).client.acquireConnection();
    let cache = prepared.get(conn);
    if (!cache) prepared.set(conn, (cache = new Map()));
    let st = cache.get(sql);
    if (!st) {
      st = conn.prepare(sql);
      if (cache.size >= MAX_PREPARED) cache.delete(cache.keys().next().value!);
      cache.set(sql, st);
    }
    return st.all(bindings);
  }

  /** Writes the flips: one DELETE, one INSERT and one member-count UPDATE at most. */
  async apply(flips: SingleFlips): Promise<void> {
    const delta = new Map<number, number>();
    for (const f of flips.adds) delta.set(f.segmentId, (delta.get(f.segmentId) ?? 0) + 1);
    for (const f of flips.removes) delta.set(f.segmentId, (delta.get(f.segmentId) ?? 0) - 1);
    // why: grouped per contact so both engines use the (contact_id) index; an OR of (segment, contact) pairs made
    // SQLite scan every membership row.
    const byContact = new Map<number, number[]>();
    for (const f of flips.removes) byContact.set(f.contactId, [...(byContact.get(f.contactId) ?? []), f.segmentId]);
    for (const [contactId, segs] of byContact) {
      for (let i = 0; i < segs.length; i += PER_STATEMENT) {
        const part = segs.slice(i, i + PER_STATEMENT);
        await this.db.raw(`DELETE FROM segment_members WHERE contact_id = ? AND segment_id IN (${part.map(() => '?').join(',')})`, [contactId, ...part]);
      }
    }
    for (let i = 0; i < flips.adds.length; i += PER_STATEMENT) {
      const part = flips.adds.slice(i, i + PER_STATEMENT);
      await this.db.raw(
        `INSERT INTO segment_members (segment_id, contact_id) VALUES ${part.map(() => '(?, ?)').join(', ')}`,
        part.flatMap((f) => [f.segmentId, f.contactId]),
      );
    }
    const changed = [...delta].filter(([, d]) => d !== 0);
    for (let i = 0; i < changed.length; i += PER_STATEMENT) {
      const part = changed.slice(i, i + PER_STATEMENT);
      await this.db.raw(
        `UPDATE segments SET member_count = member_count + CASE id ${part.map(() => 'WHEN ? THEN ?').join(' ')} ELSE 0 END ` +
          `WHERE id IN (${part.map(() => '?').join(',')})`,
        [...part.flat(), ...part.map(([id]) => id)],
      );
    }
  }
}
