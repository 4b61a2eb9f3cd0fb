import { DomainError } from '../../../domain/errors';
import { dateArg } from '../../../services/paging';
import { attr, resolveQName, XmlNode } from '../../xml/xmlTree';
import { allFields, Field, typeOf, XS_NS, XSI_NS, XsdType } from './xsd';

/** A decoded complex value: a null-prototype record keyed by element name (no prototype pollution from names). */
export type Decoded = Record<string, unknown>;

/** True for an `ArrayOfX` type: one repeated element; such values are plain JS arrays both ways. */
export function isArrayType(t: XsdType): boolean {
  return t.kind === 'complex' && t.fields.length === 1 && t.fields[0].many === true;
}

const GUID_RE = /^[\da-fA-F]{8}-[\da-fA-F]{4}-[\da-fA-F]{4}-[\da-fA-F]{4}-[\da-fA-F]{12}$/;

function invalid(name: string, what: string): never {
  throw new DomainError('PARAMETER_INVALID', `${name} is not a valid ${what}.`);
}

/** Reads the children of a wrapper element as the given fields; unknown children are ignored, as WCF does. */
export function decodeFields(parent: XmlNode, fields: readonly Field[]): Decoded {
  const out: Decoded = Object.create(null);
  const byName = new Map(fields.map((f) => [f.name, f]));
  for (const child of parent.children) {
    // why: matched by local name; some clients put nested members in the parent's namespace instead of the
    // type's (a known node-soap/PHP slip), and WCF-era servers tolerated it.
    const f = byName.get(child.local);
    if (!f) continue;
    const v = decodeValue(child, f);
    if (f.many) {
      const list = (out[f.name] as unknown[] | undefined) ?? [];
      list.push(v);
      out[f.name] = list;
    } else out[f.name] = v;
  }
  return out;
}

/** Reads one element by its field's type; xsi:nil gives null, an empty simple non-string element gives undefined. */
export function decodeValue(n: XmlNode, f: Field): unknown {
  const nil = attr(n, XSI_NS, 'nil');
  if (nil === 'true' || nil === '1') return null;
  const t = typeOf(f);
  if (t.kind === 'complex') {
    if (isArrayType(t)) {
      const item = t.fields[0];
      return n.children.filter((c) => c.local === item.name).map((c) => decodeValue(c, item));
    }
    return decodeFields(n, allFields(t));
  }
  const text = n.text;
  if (t.kind === 'enum') {
    const v = text.trim();
    if (v === '') return undefined;
    if (!t.values.includes(v)) invalid(f.name, t.q.name);
    // why: .NET proxies send the enum's default member for "not set"; the service treats it as absent.
    return v === 'NotAvailableInThisVersion' ? undefined : v;
  }
  if (t.prim === 'anyType') return decodeAny(n, f.name);
  // why: a capped upload's budget is checked on the text's length, before a large buffer is decoded at all.
  if (t.prim === 'base64Binary' && f.maxBase64 && text.length > f.maxBase64.chars) f.maxBase64.check(text.length);
  return decodePrimitive(t.prim, text, f.name);
}

function decodePrimitive(prim: string, text: string, name: string): unknown {
  const v = text.trim();
  switch (prim) {
    case 'string':
      return text;
    case 'int':
    case 'long': {
      if (v === '') return undefined;
      if (!/^[-+]?\d{1,19}$/.test(v)) invalid(name, prim);
      const n = Number(v);
      if (prim === 'int' && (n > 2147483647 || n < -2147483648)) invalid(name, prim);
      // why: past 2^53 a JS number silently rounds (9007199254740993 -> ...992); refuse rather than store another value.
      if (!Number.isSafeInteger(n)) invalid(name, prim);
      return n;
    }
    case 'decimal':
    case 'double': {
      if (v === '') return undefined;
      const n = Number(v);
      if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(v) || !Number.isFinite(n)) invalid(name, prim);
      return n;
    }
    case 'boolean':
      if (v === '') return undefined;
      if (v === 'true' || v === '1') return true;
      if (v === 'false' || v === '0') return false;
      return invalid(name, 'boolean');
    case 'dateTime':
      if (v === '') return undefined;
      return dateArg(v, name);
    case 'guid':
      if (v === '') return undefined;
      if (!GUID_RE.test(v)) invalid(name, 'guid');
      return v.toLowerCase();
    case 'base64Binary': {
      const b = v.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b)) invalid(name, 'base64Binary');
      return Buffer.from(b, 'base64');
    }
    default:
      return text;
  }
}

/** An anyType value: typed by xsi:type when present (xsd int/decimal/boolean/dateTime), else its text. */
function decodeAny(n: XmlNode, name: string): unknown {
  const declared = attr(n, XSI_NS, 'type');
  if (!declared) return n.text;
  const q = resolveQName(n, declared);
  // why: some clients write the xsd prefix without declaring it; the local name is still unambiguous.
  if (q.ns !== XS_NS && q.ns !== '') return n.text;
  switch (q.local) {
    case 'int':
    case 'long':
    case 'short':
    case 'byte':
    case 'integer':
    case 'unsignedInt':
      return decodePrimitive('long', n.text, name);
    case 'decimal':
    case 'double':
    case 'float':
      return decodePrimitive('double', n.text, name);
    case 'boolean':
      return decodePrimitive('boolean', n.text, name);
    case 'dateTime':
    case 'date':
      return n.text.trim() === '' ? undefined : new Date(dateArg(n.text, name)).toISOString();
    default:
      return n.text;
  }
}
