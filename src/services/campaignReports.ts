import { AddressBook } from '../domain/addressBook';
import { DomainError } from '../domain/errors';
import { BookmarkViews, ClickWithGroups, ContactActivitySummary, linkIdOf, ReportedEvent } from '../domain/activity';
import { Campaign } from '../domain/campaign';
import { CampaignSummary, summarize } from '../domain/campaignSummary';
import { Store } from '../db/store';
import { ReportedType } from '../db/repos/activities';
import type { CounterDrift } from '../db/repos/campaignRollups';
import { AddressBookService } from './addressBooks';
import { CampaignService } from './campaigns';
import { ContactService, ContactView } from './contacts';
import { dateArg, Page, page } from './paging';

/** Paging as every dialect passes it (select/skip unchecked; checked here against the 1000 cap). */
export interface PageInput {
  select?: unknown;
  skip?: unknown;
}

/** A difference between the stored summary rollups and a recount (what `campaigns verify-counters` lists). */
export type { CounterDrift } from '../db/repos/campaignRollups';

/** Event types the per-type reads serve. */
export type { ReportedType } from '../db/repos/activities';

/**
 * Campaign reporting for every dialect: the summary (read from exact rollups of the activity rows and sends), per-contact
 * activity, per-type event feeds (all, per contact, since a date), social bookmark views, forwards, hard bouncers, and
 * the campaign <-> address book links. Every read checks the campaign (CAMPAIGN_NOT_FOUND), the contact
 * (CONTACT_NOT_FOUND) or the book (ADDRESSBOOK_NOT_FOUND) belongs to the account, and pages with select/skip (cap 1000).
 */
export class CampaignReportService {
  constructor(
    private readonly store: Store,
    private readonly campaigns: CampaignService,
    private readonly contacts: ContactService,
    private readonly addressBooks: AddressBookService,
    private readonly maxSelect: number,
  ) {}

  /** The campaign's summary counters and rates. */
  async summary(accountId: number, campaignId: unknown): Promise<CampaignSummary> {
    const c = await this.campaigns.get(accountId, campaignId);
    return summarize(await this.store.repos.campaignReports.counters(accountId, c.id));
  }

  /**
   * Operators: recounts the summary rollups (of one campaign, or all) from the activity rows and lists every
   * difference; with `rebuild`, recomputes the rollups in one transaction and returns the differences found before.
   * An unknown campaign id: CAMPAIGN_NOT_FOUND.
   */
  async verifyCounters(campaignId: number | null, rebuild: boolean): Promise<{ drift: CounterDrift[]; campaigns: number; rebuilt: boolean }> {
    if (campaignId !== null && !(await this.store.repos.campaignRollups.campaignExists(campaignId))) throw new DomainError('CAMPAIGN_NOT_FOUND');
    const drift = await this.store.repos.campaignRollups.verify(campaignId);
    if (rebuild && drift.length) await this.store.tx((r) => r.campaignRollups.rebuild(campaignId));
    const campaigns = campaignId !== null ? 1 : (await this.store.repos.campaignRollups.campaignIds()).length;
    return { drift, campaigns, rebuilt: rebuild && drift.length > 0 };
  }

  /** Per-contact activity of a campaign by contact id; with `since`, only contacts with activity at or after it. */
  async contactActivities(accountId: number, campaignId: unknown, o: PageInput & { since?: unknown }): Promise<ContactActivitySummary[]> {
    const c = await this.campaigns.get(accountId, campaignId);
    const since = o.since === undefined ? undefined : dateArg(o.since, 'startDate');
    return this.store.repos.activities.summary(accountId, c.id, { ...this.page(o), since });
  }

  /** One contact's activity on a campaign (all zero when the contact has none). */
  async contactActivity(accountId: number, campaignId: unknown, contactId: unknown): Promise<ContactActivitySummary> {
    const c = await this.campaigns.get(accountId, campaignId);
    const who = await this.contacts.get(accountId, contactId);
    const [row] = await this.store.repos.activities.summary(accountId, c.id, { skip: 0, select: 1, contactId: who.id });
    return row ?? {
      contactId: who.id,
      email: who.email,
      numOpens: 0,
      numPageViews: 0,
      numClicks: 0,
      numForwards: 0,
      numReplies: 0,
      dateSent: null,
      dateFirstOpened: null,
      dateLastOpened: null,
      unsubscribed: false,
      softBounced: false,
      hardBounced: false,
    };
  }

  /** Events of one type, oldest first: the whole campaign's, since a date, or one contact's. */
  async events(accountId: number, campaignId: unknown, type: ReportedType, o: PageInput & { since?: unknown; contactId?: unknown }): Promise<ReportedEvent[]> {
    const c = await this.campaigns.get(accountId, campaignId);
    const since = o.since === undefined ? undefined : dateArg(o.since, 'startDate');
    const contactId = o.contactId === undefined ? undefined : (await this.contacts.get(accountId, o.contactId)).id;
    return this.store.repos.activities.events(accountId, c.id, type, { ...this.page(o), since, contactId });
  }

  /** Clicks with their link's id and group, oldest first: the whole campaign's, since a date, or one contact's. */
  async clicksWithGroups(accountId: number, campaignId: unknown, o: PageInput & { since?: unknown; contactId?: unknown }): Promise<ClickWithGroups[]> {
    const clicks = await this.events(accountId, campaignId, 'click', o);
    const c = await this.campaigns.get(accountId, campaignId);
    const names = [...new Set(clicks.map((k) => k.linkGroup).filter((g): g is string => g !== null))];
    const first = await this.store.repos.campaignReports.linkGroupsFirstClicked(accountId, c.id, names);
    return clicks.map((k) => ({
      ...k,
      linkId: linkIdOf(k.url),
      groups: k.linkGroup === null ? [] : [{ name: k.linkGroup, createdAt: first.get(k.linkGroup) ?? k.occurredAt }],
    }));
  }

  /** Social bookmark views counted per contact and bookmark (one contact's when contactId is given). */
  async bookmarkViews(accountId: number, campaignId: unknown, o: PageInput & { contactId?: unknown }): Promise<BookmarkViews[]> {
    const c = await this.campaigns.get(accountId, campaignId);
    const contactId = o.contactId === undefined ? undefined : (await this.contacts.get(accountId, o.contactId)).id;
    return this.store.repos.campaignReports.bookmarkViews(accountId, c.id, { ...this.page(o), contactId });
  }

  /** A contact's forwards of a campaign. Estimated forwards are not tracked, so both figures are the recorded count. */
  async forwards(accountId: number, campaignId: unknown, contactId: unknown): Promise<{ numForwards: number }> {
    return { numForwards: (await this.contactActivity(accountId, campaignId, contactId)).numForwards };
  }

  /** Contacts that hard-bounced on the campaign, by contact id. */
  async hardBouncers(accountId: number, campaignId: unknown, o: PageInput & { withFullData?: boolean }): Promise<ContactView[]> {
    const c = await this.campaigns.get(accountId, campaignId);
    return this.contacts.views(accountId, await this.store.repos.campaignReports.hardBouncers(accountId, c.id, this.page(o)), o.withFullData);
  }

  /** Campaigns with any activity (sends included) at or after a date, by id. */
  async campaignsWithActivitySince(accountId: number, since: unknown, o: PageInput): Promise<Campaign[]> {
    const ids = await this.store.repos.campaignReports.campaignsWithActivitySince(accountId, dateArg(since, 'startDate'), this.page(o));
    return this.campaignsById(accountId, ids);
  }

  /** Address books the campaign was sent to (segments and deleted books are left out), by id. */
  async addressBooksForCampaign(accountId: number, campaignId: unknown, o: PageInput): Promise<AddressBook[]> {
    const c = await this.campaigns.get(accountId, campaignId);
    const p = this.page(o);
    const out: AddressBook[] = [];
    for (const id of await this.store.repos.campaignReports.sendBookIds(accountId, c.id)) {
      const b = await this.store.repos.addressBooks.get(accountId, id);
      if (b) out.push(b);
    }
    return out.slice(p.skip, p.skip + p.select);
  }

  /** Campaigns with a send to the address book, by id. */
  async campaignsForAddressBook(accountId: number, addressBookId: unknown, o: PageInput): Promise<Campaign[]> {
    const b = await this.addressBooks.get(accountId, addressBookId);
    const p = this.page(o);
    const ids = await this.store.repos.campaignReports.campaignIdsForBook(accountId, b.id);
    return this.campaignsById(accountId, ids.slice(p.skip, p.skip + p.select));
  }

  private async campaignsById(accountId: number, ids: number[]): Promise<Campaign[]> {
    const out: Campaign[] = [];
    for (const id of ids) {
      const c = await this.store.repos.campaigns.get(accountId, id);
      if (c) out.push(c);
    }
    return out;
  }

  private page(o: PageInput): Page {
    return page(o.select, o.skip, this.maxSelect);
  }
}
