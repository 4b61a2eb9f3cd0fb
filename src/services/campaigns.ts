import { Clock } from '../lib/clock';
import { Campaign, campaignText, REPLY_ACTIONS } from '../domain/campaign';
import { isValidEmail } from '../domain/contact';
import { matchEnum } from '../domain/enums';
import { DomainError } from '../domain/errors';
import { Repos, Store } from '../db/store';
import { CampaignWrite } from '../db/repos/campaigns';
import { page } from './paging';

/** Campaign fields as a caller sends them; checked here for every dialect. */
export interface CampaignInput {
  name?: unknown;
  subject?: unknown;
  fromName?: unknown;
  fromAddress?: unknown;
  htmlContent?: unknown;
  plainTextContent?: unknown;
  replyAction?: unknown;
  replyToAddress?: unknown;
}

/** Campaigns: a minimal store of what is sent (name, subject, sender, content, status). */
export class CampaignService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly maxSelect: number,
  ) {}

  /** Creates an unsent campaign. */
  async create(accountId: number, input: CampaignInput): Promise<Campaign> {
    const w = merge(undefined, input);
    return this.store.tx(async (r) => {
      const id = await r.campaigns.create(accountId, w, this.clock.now());
      return (await r.campaigns.get(accountId, id))!;
    });
  }

  /** Creates an unsent campaign and runs `then` in the same transaction (a split test's versions commit with it). */
  async createWith(accountId: number, input: CampaignInput, then: (r: Repos, c: Campaign) => Promise<void>): Promise<Campaign> {
    const w = merge(undefined, input);
    return this.store.tx(async (r) => {
      const id = await r.campaigns.create(accountId, w, this.clock.now());
      await then(r, (await r.campaigns.get(accountId, id))!);
      return (await r.campaigns.get(accountId, id))!;
    });
  }

  /** Updates an unsent campaign; one that is sending or sent is read-only. */
  async update(accountId: number, id: unknown, input: CampaignInput): Promise<Campaign> {
    return this.store.tx(async (r) => {
      const c = await this.mustGet(r, accountId, id);
      if (c.status !== 'Unsent') throw new DomainError('CAMPAIGN_READONLY', 'A campaign that has been sent cannot be changed.');
      await r.campaigns.update(accountId, c.id, merge(c, input), this.clock.now());
      return (await r.campaigns.get(accountId, c.id))!;
    });
  }

  /** One campaign. */
  async get(accountId: number, id: unknown): Promise<Campaign> {
    return this.mustGet(this.store.repos, accountId, id);
  }

  /** The account's campaigns with paging. */
  async list(accountId: number, o: { select?: unknown; skip?: unknown }): Promise<Campaign[]> {
    return this.store.repos.campaigns.list(accountId, page(o.select, o.skip, this.maxSelect));
  }

  /** Deletes a campaign that is not sending. */
  async delete(accountId: number, id: unknown): Promise<void> {
    await this.store.tx(async (r) => {
      const c = await this.mustGet(r, accountId, id);
      if (c.status === 'Sending') throw new DomainError('CAMPAIGN_READONLY', 'A campaign that is sending cannot be deleted.');
      await r.campaigns.delete(accountId, c.id);
    });
  }

  /**
   * Copies a campaign (v2 CopyCampaign, REST POST /v2/campaigns/{id}/copy): a new Unsent campaign named `Copy of
   * <name>` (cut to the 200-character name budget) with the same subject, sender, contents and reply settings; any
   * campaign may be copied, sent ones included. Returns the copy.
   */
  async copy(accountId: number, id: unknown): Promise<Campaign> {
    return this.store.tx(async (r) => {
      const c = await this.mustGet(r, accountId, id);
      // why: the vendor's copies are named "Copy of ..." and start unsent, whatever the original's status.
      const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = c;
      const copyId = await r.campaigns.create(accountId, { ...rest, name: `Copy of ${c.name}`.slice(0, 200), status: 'Unsent' }, this.clock.now());
      return (await r.campaigns.get(accountId, copyId))!;
    });
  }

  /** Loads a campaign of the account or throws CAMPAIGN_NOT_FOUND. */
  async mustGet(r: Repos, accountId: number, id: unknown): Promise<Campaign> {
    const n = typeof id === 'string' && /^\d+$/.test(id.trim()) ? Number(id) : id;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new DomainError('CAMPAIGN_NOT_FOUND');
    const c = await r.campaigns.get(accountId, n);
    if (!c) throw new DomainError('CAMPAIGN_NOT_FOUND');
    return c;
  }
}

function email(v: unknown, name: string): string | null {
  const s = campaignText(v, name, 254);
  if (s !== null && s !== '' && !isValidEmail(s.trim())) throw new DomainError('CAMPAIGN_INVALID', `${name} is not a valid email address.`);
  return s === null || s === '' ? null : s.trim();
}

/** Applies caller input to a campaign (given fields replace; absent ones keep their value). */
function merge(c: Campaign | undefined, i: CampaignInput): CampaignWrite {
  const name = i.name === undefined ? c?.name : campaignText(i.name, 'Name', 200);
  if (!name || !name.trim()) throw new DomainError('CAMPAIGN_INVALID', 'A campaign needs a name.');
  const replyAction =
    i.replyAction === undefined || i.replyAction === null ? (c?.replyAction ?? 'Unset') : matchEnum(REPLY_ACTIONS, i.replyAction);
  if (!replyAction) throw new DomainError('CAMPAIGN_INVALID', `ReplyAction must be one of ${REPLY_ACTIONS.join(', ')}.`);
  const keep = <K extends keyof CampaignInput>(k: K, fn: (v: unknown) => string | null, prev: string | null | undefined) =>
    i[k] === undefined ? (prev ?? null) : fn(i[k]);
  return {
    name: name.trim(),
    subject: keep('subject', (v) => campaignText(v, 'Subject', 500), c?.subject),
    fromName: keep('fromName', (v) => campaignText(v, 'FromName', 200), c?.fromName),
    fromAddress: keep('fromAddress', (v) => email(v, 'FromAddress'), c?.fromAddress),
    htmlContent: keep('htmlContent', (v) => campaignText(v, 'HtmlContent', 2_000_000), c?.htmlContent),
    plainTextContent: keep('plainTextContent', (v) => campaignText(v, 'PlainTextContent', 2_000_000), c?.plainTextContent),
    replyAction,
    replyToAddress: keep('replyToAddress', (v) => email(v, 'ReplyToAddress'), c?.replyToAddress),
    status: c?.status ?? 'Unsent',
  };
}
