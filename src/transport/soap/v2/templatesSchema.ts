import { arrayOf, complex, Field, Operation, xs, XsdType } from '../shared/xsd';

// The v2 (WCF) template operations, described once (the WSDL, decoding and encoding follow).
// why: ApiTemplate's members and their required-nillable/optional marks are the vendor's exactly (Name through
// PlainTextContent required-nillable, ReplyAction optional, ReplyToAddress optional-nillable); strict .NET proxies
// generated from the vendor WSDL deserialize our answers into the same class.

const D = 'http://apiconnector.com';

/** What the template operations need from the main v2 schema (passed in to avoid an import cycle). */
export interface V2TemplateBase {
  replyAction: XsdType;
  op(name: string, input: Field[], result?: XsdType): Operation;
}

/** ApiTemplate, built on the main schema's ApiCampaignReplyActions. */
export function apiTemplate(replyAction: XsdType) {
  const req = (name: string, type: XsdType): Field => ({ name, type, nillable: true });
  return complex(D, 'ApiTemplate', [
    { name: 'Id', type: xs.int, optional: true },
    req('Name', xs.string),
    req('Subject', xs.string),
    req('FromName', xs.string),
    req('HtmlContent', xs.string),
    req('PlainTextContent', xs.string),
    { name: 'ReplyAction', type: replyAction, optional: true },
    { name: 'ReplyToAddress', type: xs.string, optional: true, nillable: true },
  ]);
}

/** CreateTemplate, UpdateTemplate, GetTemplateById, GetTemplates, in the vendor WSDL's order. */
export function v2TemplateOperations(b: V2TemplateBase): Operation[] {
  const ApiTemplate = apiTemplate(b.replyAction);
  const template: Field = { name: 'template', type: ApiTemplate, optional: true, nillable: true };
  return [
    b.op('CreateTemplate', [template], ApiTemplate),
    b.op('UpdateTemplate', [template], ApiTemplate),
    b.op('GetTemplateById', [{ name: 'templateId', type: xs.int, optional: true }], ApiTemplate),
    b.op('GetTemplates', [{ name: 'select', type: xs.int, optional: true }, { name: 'skip', type: xs.int, optional: true }], arrayOf(D, ApiTemplate)),
  ];
}
