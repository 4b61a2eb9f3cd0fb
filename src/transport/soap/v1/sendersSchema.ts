import { complex, Field, Operation, xs, XsdType } from '../shared/xsd';

// The v1 (ASMX) operations about what a message is sent from and to, described once: custom from addresses (and, with
// the SMS step, single SMS messages). why: `ID` (required) then `Address` (optional) and the lower-case
// `fromaddressId` parameter are the vendor 2011 WSDL's spellings; PHP SoapClient drops parameters spelled otherwise.

const N = 'http://apiconnector.com';

/** APICustomFromAddress. */
export const APICustomFromAddress = complex(N, 'APICustomFromAddress', [
  { name: 'ID', type: xs.int },
  { name: 'Address', type: xs.string, optional: true },
]);
/** ArrayOfAPICustomFromAddress. */
export const ArrayOfAPICustomFromAddress = complex(N, 'ArrayOfAPICustomFromAddress', [
  { name: 'APICustomFromAddress', type: APICustomFromAddress, optional: true, many: true, nillable: true },
]);

/** What these operations need from the main v1 schema (passed in to avoid an import cycle). */
export interface V1SendersBase {
  op(name: string, input: Field[], result?: Field): Operation;
  res(type: XsdType): Field;
}

/** ListAvailableCustomFromAddresses, SetCampaignCustomFromAddress and SendSingleSMSMessage (void), in the vendor WSDL's order. */
export function v1SendersOperations(b: V1SendersBase): Operation[] {
  return [
    b.op('ListAvailableCustomFromAddresses', [], b.res(ArrayOfAPICustomFromAddress)),
    b.op('SetCampaignCustomFromAddress', [{ name: 'campaignId', type: xs.int }, { name: 'fromaddressId', type: xs.int }]),
    b.op('SendSingleSMSMessage', [{ name: 'telephoneNumber', type: xs.string, optional: true }, { name: 'message', type: xs.string, optional: true }]),
  ];
}
