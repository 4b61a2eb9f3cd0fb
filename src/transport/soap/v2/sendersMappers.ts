import { CustomFromAddress } from '../../../domain/fromAddress';
import { TransportServices } from '../../../services';
import { Actor } from '../../../services/accounts';
import { SoapCall, SoapHandler } from '../shared/endpoint';
import { campaignOut } from './mappers';

// v2 SOAP wire names of the custom from address, SMS and campaign copy operations live only here.

/** ApiCampaignFromAddress out. */
export function fromAddressOut(a: CustomFromAddress): Record<string, unknown> {
  return { Id: a.id, Email: a.email };
}

/** The from address, SMS and campaign copy operations, mapped onto the shared services. */
export function v2SendersHandlers(s: TransportServices): Record<string, SoapHandler<Actor>> {
  const acc = (c: SoapCall<Actor>) => c.actor.accountId;
  return {
    CopyCampaign: async (c) => campaignOut(await s.campaigns.copy(acc(c), c.args.campaignId)),
    GetCustomFromAddresses: async (c) => (await s.fromAddresses.list(acc(c), { select: c.args.select, skip: c.args.skip })).map(fromAddressOut),
    SendSingleSmsMessage: async (c) => {
      const sms = c.args.sms && typeof c.args.sms === 'object' ? (c.args.sms as Record<string, unknown>) : {};
      await s.sms.send(acc(c), c.args.telephoneNumber, sms.Message);
    },
  };
}
