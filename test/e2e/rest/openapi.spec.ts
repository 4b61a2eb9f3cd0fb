import { expect } from 'chai';
import { restRouter } from '../../../src/transport/rest/router';
import { silentLogger } from '../../../src/lib/logger';
import { SEGMENT_EXTENSION_KEYS } from '../../../src/transport/rest/segmentMappers';
import { SEND_EXTENSION_KEYS } from '../../../src/transport/rest/routes/sends';
import { startApp, TestApp } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';

type Layer = { route?: { path: string | string[]; methods: Record<string, boolean> } };

/** Every `METHOD /v2/path/{param}` the REST router serves, read from its Express route stack. */
function servedRoutes(app: TestApp): string[] {
  const router = restRouter(app.services, silentLogger) as unknown as { stack: Layer[] };
  const out: string[] = [];
  for (const layer of router.stack) {
    if (!layer.route) continue;
    for (const p of ([] as string[]).concat(layer.route.path)) {
      for (const [m, on] of Object.entries(layer.route.methods)) {
        if (on && m !== '_all') out.push(`${m.toUpperCase()} /v2${p.replace(/:(\w+)/g, '{$1}')}`);
      }
    }
  }
  return [...new Set(out)].sort();
}

/** Every `METHOD path` an OpenAPI document describes. */
function documentedRoutes(doc: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(doc.paths)
    .flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`))
    .sort();
}

describe('REST documentation: /v2/openapi.json and /v2/docs', () => {
  let app: TestApp;
  let doc: { paths: Record<string, Record<string, Record<string, unknown>>>; [k: string]: unknown };
  before(async () => {
    app = await startApp();
    const r = await new RestClient(app.baseUrl).get('/v2/openapi.json');
    expect(r.status).to.equal(200);
    doc = r.body as typeof doc;
  });
  after(() => app.close());

  it('serves an OpenAPI 3 document without authentication that a schema validator accepts', async () => {
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const v = new Validator();
    const res = await v.validate(doc as Record<string, unknown>);
    expect(res.errors ?? [], JSON.stringify(res.errors, null, 2)).to.deep.equal([]);
    expect(res.valid).to.equal(true);
    expect(v.version).to.match(/^3\./);
  });

  it('documents every served route and serves every documented route', () => {
    const served = servedRoutes(app);
    const documented = documentedRoutes(doc);
    expect(served.length).to.be.greaterThan(60);
    const undocumented = served.filter((r) => !documented.includes(r));
    expect(undocumented, `served routes missing from the route table (src/transport/rest/routes): ${undocumented.join(', ')}`).to.deep.equal([]);
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((o) => String(o.operationId)));
    expect(new Set(ids).size, 'operationIds are unique').to.equal(ids.length);
    const notServed = documented.filter((r) => !served.includes(r));
    expect(notServed, `documented routes the router does not serve: ${notServed.join(', ')}`).to.deep.equal([]);
  });

  it('marks our extensions with x-contactgate-extension and the Extensions tag, and vendor routes not', () => {
    const op = (m: string, p: string) => doc.paths[p][m];
    for (const [m, p] of [
      ['post', '/v2/segments'],
      ['get', '/v2/segments/{id}/contacts'],
      ['post', '/v2/activity-events'],
      ['post', '/v2/surveys/{id}/responses'],
    ]) {
      expect(op(m, p)['x-contactgate-extension'], `${m} ${p}`).to.equal(true);
      expect(op(m, p).tags).to.include('Extensions');
    }
    for (const [m, p] of [
      ['get', '/v2/contacts/{idOrEmail}'],
      ['post', '/v2/contacts/import'],
      ['get', '/v2/segments'],
    ]) {
      expect(op(m, p)['x-contactgate-extension'], `${m} ${p}`).to.equal(undefined);
    }
    const schemas = (doc.components as { schemas: Record<string, { properties?: Record<string, unknown> }> }).schemas;
    for (const s of ['ApiContact', 'ApiAddressBook', 'ApiDataField', 'ApiContactImport', 'ApiContactImportReport', 'ApiSegment', 'ApiSegmentRefresh', 'ApiCampaign', 'ApiCampaignSend', 'ApiError']) {
      expect(schemas, s).to.have.property(s);
    }
    expect(schemas.ApiSegment.properties).to.include.keys('staleSince', 'refreshDueBy', 'lastRefreshed', 'pendingRefresh');
    expect((doc.components as { securitySchemes: Record<string, unknown> }).securitySchemes.basicAuth).to.deep.include({ type: 'http', scheme: 'basic' });
  });

  it('lists the X-Contactgate-Extensions header on every authenticated route and marks the extension properties of vendor types', () => {
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const [m, o] of Object.entries(item)) {
        const header = ((o.parameters ?? []) as Array<{ name: string; in: string }>).filter((x) => x.in === 'header' && x.name === 'X-Contactgate-Extensions');
        expect(header, `${m} ${p}`).to.have.length(Array.isArray(o.security) && (o.security as unknown[]).length === 0 ? 0 : 1);
      }
    }
    const schemas = (doc.components as { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> }).schemas;
    const marked = (s: string) => Object.keys(schemas[s].properties).filter((k) => schemas[s].properties[k]['x-contactgate-extension'] === true);
    // The mappers' extension keys are exactly the documented ones.
    expect(marked('ApiSegment')).to.deep.equal([...SEGMENT_EXTENSION_KEYS]);
    expect(marked('ApiCampaignSend')).to.deep.equal([...SEND_EXTENSION_KEYS]);
    expect(marked('ApiContact')).to.deep.equal([]);
  });

  it('serves Swagger UI at /v2/docs from the gateway itself: every asset local, a strict CSP, nothing from elsewhere', async () => {
    const r = await new RestClient(app.baseUrl).get('/v2/docs');
    expect(r.status).to.equal(200);
    expect(r.headers.get('content-type')).to.match(/^text\/html/);
    expect(r.headers.get('content-security-policy')).to.match(/script-src 'self';/);
    const html = r.text;
    expect(html).not.to.match(/(src|href)="(https?:)?\/\//i);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets).to.include.members(['/v2/docs/swagger-ui-bundle.js', '/v2/docs/swagger-ui.css', '/v2/docs/start.js']);
    for (const a of assets) {
      const got = await fetch(`${app.baseUrl}${a}`);
      expect(got.status, a).to.equal(200);
      const body = await got.text();
      if (a.endsWith('.js')) expect(got.headers.get('content-type'), a).to.match(/javascript/);
      if (a === '/v2/docs/start.js') expect(body).to.include("url: '/v2/openapi.json'");
    }
    // Only the viewer's own files: not the rest of the package.
    expect((await fetch(`${app.baseUrl}/v2/docs/package.json`)).status).to.equal(401);
  });
});
