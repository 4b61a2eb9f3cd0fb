import { TransportServices } from '../../../services';
import { Actor } from '../../../services/accounts';
import { Wire } from './mappers';

// v1 wire names of the split-test operations live only here.

type Op = (s: TransportServices, actor: Actor, args: Wire) => Promise<unknown>;

/** The v1 split-test operations, on the shared split-test service. */
export const V1_SPLIT_TEST_HANDLERS: Readonly<Record<string, Op>> = {
  IsSplitTestCampaign: async (s, actor, a) => s.splitTests.isSplitTest(actor.accountId, a.campaignId),
  SendSplitTestCampaignToAddressBookWithProgress: async (s, actor, a) =>
    (
      await s.splitTests.send(actor.accountId, {
        campaignId: a.campaignId,
        // why: as for SendCampaignToAddressBooksWithProgress, an empty addressBookIds means All contacts [W1].
        addressBookIds: a.addressBookIds ?? [],
        sendDate: a.sendDate,
        metric: a.testMetric,
        percentage: a.testPercentage,
        periodHours: a.testPeriodHours,
      })
    ).id,
};
