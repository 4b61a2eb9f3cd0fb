import { Knex } from 'knex';
import { Activity, ContactActivitySummary, ReportedEvent, RoiDataType } from '../../domain/activity';
import { Dialect } from '../connection';
import { isUniqueViolation } from '../errors';
import { num } from '../sql';
import { CampaignRollupRepo, RolledActivity } from './campaignRollups';

/** SQL for campaign activity events. */
export class ActivityRepo {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
  ) {}

  /** Inserts an event unless one with the same event id exists, rolling it up; true when it was new. */
  async insertOnce(accountId: number, a: Activity, bounceType: string | null): Promise<boolean> {
    return (await this.insertAll(accountId, [{ a, bounceType }]))[0];
  }

  /**
   * Inserts each event unless one with the same event id exists (true where it was new), then adds the new rows to the
   * campaign rollups in the same transaction (the caller's), so the rollups never count a redelivered event.
   */
  async insertAll(accountId: number, events: Array<{ a: Activity; bounceType: string | null }>): Promise<boolean[]> {
    const fresh: RolledActivity[] = [];
    const out: boolean[] = [];
    for (const { a, bounceType } of events) {
      // why: the vendor reports soft and hard bounces separately; both arrive as `bounce` with a bounceType.
      const type = a.type === 'bounce' && bounceType === 'soft' ? 'softbounce' : a.type;
      const isNew = await this.insertRow(accountId, a, type);
      out.push(isNew);
      if (isNew) fresh.push({ campaignId: a.campaignId, contactId: a.contactId, type, occurredAt: a.occurredAt, numericValue: a.type === 'roi' && a.valueType === 'Numeric' ? (a.value ?? null) : null });
    }
    if (fresh.length) await new CampaignRollupRepo(this.db, this.dialect).addEvents(accountId, fresh);
    return out;
  }

  private async insertRow(accountId: number, a: Activity, type: string): Promise<boolean> {
    if (await this.db('activities').where({ account_id: accountId, event_id: a.eventId }).first('id')) return false;
    try {
      await this.db('activities').insert({
        account_id: accountId,
        event_id: a.eventId,
        send_id: a.sendId,
        campaign_id: a.campaignId,
        contact_id: a.contactId,
        type,
        url: a.url,
        occurred_at: a.occurredAt,
        link_group: a.linkGroup ?? null,
        detail_name: a.name ?? null,
        detail_value: a.value ?? null,
        value_type: a.valueType ?? null,
        subject: a.subject ?? null,
        message: a.message ?? null,
      });
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false; // a concurrent delivery of the same event won the race
      throw e;
    }
  }

  /** Per-contact summary of a campaign's activity (one contact's when contactId is given), by contact id. */
  async summary(accountId: number, campaignId: number, q: { skip: number; select: number; since?: number; contactId?: number }): Promise<ContactActivitySummary[]> {
    const b = this.db('activities as a')
      .join('contacts as c', 'c.id', 'a.contact_id')
      .where({ 'a.account_id': accountId, 'a.campaign_id': campaignId })
      .modify((x) => (q.contactId === undefined ? x : x.where('a.contact_id', q.contactId)))
      .groupBy('a.contact_id', 'c.email')
      .select(
        'a.contact_id',
        'c.email',
        this.db.raw("sum(case when a.type = 'open' then 1 else 0 end) as opens"),
        this.db.raw("sum(case when a.type = 'click' then 1 else 0 end) as clicks"),
        this.db.raw("sum(case when a.type = 'pageView' then 1 else 0 end) as page_views"),
        this.db.raw("sum(case when a.type = 'forward' then 1 else 0 end) as forwards"),
        this.db.raw("sum(case when a.type = 'reply' then 1 else 0 end) as replies"),
        this.db.raw("min(case when a.type = 'sent' then a.occurred_at end) as sent_at"),
        this.db.raw("min(case when a.type = 'open' then a.occurred_at end) as first_open"),
        this.db.raw("max(case when a.type = 'open' then a.occurred_at end) as last_open"),
        this.db.raw("max(case when a.type = 'unsubscribe' then 1 else 0 end) as unsub"),
        this.db.raw("max(case when a.type = 'softbounce' then 1 else 0 end) as soft"),
        this.db.raw("max(case when a.type = 'bounce' then 1 else 0 end) as hard"),
      )
      .orderBy('a.contact_id')
      .limit(q.select)
      .offset(q.skip);
    // why: "activities since date" lists the contacts with any activity since then, each with all of its counts.
    if (q.since !== undefined) b.havingRaw('max(a.occurred_at) >= ?', [q.since]);
    const rows: Array<Record<string, unknown>> = await b;
    return rows.map((r) => ({
      contactId: Number(r.contact_id),
      email: String(r.email),
      numOpens: Number(r.opens),
      numClicks: Number(r.clicks),
      numPageViews: Number(r.page_views),
      numForwards: Number(r.forwards),
      numReplies: Number(r.replies),
      dateSent: num(r.sent_at),
      dateFirstOpened: num(r.first_open),
      dateLastOpened: num(r.last_open),
      unsubscribed: Number(r.unsub) > 0,
      softBounced: Number(r.soft) > 0,
      hardBounced: Number(r.hard) > 0,
    }));
  }

  /** Events of one type for a campaign (one contact's when contactId is given), oldest first, with the contact's email. */
  async events(
    accountId: number,
    campaignId: number,
    type: ReportedType,
    q: { skip: number; select: number; since?: number; contactId?: number },
  ): Promise<ReportedEvent[]> {
    const b = this.db('activities as a')
      .join('contacts as c', 'c.id', 'a.contact_id')
      .where({ 'a.account_id': accountId, 'a.campaign_id': campaignId, 'a.type': type })
      .select('a.*', 'c.email as c_email')
      .orderBy('a.occurred_at')
      .orderBy('a.id')
      .limit(q.select)
      .offset(q.skip);
    if (q.since !== undefined) b.where('a.occurred_at', '>=', q.since);
    if (q.contactId !== undefined) b.where('a.contact_id', q.contactId);
    const rows: Array<Record<string, unknown>> = await b;
    return rows.map((r) => ({
      contactId: Number(r.contact_id),
      email: String(r.c_email),
      url: str(r.url),
      occurredAt: Number(r.occurred_at),
      linkGroup: str(r.link_group),
      name: str(r.detail_name),
      value: str(r.detail_value),
      valueType: str(r.value_type) as RoiDataType | null,
      subject: str(r.subject),
      message: str(r.message),
    }));
  }
}

/** Event types read back one by one. */
export type ReportedType = 'open' | 'click' | 'pageView' | 'reply' | 'roi';

function str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}
