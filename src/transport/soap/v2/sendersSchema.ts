import { arrayOf, complex, Field, Operation, xs, XsdType } from '../shared/xsd';

// The v2 (WCF) operations about what a message is sent from and to, described once: custom from addresses (and, with
// the SMS step, single SMS messages). The WSDL, decoding and encoding follow.

const D = 'http://apiconnector.com';

/** What these operations need from the main v2 schema (passed in to avoid an import cycle). */
export interface V2SendersBase {
  ApiCampaignFromAddress: XsdType;
  op(name: string, input: Field[], result?: XsdType): Operation;
}

/** ApiSms (Message is required-nillable, as the vendor declares it). */
export const ApiSms = complex(D, 'ApiSms', [{ name: 'Message', type: xs.string, nillable: true }]);

/** GetCustomFromAddresses and SendSingleSmsMessage (void), in the vendor WSDL's order. */
export function v2SendersOperations(b: V2SendersBase): Operation[] {
  const page: Field[] = [{ name: 'select', type: xs.int, optional: true }, { name: 'skip', type: xs.int, optional: true }];
  return [
    b.op('GetCustomFromAddresses', page, arrayOf(D, b.ApiCampaignFromAddress)),
    b.op('SendSingleSmsMessage', [
      { name: 'telephoneNumber', type: xs.string, optional: true, nillable: true },
      { name: 'sms', type: ApiSms, optional: true, nillable: true },
    ]),
  ];
}
