import { Field, Operation, xs, XsdType } from '../shared/xsd';

// The v2 (WCF) CopyCampaign operation, described once (the WSDL, decoding and encoding follow).

/** What the operation needs from the main v2 schema (passed in to avoid an import cycle). */
export interface V2CopyBase {
  ApiCampaign: XsdType;
  op(name: string, input: Field[], result?: XsdType): Operation;
}

/** CopyCampaign(campaignId) → ApiCampaign, as the vendor WSDL declares it. */
export function v2CampaignCopyOperations(b: V2CopyBase): Operation[] {
  return [b.op('CopyCampaign', [{ name: 'campaignId', type: xs.int, optional: true }], b.ApiCampaign)];
}
