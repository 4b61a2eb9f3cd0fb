import { CustomFromAddress } from '../../../domain/fromAddress';
import { TransportServices } from '../../../services';
import { Actor } from '../../../services/accounts';
import { Wire } from './mappers';

// v1 wire names of the custom from address (and SMS) operations live only here.

type Op = (s: TransportServices, actor: Actor, args: Wire) => Promise<unknown>;

/** APICustomFromAddress out. */
export function customFromAddressOut(a: CustomFromAddress): Wire {
  return { ID: a.id, Address: a.email };
}

/** The v1 from address (and SMS) operations, each calling the shared services. */
export const V1_SENDERS_HANDLERS: Readonly<Record<string, Op>> = {
  // why: the v1 operation has no paging: every page is read (an account holds at most MAX_FROM_ADDRESSES).
  ListAvailableCustomFromAddresses: async (s, actor) => {
    const all: CustomFromAddress[] = [];
    for (let skip = 0; ; skip += s.config.maxSelect) {
      const page = await s.fromAddresses.list(actor.accountId, { select: s.config.maxSelect, skip });
      all.push(...page);
      if (page.length < s.config.maxSelect) return all.map(customFromAddressOut);
    }
  },
  SetCampaignCustomFromAddress: async (s, actor, a) => {
    await s.fromAddresses.setCampaignFromAddress(actor.accountId, a.campaignId, a.fromaddressId);
  },
  SendSingleSMSMessage: async (s, actor, a) => {
    await s.sms.send(actor.accountId, a.telephoneNumber, a.message);
  },
};
