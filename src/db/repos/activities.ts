import { Knex } from 'knex';
import { Activity, ContactActivitySummary } from '../../domain/activity';
import { Dialect } from '../connection';
import { isUniqueViolation } from '../errors';
import { num } from '../sql';

/** SQL for campaign activity events. */
export class ActivityRepo {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
  ) {}

  /** Inserts an event unless one with the same event id exists; true when it was new. */
  async insertOnce(accountId: number, a: Activity, bounceType: string | null): Promise<boolean> {
    if (await this.db('activities').where({ account_id: accountId, event_id: a.eventId }).first('id')) return false;
    try {
      await this.db('activities').insert({
        account_id: accountId,
        event_id: a.eventId,
        send_id: a.sendId,
        campaign_id: a.campaignId,
        contact_id: a.contactId,
        // why: the vendor reports soft and hard bounces separately; both arrive as `bounce` with a bounceType.
        type: a.type === 'bounce' && bounceType === 'soft' ? 'softbounce' : a.type,
        url: a.url,
        occurred_at: a.occurredAt,
      });
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false; // a concurrent delivery of the same event won the race
      throw e;
    }
  }

  /** Per-contact summary of a campaign's activity. */
  async summary(accountId: number, campaignId: number, q: { skip: number; select: number; since?: number }): Promise<ContactActivitySummary[]> {
    const b = this.db('activities as a')
      .join('contacts as c', 'c.id', 'a.contact_id')
      .where({ 'a.account_id': accountId, 'a.campaign_id': campaignId })
      .groupBy('a.contact_id', 'c.email')
      .select(
        'a.contact_id',
        'c.email',
        this.db.raw("sum(case when a.type = 'open' then 1 else 0 end) as opens"),
        this.db.raw("sum(case when a.type = 'click' then 1 else 0 end) as clicks"),
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
    if (q.since !== undefined) b.where('a.occurred_at', '>=', q.since);
    const rows: Array<Record<string, unknown>> = await b;
    return rows.map((r) => ({
      contactId: Number(r.contact_id),
      email: String(r.email),
      numOpens: Number(r.opens),
      numClicks: Number(r.clicks),
      dateSent: num(r.sent_at),
      dateFirstOpened: num(r.first_open),
      dateLastOpened: num(r.last_open),
      unsubscribed: Number(r.unsub) > 0,
      softBounced: Number(r.soft) > 0,
      hardBounced: Number(r.hard) > 0,
    }));
  }

  /** Events of one type for a campaign, oldest first, with the contact's email. */
  async events(
    accountId: number,
    campaignId: number,
    type: 'open' | 'click',
    q: { skip: number; select: number; since?: number },
  ): Promise<Array<Activity & { email: string }>> {
    const b = this.db('activities as a')
      .join('contacts as c', 'c.id', 'a.contact_id')
      .where({ 'a.account_id': accountId, 'a.campaign_id': campaignId, 'a.type': type })
      .select('a.*', 'c.email as c_email')
      .orderBy('a.occurred_at')
      .orderBy('a.id')
      .limit(q.select)
      .offset(q.skip);
    if (q.since !== undefined) b.where('a.occurred_at', '>=', q.since);
    const rows: Array<Record<string, unknown>> = await b;
    return rows.map((r) => ({
      eventId: String(r.event_id),
      type: r.type as 'open' | 'click',
      campaignId: num(r.campaign_id),
      sendId: (r.send_id as string | null) ?? null,
      contactId: Number(r.contact_id),
      url: (r.url as string | null) ?? null,
      occurredAt: Number(r.occurred_at),
      email: String(r.c_email),
    }));
  }
}
