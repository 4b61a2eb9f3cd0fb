import { Knex } from 'knex';
import { RuleGroup } from '../../domain/segmentRules';
import { Dialect } from '../connection';
import { compileRules } from '../segmentSql';
import { affectedRows } from '../sql';
import { MemberDelta } from './segments';

/**
 * SQL of a segment refresh's evaluation: the changed contacts copied once, evaluated against several segments' rules
 * in one pass, the flips written per segment; and the full recompute. Temporary tables live on the transaction's
 * connection, so one instance serves one refresh transaction.
 */
export class SegmentEvalRepo {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Copies the contacts changed by bulk writes with seq in (fromSeq, toSeq] into the connection's temporary table
   * `seg_changed` (one row per distinct id, read once by a range scan of the covering index on contact_changes), so
   * that the segments of a batch evaluate that small table instead of probing the big contacts table again. A contact
   * that is gone (deleted, or moved out of the account) is kept with id NULL. Returns how many contacts. Must run
   * inside a transaction (temporary tables live on its connection); call dropChanged when done.
   */
  async loadChanged(accountId: number, fromSeq: number, toSeq: number): Promise<number> {
    await this.dropChanged();
    // why: the columns are declared like contacts' (not CREATE ... AS SELECT) so types and collations match, and the
    // compiled predicates run unchanged with `c` bound to this table instead of contacts.
    await this.db.raw(
      this.dialect === 'mysql'
        ? 'CREATE TEMPORARY TABLE seg_changed (cid INT UNSIGNED NOT NULL PRIMARY KEY, id INT UNSIGNED NULL, account_id INT UNSIGNED NULL, ' +
            'email_key VARCHAR(254) NULL, opt_in_type VARCHAR(20) NULL, email_type VARCHAR(20) NULL, status VARCHAR(30) NULL, data LONGTEXT NULL)'
        : 'CREATE TEMP TABLE seg_changed (cid INTEGER PRIMARY KEY, id INTEGER, account_id INTEGER, email_key VARCHAR(254), ' +
            'opt_in_type VARCHAR(20), email_type VARCHAR(20), status VARCHAR(30), data TEXT)',
    );
    return affectedRows(
      this.dialect,
      await this.db.raw(
        'INSERT INTO seg_changed (cid, id, account_id, email_key, opt_in_type, email_type, status, data) ' +
          'SELECT ch.contact_id, c.id, c.account_id, c.email_key, c.opt_in_type, c.email_type, c.status, c.data ' +
          'FROM (SELECT DISTINCT cc.contact_id FROM contact_changes cc WHERE cc.account_id = ? AND cc.seq > ? AND cc.seq <= ?) ch ' +
          'LEFT JOIN contacts c ON c.id = ch.contact_id AND c.account_id = ?',
        [accountId, fromSeq, toSeq, accountId],
      ),
    );
  }

  /**
   * Evaluates the contacts loaded by loadChanged against several segments' rules in one pass into the temporary
   * table `segment_eval (contact_id, h0, h1, ...)`: column hK is 1 when the contact matches segment K, else 0 (`now`
   * fixes relative dates). why: one statement reads each changed contact once for all segments (SQLite also parses
   * its JSON once per row).
   */
  async evaluateLoaded(segments: Array<{ id: number; accountId: number; rules: RuleGroup }>, now: number): Promise<void> {
    const preds = segments.map((g) => compileRules(this.dialect, g.rules, g.accountId, now));
    const mysql = this.dialect === 'mysql';
    await this.db.raw(mysql ? 'DROP TEMPORARY TABLE IF EXISTS segment_eval' : 'DROP TABLE IF EXISTS temp.segment_eval');
    const cols = preds.map((_, k) => `h${k}`);
    await this.db.raw(
      mysql
        ? `CREATE TEMPORARY TABLE segment_eval (contact_id INT UNSIGNED NOT NULL PRIMARY KEY, ${cols.map((c) => `${c} TINYINT NOT NULL`).join(', ')})`
        : `CREATE TEMP TABLE segment_eval (contact_id INTEGER PRIMARY KEY, ${cols.map((c) => `${c} INTEGER NOT NULL`).join(', ')})`,
    );
    // why: a contact that is gone (id NULL) evaluates as 0 everywhere, so it leaves every segment.
    await this.db.raw(
      `INSERT INTO segment_eval (contact_id, ${cols.join(', ')}) SELECT c.cid, ` +
        preds.map((p) => `CASE WHEN c.id IS NOT NULL AND (${p.sql}) THEN 1 ELSE 0 END`).join(', ') +
        ' FROM seg_changed c',
      preds.flatMap((p) => p.bindings),
    );
    if (mysql) await this.loadCurrentMembers(segments.map((g) => g.id));
  }

  /**
   * MySQL: copies the changed contacts' current memberships in these segments into the temporary table
   * `segment_cur (segment_id, contact_id)`, reading `segment_members` through its contact index only.
   * why: on a buffer pool smaller than the account, probing `segment_members`' primary key once per segment and
   * changed contact read a random page each time (20 segments x 100 contacts = 2,000 page reads), so a refresh cost
   * grew with the account. The contact index keeps all of one contact's memberships together (InnoDB secondary
   * entries carry the primary key, so it covers the read): about one page per changed contact, then only real flips
   * touch `segment_members`. SQLite's contact index would need a table lookup per membership, so SQLite keeps the
   * direct probes.
   */
  private async loadCurrentMembers(segmentIds: number[]): Promise<void> {
    await this.db.raw('DROP TEMPORARY TABLE IF EXISTS segment_cur');
    await this.db.raw('CREATE TEMPORARY TABLE segment_cur (segment_id INT UNSIGNED NOT NULL, contact_id INT UNSIGNED NOT NULL, PRIMARY KEY (segment_id, contact_id))');
    await this.db.raw(
      'INSERT INTO segment_cur (segment_id, contact_id) SELECT sm.segment_id, sm.contact_id FROM seg_changed c ' +
        `STRAIGHT_JOIN segment_members sm FORCE INDEX (segment_members_contact_id_index) ON sm.contact_id = c.cid WHERE sm.segment_id IN (${segmentIds.map(() => '?').join(', ')})`,
      segmentIds,
    );
  }

  /**
   * Writes the membership flips of one segment from column hK of `segment_eval` (see evaluateLoaded): one DELETE of
   * the members that no longer match, one INSERT of the matching non-members.
   */
  async applyEvaluated(segmentId: number, k: number): Promise<MemberDelta> {
    if (!Number.isInteger(k) || k < 0) throw new Error('bad evaluation column');
    const h = `e.h${k}`;
    // why: MariaDB before 11.1 cannot semi-join a single-table DELETE (it would scan every member of the segment),
    // so MySQL uses the multi-table form; STRAIGHT_JOIN makes the small evaluated set drive it (without it, EXPLAIN
    // shows the optimizer reading every member of the segment and probing the evaluated set).
    if (this.dialect === 'mysql') {
      // Members as of segment_cur (loadCurrentMembers): only real flips reach segment_members.
      const removed = affectedRows(
        this.dialect,
        await this.db.raw(
          'DELETE sm FROM segment_cur cur STRAIGHT_JOIN segment_eval e ON e.contact_id = cur.contact_id ' +
            `STRAIGHT_JOIN segment_members sm ON sm.segment_id = cur.segment_id AND sm.contact_id = cur.contact_id WHERE cur.segment_id = ? AND ${h} = 0`,
          [segmentId],
        ),
      );
      const added = affectedRows(
        this.dialect,
        await this.db.raw(
          'INSERT INTO segment_members (segment_id, contact_id) SELECT ?, e.contact_id FROM segment_eval e ' +
            `WHERE ${h} = 1 AND NOT EXISTS (SELECT 1 FROM segment_cur x WHERE x.segment_id = ? AND x.contact_id = e.contact_id)`,
          [segmentId, segmentId],
        ),
      );
      return { removed, added };
    }
    const removed = affectedRows(
      this.dialect,
      await this.db.raw(`DELETE FROM segment_members WHERE segment_id = ? AND contact_id IN (SELECT e.contact_id FROM segment_eval e WHERE ${h} = 0)`, [segmentId]),
    );
    const added = affectedRows(
      this.dialect,
      await this.db.raw(
        'INSERT INTO segment_members (segment_id, contact_id) SELECT ?, e.contact_id FROM segment_eval e ' +
          `WHERE ${h} = 1 AND NOT EXISTS (SELECT 1 FROM segment_members x WHERE x.segment_id = ? AND x.contact_id = e.contact_id)`,
        [segmentId, segmentId],
      ),
    );
    return { removed, added };
  }

  /** Drops the temporary tables of loadChanged and evaluateLoaded. */
  async dropChanged(): Promise<void> {
    const mysql = this.dialect === 'mysql';
    for (const t of mysql ? ['seg_changed', 'segment_eval', 'segment_cur'] : ['seg_changed', 'segment_eval']) await this.db.raw(mysql ? `DROP TEMPORARY TABLE IF EXISTS ${t}` : `DROP TABLE IF EXISTS temp.${t}`);
  }

  /**
   * SQLite: sets this connection's page cache to mb megabytes (0 = SQLite's default, about 2 MB); a no-op on MySQL,
   * whose buffer pool is the server's. why: a batched refresh writes membership flips of many segments into the same
   * index pages (`segment_members (contact_id)`); with the default cache those pages are evicted and read again for
   * every segment, and dirty ones spill to the WAL before the commit.
   */
  async setPageCache(mb: number): Promise<void> {
    if (this.dialect !== 'sqlite') return;
    await this.db.raw(`PRAGMA cache_size = ${mb > 0 ? -Math.floor(mb * 1024) : -2000}`);
  }

  /** Recomputes every member of one segment from its rules (`now` fixes relative dates); returns the new member count. */
  async applyFull(segmentId: number, accountId: number, rules: RuleGroup, now: number): Promise<number> {
    const pred = compileRules(this.dialect, rules, accountId, now);
    await this.db.raw('DELETE FROM segment_members WHERE segment_id = ?', [segmentId]);
    return affectedRows(
      this.dialect,
      await this.db.raw(
        `INSERT INTO segment_members (segment_id, contact_id) SELECT ?, c.id FROM contacts c WHERE c.account_id = ? AND ${pred.sql}`,
        [segmentId, accountId, ...pred.bindings],
      ),
    );
  }
}
