import { Knex } from 'knex';
import { CampaignVersion, SplitTestMetric, SplitTestOption, SplitTestSettings, VersionScore } from '../../domain/splitTest';
import { Dialect } from '../connection';
import { affectedRows, rawRows } from '../sql';

/** A split-test send's stored state. */
export interface SplitSendRow extends SplitTestSettings {
  sendId: string;
  accountId: number;
  campaignId: number;
  testEndsAt: number | null;
  winner: string | null;
  decidedAt: number | null;
}

/** SQL for split-test campaigns (their versions), split-test sends and their test recipients. */
export class SplitTestRepo {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
  ) {}

  /** Marks a campaign as a split test and stores its versions. */
  async createCampaign(accountId: number, campaignId: number, option: SplitTestOption, versions: CampaignVersion[]): Promise<void> {
    await this.db('campaign_split_tests').insert({ campaign_id: campaignId, account_id: accountId, split_option: option });
    await this.db('campaign_variants').insert(
      versions.map((v) => ({
        campaign_id: campaignId,
        variant: v.version,
        subject: v.subject,
        from_name: v.fromName,
        from_address: v.fromAddress,
        html_content: v.htmlContent,
        plain_text_content: v.plainTextContent,
      })),
    );
  }

  /** The split-test option of a campaign of the account, or undefined when it is not a split test. */
  async optionOf(accountId: number, campaignId: number): Promise<SplitTestOption | undefined> {
    const r = await this.db('campaign_split_tests').where({ account_id: accountId, campaign_id: campaignId }).first('split_option');
    return r ? (r.split_option as SplitTestOption) : undefined;
  }

  /** A campaign's versions, A first. */
  async versions(campaignId: number): Promise<CampaignVersion[]> {
    const rows = await this.db('campaign_variants').where({ campaign_id: campaignId }).orderBy('variant');
    return rows.map((r: Record<string, unknown>) => ({
      version: String(r.variant),
      subject: (r.subject as string | null) ?? null,
      fromName: (r.from_name as string | null) ?? null,
      fromAddress: (r.from_address as string | null) ?? null,
      htmlContent: (r.html_content as string | null) ?? null,
      plainTextContent: (r.plain_text_content as string | null) ?? null,
    }));
  }

  /** Records a send's split-test settings. */
  async createSend(sendId: string, accountId: number, campaignId: number, s: SplitTestSettings): Promise<void> {
    await this.db('split_test_sends').insert({
      send_id: sendId,
      account_id: accountId,
      campaign_id: campaignId,
      metric: s.metric,
      test_percentage: s.percentage,
      test_period_hours: s.periodHours,
    });
  }

  /** A split-test send's state (undefined: an ordinary send). */
  async forSend(sendId: string): Promise<SplitSendRow | undefined> {
    const r = await this.db('split_test_sends').where({ send_id: sendId }).first();
    return r ? toRow(r) : undefined;
  }

  /** The latest split-test send of a campaign. */
  async latestForCampaign(accountId: number, campaignId: number): Promise<SplitSendRow | undefined> {
    const r = await this.db('split_test_sends as t')
      .join('campaign_sends as s', 's.id', 't.send_id')
      .where({ 't.account_id': accountId, 't.campaign_id': campaignId })
      .orderBy('s.created_at', 'desc')
      .first('t.*');
    return r ? toRow(r) : undefined;
  }

  /**
   * Puts `count` of the send's snapshotted recipients into the test, spread over the versions in turn (set-based; the
   * order is a fixed scramble of contact ids, so the test is not just the oldest contacts). Idempotent.
   */
  async assignTest(sendId: string, count: number, versions: readonly string[]): Promise<number> {
    const cases = versions.map((v, i) => `when ${i} then '${v.replace(/[^A-Z]/g, '')}'`).join(' ');
    const res = await this.db.raw(
      `insert into split_test_recipients (send_id, contact_id, variant) ` +
        `select x.send_id, x.contact_id, case x.rn % ${versions.length} ${cases} end from (` +
        `select r.send_id, r.contact_id, row_number() over (order by (r.contact_id * 2654435761) % 4294967291, r.contact_id) - 1 as rn ` +
        `from send_recipients r where r.send_id = ?) x ` +
        `where x.rn < ? and not exists (select 1 from split_test_recipients t where t.send_id = x.send_id and t.contact_id = x.contact_id)`,
      [sendId, count],
    );
    return affectedRows(this.dialect, res);
  }

  /** Outbox rows for the test recipients, each with its version and that version's subject (idempotent). */
  async testToOutbox(sendId: string, campaignId: number, now: number): Promise<number> {
    const res = await this.db.raw(
      // why: account_id and kind make the row consumable through the outbox routes (docs/outbox.md).
      `insert into outbox (account_id, kind, send_id, contact_id, email, subject, created_at, variant) ` +
        `select s.account_id, 'email', r.send_id, r.contact_id, r.email, v.subject, ?, t.variant from split_test_recipients t ` +
        `join send_recipients r on r.send_id = t.send_id and r.contact_id = t.contact_id ` +
        `join campaign_sends s on s.id = r.send_id ` +
        `join campaign_variants v on v.campaign_id = ? and v.variant = t.variant ` +
        `where t.send_id = ? and not exists (select 1 from outbox o where o.send_id = t.send_id and o.contact_id = t.contact_id)`,
      [now, campaignId, sendId],
    );
    return affectedRows(this.dialect, res);
  }


  /** Sets when the test ends (once). */
  async setTestEnd(sendId: string, at: number): Promise<void> {
    await this.db('split_test_sends').where({ send_id: sendId }).whereNull('test_ends_at').update({ test_ends_at: at });
  }

  /** Per version: test recipients and how many of them have the metric's activity on the campaign (up to `until`). */
  async scores(sendId: string, campaignId: number, activity: string, until: number): Promise<VersionScore[]> {
    const res = await this.db.raw(
      `select t.variant, count(*) as recipients, sum(case when exists (select 1 from activities a where a.campaign_id = ? ` +
        `and a.contact_id = t.contact_id and a.type = ? and a.occurred_at <= ?) then 1 else 0 end) as actual ` +
        `from split_test_recipients t where t.send_id = ? group by t.variant order by t.variant`,
      [campaignId, activity, until, sendId],
    );
    return rawRows<{ variant: string; recipients: unknown; actual: unknown }>(this.dialect, res).map((r) => ({
      version: String(r.variant),
      recipients: Number(r.recipients),
      actual: Number(r.actual ?? 0),
    }));
  }

  /** Records the winner once; returns false when one was already recorded. */
  async decide(sendId: string, winner: string, now: number): Promise<boolean> {
    return (await this.db('split_test_sends').where({ send_id: sendId }).whereNull('winner').update({ winner, decided_at: now })) > 0;
  }

  /** Outbox rows for the recipients outside the test, all with the winning version and its subject (idempotent). */
  async remainderToOutbox(sendId: string, campaignId: number, winner: string, now: number): Promise<number> {
    const res = await this.db.raw(
      `insert into outbox (account_id, kind, send_id, contact_id, email, subject, created_at, variant) ` +
        `select s.account_id, 'email', r.send_id, r.contact_id, r.email, v.subject, ?, v.variant from send_recipients r ` +
        `join campaign_sends s on s.id = r.send_id ` +
        `join campaign_variants v on v.campaign_id = ? and v.variant = ? ` +
        `where r.send_id = ? and not exists (select 1 from outbox o where o.send_id = r.send_id and o.contact_id = r.contact_id)`,
      [now, campaignId, winner, sendId],
    );
    return affectedRows(this.dialect, res);
  }

  /** The outbox rows of a send with their versions (tests, operators). */
  async outboxVersions(sendId: string): Promise<Array<{ contactId: number; variant: string | null; subject: string | null }>> {
    const rows = await this.db('outbox').where({ send_id: sendId }).orderBy('contact_id').select('contact_id', 'variant', 'subject');
    return rows.map((r: Record<string, unknown>) => ({ contactId: Number(r.contact_id), variant: (r.variant as string | null) ?? null, subject: (r.subject as string | null) ?? null }));
  }
}

function toRow(r: Record<string, unknown>): SplitSendRow {
  return {
    sendId: String(r.send_id),
    accountId: Number(r.account_id),
    campaignId: Number(r.campaign_id),
    metric: r.metric as SplitTestMetric,
    percentage: Number(r.test_percentage),
    periodHours: Number(r.test_period_hours),
    testEndsAt: r.test_ends_at === null ? null : Number(r.test_ends_at),
    winner: (r.winner as string | null) ?? null,
    decidedAt: r.decided_at === null ? null : Number(r.decided_at),
  };
}
