import { Template } from '../../../domain/template';
import { TemplateInput } from '../../../services/templates';
import { actorOf } from '../auth';
import { ci, CiObject, queryParam } from '../input';
import { arrayOf, ref } from '../openapiSchemas';
import { PAGED, Route } from '../route';

/** ApiTemplate (REST casing, the vendor's members only). */
export function templateOut(t: Template): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    subject: t.subject,
    fromName: t.fromName,
    htmlContent: t.htmlContent,
    plainTextContent: t.plainTextContent,
    replyAction: t.replyAction,
    replyToAddress: t.replyToAddress,
  };
}

/** ApiTemplate in (any casing). */
export function templateIn(b: CiObject): TemplateInput {
  return {
    name: b.get('name'),
    subject: b.get('subject'),
    fromName: b.get('fromName'),
    htmlContent: b.get('htmlContent'),
    plainTextContent: b.get('plainTextContent'),
    replyAction: b.get('replyAction'),
    replyToAddress: b.get('replyToAddress'),
  };
}

const tag = 'Templates';

/** Vendor template routes under /v2/templates (create, get, list, update). */
export const templateRoutes: Route[] = [
  {
    method: 'get', path: '/templates', kind: 'vendor', tag, summary: 'List templates.', query: PAGED, ok: [200, arrayOf(ref('ApiTemplate'))], xml: 'ArrayOfApiTemplate',
    handler: async (req, res, { s }) => {
      const list = await s.templates.list(actorOf(res).accountId, { select: queryParam(req.query, 'select'), skip: queryParam(req.query, 'skip') });
      res.json(list.map(templateOut));
    },
  },
  {
    method: 'post', path: '/templates', kind: 'vendor', tag, summary: 'Create a template.', body: ref('ApiTemplate'), ok: [201, ref('ApiTemplate')], xml: 'ApiTemplate',
    handler: async (req, res, { s }) => res.status(201).json(templateOut(await s.templates.create(actorOf(res).accountId, templateIn(ci(req.body))))),
  },
  {
    method: 'get', path: '/templates/:id', kind: 'vendor', tag, summary: 'Get a template.', ok: [200, ref('ApiTemplate')], xml: 'ApiTemplate',
    handler: async (req, res, { s }) => res.json(templateOut(await s.templates.get(actorOf(res).accountId, req.params.id))),
  },
  {
    method: 'put', path: '/templates/:id', kind: 'vendor', tag, summary: 'Update a template.', body: ref('ApiTemplate'), ok: [200, ref('ApiTemplate')], xml: 'ApiTemplate',
    handler: async (req, res, { s }) => res.json(templateOut(await s.templates.update(actorOf(res).accountId, req.params.id, templateIn(ci(req.body))))),
  },
];
