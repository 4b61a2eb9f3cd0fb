import { Template } from '../../../domain/template';
import { TransportServices } from '../../../services';
import { Actor } from '../../../services/accounts';
import { TemplateInput } from '../../../services/templates';
import { SoapCall, SoapHandler } from '../shared/endpoint';
import { Decoded } from '../shared/decode';

// v2 SOAP wire names of the template operations (ApiTemplate) live only here.

type Rec = Record<string, unknown>;

const obj = (v: unknown): Decoded => (v && typeof v === 'object' && !Buffer.isBuffer(v) && !Array.isArray(v) ? (v as Decoded) : (Object.create(null) as Decoded));

/** ApiTemplate out (schema order). */
export function templateOut(t: Template): Rec {
  return {
    Id: t.id,
    Name: t.name,
    Subject: t.subject,
    FromName: t.fromName,
    HtmlContent: t.htmlContent,
    PlainTextContent: t.plainTextContent,
    ReplyAction: t.replyAction,
    ReplyToAddress: t.replyToAddress,
  };
}

/** ApiTemplate in, as the shared service's input. */
export function templateIn(v: unknown): TemplateInput {
  const t = obj(v);
  return {
    name: t.Name,
    subject: t.Subject,
    fromName: t.FromName,
    htmlContent: t.HtmlContent,
    plainTextContent: t.PlainTextContent,
    // why: .NET proxies send NotAvailableInThisVersion for an enum member that was never set.
    replyAction: t.ReplyAction === 'NotAvailableInThisVersion' ? undefined : t.ReplyAction,
    replyToAddress: t.ReplyToAddress,
  };
}

/** The template operations, mapped onto the shared template service. */
export function v2TemplateHandlers(s: TransportServices): Record<string, SoapHandler<Actor>> {
  const acc = (c: SoapCall<Actor>) => c.actor.accountId;
  return {
    CreateTemplate: async (c) => templateOut(await s.templates.create(acc(c), templateIn(c.args.template))),
    UpdateTemplate: async (c) => templateOut(await s.templates.update(acc(c), obj(c.args.template).Id, templateIn(c.args.template))),
    GetTemplateById: async (c) => templateOut(await s.templates.get(acc(c), c.args.templateId)),
    GetTemplates: async (c) => (await s.templates.list(acc(c), { select: c.args.select, skip: c.args.skip })).map(templateOut),
  };
}
