import sax from 'sax';

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

/** Limits for untrusted documents; each is checked while tokenizing, so a hostile document stops early. */
export interface ParseLimits {
  maxDepth: number;
  /** Attributes (namespace declarations included) allowed on one element. */
  maxAttributes?: number;
  /** Elements allowed in the whole document. */
  maxElements?: number;
}

/** Defaults: deep enough for any SOAP call, small enough that no request costs more than a few ms to refuse. */
export const DEFAULT_LIMITS: Required<ParseLimits> = { maxDepth: 64, maxAttributes: 256, maxElements: 100_000 };

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

interface Open {
  node: XmlNode;
  /** Raw character data chunks and whether any came from CDATA. */
  chunks: string[];
  cdata: boolean;
}

/**
 * Parses untrusted XML into a tree. DOCTYPE and ENTITY declarations are refused before parsing (no entity expansion,
 * no external fetches); nesting deeper than maxDepth, more than maxAttributes on one element or more than maxElements
 * in all are refused as soon as the tokenizer meets them (never after building a huge tree).
 */
export function parseXml(text: string, limits: ParseLimits = DEFAULT_LIMITS): XmlNode {
  // why: XML bombs and XXE live in the DTD; a SOAP message never needs one, so any DTD is refused outright.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new XmlRejected('DTDs and entity declarations are not allowed.');
  const maxDepth = limits.maxDepth;
  const maxAttributes = limits.maxAttributes ?? DEFAULT_LIMITS.maxAttributes;
  const maxElements = limits.maxElements ?? DEFAULT_LIMITS.maxElements;
  const notWellFormed = () => new XmlRejected('The request is not well-formed XML.');
  // why: sax in its namespace mode checks every attribute against all earlier ones (quadratic in the attribute
  // count); plain mode is linear, so namespaces are resolved here instead.
  const p = sax.parser(true, { trim: false, normalize: false, xmlns: false });
  const stack: Open[] = [];
  let root: XmlNode | undefined;
  let elements = 0;
  let attrCount = 0;
  p.onerror = () => {
    throw notWellFormed();
  };
  p.ondoctype = () => {
    throw new XmlRejected('DTDs and entity declarations are not allowed.');
  };
  p.onopentagstart = () => {
    if (++elements > maxElements) throw new XmlRejected(`The request holds more than ${maxElements} elements.`);
    if (stack.length + 1 > maxDepth) throw new XmlRejected(`The request nests elements deeper than ${maxDepth} levels.`);
    attrCount = 0;
  };
  p.onattribute = () => {
    if (++attrCount > maxAttributes) throw new XmlRejected(`An element carries more than ${maxAttributes} attributes.`);
  };
  p.onopentag = (t) => {
    const parent = stack.length ? stack[stack.length - 1].node : undefined;
    if (!parent && root) throw notWellFormed();
    const node: XmlNode = { ns: '', local: '', attrs: [], children: [], text: '', parent, decls: new Map() };
    const rawAttrs: Array<{ name: string; value: string }> = [];
    for (const name of Object.keys(t.attributes)) {
      const value = t.attributes[name];
      if (name === 'xmlns') node.decls.set('', value);
      else if (name.startsWith('xmlns:')) node.decls.set(name.slice(6), value);
      else rawAttrs.push({ name, value });
    }
    const el = split(t.name);
    node.local = el.local;
    node.ns = lookup(node, el.prefix);
    for (const a of rawAttrs) {
      const q = split(a.name);
      // why: an unprefixed attribute is in no namespace (it does not take the default namespace).
      node.attrs.push({ ns: q.prefix ? lookup(node, q.prefix) : '', local: q.local, prefix: q.prefix, value: a.value });
    }
    if (parent) parent.children.push(node);
    else root = node;
    stack.push({ node, chunks: [], cdata: false });
  };
  p.ontext = (s) => {
    if (stack.length) stack[stack.length - 1].chunks.push(s);
  };
  p.oncdata = (s) => {
    if (!stack.length) return;
    const top = stack[stack.length - 1];
    top.chunks.push(s);
    top.cdata = true;
  };
  p.onclosetag = () => {
    const top = stack.pop();
    if (!top) return;
    const all = top.chunks.join('');
    // why: whitespace between child elements is layout, not data (pretty-printing clients such as strong-soap).
    top.node.text = !top.cdata && /^\s*$/.test(all) ? '' : all;
  };
  try {
    p.write(text).close();
  } catch (e) {
    if (e instanceof XmlRejected) throw e;
    throw notWellFormed();
  }
  if (!root || stack.length) throw notWellFormed();
  return root;
}

function split(qname: string): { prefix: string; local: string } {
  const i = qname.indexOf(':');
  return i < 0 ? { prefix: '', local: qname } : { prefix: qname.slice(0, i), local: qname.slice(i + 1) };
}

function lookup(n: XmlNode, prefix: string): string {
  if (prefix === 'xml') return XML_NS;
  for (let cur: XmlNode | undefined = n; cur; cur = cur.parent) {
    const uri = cur.decls.get(prefix);
    if (uri !== undefined) return uri;
  }
  if (prefix === '') return '';
  throw new XmlRejected(`The namespace prefix "${prefix}" is not declared.`);
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
