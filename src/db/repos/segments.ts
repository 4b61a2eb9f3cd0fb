import { Knex } from 'knex';
import { RuleGroup, SegmentKind } from '../../domain/segmentRules';
import { Dialect } from '../connection';
import { compileRules } from '../segmentSql';
import { affectedRows, bool, num, parseJson } from '../sql';
import { bumpRulesVersion } from './segmentSingle';

/** A segment row with its name (from the shared book/segment id space). */
export interface SegmentRow {
  id: number;
  accountId: number;
  name: string;
  rules: RuleGroup;
  kind: SegmentKind;
  memberCount: number;
  rulesVersion: number;
  membersRulesVersion: number;
  lastRefreshedAt: number | null;
  staleSince: number | null;
  lastStaleWriteAt: number | null;
  staleChangeSeq: number | null;
  appliedChangeSeq: number;
  refreshStatus: 'NotStarted' | 'NotFinished' | 'Finished' | 'Failed';
  refreshRequestedAt: number | null;
  refreshError: string | null;
  fullRequested: boolean;
  /** The UTC midnight at which the members of a time-relative real-time segment stop being right (null otherwise). */
  relativeUntil: number | null;
  createdAt: number;
  updatedAt: number;
}

/** How a membership update went: rows removed and rows (re)inserted. */
export interface MemberDelta {
  removed: number;
  added: number;
}

/** One row of refresh history. */
export interface RefreshHistoryRow {
  id: number;
  segmentId: number;
  jobId: number | null;
  owner: string | null;
  reason: string;
  mode: string;
  status: string;
  changedContacts: number | null;
  memberCount: number | null;
  horizonSeq: number | null;
  requestedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  error: string | null;
}

/** SQL for segments, their members, the change log of bulk writes and refresh history. */
export class SegmentRepo {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
  ) {}

  private base() {
    return this.db('segments as s').join('address_books as b', 'b.id', 's.id').select('s.*', 'b.name');
  }

  /** Inserts the segment row for an id already taken in address_books. */
  async insert(id: number, accountId: number, rules: RuleGroup, kind: SegmentKind, now: number): Promise<void> {
    await this.db('segments').insert({
      id,
      account_id: accountId,
      rules: JSON.stringify(rules),
      kind,
      member_count: 0,
      rules_version: 1,
      members_rules_version: 0,
      applied_change_seq: 0,
      refresh_status: 'NotStarted',
      full_requested: false,
      created_at: now,
      updated_at: now,
    });
    await bumpRulesVersion(this.db, accountId);
  }

  /** One segment of the account. */
  async get(accountId: number, id: number): Promise<SegmentRow | undefined> {
    const r = await this.base().where({ 's.account_id': accountId, 's.id': id }).first();
    return r ? toRow(r) : undefined;
  }

  /** One segment by id alone (the refresh job knows only the id). */
  async getById(id: number): Promise<SegmentRow | undefined> {
    const r = await this.base().where({ 's.id': id }).first();
    return r ? toRow(r) : undefined;
  }

  /** Those of these segment ids that belong to the account. */
  async getByIds(accountId: number, ids: number[]): Promise<SegmentRow[]> {
    if (ids.length === 0) return [];
    return (await this.base().where({ 's.account_id': accountId }).whereIn('s.id', ids)).map(toRow);
  }

  /** The account's segments by id, with paging; every account when accountId is undefined. */
  async list(accountId: number | undefined, q: { skip: number; select: number }): Promise<SegmentRow[]> {
    const b = this.base().orderBy('s.id').offset(q.skip).limit(q.select);
    if (accountId !== undefined) b.where({ 's.account_id': accountId });
    return (await b).map(toRow);
  }

  /** The account's segments of one kind (id and rules only). */
  async ofKind(accountId: number, kind: SegmentKind): Promise<Array<{ id: number; rules: RuleGroup }>> {
    const rows = await this.db('segments').where({ account_id: accountId, kind }).orderBy('id').select('id', 'rules');
    return rows.map((r) => ({ id: Number(r.id), rules: parseJson<RuleGroup>(r.rules, { type: 'group', match: 'all', items: [] }) }));
  }

  /** Every segment's rules in the account (for dependency checks). */
  async allRules(accountId: number): Promise<Array<{ id: number; rules: RuleGroup }>> {
    const rows = await this.db('segments').where({ account_id: accountId }).orderBy('id').select('id', 'rules');
    return rows.map((r) => ({ id: Number(r.id), rules: parseJson<RuleGroup>(r.rules, { type: 'group', match: 'all', items: [] }) }));
  }

  /** Replaces the rules; members are recomputed by the next (full) refresh. */
  async updateRules(id: number, rules: RuleGroup, kind: SegmentKind, now: number): Promise<void> {
    const patch: Record<string, unknown> = { rules: JSON.stringify(rules), kind, updated_at: now };
    // why: a behavioural segment is never stale from writes; only its next requested refresh changes it.
    if (kind === 'behavioural') Object.assign(patch, { stale_since: null, last_stale_write_at: null, stale_change_seq: null });
    await this.db('segments').where({ id }).update(patch).increment('rules_version', 1);
    await this.db.raw('UPDATE accounts SET segment_rules_version = segment_rules_version + 1 WHERE id = (SELECT account_id FROM segments WHERE id = ?)', [id]);
  }

  /** Notes that a refresh was queued (or joined). */
  async markRequested(id: number, now: number, full: boolean, joined: boolean): Promise<void> {
    const patch: Record<string, unknown> = {
      refresh_status: 'NotFinished',
      refresh_requested_at: joined ? this.db.raw('COALESCE(refresh_requested_at, ?)', [now]) : now,
      refresh_error: null,
    };
    if (full) patch.full_requested = true;
    await this.db('segments').where({ id }).update(patch);
  }

  /** Marks the account's real-time segments stale for a bulk write with change sequence seq; returns how many. */
  async markStale(accountId: number, seq: number, now: number): Promise<number> {
    return this.db('segments')
      .where({ account_id: accountId, kind: 'realtime' })
      .update({ stale_since: this.db.raw('COALESCE(stale_since, ?)', [now]), last_stale_write_at: now, stale_change_seq: seq });
  }

  /** Records which contacts a bulk write changed, stamped with its change sequence. */
  async recordChanges(accountId: number, seq: number, contactIds: number[], now: number): Promise<void> {
    const unique = [...new Set(contactIds)];
    // why: knex writes multi-row inserts on SQLite as a compound SELECT, which SQLite caps at 500 terms.
    const per = this.dialect === 'sqlite' ? 400 : 5000;
    for (let i = 0; i < unique.length; i += per) {
      await this.db('contact_changes').insert(unique.slice(i, i + per).map((contact_id) => ({ account_id: accountId, seq, contact_id, changed_at: now })));
    }
  }

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

  /** Adds a membership delta to the stored member count. */
  async addToCount(segmentId: number, delta: number): Promise<void> {
    if (delta !== 0) await this.db('segments').where({ id: segmentId }).increment('member_count', delta);
  }

  /** Takes contacts out of every segment (before they are deleted) and lowers the counts. */
  async removeContacts(accountId: number, contactIds: number[]): Promise<void> {
    if (contactIds.length === 0) return;
    const rows: Array<{ segment_id: number; n: number }> = await this.db('segment_members as m')
      .join('segments as s', 's.id', 'm.segment_id')
      .where('s.account_id', accountId)
      .whereIn('m.contact_id', contactIds)
      .groupBy('m.segment_id')
      .select('m.segment_id')
      .count({ n: '*' });
    for (const r of rows) {
      await this.db('segment_members').where({ segment_id: r.segment_id }).whereIn('contact_id', contactIds).del();
      await this.addToCount(Number(r.segment_id), -Number(r.n));
    }
  }

  /**
   * Records a finished refresh: members now reflect changes up to horizon and rules version rulesVersion. Staleness
   * clears only when no bulk write newer than the horizon marked the segment; otherwise it restarts at the first
   * unreflected write, so the next sweep picks that up. A full refresh also sets relative_until (relativeUntil: the
   * day turn at which its members expire, null for rules not relative to today); an incremental one leaves it.
   */
  async finishRefresh(
    id: number,
    accountId: number,
    o: { horizon: number; rulesVersion: number; memberCount?: number; delta?: number; full: boolean; relativeUntil?: number | null; now: number },
  ): Promise<void> {
    const patch: Record<string, unknown> = {
      applied_change_seq: this.db.raw('CASE WHEN applied_change_seq > ? THEN applied_change_seq ELSE ? END', [o.horizon, o.horizon]),
      members_rules_version: o.rulesVersion,
      last_refreshed_at: o.now,
      refresh_status: 'Finished',
      refresh_error: null,
      updated_at: o.now,
    };
    if (o.full) Object.assign(patch, { full_requested: false, relative_until: o.relativeUntil ?? null });
    if (o.memberCount !== undefined) patch.member_count = o.memberCount;
    else if (o.delta) patch.member_count = this.db.raw('member_count + ?', [o.delta]);
    await this.db('segments').where({ id }).update(patch);
    const cleared = await this.db('segments')
      .where({ id })
      .where((q) => q.whereNull('stale_change_seq').orWhere('stale_change_seq', '<=', o.horizon))
      .update({ stale_since: null, last_stale_write_at: null, stale_change_seq: null });
    if (cleared === 0) {
      const r = await this.db('contact_changes').where({ account_id: accountId }).where('seq', '>', o.horizon).min({ t: 'changed_at' }).first();
      const first = num(r?.t);
      if (first !== null) await this.db('segments').where({ id }).whereNotNull('stale_since').update({ stale_since: first });
    }
  }

  /** Records a failed refresh. */
  async failRefresh(id: number, error: string, now: number): Promise<void> {
    await this.db('segments').where({ id }).update({ refresh_status: 'Failed', refresh_error: error.slice(0, 2000), updated_at: now });
  }

  /** Deletes change rows every real-time segment of the account has applied. */
  async pruneChanges(accountId: number): Promise<number> {
    const r = await this.db('segments').where({ account_id: accountId, kind: 'realtime' }).min({ m: 'applied_change_seq' }).first();
    const minApplied = num(r?.m);
    const upTo = minApplied ?? Number((await this.db('accounts').where({ id: accountId }).first('change_seq'))?.change_seq ?? 0);
    return this.db('contact_changes').where({ account_id: accountId }).where('seq', '<=', upTo).del();
  }

  /**
   * The earliest time any segment became stale (null when all are fresh), for the staleness-age metric: the first
   * unreflected bulk write, or the day turn (relative_until at or before now) of a time-relative segment.
   */
  async oldestStaleSince(now: number): Promise<number | null> {
    const a = num((await this.db('segments').min({ t: 'stale_since' }).first())?.t);
    const b = num((await this.db('segments').where('relative_until', '<=', now).min({ t: 'relative_until' }).first())?.t);
    return a === null ? b : b === null ? a : Math.min(a, b);
  }

  /**
   * Segments the sweeper should refresh now: stale real-time segments whose writes went quiet (last write at or before
   * quietCutoff) or that have been stale since maxDelayCutoff or earlier; time-relative real-time segments whose day
   * has turned (relative_until at or before now), at once unless bulk writes are still coming in (then like those:
   * when quiet, or by the max delay counted from the midnight); and segments whose rules changed or for which a full
   * refresh was asked, whatever their kind.
   */
  async dueForSweep(
    now: number,
    quietCutoff: number,
    maxDelayCutoff: number,
    limit = 1000,
  ): Promise<Array<{ id: number; accountId: number; reason: string }>> {
    const rows = await this.db('segments')
      .where((q) =>
        q
          .where((s) =>
            s
              .where({ kind: 'realtime' })
              .whereNotNull('stale_since')
              .where((t) => t.where('last_stale_write_at', '<=', quietCutoff).orWhere('stale_since', '<=', maxDelayCutoff)),
          )
          .orWhere((s) =>
            s
              .where({ kind: 'realtime' })
              .where('relative_until', '<=', now)
              .where((t) =>
                t.whereNull('last_stale_write_at').orWhere('last_stale_write_at', '<=', quietCutoff).orWhere('relative_until', '<=', maxDelayCutoff),
              ),
          )
          .orWhereRaw('members_rules_version <> rules_version')
          .orWhere({ full_requested: true })
          .orWhere({ refresh_status: 'NotFinished' }),
      )
      .orderBy('id')
      .limit(limit)
      .select('id', 'account_id', 'stale_since', 'relative_until', 'members_rules_version', 'rules_version');
    const dayTurned = (r: Record<string, unknown>) => r.relative_until !== null && Number(r.relative_until) <= now;
    return rows.map((r) => ({
      id: Number(r.id),
      accountId: Number(r.account_id),
      reason:
        Number(r.members_rules_version) !== Number(r.rules_version) ? 'rules' : r.stale_since !== null ? 'sweep' : dayTurned(r) ? 'day' : 'manual',
    }));
  }

  /** Starts a history row for one run of a refresh job. */
  async startHistory(h: HistoryStart): Promise<number> {
    const [id] = await this.db('segment_refreshes').insert({ ...historyColumns(h), status: 'running' });
    return Number(id);
  }

  /** Records a finished run in one row (a refresh done inside another refresh's pass, start to end in one commit). */
  async addDoneHistory(h: HistoryStart & { changed: number; memberCount: number; now: number }): Promise<void> {
    await this.db('segment_refreshes').insert({
      ...historyColumns(h),
      status: 'done',
      changed_contacts: h.changed,
      member_count: h.memberCount,
      finished_at: h.now,
    });
  }

  /** Marks earlier runs of the same job that never finished (their process died) as abandoned. */
  async abandonHistory(jobId: number, exceptId: number, now: number): Promise<void> {
    await this.db('segment_refreshes').where({ job_id: jobId, status: 'running' }).whereNot({ id: exceptId }).update({ status: 'abandoned', finished_at: now });
  }

  /** Ends a history row. */
  async endHistory(id: number, o: { status: 'done' | 'failed'; changed?: number; memberCount?: number; error?: string; now: number }): Promise<void> {
    await this.db('segment_refreshes').where({ id }).update({
      status: o.status,
      changed_contacts: o.changed ?? null,
      member_count: o.memberCount ?? null,
      error: o.error?.slice(0, 2000) ?? null,
      finished_at: o.now,
    });
  }

  /** A segment's refresh history, newest first. */
  async history(segmentId: number, limit = 50): Promise<RefreshHistoryRow[]> {
    const rows = await this.db('segment_refreshes').where({ segment_id: segmentId }).orderBy('id', 'desc').limit(limit);
    return rows.map((r) => ({
      id: Number(r.id),
      segmentId: Number(r.segment_id),
      jobId: num(r.job_id),
      owner: (r.owner as string | null) ?? null,
      reason: String(r.reason),
      mode: String(r.mode),
      status: String(r.status),
      changedContacts: num(r.changed_contacts),
      memberCount: num(r.member_count),
      horizonSeq: num(r.horizon_seq),
      requestedAt: Number(r.requested_at),
      startedAt: num(r.started_at),
      finishedAt: num(r.finished_at),
      error: (r.error as string | null) ?? null,
    }));
  }

  /** How many address books of the account exist among ids (kind 'book'). */
  async existingBookIds(accountId: number, ids: number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    const rows = await this.db('address_books').where({ account_id: accountId, kind: 'book' }).whereIn('id', ids).select('id');
    return rows.map((r) => Number(r.id));
  }

  /** Which of these campaign ids exist in the account. */
  async existingCampaignIds(accountId: number, ids: number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    const rows = await this.db('campaigns').where({ account_id: accountId }).whereIn('id', ids).select('id');
    return rows.map((r) => Number(r.id));
  }
}

/** What a history row records when its run starts. */
export interface HistoryStart {
  segmentId: number;
  accountId: number;
  jobId: number;
  owner: string;
  reason: string;
  mode: string;
  requestedAt: number;
  startedAt: number;
  horizon: number;
}

function historyColumns(h: HistoryStart): Record<string, unknown> {
  return {
    segment_id: h.segmentId,
    account_id: h.accountId,
    job_id: h.jobId,
    owner: h.owner,
    reason: h.reason.slice(0, 12),
    mode: h.mode,
    requested_at: h.requestedAt,
    started_at: h.startedAt,
    horizon_seq: h.horizon,
  };
}

function toRow(r: Record<string, unknown>): SegmentRow {
  return {
    id: Number(r.id),
    accountId: Number(r.account_id),
    name: String(r.name),
    rules: parseJson<RuleGroup>(r.rules, { type: 'group', match: 'all', items: [] }),
    kind: r.kind as SegmentKind,
    memberCount: Number(r.member_count),
    rulesVersion: Number(r.rules_version),
    membersRulesVersion: Number(r.members_rules_version),
    lastRefreshedAt: num(r.last_refreshed_at),
    staleSince: num(r.stale_since),
    lastStaleWriteAt: num(r.last_stale_write_at),
    staleChangeSeq: num(r.stale_change_seq),
    appliedChangeSeq: Number(r.applied_change_seq),
    refreshStatus: r.refresh_status as SegmentRow['refreshStatus'],
    refreshRequestedAt: num(r.refresh_requested_at),
    refreshError: (r.refresh_error as string | null) ?? null,
    fullRequested: bool(r.full_requested),
    relativeUntil: num(r.relative_until),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
