import { Clock } from '../lib/clock';
import { Campaign } from '../domain/campaign';
import { isValidEmail } from '../domain/contact';
import { DomainError } from '../domain/errors';
import { CustomFromAddress } from '../domain/fromAddress';
import { Repos, Store } from '../db/store';
import { CampaignService } from './campaigns';
import { page } from './paging';

/** Most custom from addresses one account may have (a budget checked before adding). */
export const MAX_FROM_ADDRESSES = 1000;

/**
 * An account's custom from addresses: managed by the operator (CLI, extension route), listed by the vendor operations
 * (v2 GetCustomFromAddresses, v1 ListAvailableCustomFromAddresses, REST /v2/custom-from-addresses), and set as a
 * campaign's sender (v1 SetCampaignCustomFromAddress).
 */
export class FromAddressService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly campaigns: CampaignService,
    private readonly maxSelect: number,
  ) {}

  /** Adds an address (a valid email, unique in the account in any case); returns it with its id. */
  async add(accountId: number, email: unknown): Promise<CustomFromAddress> {
    if (typeof email !== 'string' || email.trim().length > 254 || !isValidEmail(email.trim())) {
      throw new DomainError('CUSTOM_FROM_ADDRESS_INVALID', 'The from address must be a valid email address.');
    }
    const e = email.trim();
    return this.store.tx(async (r) => {
      if (await r.fromAddresses.byEmail(accountId, e)) throw new DomainError('CUSTOM_FROM_ADDRESS_DUPLICATE');
      if ((await r.fromAddresses.list(accountId, { skip: MAX_FROM_ADDRESSES - 1, select: 1 })).length) {
        throw new DomainError('CUSTOM_FROM_ADDRESS_INVALID', `An account has at most ${MAX_FROM_ADDRESSES} custom from addresses.`);
      }
      const id = await r.fromAddresses.add(accountId, e, this.clock.now());
      return (await r.fromAddresses.get(accountId, id))!;
    });
  }

  /** The account's addresses by id, with paging. */
  async list(accountId: number, o: { select?: unknown; skip?: unknown }): Promise<CustomFromAddress[]> {
    return this.store.repos.fromAddresses.list(accountId, page(o.select, o.skip, this.maxSelect));
  }

  /** Removes an address; campaigns already using it keep their sender text. */
  async remove(accountId: number, id: unknown): Promise<void> {
    await this.store.tx(async (r) => {
      const a = await this.mustGet(r, accountId, id);
      await r.fromAddresses.remove(accountId, a.id);
    });
  }

  /** Makes one of the account's addresses the sender of an unsent campaign (v1 SetCampaignCustomFromAddress). */
  async setCampaignFromAddress(accountId: number, campaignId: unknown, fromAddressId: unknown): Promise<Campaign> {
    const a = await this.mustGet(this.store.repos, accountId, fromAddressId);
    return this.campaigns.update(accountId, campaignId, { fromAddress: a.email });
  }

  /** The id of the account's custom from address with this email, if any (mappers show it in ApiCampaignFromAddress). */
  async idOf(accountId: number, email: string | null): Promise<number> {
    if (email === null) return 0;
    return (await this.store.repos.fromAddresses.byEmail(accountId, email))?.id ?? 0;
  }

  private async mustGet(r: Repos, accountId: number, id: unknown): Promise<CustomFromAddress> {
    const n = typeof id === 'string' && /^\d{1,10}$/.test(id.trim()) ? Number(id) : id;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 2_147_483_647) throw new DomainError('CUSTOM_FROM_ADDRESS_NOT_FOUND');
    const a = await r.fromAddresses.get(accountId, n);
    if (!a) throw new DomainError('CUSTOM_FROM_ADDRESS_NOT_FOUND');
    return a;
  }
}
