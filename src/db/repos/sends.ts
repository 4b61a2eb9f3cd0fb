import { Knex } from 'knex';
import { CampaignSend, SendRecipient, SendStatus } from '../../domain/send';
import { Dialect } from '../connection';
import { affectedRows, forUpdate, num, parseJson, rawRows } from '../sql';
import { CampaignRollupRepo, SentRecipients } from './campaignRollups';

/** Who a send targets: books and segments are resolved to ids by the service; all empty = All contacts. */
export interface SendAudience {
  bookIds: number[];
  segmentIds: number[];
  contactIds: number[];
}

/**
 * Who an audience is, as a predicate on `contacts c` (any status: callers add theirs): Subscribed members of the books,
 * members of the segments, the listed contacts; every contact when all lists are empty. Sends and program enrolments
 * take their audience with it.
 */
export function audiencePredicate(accountId: number, a: SendAudience): { sql: string; args: Array<string | number> } {
  const ors: string[] = [];
  const args: Array<string | number> = [];
  if (a.bookIds.length) {
    ors.push(`c.id in (select m.contact_id from address_book_contacts m where m.account_id = ? and m.status = 'Subscribed' and m.address_book_id in (${a.bookIds.map(() => '?').join(',')}))`);
    args.push(accountId, ...a.bookIds);
  }
  if (a.segmentIds.length) {
    ors.push(`c.id in (select sm.contact_id from segment_members sm where sm.segment_id in (${a.segmentIds.map(() => '?').join(',')}))`);
    args.push(...a.segmentIds);
  }
  if (a.contactIds.length) {
    ors.push(`c.id in (${a.contactIds.map(() => '?').join(',')})`);
    args.push(...a.contactIds);
  }
  return { sql: ors.length ? `(${ors.join(' or ')})` : '1 = 1', args };
}

/** SQL for campaign sends, their recipient snapshot and the default outbox. */
export class SendRepo {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
  ) {}

  /** Inserts a send. */
  async create(s: Omit<CampaignSend, 'recipients' | 'refreshedSegments' | 'startedAt' | 'finishedAt'>): Promise<void> {
    await this.db('campaign_sends').insert({
      id: s.id,
      account_id: s.accountId,
      campaign_id: s.campaignId,
      address_book_ids: JSON.stringify(s.addressBookIds),
      contact_ids: JSON.stringify(s.contactIds),
      send_date: s.sendDate,
      status: s.status,
      recipients: null,
      refreshed_segments: JSON.stringify([]),
      created_at: s.createdAt,
    });
  }

  /** One send of the account (or of any account when accountId is null: the job runner). */
  async get(accountId: number | null, id: string): Promise<CampaignSend | undefined> {
    const q = this.db('campaign_sends').where({ id });
    if (accountId !== null) q.andWhere({ account_id: accountId });
    const r = await q.first();
    return r ? toSend(r) : undefined;
  }

  /** Sets the status (and optionally start/finish times); only from one of the given statuses. Returns rows changed. */
  async setStatus(id: string, status: SendStatus, from: SendStatus[], times: { startedAt?: number; finishedAt?: number } = {}): Promise<number> {
    const upd: Record<string, unknown> = { status };
    if (times.startedAt !== undefined) upd.started_at = times.startedAt;
    if (times.finishedAt !== undefined) upd.finished_at = times.finishedAt;
    return this.db('campaign_sends').where({ id }).whereIn('status', from).update(upd);
  }

  /** Records the segments refreshed for the send. */
  async setRefreshed(id: string, segmentIds: number[]): Promise<void> {
    await this.db('campaign_sends').where({ id }).update({ refreshed_segments: JSON.stringify(segmentIds) });
  }

  /**
   * Snapshots the audience set-based (one INSERT ... SELECT DISTINCT): Subscribed contacts that are Subscribed
   * members of the books, members of the segments or listed; all the account's Subscribed contacts when every list is
   * empty. Rows already there are skipped, so a resumed send inserts nothing twice. Returns the recipient count.
   */
  async snapshot(sendId: string, accountId: number, a: SendAudience): Promise<number> {
    const who = audiencePredicate(accountId, a);
    const sql =
      `insert into send_recipients (send_id, contact_id, email) select distinct ?, c.id, c.email from contacts c ` +
      `where c.account_id = ? and c.status = 'Subscribed' and ${who.sql} ` +
      `and not exists (select 1 from send_recipients r where r.send_id = ? and r.contact_id = c.id)`;
    await this.db.raw(sql, [sendId, accountId, ...who.args, sendId]);
    const n = await this.recipientCount(sendId);
    await this.db('campaign_sends').where({ id: sendId }).update({ recipients: n });
    return n;
  }

  /** How many recipients a send has. */
  async recipientCount(sendId: string): Promise<number> {
    const r = await this.db('send_recipients').where({ send_id: sendId }).count({ n: '*' }).first();
    return Number(r?.n ?? 0);
  }

  /** The recipients of a send by contact id, with paging. */
  async recipients(sendId: string, q: { skip: number; select: number }): Promise<SendRecipient[]> {
    const rows = await this.db('send_recipients').where({ send_id: sendId }).orderBy('contact_id').limit(q.select).offset(q.skip);
    return rows.map((r: Record<string, unknown>) => ({ contactId: Number(r.contact_id), email: String(r.email) }));
  }

  /** Copies a send's recipients into the outbox (one row each; idempotent on (send_id, contact_id)); returns rows added. */
  async toOutbox(sendId: string, subject: string | null, now: number): Promise<number> {
    const res = await this.db.raw(
      // why: account_id and kind make the row consumable through the outbox routes (issue #21; docs/outbox.md).
      `insert into outbox (account_id, kind, send_id, contact_id, email, subject, created_at) select s.account_id, 'email', r.send_id, r.contact_id, r.email, ?, ? ` +
        `from send_recipients r join campaign_sends s on s.id = r.send_id ` +
        `where r.send_id = ? and not exists (select 1 from outbox o where o.send_id = r.send_id and o.contact_id = r.contact_id)`,
      [subject, now, sendId],
    );
    return affectedRows(this.dialect, res);
  }

  /** The outbox rows of a send (tests, operators). */
  async outbox(sendId: string): Promise<SendRecipient[]> {
    const rows = await this.db('outbox').where({ send_id: sendId }).orderBy('contact_id');
    return rows.map((r: Record<string, unknown>) => ({ contactId: Number(r.contact_id), email: String(r.email) }));
  }

  /**
   * Writes one `sent` activity per recipient (event id `sent:<sendId>:<contactId>`), skipping those already written,
   * so behavioural segments can use sends and a resumed send writes none twice; adds them to the campaign rollups.
   * `recipients`: the whole send, or only a split test's test portion (`split_test_recipients`).
   */
  async sentActivities(sendId: string, accountId: number, campaignId: number, now: number, recipients: SentRecipients = 'send_recipients'): Promise<number> {
    // why: string concatenation is `||` on SQLite and CONCAT() on MySQL/MariaDB.
    const eventId = this.dialect === 'mysql' ? `concat('sent:', r.send_id, ':', r.contact_id)` : `'sent:' || r.send_id || ':' || r.contact_id`;
    const res = await this.db.raw(
      `insert into activities (account_id, event_id, send_id, campaign_id, contact_id, type, occurred_at) ` +
        `select ?, ${eventId}, r.send_id, ?, r.contact_id, 'sent', ? from ${recipients} r where r.send_id = ? ` +
        `and not exists (select 1 from activities a where a.account_id = ? and a.send_id = r.send_id and a.contact_id = r.contact_id and a.type = 'sent')`,
      [accountId, campaignId, now, sendId, accountId],
    );
    const n = affectedRows(this.dialect, res);
    await new CampaignRollupRepo(this.db, this.dialect).addSent(accountId, campaignId, sendId, n, now, recipients);
    return n;
  }

  /** Locks the campaign's row (MySQL) and reads its latest committed status; undefined when it is gone. */
  async lockCampaign(accountId: number, campaignId: number): Promise<string | undefined> {
    const res = await this.db.raw(`select status from campaigns where account_id = ? and id = ?${forUpdate(this.dialect)}`, [accountId, campaignId]);
    const rows = rawRows<{ status: string }>(this.dialect, res);
    return rows[0]?.status;
  }

  /**
   * Whether the campaign has a send that is not finished (queued, scheduled or sending). A locking read on MySQL, so a
   * transaction that waited for the campaign's row lock sees a send committed meanwhile (not its older snapshot).
   */
  async activeFor(accountId: number, campaignId: number): Promise<boolean> {
    const res = await this.db.raw(
      `select id from campaign_sends where account_id = ? and campaign_id = ? and status in ('NotSent', 'Scheduled', 'Sending') limit 1${forUpdate(this.dialect)}`,
      [accountId, campaignId],
    );
    return rawRows(this.dialect, res).length > 0;
  }
}

function ints(v: unknown): number[] {
  return parseJson<unknown[]>(v, []).map(Number);
}

function toSend(r: Record<string, unknown>): CampaignSend {
  return {
    id: String(r.id),
    accountId: Number(r.account_id),
    campaignId: Number(r.campaign_id),
    addressBookIds: ints(r.address_book_ids),
    contactIds: ints(r.contact_ids),
    sendDate: Number(r.send_date),
    status: r.status as SendStatus,
    recipients: num(r.recipients),
    refreshedSegments: ints(r.refreshed_segments),
    createdAt: Number(r.created_at),
    startedAt: num(r.started_at),
    finishedAt: num(r.finished_at),
  };
}
