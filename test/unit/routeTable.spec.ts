import { expect } from 'chai';
import { restRouter } from '../../src/transport/rest/router';
import { openApiDocument } from '../../src/transport/rest/openapi';
import { REST_ROUTES } from '../../src/transport/rest/routes';
import { openApiPath, Route, routeName } from '../../src/transport/rest/route';
import { REST_XML_TYPE_NAMES, restXmlType } from '../../src/transport/rest/xmlTypes';
import { responseTypeFor } from '../../src/transport/rest/xml';
import { silentLogger } from '../../src/lib/logger';
import { Services } from '../../src/services';

// The REST route table (src/transport/rest/routes) is the one description of each route: the router mounts it, the
// OpenAPI document is built from it and the XML writer takes each answer's type from it. These checks prove the
// three agree, so a route cannot be served undocumented, documented unserved, or answered in XML under another name.

type Layer = { route?: { path: string | string[]; methods: Record<string, boolean> } };
type Operation = { tags?: string[]; security?: unknown[]; responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>; [k: string]: unknown };
type Doc = { paths: Record<string, Record<string, Operation>> };

/** Every `METHOD /v2/path/{param}` the REST router mounts, in mounting order, read from its Express route stack. */
function mounted(): string[] {
  // why: building the router reads only the body limit; no service is called until a request arrives.
  const s = { config: { bodyLimitBytes: 1024 } } as unknown as Services;
  const router = restRouter(s, silentLogger) as unknown as { stack: Layer[] };
  const out: string[] = [];
  for (const layer of router.stack) {
    if (!layer.route) continue;
    for (const p of ([] as string[]).concat(layer.route.path)) {
      for (const [m, on] of Object.entries(layer.route.methods)) if (on && m !== '_all') out.push(routeName(m, p));
    }
  }
  return out;
}

/** The component schema name an OpenAPI schema refers to (`X`), or to the items of (`ArrayOfX`), if any. */
function refName(schema: Record<string, unknown> | undefined): string | undefined {
  const $ref = (s: unknown) => String((s as { $ref?: string } | undefined)?.$ref ?? '').replace('#/components/schemas/', '') || undefined;
  if (!schema) return undefined;
  if (schema.type === 'array') {
    const item = $ref(schema.items);
    return item && `ArrayOf${item}`;
  }
  return $ref(schema);
}

const table = REST_ROUTES.map((r) => routeName(r.method, r.path));
const answersJson = (r: Route) => r.ok[1] !== undefined && r.okType === undefined;

describe('REST route table: router, OpenAPI and XML read the same entries', () => {
  const doc = openApiDocument() as unknown as Doc;

  it('names each route once', () => {
    const dupes = table.filter((n, i) => table.indexOf(n) !== i);
    expect(dupes).to.deep.equal([]);
    expect(table.length).to.be.greaterThan(60);
  });

  it('mounts every route of the table and no other (open routes first, then the rest in table order)', () => {
    const expected = [...REST_ROUTES.filter((r) => r.open), ...REST_ROUTES.filter((r) => !r.open)].map((r) => routeName(r.method, r.path));
    const served = mounted();
    expect(served.filter((n) => !table.includes(n)), 'mounted but not in the table').to.deep.equal([]);
    expect(table.filter((n) => !served.includes(n)), 'in the table but not mounted').to.deep.equal([]);
    expect(served).to.deep.equal(expected);
  });

  it('documents every route of the table in OpenAPI with its method, path, status, kind and login, and nothing else', () => {
    const documented = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
    expect([...documented].sort()).to.deep.equal([...table].sort());
    for (const r of REST_ROUTES) {
      const op = doc.paths[openApiPath(r.path)][r.method];
      const name = routeName(r.method, r.path);
      expect(Object.keys(op.responses), name).to.include(String(r.ok[0]));
      expect(op['x-contactgate-extension'], name).to.equal(r.kind === 'extension' ? true : undefined);
      expect(op.tags, name).to.deep.equal(r.kind === 'extension' ? [r.tag, 'Extensions'] : [r.tag]);
      expect(op.security, name).to.deep.equal(r.open ? [] : undefined);
    }
  });

  it('gives every route that answers a JSON body an XML type decision, named after the documented answer schema', () => {
    for (const r of REST_ROUTES) {
      const name = routeName(r.method, r.path);
      if (!answersJson(r)) {
        expect(r.xml, `${name}: no JSON answer, so no XML type`).to.equal(undefined);
        continue;
      }
      expect(r.xml, `${name}: answers JSON, so it names its XML type (or null: JSON only)`).not.to.equal(undefined);
      if (r.xml === null) continue;
      expect(responseTypeFor(r)?.q.name, name).to.equal(r.xml);
      const schema = doc.paths[openApiPath(r.path)][r.method].responses[String(r.ok[0])].content?.['application/json']?.schema;
      expect(refName(schema), `${name}: the XML type is the documented answer schema`).to.equal(r.xml);
    }
  });

  it('names each XML type after its own descriptor, and uses every one', () => {
    for (const n of REST_XML_TYPE_NAMES) expect(restXmlType(n).q.name).to.equal(n);
    const used = new Set(REST_ROUTES.map((r) => r.xml).filter(Boolean));
    expect(REST_XML_TYPE_NAMES.filter((n) => !used.has(n)), 'XML types no route answers').to.deep.equal([]);
  });

  it('marks vendor and extension routes in the entry: documentation routes are ours, the server time is the vendor’s', () => {
    const kind = (m: string, p: string) => REST_ROUTES.find((r) => r.method === m && r.path === p)?.kind;
    expect(kind('get', '/server-time')).to.equal('vendor');
    expect(kind('get', '/openapi.json')).to.equal('extension');
    expect(kind('get', '/segments')).to.equal('vendor');
    expect(kind('post', '/segments')).to.equal('extension');
    expect(kind('post', '/campaigns/send/:id/cancel')).to.equal('extension');
  });
});
