import { EXTENSIONS_HEADER } from './extensions';
import { ref, Schema, SCHEMAS, str } from './openapiSchemas';
import { openApiPath, Route, TX_IMPORT_QUERY, TX_RECORD_QUERY } from './route';

// Builds the OpenAPI 3.0 document of the REST API from the route table (routes/index.ts): one operation per entry.

type Operation = Record<string, unknown>;
type PathItem = Record<string, Operation>;

const json = (s: Schema) => ({ 'application/json': { schema: s } });

/** The switch header, a parameter of every authenticated route. */
const EXTENSIONS_PARAM: Schema = {
  name: EXTENSIONS_HEADER,
  in: 'header',
  required: false,
  description:
    '`true` asks for our extension properties (marked `x-contactgate-extension`) on vendor routes; without it vendor ' +
    'routes answer exactly the vendor’s properties. Extension routes always carry them. Other values than true/false: 400.',
  schema: { type: 'string', enum: ['true', 'false'] },
};

/** Tag of the routes that are ours, not the vendor's. */
const EXT_TAG = 'Extensions';

const QUERY: Record<string, Schema> = {
  select: { name: 'select', in: 'query', description: 'Page size (1..1000).', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
  skip: { name: 'skip', in: 'query', description: 'Records to skip.', schema: { type: 'integer', minimum: 0 } },
  withFullData: { name: 'withFullData', in: 'query', description: 'Include data fields.', schema: { type: 'boolean' } },
  full: { name: 'full', in: 'query', description: 'Extension: recompute every member instead of only changed contacts.', schema: { type: 'boolean' } },
  // Transactional data (issue #19): a record bound from the query when the request has no body, as the vendor's WADL lists.
  ...Object.fromEntries(
    [...TX_RECORD_QUERY, ...TX_IMPORT_QUERY].map((n) => [n, { name: n, in: 'query', description: 'A record member, when the body is empty.', schema: { type: 'string' } }]),
  ),
  state: { name: 'state', in: 'query', description: 'Extension (outbox): pending (default), claimed, acked or all.', schema: { type: 'string', enum: ['pending', 'claimed', 'acked', 'all'] } },
  kind: { name: 'kind', in: 'query', description: 'Extension (outbox): only rows of this kind (email, sms, ...).', schema: { type: 'string' } },
};

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid request (`{"message": "<text> ERROR_CODE"}`).',
  401: 'Missing or wrong credentials.',
  403: 'Not allowed for this account.',
  404: 'No such resource.',
  409: 'Conflict with the current state.',
  413: 'Body or file too large.',
  429: 'Hourly API call limit reached.',
  500: 'Unexpected error (the message carries a correlation id).',
};

/** The OpenAPI operation of one route entry. */
function operation(o: Route): Operation {
  const path = openApiPath(o.path);
  const ext = o.kind === 'extension';
  const params: Schema[] = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: str }));
  for (const q of o.query ?? []) params.push(QUERY[q]);
  if (!o.open) params.push(EXTENSIONS_PARAM);
  const responses: Record<string, unknown> = {};
  const [status, body] = o.ok;
  responses[String(status)] = body
    ? { description: 'Success.', content: o.okType ? { [o.okType]: { schema: body } } : json(body) }
    : { description: 'Success (no content).' };
  const errs = o.open ? [500] : [400, 401, 404, 429, 500, ...(o.errors ?? [])];
  for (const e of [...new Set(errs)].sort()) responses[String(e)] = { description: ERROR_TEXT[e], content: json(ref('ApiError')) };
  const op: Operation = {
    operationId: `${o.method}${path.replace(/\/v2/, '').replace(/[{}]/g, '').replace(/[-/](\w)/g, (_m, c: string) => c.toUpperCase()).replace(/\W/g, '')}`,
    summary: o.summary,
    tags: ext ? [o.tag, EXT_TAG] : [o.tag],
    parameters: params,
    responses,
  };
  if (ext) op['x-contactgate-extension'] = true;
  if (o.vendorSource) op['x-contactgate-vendor-source'] = o.vendorSource;
  if (o.open) op.security = [];
  if (o.body) op.requestBody = { required: true, content: json(o.body) };
  if (!params.length) delete op.parameters;
  return op;
}

/** Builds the OpenAPI 3.0 document of the REST API from a route table. */
export function buildOpenApi(routes: readonly Route[]): Record<string, unknown> {
  const paths: Record<string, PathItem> = {};
  for (const r of routes) (paths[openApiPath(r.path)] ??= {})[r.method] = operation(r);
  return {
    openapi: '3.0.3',
    info: {
      title: 'contactgate REST API (v2)',
      version: '2.0.0',
      description:
        'The dotmailer v2 REST API as served by contactgate, plus our extensions (tagged Extensions and marked ' +
        '`x-contactgate-extension: true`). Vendor routes answer exactly the vendor’s properties; our extension ' +
        `properties (also marked x-contactgate-extension) come with the request header \`${EXTENSIONS_HEADER}: true\`, ` +
        'and always on extension routes. Errors answer `{"message": "<text> ERROR_CODE"}`. Times are UTC ISO-8601.',
    },
    servers: [{ url: '/' }],
    security: [{ basicAuth: [] }],
    tags: [
      ...['Account', 'Contacts', 'Address books', 'Data fields', 'Imports', 'Segments', 'Campaigns', 'Activity', 'Surveys', 'Documentation', 'Templates', 'SMS', 'Outbox'].map((name) => ({ name })),
      { name: EXT_TAG, description: 'Routes that are ours, not the vendor’s.' },
    ],
    paths,
    components: {
      securitySchemes: { basicAuth: { type: 'http', scheme: 'basic', description: 'API username and password.' } },
      schemas: SCHEMAS,
    },
  };
}
