import fs from 'node:fs';
import path from 'node:path';
import * as soap from 'soap';
import type { Suite } from 'mocha';
import { V2_NS, V2_OPERATIONS } from '../../src/transport/soap/v2/schema';
import { vendorWsdlFile } from './factsWsdl';
import { validateResponse } from './strictValidate';
import { vendorFacts } from './vendorFacts';

// Clients generated from the VENDOR's WSDL (written back from the committed facts) with only the endpoint pointed at
// us, as a legacy integration runs them. Every one of them records which operations answered it with their own
// response element (not a fault), so the run can state that every vendor operation of both dialects was served to a
// vendor-WSDL client at least once (issue #21's "each operation has a test through a client generated from the vendor
// WSDL"), computed from the facts rather than from a list kept by hand.

type Dialect = 'v1' | 'v2';
type Client = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ENDPOINT: Record<Dialect, string> = { v1: '/api.asmx', v2: '/v2/Api.svc' };
const answered: Record<Dialect, Set<string>> = { v1: new Set(), v2: new Set() };

/** A node-soap client from the vendor WSDL of a dialect, pointed at a running gateway; records the operations it is answered. */
export async function vendorClient(dialect: Dialect, tag: string, baseUrl: string, options: soap.IOptions = {}): Promise<Client> {
  const client = await soap.createClientAsync(vendorWsdlFile(dialect, tag), { ...options, endpoint: `${baseUrl}${ENDPOINT[dialect]}` });
  client.on('response', (body: string) => {
    const m = /<(?:[\w.-]+:)?Body\b[^>]*>\s*<(?:[\w.-]+:)?(\w+)Response\b/.exec(body);
    if (m) answered[dialect].add(m[1]);
  });
  return client;
}

/** Vendor operations of a dialect that no vendor-WSDL client of this run was answered (sorted). */
export function unansweredVendorOperations(dialect: Dialect): string[] {
  const facts = dialect === 'v1' ? vendorFacts().soapV1 : vendorFacts().soapV2;
  return Object.keys(facts.operations)
    .filter((op) => !answered[dialect].has(op))
    .sort();
}

/** Spec files (absolute paths) that build vendor-WSDL clients, found by reading the test folder. */
function vendorClientSpecs(): string[] {
  const root = path.resolve(__dirname, '..');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.spec.ts') && fs.readFileSync(p, 'utf8').includes('vendorClient(')) out.push(p);
    }
  };
  walk(root);
  return out.sort();
}

/**
 * The coverage check, for the root after-all hook: it applies only to a run that loaded every spec building vendor
 * clients and passed all their tests (a run of one file, a --grep, or a run with a failure there says nothing about it).
 */
export function checkVendorOperationCoverage(root: Suite): void {
  const specs = vendorClientSpecs();
  const tests = new Map<string, Array<string | undefined>>();
  const visit = (s: Suite) => {
    for (const t of s.tests) {
      const file = t.file ?? s.file;
      if (file) tests.set(path.resolve(file), [...(tests.get(path.resolve(file)) ?? []), t.state]);
    }
    s.suites.forEach(visit);
  };
  visit(root);
  const complete = specs.every((f) => (tests.get(f) ?? []).length > 0 && tests.get(f)!.every((state) => state === 'passed'));
  if (!complete) return;
  const missing = (['v1', 'v2'] as const).flatMap((d) => unansweredVendorOperations(d).map((op) => `${d} ${op}`));
  if (missing.length) {
    throw new Error(`vendor operations no vendor-WSDL client was answered in this run (add a test through vendorClient): ${missing.join(', ')}`);
  }
}

/**
 * Logs a v2 SOAP client (ours or a vendor one) in and checks every response it gets strictly against our schema, as a
 * schema-validating client would; the problems go into `into` (the specs expect it empty after each test).
 */
export function loginStrictV2(client: Client, login: { username: string; password: string }, into: string[]): void {
  client.setSecurity(new soap.BasicAuthSecurity(login.username, login.password));
  // why: node-soap's client is lenient (CONTRACT §9.1); every response is also checked strictly against the schema.
  client.on('response', (body: string) => into.push(...validateResponse(body, V2_OPERATIONS, V2_NS)));
}
