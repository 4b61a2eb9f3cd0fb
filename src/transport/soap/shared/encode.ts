import { isArrayType } from './decode';
import { escapeXml } from '../../xml/xmlTree';
import { allFields, AnyValue, Field, isAnyValue, typeOf, XsdType } from './xsd';

/** Maps a namespace to the prefix declared for it in the response ('' = the default namespace). */
export type PrefixOf = (ns: string) => string;

/** Names of the xsi and xsd prefixes every response envelope declares. */
export const XSI_PREFIX = 'i';
/** Prefix of the XML Schema namespace (for xsi:type values). */
export const XSD_PREFIX = 'xsd';

function qn(prefixOf: PrefixOf, ns: string, name: string): string {
  const p = prefixOf(ns);
  return p ? `${p}:${name}` : name;
}

/**
 * Writes one element for a field: `ns` is the namespace of the type (or wrapper) that declares the field, since
 * every schema is elementFormDefault="qualified". Absent optional values are omitted; null nillable ones get xsi:nil.
 */
export function encodeField(out: string[], f: Field, ns: string, value: unknown, prefixOf: PrefixOf): void {
  if (f.many && Array.isArray(value)) {
    for (const v of value) encodeField(out, { ...f, many: false }, ns, v, prefixOf);
    return;
  }
  const name = qn(prefixOf, ns, f.name);
  if (value === undefined || value === null) {
    if (f.nillable) out.push(`<${name} ${XSI_PREFIX}:nil="true"/>`);
    else if (!f.optional) out.push(`<${name}/>`);
    return;
  }
  const t = typeOf(f);
  if (t.kind === 'simple' && t.prim === 'anyType') {
    const a = toAny(value);
    if (a.value === null) out.push(`<${name} ${XSI_PREFIX}:nil="true"/>`);
    else out.push(`<${name} ${XSI_PREFIX}:type="${XSD_PREFIX}:${a.xsdType}">${escapeXml(formatAny(a))}</${name}>`);
    return;
  }
  out.push(`<${name}>`);
  encodeContent(out, t, value, prefixOf);
  out.push(`</${name}>`);
}

/** Writes the content of an element of type t. */
export function encodeContent(out: string[], t: XsdType, value: unknown, prefixOf: PrefixOf): void {
  if (t.kind === 'complex') {
    if (isArrayType(t)) {
      const item = t.fields[0];
      for (const v of value as unknown[]) encodeField(out, { ...item, many: false }, t.q.ns, v, prefixOf);
      return;
    }
    const rec = value as Record<string, unknown>;
    for (const f of allFields(t)) encodeField(out, f, t.q.ns, rec[f.name], prefixOf);
    return;
  }
  if (t.kind === 'enum') {
    out.push(escapeXml(String(value)));
    return;
  }
  out.push(escapeXml(formatSimple(t.prim, value)));
}

function formatSimple(prim: string, v: unknown): string {
  switch (prim) {
    case 'int':
    case 'long':
      return String(Math.trunc(Number(v)));
    case 'boolean':
      return v ? 'true' : 'false';
    case 'dateTime':
      return xsDateTime(v);
    case 'base64Binary':
      return Buffer.isBuffer(v) ? v.toString('base64') : Buffer.from(String(v), 'utf8').toString('base64');
    default:
      return String(v);
  }
}

/** xs:dateTime in UTC from epoch ms, a Date or an ISO string. */
export function xsDateTime(v: unknown): string {
  const t = typeof v === 'number' ? v : v instanceof Date ? v.getTime() : Date.parse(String(v));
  return Number.isFinite(t) ? new Date(t).toISOString() : String(v);
}

function toAny(v: unknown): AnyValue {
  if (isAnyValue(v)) return v;
  if (typeof v === 'boolean') return { xsdType: 'boolean', value: v };
  if (typeof v === 'number') return { xsdType: Number.isInteger(v) ? (Math.abs(v) <= 2147483647 ? 'int' : 'long') : 'decimal', value: v };
  if (v instanceof Date) return { xsdType: 'dateTime', value: v.toISOString() };
  return { xsdType: 'string', value: String(v) };
}

function formatAny(a: AnyValue): string {
  if (a.xsdType === 'boolean') return a.value ? 'true' : 'false';
  if (a.xsdType === 'dateTime') return xsDateTime(a.value);
  if (a.xsdType === 'int' && typeof a.value === 'number' && !Number.isInteger(a.value)) return String(a.value);
  return String(a.value);
}
