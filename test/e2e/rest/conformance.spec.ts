import { expect } from 'chai';
import { openApiDocument } from '../../../src/transport/rest/openapi';
import { RouteFacts, vendorFacts } from '../../helpers/vendorFacts';

// Our REST routes against the vendor's WADL (its committed facts, test/contract/vendor-facts.json). The OpenAPI
// document lists exactly the served routes (openapi.spec.ts); every one not marked as our extension must be a vendor
// route (method and path, path parameter names aside: the vendor has contacts/{id} and contacts/{email}, we serve
// both as contacts/{idOrEmail}) and take every query parameter the vendor's route takes.

type Operation = { 'x-contactgate-extension'?: boolean; 'x-contactgate-vendor-source'?: string; parameters?: Array<{ in: string; name: string }> };

const shape = (route: string) => route.replace(/\{\w+\}/g, '{}');

describe('REST routes conform to the vendor WADL (committed facts)', () => {
  const vendor = new Map<string, RouteFacts[]>();
  for (const [key, r] of Object.entries(vendorFacts().rest.routes)) vendor.set(shape(key), [...(vendor.get(shape(key)) ?? []), r]);
  const ours = Object.entries((openApiDocument() as { paths: Record<string, Record<string, Operation>> }).paths).flatMap(([p, item]) =>
    Object.entries(item).map(([m, op]) => ({ key: `${m.toUpperCase()} ${p}`, op })),
  );
  const vendorRoutes = ours.filter((r) => !r.op['x-contactgate-extension']);

  it('every route that is not our extension is a vendor route (in the WADL, or attested elsewhere and marked so)', () => {
    expect(vendorRoutes.length).to.be.greaterThan(50);
    const unknown = vendorRoutes.filter((r) => !vendor.has(shape(r.key)) && !r.op['x-contactgate-vendor-source']).map((r) => r.key);
    expect(unknown, `not in the vendor WADL: ${unknown.join(', ')}`).to.deep.equal([]);
    // A vendor-source mark is only for what the WADL lacks, and names a CONTRACT section.
    const marked = vendorRoutes.filter((r) => r.op['x-contactgate-vendor-source']);
    for (const r of marked) {
      expect(vendor.has(shape(r.key)), `${r.key} is in the WADL: drop its vendor-source mark`).to.equal(false);
      expect(r.op['x-contactgate-vendor-source']).to.match(/^CONTRACT §\d+/);
    }
    expect(marked.map((r) => r.key)).to.include('DELETE /v2/address-books/{id}/contacts/inbulk');
  });

  it("every vendor route we serve takes the vendor route's query parameters", () => {
    const missing: string[] = [];
    for (const r of vendorRoutes) {
      const q = new Set((r.op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
      for (const v of vendor.get(shape(r.key)) ?? []) for (const name of v.query) if (!q.has(name)) missing.push(`${r.key} ?${name}`);
    }
    expect(missing).to.deep.equal([]);
  });

  it('the comparison is not vacuous: a path the vendor lacks or a dropped query parameter shows', () => {
    expect(vendor.has(shape('GET /v2/contacts/{id}/addressbooks'))).to.equal(false);
    expect(vendor.get(shape('GET /v2/address-books/{id}/contacts'))?.[0].query).to.deep.equal(['withFullData', 'select', 'skip']);
  });
});
