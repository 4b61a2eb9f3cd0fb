import fs from 'node:fs';
import path from 'node:path';
import { Parser } from 'xml2js';
import {
  clark,
  ComplexTypeFacts,
  ContractFacts,
  ElementFacts,
  FACTS_FILE,
  MessageFacts,
  OperationFacts,
  ParticleFacts,
  QName,
  Representations,
  RestParamFacts,
  RouteFacts,
  SchemaFacts,
  SimpleTypeFacts,
  SoapVersion,
  splitClark,
  WadlFacts,
  WsdlFacts,
} from '../test/helpers/vendorFacts';

// Extracts the facts of the vendor contract (operations, parameters, namespaces, SOAPActions, types, enum values,
// REST routes and the REST grammar's types) from the vendor's WSDL and WADL files into test/contract/vendor-facts.json.
// Usage: `npm run contract:facts` (the vendor folder beside the checkout, named in package.json), or
// `npx tsx scripts/extract-contract-facts.ts <vendor folder>`. xml2js reads the files: they are trusted reference data, and
// this is a development tool (the gateway's own XML reader is the limited sax reader, see docs/reliability.md).
// why: anything in a schema the facts have no place for stops the extraction instead of being dropped silently.


/** The vendor files, by facts section. */
export const SOURCES = { soapV1: 'v1-API.asmx.wsdl', soapV2: 'v2-Api.svc.wsdl', rest: 'v2-rest-2020.wadl.xml' } as const;

const XS = 'http://www.w3.org/2001/XMLSchema';
const WSDL = 'http://schemas.xmlsoap.org/wsdl/';
const SOAP11 = 'http://schemas.xmlsoap.org/wsdl/soap/';
const SOAP12 = 'http://schemas.xmlsoap.org/wsdl/soap12/';
const WSAW = 'http://www.w3.org/2006/05/addressing/wsdl';
const WADL = 'http://wadl.dev.java.net/2009/02';
const SER = 'http://schemas.microsoft.com/2003/10/Serialization/';

/** A namespace-resolved element: attributes keep their scope for QName-valued attributes. */
interface El {
  ns: string;
  local: string;
  attrs: Array<{ ns: string; local: string; value: string }>;
  scope: Map<string, string>;
  children: El[];
  text: string;
  where: string;
}

type Raw = { '#name'?: string; $?: Record<string, string>; $$?: Raw[]; _?: string };

/** Parses XML with xml2js (children in document order) and resolves namespaces. */
export async function readXml(text: string): Promise<El> {
  const parsed = (await new Parser({ explicitChildren: true, preserveChildrenOrder: true, explicitRoot: true }).parseStringPromise(text)) as Record<string, Raw>;
  const [rootName] = Object.keys(parsed);
  return resolve(rootName, parsed[rootName], new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]), '');
}

function resolve(name: string, raw: Raw, parentScope: Map<string, string>, parentWhere: string): El {
  const scope = new Map(parentScope);
  const rawAttrs = raw.$ ?? {};
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns') scope.set('', v);
    else if (k.startsWith('xmlns:')) scope.set(k.slice(6), v);
  }
  const split = (q: string, useDefault: boolean) => {
    const i = q.indexOf(':');
    const prefix = i < 0 ? '' : q.slice(0, i);
    const local = i < 0 ? q : q.slice(i + 1);
    if (i < 0 && !useDefault) return { ns: '', local };
    const ns = scope.get(prefix);
    if (ns === undefined) {
      if (i < 0) return { ns: '', local };
      throw new Error(`undeclared prefix ${prefix} in ${q} at ${parentWhere}`);
    }
    return { ns, local };
  };
  const { ns, local } = split(name, true);
  const nameAttr = rawAttrs.name ?? rawAttrs.path;
  const where = `${parentWhere}/${local}${nameAttr ? `[${nameAttr}]` : ''}`;
  const attrs = Object.entries(rawAttrs)
    .filter(([k]) => k !== 'xmlns' && !k.startsWith('xmlns:'))
    .map(([k, value]) => ({ ...split(k, false), value }));
  const children = (raw.$$ ?? []).map((c) => resolve(c['#name']!, c, scope, where));
  return { ns, local, attrs, scope, children, text: raw._ ?? '', where };
}

function attr(el: El, local: string, ns = ''): string | undefined {
  return el.attrs.find((a) => a.local === local && a.ns === ns)?.value;
}

function need(el: El, local: string): string {
  const v = attr(el, local);
  if (v === undefined) throw new Error(`${el.where}: missing ${local}`);
  return v;
}

/** Refuses attributes the facts have no place for. */
function only(el: El, allowed: string[]): void {
  for (const a of el.attrs) {
    if (a.ns === '' && allowed.includes(a.local)) continue;
    throw new Error(`${el.where}: unsupported attribute ${a.ns ? `{${a.ns}}` : ''}${a.local}`);
  }
}

function unsupported(el: El): never {
  throw new Error(`${el.where}: unsupported {${el.ns}}${el.local}`);
}

/** A QName-valued attribute in Clark notation (an unprefixed value is in the default namespace, if any). */
function qname(el: El, value: string): QName {
  const i = value.indexOf(':');
  const prefix = i < 0 ? '' : value.slice(0, i);
  const ns = el.scope.get(prefix);
  if (ns === undefined && i >= 0) throw new Error(`${el.where}: undeclared prefix in ${value}`);
  return clark(ns ?? '', i < 0 ? value : value.slice(i + 1));
}

const kids = (el: El, ns: string, local: string) => el.children.filter((c) => c.ns === ns && c.local === local);
const isDoc = (c: El) => (c.ns === XS && c.local === 'annotation') || (c.ns === WSDL && c.local === 'documentation') || (c.ns === WADL && c.local === 'doc');

// ---- XML Schema ----

function complexType(el: El): ComplexTypeFacts {
  only(el, ['name', 'mixed']);
  let out: ComplexTypeFacts | undefined;
  for (const c of el.children) {
    if (isDoc(c)) continue;
    if (out) throw new Error(`${el.where}: more than one content model`);
    if (c.ns === XS && c.local === 'sequence') out = { sequence: sequence(c) };
    else if (c.ns === XS && c.local === 'complexContent') {
      only(c, ['mixed']);
      const [ext, ...rest] = c.children;
      if (!ext || rest.length || ext.ns !== XS || ext.local !== 'extension') unsupported(c);
      only(ext, ['base']);
      const [seq, ...more] = ext.children;
      if (more.length || (seq && (seq.ns !== XS || seq.local !== 'sequence'))) unsupported(ext);
      out = { extends: qname(ext, need(ext, 'base')), sequence: seq ? sequence(seq) : [] };
      if (attr(c, 'mixed') !== undefined) out.mixed = attr(c, 'mixed') === 'true';
    } else unsupported(c);
  }
  out ??= { sequence: [] };
  if (attr(el, 'mixed') !== undefined) out.mixed = attr(el, 'mixed') === 'true';
  return out;
}

function sequence(el: El): ParticleFacts[] {
  only(el, []);
  return el.children.map((c) => {
    if (c.ns !== XS || c.local !== 'element') unsupported(c);
    only(c, ['name', 'type', 'minOccurs', 'maxOccurs', 'nillable', 'default']);
    const p: ParticleFacts = {
      name: need(c, 'name'),
      minOccurs: attr(c, 'minOccurs') ?? '1',
      maxOccurs: attr(c, 'maxOccurs') ?? '1',
      nillable: attr(c, 'nillable') === 'true',
    };
    const t = attr(c, 'type');
    if (t !== undefined) p.type = qname(c, t);
    if (attr(c, 'default') !== undefined) p.default = attr(c, 'default');
    const inline = c.children.filter((k) => !isDoc(k));
    if (inline.length) {
      if (t !== undefined || inline.length > 1 || inline[0].ns !== XS || inline[0].local !== 'complexType') unsupported(c);
      p.complexType = complexType(inline[0]);
    }
    return p;
  });
}

function simpleType(el: El): SimpleTypeFacts {
  only(el, ['name']);
  const [r, ...rest] = el.children.filter((c) => !isDoc(c));
  if (!r || rest.length || r.ns !== XS || r.local !== 'restriction') unsupported(el);
  only(r, ['base']);
  const out: SimpleTypeFacts = { base: qname(r, need(r, 'base')) };
  for (const f of r.children) {
    if (f.ns !== XS) unsupported(f);
    only(f, ['value']);
    const value = need(f, 'value');
    if (f.local === 'enumeration') {
      (out.enumeration ??= []).push(value);
      const code = f.children
        .filter((a) => a.ns === XS && a.local === 'annotation')
        .flatMap((a) => kids(a, XS, 'appinfo'))
        .flatMap((a) => kids(a, SER, 'EnumerationValue'));
      if (code.length) (out.codes ??= {})[value] = code[0].text.trim();
    } else if (f.local === 'pattern' || f.local === 'minInclusive' || f.local === 'maxInclusive') {
      if (out[f.local] !== undefined) unsupported(f);
      out[f.local] = value;
    } else unsupported(f);
  }
  return out;
}

function schema(el: El): SchemaFacts {
  only(el, ['targetNamespace', 'elementFormDefault', 'attributeFormDefault']);
  const out: SchemaFacts = { imports: [], elements: {}, complexTypes: {}, simpleTypes: {}, attributes: {} };
  for (const k of ['elementFormDefault', 'attributeFormDefault'] as const) if (attr(el, k) !== undefined) out[k] = attr(el, k);
  const put = <T>(map: Record<string, T>, c: El, v: T) => {
    const name = need(c, 'name');
    if (name in map) throw new Error(`${c.where}: declared twice`);
    map[name] = v;
  };
  for (const c of el.children) {
    if (isDoc(c)) continue;
    if (c.ns !== XS) unsupported(c);
    if (c.local === 'import') {
      only(c, ['namespace']);
      out.imports.push(need(c, 'namespace'));
    } else if (c.local === 'element') {
      only(c, ['name', 'type', 'nillable']);
      const e: ElementFacts = { nillable: attr(c, 'nillable') === 'true' };
      if (attr(c, 'type') !== undefined) e.type = qname(c, attr(c, 'type')!);
      const inline = c.children.filter((k) => !isDoc(k));
      if (inline.length) {
        if (e.type || inline.length > 1 || inline[0].ns !== XS || inline[0].local !== 'complexType') unsupported(c);
        e.complexType = complexType(inline[0]);
      }
      put(out.elements, c, e);
    } else if (c.local === 'complexType') put(out.complexTypes, c, complexType(c));
    else if (c.local === 'simpleType') put(out.simpleTypes, c, simpleType(c));
    else if (c.local === 'attribute') {
      only(c, ['name', 'type']);
      put(out.attributes, c, qname(c, need(c, 'type')));
    } else unsupported(c);
  }
  return out;
}

// ---- WSDL ----

/** The facts of one WSDL 1.1 document (document/literal, one part per message). */
export async function extractWsdl(text: string, source: string): Promise<WsdlFacts> {
  const root = await readXml(text);
  if (root.ns !== WSDL || root.local !== 'definitions') throw new Error(`${source}: not a WSDL`);
  const tns = need(root, 'targetNamespace');
  const local = (el: El, q: string) => {
    const { ns, local: name } = splitClark(qname(el, q));
    if (ns !== tns) throw new Error(`${el.where}: ${q} is not in the target namespace`);
    return name;
  };

  const schemas: Record<string, SchemaFacts> = {};
  for (const types of kids(root, WSDL, 'types')) {
    for (const s of types.children.filter((c) => !isDoc(c))) {
      if (s.ns !== XS || s.local !== 'schema') unsupported(s);
      const ns = attr(s, 'targetNamespace') ?? '';
      if (ns in schemas) throw new Error(`${source}: two schemas for ${ns}`);
      schemas[ns] = schema(s);
    }
  }

  const messages = new Map<string, { part: string; element: QName }>();
  for (const m of kids(root, WSDL, 'message')) {
    const parts = kids(m, WSDL, 'part');
    if (parts.length !== 1) throw new Error(`${m.where}: ${parts.length} parts`);
    only(parts[0], ['name', 'element']);
    messages.set(need(m, 'name'), { part: need(parts[0], 'name'), element: qname(parts[0], need(parts[0], 'element')) });
  }

  const portTypes = kids(root, WSDL, 'portType');
  if (portTypes.length !== 1) throw new Error(`${source}: ${portTypes.length} portTypes`);
  const portType = need(portTypes[0], 'name');
  const operations: Record<string, OperationFacts> = {};
  for (const op of kids(portTypes[0], WSDL, 'operation')) {
    const name = need(op, 'name');
    const dir = (d: 'input' | 'output'): MessageFacts => {
      const [io] = kids(op, WSDL, d);
      if (!io) throw new Error(`${op.where}: no ${d}`);
      const message = local(io, need(io, 'message'));
      const m = messages.get(message);
      if (!m) throw new Error(`${io.where}: unknown message ${message}`);
      const out: MessageFacts = { message, ...m };
      const action = attr(io, 'Action', WSAW);
      if (action !== undefined) out.action = action;
      return out;
    };
    if (name in operations) throw new Error(`${op.where}: overloaded operation`);
    const input = dir('input');
    operations[name] = { input, output: dir('output'), parameters: parametersOf(schemas, input.element), bindings: {} };
  }

  const bindings: WsdlFacts['bindings'] = {};
  for (const b of kids(root, WSDL, 'binding')) {
    const name = need(b, 'name');
    const sb = b.children.find((c) => (c.ns === SOAP11 || c.ns === SOAP12) && c.local === 'binding');
    if (!sb) throw new Error(`${b.where}: not a SOAP binding`);
    only(sb, ['transport', 'style']);
    const protocol: SoapVersion = sb.ns === SOAP11 ? 'soap11' : 'soap12';
    bindings[name] = { protocol, transport: need(sb, 'transport'), portType: local(b, need(b, 'type')) };
    if (attr(sb, 'style') !== undefined) bindings[name].style = attr(sb, 'style');
    for (const op of kids(b, WSDL, 'operation')) {
      const so = kids(op, sb.ns, 'operation')[0];
      if (!so) throw new Error(`${op.where}: no soap operation`);
      only(so, ['soapAction', 'style']);
      const use = (d: string) => {
        const body = kids(op, WSDL, d)[0]?.children.filter((c) => c.ns === sb.ns);
        if (body?.length !== 1 || body[0].local !== 'body') throw new Error(`${op.where}: ${d} is not one soap body`);
        only(body[0], ['use']);
        return need(body[0], 'use');
      };
      const target = operations[need(op, 'name')];
      if (!target) throw new Error(`${op.where}: not in the portType`);
      target.bindings[name] = { soapAction: need(so, 'soapAction'), style: attr(so, 'style') ?? '', input: use('input'), output: use('output') };
    }
  }

  const services = kids(root, WSDL, 'service');
  if (services.length !== 1) throw new Error(`${source}: ${services.length} services`);
  const ports: WsdlFacts['ports'] = {};
  for (const p of kids(services[0], WSDL, 'port')) {
    const addr = p.children.find((c) => (c.ns === SOAP11 || c.ns === SOAP12) && c.local === 'address');
    if (!addr) throw new Error(`${p.where}: no SOAP address`);
    ports[need(p, 'name')] = { binding: local(p, need(p, 'binding')), protocol: addr.ns === SOAP11 ? 'soap11' : 'soap12', location: need(addr, 'location') };
  }
  return { source, targetNamespace: tns, service: need(services[0], 'name'), ports, portType, bindings, operations, schemas };
}

/** The parameter names of a request element, in order (the children of its wrapper sequence). */
function parametersOf(schemas: Record<string, SchemaFacts>, element: QName): string[] {
  const e = splitClark(element);
  const el = schemas[e.ns]?.elements[e.local];
  if (!el) throw new Error(`no element ${element}`);
  let ct = el.complexType;
  if (!ct && el.type) {
    const t = splitClark(el.type);
    ct = schemas[t.ns]?.complexTypes[t.local];
  }
  return (ct?.sequence ?? []).map((p) => p.name);
}

// ---- WADL ----

/** REST grammar type names: `xs:...` for XML Schema, the bare name for the grammar's own (no-namespace) types. */
function restType(el: El, value: string): string {
  const { ns, local } = splitClark(qname(el, value));
  if (ns === XS) return `xs:${local}`;
  if (ns === '') return local;
  throw new Error(`${el.where}: type ${value} in an unexpected namespace`);
}

/** The facts of the vendor's WADL: every method of every resource, and the grammar's elements and types. */
export async function extractWadl(text: string, source: string): Promise<WadlFacts> {
  const root = await readXml(text);
  if (root.ns !== WADL || root.local !== 'application') throw new Error(`${source}: not a WADL`);
  const out: WadlFacts = { source, base: '', routes: {}, elements: {}, complexTypes: {}, simpleTypes: {} };
  for (const s of kids(root, WADL, 'grammars').flatMap((g) => g.children)) {
    if (s.ns !== XS || s.local !== 'schema') unsupported(s);
    only(s, []);
    for (const c of s.children) {
      if (c.ns !== XS) unsupported(c);
      if (c.local === 'element') {
        only(c, ['name', 'type']);
        if (c.children.length) unsupported(c);
        once(out.elements, c, restType(c, need(c, 'type')));
      } else if (c.local === 'complexType') {
        only(c, ['name']);
        const body = c.children.filter((k) => !isDoc(k));
        if (body.length !== 1 || body[0].local !== 'sequence') unsupported(c);
        once(out.complexTypes, c, {
          properties: body[0].children.map((p) => {
            if (p.ns !== XS || p.local !== 'element' || p.children.length) unsupported(p);
            only(p, ['name', 'type', 'minOccurs', 'maxOccurs']);
            // why: an element without a type is xs:anyType (XML Schema's default); the vendor writes four (`Value`, `DefaultValue`).
            const type = attr(p, 'type');
            return { name: need(p, 'name'), type: type === undefined ? 'xs:anyType' : restType(p, type), minOccurs: attr(p, 'minOccurs') ?? '1', maxOccurs: attr(p, 'maxOccurs') ?? '1' };
          }),
        });
      } else if (c.local === 'simpleType') {
        const st = simpleType(c);
        if (st.codes || st.minInclusive || st.maxInclusive) unsupported(c);
        const restriction = kids(c, XS, 'restriction')[0];
        once(out.simpleTypes, c, { ...st, base: restType(restriction, need(restriction, 'base')) });
      } else unsupported(c);
    }
  }
  const [resources, ...more] = kids(root, WADL, 'resources');
  if (!resources || more.length) throw new Error(`${source}: expected one resources element`);
  out.base = need(resources, 'base');
  const prefix = new URL(out.base).pathname;
  for (const r of resources.children) {
    if (r.ns !== WADL || r.local !== 'resource') unsupported(r);
    only(r, ['path', 'id']);
    const [pathPart, queryPart] = need(r, 'path').split('?');
    const query = queryPart ? queryPart.split('&').map((kv) => kv.split('=')[0]) : [];
    const pathParams = [...pathPart.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    for (const m of r.children) {
      if (m.ns !== WADL || m.local !== 'method') unsupported(m);
      only(m, ['name', 'id']);
      const route: RouteFacts = {
        id: need(m, 'id'),
        resource: need(r, 'id'),
        method: need(m, 'name'),
        path: `${prefix}${pathPart}`,
        pathParams,
        query,
        params: [],
        request: {},
        responses: {},
      };
      for (const part of m.children) {
        if (isDoc(part)) continue;
        if (part.ns === WADL && part.local === 'request') {
          only(part, []);
          for (const c of part.children) {
            if (c.ns === WADL && c.local === 'param') {
              only(c, ['name', 'style', 'required', 'type']);
              const p: RestParamFacts = { name: need(c, 'name'), style: need(c, 'style'), required: need(c, 'required') === 'true', type: restType(c, need(c, 'type')) };
              const options = c.children.map((o) => {
                if (o.ns !== WADL || o.local !== 'option') unsupported(o);
                only(o, ['value']);
                return need(o, 'value');
              });
              if (options.length) p.options = options;
              route.params.push(p);
            } else if (c.ns === WADL && c.local === 'representation') representation(c, route.request);
            else unsupported(c);
          }
        } else if (part.ns === WADL && part.local === 'response') {
          only(part, ['status']);
          const status = need(part, 'status');
          if (status in route.responses) throw new Error(`${part.where}: status ${status} twice`);
          const reps: Representations = {};
          for (const c of part.children) {
            if (isDoc(c)) continue;
            if (c.ns === WADL && c.local === 'representation') representation(c, reps);
            else unsupported(c);
          }
          route.responses[status] = reps;
        } else unsupported(part);
      }
      const key = `${route.method} ${route.path}`;
      if (key in out.routes) throw new Error(`${m.where}: ${key} twice`);
      out.routes[key] = route;
    }
  }
  return out;
}

/**
 * Records a grammar declaration. why: the vendor's grammar declares `List`1` (element and type) twice, identically
 * (.NET generics flattened by its WADL writer); a repeat that differs is refused.
 */
function once<T>(map: Record<string, T>, c: El, value: T): void {
  const name = need(c, 'name');
  if (name in map && JSON.stringify(map[name]) !== JSON.stringify(value)) throw new Error(`${c.where}: declared twice, differently`);
  map[name] = value;
}

function representation(c: El, into: Representations): void {
  only(c, ['mediaType', 'element']);
  // why: one request of the vendor's (import with a merge option) lists two elements per media type.
  (into[need(c, 'mediaType')] ??= []).push(need(c, 'element'));
}

// ---- the file ----

/** Extracts all three files' facts from a vendor folder. */
export async function extractFacts(dir: string): Promise<ContractFacts> {
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  return {
    about:
      'Facts of the vendor contract (not copies of the vendor files), written by scripts/extract-contract-facts.ts (npm run contract:facts). ' +
      'SOAP names are {namespace}local; occurrences have XML Schema defaults applied; object keys are sorted, sequences keep document order. ' +
      'REST types are xs:... or a grammar type name (the WADL grammar has no namespace).',
    soapV1: await extractWsdl(read(SOURCES.soapV1), SOURCES.soapV1),
    soapV2: await extractWsdl(read(SOURCES.soapV2), SOURCES.soapV2),
    rest: await extractWadl(read(SOURCES.rest), SOURCES.rest),
  };
}

const FIRST_KEYS = ['name', 'id', 'method', 'path', 'type', 'minOccurs', 'maxOccurs', 'nillable'];

function sortedKeys(o: object): string[] {
  return Object.keys(o).sort((a, b) => {
    const ia = FIRST_KEYS.indexOf(a);
    const ib = FIRST_KEYS.indexOf(b);
    if (ia !== ib) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/**
 * The facts as stable, diff-friendly JSON: keys sorted (a few, like `name` and `type`, first), two-space indent, and an object or array
 * holding only plain values on one line (a short array of names, one property of a type), everything else expanded.
 */
export function stringifyFacts(value: unknown): string {
  const flat = (v: unknown) => v === null || typeof v !== 'object';
  const leaf = (v: object) => Object.values(v).every((x) => flat(x) || (Array.isArray(x) && x.every(flat)));
  const inline = (v: unknown): string =>
    Array.isArray(v) ? `[${v.map(inline).join(', ')}]` : flat(v) ? JSON.stringify(v) : `{ ${sortedKeys(v as object).map((k) => `${JSON.stringify(k)}: ${inline((v as Record<string, unknown>)[k])}`).join(', ')} }`;
  const walk = (v: unknown, indent: string): string => {
    if (flat(v)) return JSON.stringify(v);
    const obj = v as object;
    const keys = Array.isArray(obj) ? [] : sortedKeys(obj);
    if ((Array.isArray(obj) ? obj.length : keys.length) === 0) return Array.isArray(obj) ? '[]' : '{}';
    if (leaf(obj)) {
      const one = inline(obj);
      if (!Array.isArray(obj) || one.length + indent.length <= 120) return one;
    }
    const inner = `${indent}  `;
    if (Array.isArray(obj)) return `[\n${obj.map((x) => `${inner}${walk(x, inner)}`).join(',\n')}\n${indent}]`;
    return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${walk((obj as Record<string, unknown>)[k], inner)}`).join(',\n')}\n${indent}}`;
  };
  return `${walk(value, '')}\n`;
}

async function main(): Promise<void> {
  if (!process.argv[2]) {
    console.error('Usage: extract-contract-facts <vendor folder> (npm run contract:facts passes the folder beside the checkout).');
    process.exit(2);
  }
  const dir = path.resolve(process.argv[2]);
  if (!fs.existsSync(dir)) {
    console.error(`No vendor contract folder at ${dir} (pass another folder as the first argument).`);
    process.exit(2);
  }
  const facts = await extractFacts(dir);
  fs.mkdirSync(path.dirname(FACTS_FILE), { recursive: true });
  fs.writeFileSync(FACTS_FILE, stringifyFacts(facts));
  const count = (o: object) => Object.keys(o).length;
  console.log(
    `wrote ${path.relative(process.cwd(), FACTS_FILE)}: v1 ${count(facts.soapV1.operations)} operations, v2 ${count(facts.soapV2.operations)} operations, ` +
      `REST ${count(facts.rest.routes)} routes and ${count(facts.rest.complexTypes)} complex types`,
  );
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
