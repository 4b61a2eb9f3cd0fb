import { enumType, Field, Operation, SimpleType, xs, XsdType } from '../shared/xsd';

// The v1 (ASMX) split-test operations (issue #21), described once and spread into V1_OPERATIONS (schema.ts).
// Parameter names, order and occurrence are the vendor's 2011 WSDL's exactly.

const N = 'http://apiconnector.com';
const req = (name: string, type: XsdType): Field => ({ name, type });
const opt = (name: string, type: XsdType): Field => ({ name, type, optional: true });

/** APISplitTestMetric (the v1 enum has no .NET default member). */
export const APISplitTestMetric = enumType(N, 'APISplitTestMetric', ['Opens', 'Clicks']);

/** What schema.ts hands over: its operation and result helpers and the shared types. */
export interface V1SplitTypes {
  op: (name: string, input: Field[], result?: Field) => Operation;
  res: (type: XsdType, optional?: boolean) => Field;
  ArrayOfInt: XsdType;
  guid: SimpleType;
}

/** IsSplitTestCampaign and SendSplitTestCampaignToAddressBookWithProgress. */
export function v1SplitTestOperations(t: V1SplitTypes): Operation[] {
  const cid = req('campaignId', xs.int);
  return [
    t.op('IsSplitTestCampaign', [cid], t.res(xs.boolean, false)),
    t.op(
      'SendSplitTestCampaignToAddressBookWithProgress',
      [
        cid,
        opt('addressBookIds', t.ArrayOfInt),
        req('sendDate', xs.dateTime),
        req('testPercentage', xs.int),
        req('testPeriodHours', xs.int),
        req('testMetric', APISplitTestMetric),
      ],
      t.res(t.guid, false),
    ),
  ];
}
