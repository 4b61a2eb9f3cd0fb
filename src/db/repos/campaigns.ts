import { Knex } from 'knex';
import { Campaign, CampaignStatus, ReplyAction } from '../../domain/campaign';
import { Dialect } from '../connection';

/** Columns a campaign is written with. */
export type CampaignWrite = Omit<Campaign, 'id' | 'createdAt' | 'updatedAt' | 'fromAddressId'>;

/** SQL for campaigns. */
export class CampaignRepo {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
  ) {}

  /** Inserts a campaign; returns its id. */
  async create(accountId: number, c: CampaignWrite, now: number): Promise<number> {
    const [id] = await this.db('campaigns').insert({ account_id: accountId, ...cols(c), created_at: now, updated_at: now });
    return Number(id);
  }

  /** Replaces a campaign's columns. */
  async update(accountId: number, id: number, c: CampaignWrite, now: number): Promise<void> {
    await this.db('campaigns').where({ account_id: accountId, id }).update({ ...cols(c), updated_at: now });
  }

  /** Sets a campaign's status. */
  async setStatus(accountId: number, id: number, status: CampaignStatus, now: number): Promise<void> {
    await this.db('campaigns').where({ account_id: accountId, id }).update({ status, updated_at: now });
  }

  /** One campaign of the account. */
  async get(accountId: number, id: number): Promise<Campaign | undefined> {
    const r = await this.withSender().where({ 'c.account_id': accountId, 'c.id': id }).first();
    return r ? toCampaign(r) : undefined;
  }

  /** The account's campaigns by id with paging. */
  async list(accountId: number, q: { skip: number; select: number }): Promise<Campaign[]> {
    const rows = await this.withSender().where({ 'c.account_id': accountId }).orderBy('c.id').limit(q.select).offset(q.skip);
    return rows.map(toCampaign);
  }

  /**
   * Campaign rows with the id of the account's custom from address matching the sender (0 when none does).
   * why: the vendor's ApiCampaignFromAddress carries the address's id; the campaign keeps the address text, so a
   * removed custom address leaves the campaign's sender as it was.
   */
  private withSender() {
    return this.db('campaigns as c')
      .leftJoin('custom_from_addresses as f', (j) => j.on('f.account_id', '=', 'c.account_id').andOn('f.email_key', '=', this.db.raw('lower(c.from_address)')))
      .select('c.*', 'f.id as from_address_id', this.splitFlag());
  }

  /** `is_split_test`: 1 when the campaign has split-test versions (issue #21). */
  private splitFlag(): Knex.Raw {
    return this.db.raw('(select count(*) from campaign_split_tests t where t.campaign_id = c.id) as is_split_test');
  }

  /** Deletes a campaign (its sends go with it). */
  async delete(accountId: number, id: number): Promise<boolean> {
    return (await this.db('campaigns').where({ account_id: accountId, id }).delete()) > 0;
  }
}

function cols(c: CampaignWrite): Record<string, unknown> {
  return {
    name: c.name,
    subject: c.subject,
    from_name: c.fromName,
    from_address: c.fromAddress,
    html_content: c.htmlContent,
    plain_text_content: c.plainTextContent,
    reply_action: c.replyAction,
    reply_to_address: c.replyToAddress,
    status: c.status,
  };
}

function toCampaign(r: Record<string, unknown>): Campaign {
  return {
    id: Number(r.id),
    name: String(r.name),
    subject: (r.subject as string | null) ?? null,
    fromName: (r.from_name as string | null) ?? null,
    fromAddress: (r.from_address as string | null) ?? null,
    fromAddressId: r.from_address_id === null || r.from_address_id === undefined ? 0 : Number(r.from_address_id),
    htmlContent: (r.html_content as string | null) ?? null,
    plainTextContent: (r.plain_text_content as string | null) ?? null,
    replyAction: ((r.reply_action as string | null) ?? 'Unset') as ReplyAction,
    replyToAddress: (r.reply_to_address as string | null) ?? null,
    status: r.status as CampaignStatus,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    ...(r.is_split_test === undefined ? {} : { isSplitTest: Number(r.is_split_test) > 0 }),
  };
}
