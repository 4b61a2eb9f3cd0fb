import { parseXml, resolveQName, XmlNode } from '../../src/transport/xml/xmlTree';

// A small, namespace-aware reader of WSDL 1.1 + inline XSD, to compare two WSDLs operation by operation.

const XS = 'http://www.w3.org/2001/XMLSchema';
const WSDL = 'http://schemas.xmlsoap.org/wsdl/';

/** One binding operation as written: SOAPAction, style and body use. */
export interface BindingOp {
  soapAction: string;
  style: string;
  inputUse: string;
  outputUse: string;
}

/** A parsed WSDL: global schema components and the bindings' operations by binding namespace. */
export class WsdlModel {
  private readonly elements = new Map<string, { node: XmlNode; ns: string }>();
  private readonly types = new Map<string, { node: XmlNode; ns: string }>();
  /** binding namespace (soap / soap12) -> operation name -> binding facts. */
  readonly bindings = new Map<string, Map<string, BindingOp>>();

  constructor(text: string) {
    const doc = parseXml(text, { maxDepth: 200 });
    for (const types of doc.children.filter((c) => c.ns === WSDL && c.local === 'types')) {
      for (const schema of types.children.filter((c) => c.ns === XS && c.local === 'schema')) {
        const tns = schema.attrs.find((a) => a.local === 'targetNamespace')?.value ?? '';
        for (const c of schema.children) {
          const name = c.attrs.find((a) => a.local === 'name')?.value;
          if (!name) continue;
          if (c.local === 'element') this.elements.set(`{${tns}}${name}`, { node: c, ns: tns });
          else if (c.local === 'complexType' || c.local === 'simpleType') this.types.set(`{${tns}}${name}`, { node: c, ns: tns });
        }
      }
    }
    for (const b of doc.children.filter((c) => c.ns === WSDL && c.local === 'binding')) {
      const flavour = b.children.find((c) => c.local === 'binding')?.ns ?? '';
      const ops = new Map<string, BindingOp>();
      for (const op of b.children.filter((c) => c.ns === WSDL && c.local === 'operation')) {
        const so = op.children.find((c) => c.local === 'operation' && c.ns === flavour);
        const use = (dir: string) => op.children.find((c) => c.local === dir)?.children.find((c) => c.local === 'body')?.attrs.find((a) => a.local === 'use')?.value ?? '';
        ops.set(op.attrs.find((a) => a.local === 'name')!.value, {
          soapAction: so?.attrs.find((a) => a.local === 'soapAction')?.value ?? '',
          style: so?.attrs.find((a) => a.local === 'style')?.value ?? '',
          inputUse: use('input'),
          outputUse: use('output'),
        });
      }
      this.bindings.set(flavour, ops);
    }
  }

  /** True when the schema declares a global element of that name. */
  hasElement(ns: string, name: string): boolean {
    return this.elements.has(`{${ns}}${name}`);
  }

  /**
   * The element tree of a global element as lines `path : type min max nillable [enum values]`, expanding complex
   * types recursively (each type once per path). Prefix choices and attribute order do not show; everything else does.
   */
  describe(ns: string, name: string): string[] {
    const el = this.elements.get(`{${ns}}${name}`);
    if (!el) return [`${name}: MISSING`];
    const out: string[] = [];
    this.walkElement(el.node, el.ns, name, out, new Set());
    return out;
  }

  private walkElement(node: XmlNode, ns: string, path: string, out: string[], seen: Set<string>): void {
    const a = (n: string, d: string) => node.attrs.find((x) => x.local === n)?.value ?? d;
    const typeAttr = node.attrs.find((x) => x.local === 'type')?.value;
    const inline = node.children.find((c) => c.ns === XS && c.local === 'complexType');
    let typeName = '(untyped)';
    let typeNode: { node: XmlNode; ns: string } | undefined;
    if (typeAttr) {
      const q = resolveQName(node, typeAttr);
      typeName = `{${q.ns}}${q.local}`;
      typeNode = this.types.get(typeName);
    } else if (inline) {
      typeName = '(inline)';
      typeNode = { node: inline, ns };
    }
    let extra = '';
    if (typeNode?.node.local === 'simpleType') {
      const r = typeNode.node.children.find((c) => c.local === 'restriction');
      const base = r ? resolveQName(r, r.attrs.find((x) => x.local === 'base')?.value ?? '') : { ns: '', local: '' };
      const enums = (r?.children ?? []).filter((c) => c.local === 'enumeration').map((c) => c.attrs.find((x) => x.local === 'value')?.value);
      const pattern = (r?.children ?? []).find((c) => c.local === 'pattern')?.attrs.find((x) => x.local === 'value')?.value;
      extra = ` base={${base.ns}}${base.local}${enums.length ? ` enum=[${enums.join(',')}]` : ''}${pattern ? ` pattern=${pattern}` : ''}`;
    }
    const ext = typeNode?.node.children.find((c) => c.ns === XS && c.local === 'complexContent')?.children.find((c) => c.local === 'extension');
    if (ext) {
      const b = resolveQName(ext, ext.attrs.find((x) => x.local === 'base')?.value ?? '');
      extra = ` extends={${b.ns}}${b.local}`;
    }
    out.push(`${path} : ns=${ns} type=${typeName} min=${a('minOccurs', '1')} max=${a('maxOccurs', '1')} nillable=${a('nillable', 'false')}${extra}`);
    if (!typeNode || typeNode.node.local !== 'complexType') return;
    if (seen.has(typeName) && typeName !== '(inline)') return;
    const next = new Set(seen).add(typeName);
    for (const { seq, ns: declNs } of this.sequences(typeNode)) {
      for (const child of seq.children.filter((c) => c.ns === XS && c.local === 'element')) {
        const childName = child.attrs.find((x) => x.local === 'name')?.value ?? '?';
        // elementFormDefault="qualified": local elements are in the namespace of the schema that declares them.
        this.walkElement(child, declNs, `${path}/${childName}`, out, next);
      }
    }
  }

  /** The sequences of a complex type in wire order: a complexContent extension's base (recursively) first, then its own. */
  private sequences(t: { node: XmlNode; ns: string }): Array<{ seq: XmlNode; ns: string }> {
    const own = t.node.children.find((c) => c.ns === XS && c.local === 'sequence');
    if (own) return [{ seq: own, ns: t.ns }];
    const ext = t.node.children.find((c) => c.ns === XS && c.local === 'complexContent')?.children.find((c) => c.ns === XS && c.local === 'extension');
    if (!ext) return [];
    const q = resolveQName(ext, ext.attrs.find((x) => x.local === 'base')?.value ?? '');
    const base = this.types.get(`{${q.ns}}${q.local}`);
    const mine = ext.children.find((c) => c.ns === XS && c.local === 'sequence');
    return [...(base ? this.sequences(base) : []), ...(mine ? [{ seq: mine, ns: t.ns }] : [])];
  }
}

/** Lines present in one list but not the other, and order differences, as readable messages. */
export function diffLines(label: string, expected: string[], actual: string[]): string[] {
  const diffs: string[] = [];
  const max = Math.max(expected.length, actual.length);
  for (let i = 0; i < max; i++) {
    if (expected[i] !== actual[i]) diffs.push(`${label} #${i}: vendor "${expected[i] ?? '(none)'}" vs ours "${actual[i] ?? '(none)'}"`);
  }
  return diffs;
}
