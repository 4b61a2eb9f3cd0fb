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

/**
 * Longest name, attribute value, comment, processing instruction or namespace URI accepted, in characters (sax's own
 * buffer guard). Text and CDATA are not capped by it (a base64 import payload is one text node of up to the body cap).
 */
export const MAX_TOKEN_CHARS: number = (sax as unknown as { MAX_BUFFER_LENGTH: number }).MAX_BUFFER_LENGTH;

// why: sax checks its token buffers only when write() is called, so a whole body handed over in one write lets a
// single attribute value grow without bound (one cons-string cell per character: a 10 MB value took the 192 MB heap).
// Feeding slices makes the check run at least every SLICE characters.
const SLICE = 16 * 1024;

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
  const refused = prescanXml(text, maxElements);
  if (refused) throw new XmlRejected(refused);
  // why: sax in its namespace mode checks every attribute against all earlier ones (quadratic in the attribute
  // count); plain mode is linear, so namespaces are resolved here instead.
  const p = sax.parser(true, { trim: false, normalize: false, xmlns: false });
  const stack: Open[] = [];
  let root: XmlNode | undefined;
  let elements = 0;
  let attrCount = 0;
  p.onerror = (e) => {
    if (/Max buffer length exceeded/.test(e.message)) {
      throw new XmlRejected(`A name, attribute value, comment or processing instruction in the request is longer than ${MAX_TOKEN_CHARS} characters.`);
    }
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
    const node: XmlNode = { ns: '', local: '', attrs: [], children: [], text: '', parent, decls: NO_DECLS };
    const rawAttrs: Array<{ name: string; value: string }> = [];
    for (const name of Object.keys(t.attributes)) {
      const value = t.attributes[name];
      if (name === 'xmlns' || name.startsWith('xmlns:')) {
        if (node.decls === NO_DECLS) node.decls = new Map();
        node.decls.set(name === 'xmlns' ? '' : name.slice(6), value);
      } else rawAttrs.push({ name, value });
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
    for (let i = 0; i < text.length; i += SLICE) p.write(text.slice(i, i + SLICE));
    p.close();
  } catch (e) {
    if (e instanceof XmlRejected) throw e;
    throw notWellFormed();
  }
  if (!root || stack.length) throw notWellFormed();
  return root;
}

// Shared by every element that declares no namespace (most of them); never written to.
const NO_DECLS: Map<string, string> = new Map();

/**
 * A cheap pass before sax, over the body's bytes or text: counts start tags (up to just past maxElements) and measures
 * each piece of markup with indexOf only. Returns why the document is refused, or undefined. why: sax builds names,
 * attribute values, comments and PIs one character at a time (~5 MB/s); its own guard stops a huge one after
 * MAX_TOKEN_CHARS, but this pass refuses one in O(length) native scans, a flood of tiny elements before any is built,
 * and, run on the raw body, before the body is even decoded to a string.
 */
export function prescanXml(src: string | Buffer, maxElements: number = DEFAULT_LIMITS.maxElements): string | undefined {
  // why: Buffer.indexOf turns a string needle into a buffer on every call; numbers and ready buffers avoid that.
  const n = typeof src === 'string' ? STRING_NEEDLES : BYTE_NEEDLES;
  const find = src.indexOf.bind(src) as (needle: string | number | Buffer, from: number) => number;
  const at = typeof src === 'string' ? (i: number) => src.charCodeAt(i) : (i: number) => src[i];
  let elements = 0;
  for (let i = find(n.lt, 0); i >= 0; i = find(n.lt, i + 1)) {
    const c = at(i + 1);
    if (c === 33 && at(i + 2) === 91) {
      // why: CDATA may be as long as the body (a base64 payload) and may hold `<` freely; skip it whole.
      const end = find(n.cdataEnd, i);
      if (end < 0) return undefined;
      i = end;
      continue;
    }
    const end = find(c === 33 && at(i + 2) === 45 ? n.commentEnd : c === 63 ? n.piEnd : n.gt, i);
    // why: `<` cannot occur inside markup, and `>` ends a tag unless quoted; so the first `>` is a lower bound of the
    // tag's length (sax's own guard covers a quoted `>`), and a comment or PI ends at its first `-->` / `?>`.
    if ((end < 0 ? src.length : end) - i > MAX_TOKEN_CHARS) {
      return `A name, attribute value, comment or processing instruction in the request is longer than ${MAX_TOKEN_CHARS} characters.`;
    }
    if (end < 0) return undefined;
    if (c !== 33 && c !== 47 && c !== 63 && ++elements > maxElements) return `The request holds more than ${maxElements} elements.`;
    i = end;
  }
  return undefined;
}

const STRING_NEEDLES = { lt: '<', gt: '>', cdataEnd: ']]>', commentEnd: '-->', piEnd: '?>' };
const BYTE_NEEDLES = { lt: 0x3c, gt: 0x3e, cdataEnd: Buffer.from(']]>'), commentEnd: Buffer.from('-->'), piEnd: Buffer.from('?>') };

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
