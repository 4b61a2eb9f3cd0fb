import { Knex } from 'knex';
import { BookmarkViews } from '../../domain/activity';
import { CampaignCounters } from '../../domain/campaignSummary';
import { Contact } from '../../domain/contact';
import { Dialect } from '../connection';
import { num, parseJson } from '../sql';
import { CampaignRollupRepo } from './campaignRollups';
import { toContact } from './contacts';

/**
 * SQL for campaign reports: counters (from the exact rollups, or scanned from the activity rows), social bookmark views,
 * hard-bouncing contacts, and the campaign <-> address book links of the sends.
 */
export class CampaignReportRepo {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
  ) {}

  /**
   * A campaign's counters from its exact rollups (`campaign_counters`, one row per activity type, maintained in the
   * transactions that write the activity rows): one primary-key range read, whatever the campaign's size.
   */
  async counters(accountId: number, campaignId: number): Promise<CampaignCounters> {
    const rows = await new CampaignRollupRepo(this.db, this.dialect).counters(accountId, campaignId);
    const by = new Map(rows.map((r) => [r.type, r]));
    const n = (t: string) => by.get(t)?.n ?? 0;
    const u = (t: string) => by.get(t)?.contacts ?? 0;
    return {
      sent: n('sent'),
      sentContacts: u('sent'),
      opens: n('open'),
      uniqueOpens: u('open'),
      clicks: n('click'),
      recipientsClicked: u('click'),
      pageViews: n('pageView'),
      forwards: n('forward'),
      replies: n('reply'),
      hardBounces: u('bounce'),
      softBounces: u('softbounce'),
      unsubscribes: u('unsubscribe'),
      socialBookmarkViews: n('socialBookmarkView'),
      roiEntries: n('roi'),
      roiTotal: by.get('roi')?.valueTotal ?? 0,
      dateSent: by.get('sent')?.firstAt ?? null,
    };
  }

  /**
   * The same counters scanned from the activity rows (the baseline the benchmark compares the rollups with), in two
   * statements: one pass over the campaign's activity rows (index on campaign_id, type, contact_id) and one over its
   * ROI rows for the value total.
   */
  async rawCounters(accountId: number, campaignId: number): Promise<CampaignCounters> {
    const n = (type: string, alias: string) => `sum(case when type = '${type}' then 1 else 0 end) as ${alias}`;
    const u = (type: string, alias: string) => `count(distinct case when type = '${type}' then contact_id end) as ${alias}`;
    const row: Record<string, unknown> = await this.db('activities')
      .where({ account_id: accountId, campaign_id: campaignId })
      .first(
        this.db.raw(
          [
            n('sent', 'sent'),
            u('sent', 'sent_contacts'),
            n('open', 'opens'),
            u('open', 'unique_opens'),
            n('click', 'clicks'),
            u('click', 'clickers'),
            n('pageView', 'page_views'),
            n('forward', 'forwards'),
            n('reply', 'replies'),
            u('bounce', 'hard'),
            u('softbounce', 'soft'),
            u('unsubscribe', 'unsubs'),
            n('socialBookmarkView', 'bookmark_views'),
            "min(case when type = 'sent' then occurred_at end) as first_sent",
          ].join(', '),
        ),
      );
    // why: SQLite casts with REAL; MySQL/MariaDB need an explicit DECIMAL to sum exactly.
    const cast = this.dialect === 'mysql' ? 'cast(detail_value as decimal(20,4))' : 'cast(detail_value as real)';
    const roi: Record<string, unknown> = await this.db('activities')
      .where({ account_id: accountId, campaign_id: campaignId, type: 'roi' })
      .first(this.db.raw(`count(*) as n, sum(case when value_type = 'Numeric' then ${cast} else 0 end) as total`));
    const i = (k: string) => Number(row?.[k] ?? 0);
    return {
      sent: i('sent'),
      sentContacts: i('sent_contacts'),
      opens: i('opens'),
      uniqueOpens: i('unique_opens'),
      clicks: i('clicks'),
      recipientsClicked: i('clickers'),
      pageViews: i('page_views'),
      forwards: i('forwards'),
      replies: i('replies'),
      hardBounces: i('hard'),
      softBounces: i('soft'),
      unsubscribes: i('unsubs'),
      socialBookmarkViews: i('bookmark_views'),
      roiEntries: Number(roi?.n ?? 0),
      roiTotal: Math.round(Number(roi?.total ?? 0) * 10000) / 10000,
      dateSent: num(row?.first_sent),
    };
  }

  /** Social bookmark views of a campaign counted per contact and bookmark (one contact's when contactId is given). */
  async bookmarkViews(accountId: number, campaignId: number, q: { skip: number; select: number; contactId?: number }): Promise<BookmarkViews[]> {
    const b = this.db('activities as a')
      .join('contacts as c', 'c.id', 'a.contact_id')
      .where({ 'a.account_id': accountId, 'a.campaign_id': campaignId, 'a.type': 'socialBookmarkView' })
      .groupBy('a.contact_id', 'c.email', 'a.detail_name')
      .select('a.contact_id', 'c.email', 'a.detail_name', this.db.raw('count(*) as n'))
      .orderBy('a.contact_id')
      .orderBy('a.detail_name')
      .limit(q.select)
      .offset(q.skip);
    if (q.contactId !== undefined) b.where('a.contact_id', q.contactId);
    const rows: Array<Record<string, unknown>> = await b;
    return rows.map((r) => ({ contactId: Number(r.contact_id), email: String(r.email), bookmark: String(r.detail_name ?? ''), numViews: Number(r.n) }));
  }

  /** When each of the given link groups was first clicked in the campaign (the groups' creation time as reported). */
  async linkGroupsFirstClicked(accountId: number, campaignId: number, groups: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (!groups.length) return out;
    const rows = await this.db('activities')
      .where({ account_id: accountId, campaign_id: campaignId, type: 'click' })
      .whereIn('link_group', groups)
      .groupBy('link_group')
      .select('link_group', this.db.raw('min(occurred_at) as first_at'));
    for (const r of rows as Array<Record<string, unknown>>) out.set(String(r.link_group), Number(r.first_at));
    return out;
  }

  /** Contacts with a hard bounce on the campaign, by contact id. */
  async hardBouncers(accountId: number, campaignId: number, q: { skip: number; select: number }): Promise<Contact[]> {
    const rows = await this.db('contacts as c')
      .where('c.account_id', accountId)
      .whereExists((w) => w.select(this.db.raw('1')).from('activities as a').where({ 'a.campaign_id': campaignId, 'a.type': 'bounce', 'a.account_id': accountId }).whereRaw('a.contact_id = c.id'))
      .select('c.*')
      .orderBy('c.id')
      .limit(q.select)
      .offset(q.skip);
    return rows.map(toContact);
  }

  /** Ids of the account's campaigns with any activity at or after a time, by id. */
  async campaignsWithActivitySince(accountId: number, since: number, q: { skip: number; select: number }): Promise<number[]> {
    const rows = await this.db('campaigns as k')
      .where('k.account_id', accountId)
      .whereExists((w) => w.select(this.db.raw('1')).from('activities as a').where({ 'a.account_id': accountId }).whereRaw('a.campaign_id = k.id').where('a.occurred_at', '>=', since))
      .select('k.id')
      .orderBy('k.id')
      .limit(q.select)
      .offset(q.skip);
    return rows.map((r: { id: unknown }) => Number(r.id));
  }

  /** Address book (and segment) ids the campaign's sends went to, ascending. */
  async sendBookIds(accountId: number, campaignId: number): Promise<number[]> {
    const rows = await this.db('campaign_sends').where({ account_id: accountId, campaign_id: campaignId }).select('address_book_ids');
    const ids = new Set<number>();
    for (const r of rows) for (const id of parseJson<number[]>(r.address_book_ids, [])) ids.add(Number(id));
    return [...ids].sort((a, b) => a - b);
  }

  /** Ids of the campaigns with a send to the address book, ascending. */
  async campaignIdsForBook(accountId: number, bookId: number): Promise<number[]> {
    // why: a send keeps its audience as a JSON list (as the vendor's send takes it), so the match is made here.
    const rows = await this.db('campaign_sends').where({ account_id: accountId }).select('campaign_id', 'address_book_ids');
    const ids = new Set<number>();
    for (const r of rows) if (parseJson<number[]>(r.address_book_ids, []).map(Number).includes(bookId)) ids.add(Number(r.campaign_id));
    return [...ids].sort((a, b) => a - b);
  }
}
