import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import * as soap from 'soap';
import { extractFacts, stringifyFacts } from '../../scripts/extract-contract-facts';
import { parseXml, XmlNode } from '../../src/transport/xml/xmlTree';
import { vendorWsdl, vendorWsdlFile } from '../helpers/factsWsdl';
import { ContractFacts, FACTS_FILE, WSDL_DIALECTS, WsdlFacts } from '../helpers/vendorFacts';
import { describeElement, indexWsdl } from '../helpers/wsdlTree';
import { WsdlModel } from '../helpers/wsdlModel';

// The freshness check of the committed contract facts: when the vendor's files are beside the project, the facts
// must be a fresh extraction of them, and the WSDLs written back from the facts must read and work exactly like the
// originals (our WSDL readers, and node-soap's descriptions and requests for every operation). A fresh clone has no
// such folder: the check then reads the committed facts on their own and says so in one line.

/** The vendor's interface files: a folder beside the project checkout, never part of it. Only this freshness check
 * (and `npm run contract:facts` in package.json) names it; every other test reads the committed facts file. */
const VENDOR_DIR = path.resolve(__dirname, '..', '..', '..', 'shared', 'contract', 'vendor');

type Client = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** node-soap's description of a client with namespace prefixes left out (they are the only thing a written-back WSDL may spell differently). */
function withoutPrefixes(d: unknown, seen = new Map<object, unknown>()): unknown {
  if (typeof d === 'string') return d.replace(/(^|\|)[A-Za-z_][\w.-]*:/g, '$1');
  if (!d || typeof d !== 'object') return d;
  if (seen.has(d)) return seen.get(d);
  const out: Record<string, unknown> = {};
  seen.set(d, out);
  for (const [k, v] of Object.entries(d)) if (k !== 'targetNSAlias') out[k] = withoutPrefixes(v, seen);
  return out;
}

/** Arguments for an operation, built from node-soap's description of its input: every member set, two items per list. */
function sampleArgs(d: unknown, depth = 0): unknown {
  if (typeof d === 'string') {
    const [, , values] = d.split('|');
    if (values) return values.split(',')[0];
    const samples: Record<string, unknown> = { int: 1, long: 2, short: 3, boolean: true, dateTime: '2020-01-02T03:04:05', decimal: 1.5, double: 2.5, base64Binary: 'QUJD', anyType: 'v' };
    return samples[d.replace(/^.*:/, '')] ?? 'x';
  }
  if (depth > 4 || !d || typeof d !== 'object') return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) {
    if (k === 'targetNSAlias' || k === 'targetNamespace') continue;
    const s = sampleArgs(v, depth + 1);
    if (s !== undefined) out[k.replace(/\[\]$/, '')] = k.endsWith('[]') ? [s, s] : s;
  }
  return out;
}

/** A parsed XML element with every name namespace-resolved and namespace declarations dropped. */
function resolved(n: XmlNode): unknown {
  return {
    name: `{${n.ns}}${n.local}`,
    attrs: n.attrs.map((a) => `{${a.ns}}${a.local}=${a.value}`).sort(),
    text: n.text,
    children: n.children.map(resolved),
  };
}

/** Every request a client makes for every operation of every port, captured instead of sent. */
async function requests(file: string): Promise<Map<string, string>> {
  let last = '';
  const httpClient = {
    request: (_url: string, data: string, callback: (err: Error) => void) => {
      last = data;
      callback(new Error('captured'));
    },
  };
  const client: Client = await soap.createClientAsync(file, { httpClient: httpClient as never });
  const out = new Map<string, string>();
  for (const [service, ports] of Object.entries<Client>(client.describe())) {
    for (const [port, ops] of Object.entries<Client>(ports)) {
      for (const [op, io] of Object.entries<Client>(ops)) {
        const args = sampleArgs(io.input);
        last = '';
        await new Promise<void>((done) => client[service][port][op](args, () => done()));
        out.set(`${port}.${op}`, last);
      }
    }
  }
  return out;
}

describe('vendor contract facts: freshness against the vendor files', () => {
  it('are a fresh extraction of the vendor files, and the written-back WSDLs read and work like them (when the files are beside the project)', async function () {
    this.timeout(120_000);
    if (!fs.existsSync(VENDOR_DIR)) {
      console.log(`      note: no vendor contract folder at ${VENDOR_DIR}; the committed facts are used as they are (freshness not checked)`);
      const f = JSON.parse(fs.readFileSync(FACTS_FILE, 'utf8')) as ContractFacts;
      expect([Object.keys(f.soapV1.operations).length, Object.keys(f.soapV2.operations).length]).to.deep.equal([67, 88]);
      return;
    }
    const fresh = stringifyFacts(await extractFacts(VENDOR_DIR));
    const committed = fs.readFileSync(FACTS_FILE, 'utf8');
    if (fresh !== committed) {
      const a = fresh.split('\n');
      const b = committed.split('\n');
      const i = a.findIndex((line, n) => line !== b[n]);
      expect.fail(`${path.relative(process.cwd(), FACTS_FILE)} is stale (first difference at line ${i + 1}: "${b[i]}" should be "${a[i]}"); run npm run contract:facts`);
    }

    for (const { dialect, facts, source } of WSDL_DIALECTS) {
      const f: WsdlFacts = facts();
      const file = path.join(VENDOR_DIR, source);
      const original = fs.readFileSync(file, 'utf8');
      const written = vendorWsdl(dialect);
      // Our two WSDL readers (the conformance tests' view) see the same trees, SOAPActions, styles and uses.
      const [mo, mw] = [new WsdlModel(original), new WsdlModel(written)];
      const [io, iw] = [indexWsdl(original), indexWsdl(written)];
      let lines = 0;
      for (const op of Object.keys(f.operations)) {
        for (const el of [op, `${op}Response`]) {
          expect(mw.describe(f.targetNamespace, el), el).to.deep.equal(mo.describe(f.targetNamespace, el));
          expect(describeElement(iw, f.targetNamespace, el), el).to.deep.equal(describeElement(io, f.targetNamespace, el));
          lines += mo.describe(f.targetNamespace, el).length;
        }
      }
      expect(lines).to.be.greaterThan(900);
      const bindings = (m: WsdlModel) => Object.fromEntries([...m.bindings].map(([k, v]) => [k, Object.fromEntries(v)]));
      expect(bindings(mw)).to.deep.equal(bindings(mo));
      expect(Object.fromEntries(iw.actions)).to.deep.equal(Object.fromEntries(io.actions));

      // node-soap: the same description (prefixes aside) and, for every operation of every port, the same request.
      const tmp = vendorWsdlFile(dialect, 'freshness');
      const [co, cw]: Client[] = [await soap.createClientAsync(file), await soap.createClientAsync(tmp)];
      expect(withoutPrefixes(cw.describe())).to.deep.equal(withoutPrefixes(co.describe()));
      const [ro, rw] = [await requests(file), await requests(tmp)];
      expect([...rw.keys()].sort()).to.deep.equal([...ro.keys()].sort());
      expect(ro.size).to.equal(dialect === 'v1' ? 134 : 88);
      for (const [op, xml] of ro) {
        expect(xml, op).to.match(/:Body>/);
        expect(resolved(parseXml(rw.get(op)!)), op).to.deep.equal(resolved(parseXml(xml)));
      }
    }
  });
});
