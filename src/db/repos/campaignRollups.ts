import { Knex } from 'knex';
import { Dialect } from '../connection';
import { affectedRows, rawRows } from '../sql';

/** Who of a send was sent: all its recipients, or a split test's test portion. */
export type SentRecipients = 'send_recipients' | 'split_test_recipients';

/**
 * Stored activity types whose distinct contacts the summary counts (unique opens, clickers, hard and soft bouncers,
 * unsubscribers, sent contacts): each gets a `campaign_firsts` row per contact.
 */
export const UNIQUE_TYPES = ['sent', 'open', 'click', 'bounce', 'softbounce', 'unsubscribe'] as const;
const UNIQUE = new Set<string>(UNIQUE_TYPES);

/** One activity row as the rollups need it (type as stored: soft bounces are `softbounce`). */
export interface RolledActivity {
  campaignId: number | null;
  contactId: number;
  type: string;
  occurredAt: number;
  /** The ROI value's text when the event is a Numeric ROI detail, else null. */
  numericValue: string | null;
}

/** One rollup row: a campaign's counters for one stored activity type. */
export interface CounterRow {
  campaignId: number;
  type: string;
  /** Events. */
  n: number;
  /** Distinct contacts (0 for types outside UNIQUE_TYPES). */
  contacts: number;
  /** Sum of the Numeric ROI values (0 for other types). */
  valueTotal: number;
  /** Earliest event. */
  firstAt: number;
}

/** A difference between the stored rollups and a recount from the activity rows. */
export interface CounterDrift {
  campaignId: number;
  type: string;
  field: 'n' | 'contacts' | 'valueTotal' | 'firstAt' | 'firsts';
  stored: number | null;
  expected: number | null;
}

const round4 = (v: unknown) => Math.round(Number(v ?? 0) * 10000) / 10000;

/**
 * SQL for the exact campaign rollups (`campaign_counters`, `campaign_firsts`, migration 012). Writers call `addEvents`
 * or `addSent` inside the transaction that inserted the activity rows, and only for rows really inserted, so a
 * redelivered event id (skipped by the activity insert) counts nothing. A distinct contact counts once because its
 * `campaign_firsts` row is inserted with insert-ignore semantics and the counter grows by the rows really inserted;
 * counter rows are upserted (`n = n + ?`), so concurrent writers add up instead of overwriting each other.
 */
export class CampaignRollupRepo {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
  ) {}

  /** Rolls up activity rows just inserted (one batch); locks rows in a fixed order so concurrent batches do not deadlock. */
  async addEvents(accountId: number, rows: RolledActivity[]): Promise<void> {
    const mine = rows.filter((r): r is RolledActivity & { campaignId: number } => r.campaignId !== null);
    mine.sort((a, b) => a.campaignId - b.campaignId || cmp(a.type, b.type) || a.contactId - b.contactId || a.occurredAt - b.occurredAt);
    const groups = new Map<string, { campaignId: number; type: string; n: number; contacts: number; values: string[]; firstAt: number }>();
    for (const r of mine) {
      const key = `${r.campaignId}\u0000${r.type}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { campaignId: r.campaignId, type: r.type, n: 0, contacts: 0, values: [], firstAt: r.occurredAt }));
      g.n++;
      g.firstAt = Math.min(g.firstAt, r.occurredAt);
      if (r.numericValue !== null) g.values.push(r.numericValue);
      if (UNIQUE.has(r.type)) g.contacts += await this.addFirst(accountId, r.campaignId, r.type, r.contactId, r.occurredAt);
    }
    for (const g of groups.values()) await this.bump(accountId, g.campaignId, g.type, g.n, g.contacts, g.values, g.firstAt);
  }

  /**
   * Rolls up the `sent` rows a send just wrote for its recipients (n of them, all at `at`): every recipient without a
   * first `sent` row of the campaign gets one, and the distinct count grows by those inserted. `recipients` names who
   * was sent: the whole send, or only a split test's test portion (`split_test_recipients`, before the winner goes out).
   */
  async addSent(accountId: number, campaignId: number, sendId: string, n: number, at: number, recipients: SentRecipients = 'send_recipients'): Promise<void> {
    if (n <= 0) return;
    const res = await this.db.raw(
      `${this.insertIgnore()} into campaign_firsts (account_id, campaign_id, type, contact_id, first_at) ` +
        `select ?, ?, 'sent', r.contact_id, ? from ${recipients} r where r.send_id = ?`,
      [accountId, campaignId, at, sendId],
    );
    // why: a recipient posted a `sent` event later than this send keeps the earlier time as its first.
    await this.db('campaign_firsts')
      .where({ campaign_id: campaignId, type: 'sent' })
      .where('first_at', '>', at)
      .whereIn('contact_id', (q) => q.select('contact_id').from(recipients).where({ send_id: sendId }))
      .update({ first_at: at });
    await this.bump(accountId, campaignId, 'sent', n, affectedRows(this.dialect, res), [], at);
  }

  /** The stored counters of one campaign, one row per stored activity type. */
  async counters(accountId: number, campaignId: number): Promise<CounterRow[]> {
    const rows: Array<Record<string, unknown>> = await this.db('campaign_counters').where({ account_id: accountId, campaign_id: campaignId });
    return rows.map(toCounter);
  }

  /** The same counters recounted from the activity rows (the baseline `verify` and the benchmark compare with). */
  async recount(accountId: number | null, campaignId: number | null): Promise<CounterRow[]> {
    const res = await this.db.raw(`${this.recountSql(campaignId !== null)}${accountId !== null ? ' having account_id = ?' : ''}`, [
      ...(campaignId !== null ? [campaignId] : []),
      ...(accountId !== null ? [accountId] : []),
    ]);
    return rawRows<Record<string, unknown>>(this.dialect, res).map(toCounter);
  }

  /**
   * Compares the stored rollups (of one campaign, or all) with a recount from the activity rows: every counter that
   * differs, and per campaign and type the number of first rows missing, extra or with another first time.
   */
  async verify(campaignId: number | null): Promise<CounterDrift[]> {
    const key = (r: { campaignId: number; type: string }) => `${r.campaignId}\u0000${r.type}`;
    const stored = new Map<string, CounterRow>();
    const q = this.db('campaign_counters');
    if (campaignId !== null) q.where({ campaign_id: campaignId });
    for (const r of (await q).map(toCounter)) stored.set(key(r), r);
    const drift: CounterDrift[] = [];
    for (const e of await this.recount(null, campaignId)) {
      const s = stored.get(key(e));
      stored.delete(key(e));
      for (const f of ['n', 'contacts', 'valueTotal', 'firstAt'] as const) {
        if (!s || s[f] !== e[f]) drift.push({ campaignId: e.campaignId, type: e.type, field: f, stored: s ? s[f] : null, expected: e[f] });
      }
    }
    for (const s of stored.values()) drift.push({ campaignId: s.campaignId, type: s.type, field: 'n', stored: s.n, expected: null });
    const only = campaignId !== null ? ' and campaign_id = ?' : '';
    const args = campaignId !== null ? [campaignId, campaignId] : [];
    // why: one pass instead of an anti-join each way: the stored first rows and the recounted ones are unique per
    // (campaign, type, contact), so a key seen once is missing or extra, and a key seen twice with two times differs.
    const res = await this.db.raw(
      `select campaign_id, type, count(*) as n from (select campaign_id, type, contact_id from (` +
        `select campaign_id, type, contact_id, first_at from campaign_firsts where 1 = 1${only} ` +
        `union all ${this.firstsSql(campaignId !== null)}` +
        `) u group by campaign_id, type, contact_id having count(*) <> 2 or min(first_at) <> max(first_at)) d group by campaign_id, type`,
      args,
    );
    for (const r of rawRows<Record<string, unknown>>(this.dialect, res)) {
      drift.push({ campaignId: Number(r.campaign_id), type: String(r.type), field: 'firsts', stored: null, expected: Number(r.n) });
    }
    return drift.sort((a, b) => a.campaignId - b.campaignId || cmp(a.type, b.type) || cmp(a.field, b.field));
  }

  /** Recomputes the rollups (of one campaign, or all) from the activity rows: delete, then insert ... select. */
  async rebuild(campaignId: number | null): Promise<void> {
    const args = campaignId !== null ? [campaignId] : [];
    for (const t of ['campaign_firsts', 'campaign_counters']) {
      const q = this.db(t);
      if (campaignId !== null) q.where({ campaign_id: campaignId });
      await q.delete();
    }
    await this.db.raw(`insert into campaign_firsts (account_id, campaign_id, type, contact_id, first_at) ${this.firstsSql(campaignId !== null, true)}`, args);
    await this.db.raw(`insert into campaign_counters (account_id, campaign_id, type, n, contacts, value_total, first_at) ${this.recountSql(campaignId !== null)}`, args);
  }

  /** Whether a campaign with this id exists (in any account: the check is an operator's). */
  async campaignExists(campaignId: number): Promise<boolean> {
    return !!(await this.db('campaigns').where({ id: campaignId }).first('id'));
  }

  /** Campaign ids that have rollups (what `verify` without a campaign covers). */
  async campaignIds(): Promise<number[]> {
    const rows = await this.db('campaign_counters').distinct('campaign_id').orderBy('campaign_id');
    return rows.map((r: { campaign_id: unknown }) => Number(r.campaign_id));
  }

  private async addFirst(accountId: number, campaignId: number, type: string, contactId: number, at: number): Promise<number> {
    const res = await this.db.raw(`${this.insertIgnore()} into campaign_firsts (account_id, campaign_id, type, contact_id, first_at) values (?, ?, ?, ?, ?)`, [
      accountId,
      campaignId,
      type,
      contactId,
      at,
    ]);
    if (affectedRows(this.dialect, res) > 0) return 1;
    // why: events may arrive out of order; the first row keeps the earliest time. A plain read first, so the common
    // case (a later event) takes no row lock: a first time only ever decreases, so a time read at or before `at` stays so.
    const seen = await this.db('campaign_firsts').where({ campaign_id: campaignId, type, contact_id: contactId }).first('first_at');
    if (seen && Number(seen.first_at) <= at) return 0;
    await this.db('campaign_firsts').where({ campaign_id: campaignId, type, contact_id: contactId }).where('first_at', '>', at).update({ first_at: at });
    return 0;
  }

  private async bump(accountId: number, campaignId: number, type: string, n: number, contacts: number, values: string[], firstAt: number): Promise<void> {
    // why: the ROI total is summed by the engine from the values' text, exactly as the recount does (DECIMAL on
    // MySQL/MariaDB, REAL on SQLite), so the rollup and a recount agree digit for digit.
    const cast = this.dialect === 'mysql' ? 'cast(? as decimal(20,4))' : 'cast(? as real)';
    const value = values.length ? values.map(() => cast).join(' + ') : '0';
    const sql =
      this.dialect === 'mysql'
        ? `insert into campaign_counters (account_id, campaign_id, type, n, contacts, value_total, first_at) values (?, ?, ?, ?, ?, ${value}, ?) ` +
          `on duplicate key update n = n + values(n), contacts = contacts + values(contacts), value_total = value_total + values(value_total), first_at = least(first_at, values(first_at))`
        : `insert into campaign_counters (account_id, campaign_id, type, n, contacts, value_total, first_at) values (?, ?, ?, ?, ?, ${value}, ?) ` +
          `on conflict (account_id, campaign_id, type) do update set n = n + excluded.n, contacts = contacts + excluded.contacts, ` +
          `value_total = value_total + excluded.value_total, first_at = min(first_at, excluded.first_at)`;
    await this.db.raw(sql, [accountId, campaignId, type, n, contacts, ...values, firstAt]);
  }

  private insertIgnore(): string {
    // why: MySQL/MariaDB spell insert-if-absent INSERT IGNORE, SQLite INSERT OR IGNORE; both skip a duplicate key silently.
    return this.dialect === 'mysql' ? 'insert ignore' : 'insert or ignore';
  }

  private firstsSql(oneCampaign: boolean, withAccount = false): string {
    const types = UNIQUE_TYPES.map((x) => `'${x}'`).join(', ');
    return (
      `select ${withAccount ? 'account_id, ' : ''}campaign_id, type, contact_id, min(occurred_at) as first_at from activities ` +
      `where campaign_id is not null and type in (${types})${oneCampaign ? ' and campaign_id = ?' : ''} ` +
      `group by ${withAccount ? 'account_id, ' : ''}campaign_id, type, contact_id`
    );
  }

  private recountSql(oneCampaign: boolean): string {
    const types = UNIQUE_TYPES.map((x) => `'${x}'`).join(', ');
    const cast = this.dialect === 'mysql' ? 'cast(detail_value as decimal(20,4))' : 'cast(detail_value as real)';
    return (
      `select account_id, campaign_id, type, count(*) as n, count(distinct case when type in (${types}) then contact_id end) as contacts, ` +
      `coalesce(sum(case when type = 'roi' and value_type = 'Numeric' then ${cast} else 0 end), 0) as value_total, min(occurred_at) as first_at ` +
      `from activities where campaign_id is not null${oneCampaign ? ' and campaign_id = ?' : ''} group by account_id, campaign_id, type`
    );
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toCounter(r: Record<string, unknown>): CounterRow {
  return {
    campaignId: Number(r.campaign_id),
    type: String(r.type),
    n: Number(r.n),
    contacts: Number(r.contacts),
    valueTotal: round4(r.value_total),
    firstAt: Number(r.first_at),
  };
}
