import { Parser } from 'xml2js';

/** One attribute of a parsed element. */
export interface XmlAttr {
  ns: string;
  local: string;
  prefix: string;
  value: string;
}

/** A namespace-aware element of a parsed document. */
export interface XmlNode {
  ns: string;
  local: string;
  attrs: XmlAttr[];
  children: XmlNode[];
  /** Concatenated character data directly inside the element. */
  text: string;
  parent?: XmlNode;
  /** Namespace declarations made on this element (prefix -> uri; '' is the default namespace). */
  decls: Map<string, string>;
}

/** Why a document was refused before or during parsing. */
export class XmlRejected extends Error {}

/** Limits for untrusted documents. */
export interface ParseLimits {
  maxDepth: number;
}

const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/**
 * Parses untrusted XML into a tree. DOCTYPE and ENTITY declarations are refused before parsing (no entity expansion,
 * no external fetches); nesting deeper than maxDepth is refused.
 */
export function parseXml(text: string, limits: ParseLimits = { maxDepth: 64 }): XmlNode {
  // why: XML bombs and XXE live in the DTD; a SOAP message never needs one, so any DTD is refused outright.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new XmlRejected('DTDs and entity declarations are not allowed.');
  let root: unknown;
  let error: unknown;
  const p = new Parser({
    xmlns: true,
    explicitChildren: true,
    preserveChildrenOrder: true,
    charsAsChildren: false,
    includeWhiteChars: false,
    explicitRoot: true,
    async: false,
    strict: true,
  });
  p.parseString(text, (e: unknown, r: unknown) => {
    error = e;
    root = r;
  });
  if (error || !root || typeof root !== 'object') throw new XmlRejected('The request is not well-formed XML.');
  const top = Object.values(root as Record<string, unknown>)[0];
  if (!top || typeof top !== 'object') throw new XmlRejected('The request is not well-formed XML.');
  return convert(top as RawEl, undefined, 1, limits.maxDepth);
}

interface RawEl {
  $?: Record<string, { value: string; prefix: string; local: string; uri: string }>;
  $ns?: { uri: string; local: string };
  $$?: RawEl[];
  _?: string;
  '#name'?: string;
}

function convert(raw: RawEl, parent: XmlNode | undefined, depth: number, maxDepth: number): XmlNode {
  if (depth > maxDepth) throw new XmlRejected(`The request nests elements deeper than ${maxDepth} levels.`);
  const node: XmlNode = {
    ns: raw.$ns?.uri ?? '',
    local: raw.$ns?.local ?? String(raw['#name'] ?? ''),
    attrs: [],
    children: [],
    text: typeof raw._ === 'string' ? raw._ : '',
    parent,
    decls: new Map(),
  };
  for (const a of Object.values(raw.$ ?? {})) {
    if (a.uri === XMLNS_NS || a.prefix === 'xmlns' || (a.prefix === '' && a.local === 'xmlns')) {
      node.decls.set(a.prefix === 'xmlns' ? a.local : '', a.value);
    } else node.attrs.push({ ns: a.uri ?? '', local: a.local, prefix: a.prefix, value: a.value });
  }
  for (const c of raw.$$ ?? []) node.children.push(convert(c, node, depth + 1, maxDepth));
  return node;
}

/** The value of an attribute by namespace and local name. */
export function attr(n: XmlNode, ns: string, local: string): string | undefined {
  return n.attrs.find((a) => a.ns === ns && a.local === local)?.value;
}

/** Resolves a QName-valued string (`b:string`) against the namespaces in scope at n. */
export function resolveQName(n: XmlNode, value: string): { ns: string; local: string } {
  const i = value.indexOf(':');
  const prefix = i < 0 ? '' : value.slice(0, i);
  const local = i < 0 ? value : value.slice(i + 1);
  for (let cur: XmlNode | undefined = n; cur; cur = cur.parent) {
    const uri = cur.decls.get(prefix);
    if (uri !== undefined) return { ns: uri, local };
  }
  return { ns: prefix === 'xml' ? 'http://www.w3.org/XML/1998/namespace' : '', local };
}

/** Escapes text for element content and attribute values. */
export function escapeXml(s: string): string {
  // why: characters XML 1.0 cannot carry at all are dropped rather than producing a document no client can parse.
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[&<>"\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#xD;'));
}
