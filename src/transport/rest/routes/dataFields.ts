import { actorOf } from '../auth';
import { ci } from '../input';
import { dependencyOut, fieldOut } from '../mappers';
import { arrayOf, ref } from '../openapiSchemas';
import { Route } from '../route';

/** Vendor data-field routes under /v2/data-fields. */
export const dataFieldRoutes: Route[] = [
  {
    method: 'get', path: '/data-fields', kind: 'vendor', tag: 'Data fields', summary: 'List data fields.', ok: [200, arrayOf(ref('ApiDataField'))], xml: 'ArrayOfApiDataField',
    handler: async (_req, res, { s }) => res.json((await s.dataFields.list(actorOf(res).accountId)).map(fieldOut)),
  },
  {
    method: 'post', path: '/data-fields', kind: 'vendor', tag: 'Data fields', summary: 'Create a data field.', body: ref('ApiDataField'), ok: [201, ref('ApiDataField')], errors: [409],
    xml: 'ApiDataField',
    handler: async (req, res, { s }) => {
      const b = ci(req.body);
      const f = await s.dataFields.create(actorOf(res).accountId, {
        name: b.get('name'),
        type: b.get('type'),
        visibility: b.get('visibility'),
        defaultValue: b.get('defaultValue'),
      });
      res.status(201).json(fieldOut(f));
    },
  },
  {
    method: 'delete', path: '/data-fields/:name', kind: 'vendor', tag: 'Data fields', summary: 'Delete a data field (409 with the dependencies when in use).',
    ok: [200, ref('ApiDependencyResult')], errors: [409], xml: 'ApiDependencyResult',
    handler: async (req, res, { s }) => {
      const d = await s.dataFields.delete(actorOf(res).accountId, req.params.name);
      // why: the vendor answered 409 with the dependency list when something still used the field.
      res.status(d.result ? 200 : 409).json(dependencyOut(d));
    },
  },
];
