import { Knex } from 'knex';
import { RuleGroup, SegmentKind } from '../../domain/segmentRules';
import { Dialect } from '../connection';
import { bool, num, parseJson } from '../sql';
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

/** SQL for segments, their members and the change log of bulk writes (evaluation: segmentEval.ts; history: segmentHistory.ts). */
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
  async markStale(accountId: number, seq: number, now: number, only?: number[]): Promise<number> {
    const q = this.db('segments').where({ account_id: accountId, kind: 'realtime' });
    if (only) q.whereIn('id', only);
    return q.update({ stale_since: this.db.raw('COALESCE(stale_since, ?)', [now]), last_stale_write_at: now, stale_change_seq: seq });
  }

  /**
   * A bulk write at change sequence `seq` that only the `affected` segments can see: the account's other real-time
   * segments that are fresh (not stale) move their applied sequence up to it. A stale one keeps its own, and re-reads
   * the change harmlessly at its refresh. Call under the account row lock (AccountRepo.nextChangeSeq).
   */
  async skipChange(accountId: number, seq: number, affected: number[]): Promise<void> {
    const q = this.db('segments').where({ account_id: accountId, kind: 'realtime' }).whereNull('stale_since').where('applied_change_seq', '<', seq);
    if (affected.length) q.whereNotIn('id', affected);
    await q.update({ applied_change_seq: seq });
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
