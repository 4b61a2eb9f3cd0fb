import { attr, parseXml, resolveQName, XmlNode } from '../../src/transport/xml/xmlTree';

const XS = 'http://www.w3.org/2001/XMLSchema';
const WSDL = 'http://schemas.xmlsoap.org/wsdl/';
const SOAP = 'http://schemas.xmlsoap.org/wsdl/soap/';

/** A WSDL read for comparison: schema components by namespace and the SOAPAction of each operation. */
export interface WsdlIndex {
  tns: string;
  elements: Map<string, XmlNode>;
  types: Map<string, XmlNode>;
  actions: Map<string, string>;
}

const key = (ns: string, name: string) => `{${ns}}${name}`;

/** Parses a WSDL and indexes its schemas (global elements, named types) and binding SOAPActions. */
export function indexWsdl(text: string): WsdlIndex {
  const doc = parseXml(text, { maxDepth: 200 });
  const idx: WsdlIndex = { tns: attr(doc, '', 'targetNamespace') ?? '', elements: new Map(), types: new Map(), actions: new Map() };
  const types = doc.children.find((c) => c.ns === WSDL && c.local === 'types');
  for (const schema of types?.children ?? []) {
    const tns = attr(schema, '', 'targetNamespace') ?? '';
    for (const c of schema.children) {
      const name = attr(c, '', 'name');
      if (!name) continue;
      if (c.local === 'element') idx.elements.set(key(tns, name), c);
      if (c.local === 'complexType' || c.local === 'simpleType') idx.types.set(key(tns, name), c);
    }
  }
  for (const b of doc.children.filter((c) => c.ns === WSDL && c.local === 'binding')) {
    if (!b.children.some((c) => c.ns === SOAP && c.local === 'binding')) continue;
    for (const op of b.children.filter((c) => c.local === 'operation')) {
      const so = op.children.find((c) => c.ns === SOAP && c.local === 'operation');
      if (so) idx.actions.set(attr(op, '', 'name')!, attr(so, '', 'soapAction') ?? '');
    }
  }
  return idx;
}

/**
 * Describes an element declaration as lines: path, namespace, minOccurs, maxOccurs, nillable, type (QName), then
 * recursively the element children of its complex type (qualified: in the declaring schema's namespace) and enum values.
 */
export function describeElement(idx: WsdlIndex, ns: string, name: string): string[] {
  const el = idx.elements.get(key(ns, name));
  if (!el) return [`MISSING element {${ns}}${name}`];
  const out: string[] = [];
  walk(idx, el, ns, name, out, []);
  return out;
}

function walk(idx: WsdlIndex, el: XmlNode, ns: string, path: string, out: string[], stack: string[]): void {
  const typeAttr = attr(el, '', 'type');
  const t = typeAttr ? resolveQName(el, typeAttr) : undefined;
  const occurs = `min=${attr(el, '', 'minOccurs') ?? '1'} max=${attr(el, '', 'maxOccurs') ?? '1'} nillable=${attr(el, '', 'nillable') ?? 'false'}`;
  out.push(`${path} {${ns}} ${occurs} type=${t ? `{${t.ns}}${t.local}` : '(anonymous)'}`);
  let def: XmlNode | undefined;
  let defNs = ns;
  if (t) {
    if (t.ns === XS) return;
    def = idx.types.get(key(t.ns, t.local));
    defNs = t.ns;
    if (!def) {
      out.push(`${path} MISSING type {${t.ns}}${t.local}`);
      return;
    }
    const k = key(t.ns, t.local);
    if (stack.includes(k)) return;
    stack = [...stack, k];
  } else def = el.children.find((c) => c.ns === XS && c.local === 'complexType');
  if (!def) return;
  if (def.local === 'simpleType') {
    const r = def.children.find((c) => c.local === 'restriction');
    const base = r && attr(r, '', 'base') ? resolveQName(r, attr(r, '', 'base')!) : undefined;
    const enums = (r?.children ?? []).filter((c) => c.local === 'enumeration').map((c) => attr(c, '', 'value'));
    const pattern = (r?.children ?? []).find((c) => c.local === 'pattern');
    out.push(`${path} simple base={${base?.ns}}${base?.local} enum=[${enums.join(',')}]${pattern ? ` pattern=${attr(pattern, '', 'value')}` : ''}`);
    return;
  }
  const seq = def.children.find((c) => c.ns === XS && c.local === 'sequence');
  for (const child of seq?.children.filter((c) => c.local === 'element') ?? []) {
    walk(idx, child, defNs, `${path}/${attr(child, '', 'name')}`, out, stack);
  }
}
