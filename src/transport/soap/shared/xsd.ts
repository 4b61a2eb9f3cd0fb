/** XML Schema namespace. */
export const XS_NS = 'http://www.w3.org/2001/XMLSchema';
/** XML Schema instance namespace (xsi:type, xsi:nil). */
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** A qualified XML name. */
export interface QName {
  ns: string;
  name: string;
}

/** How a simple value is read and written. */
export type Primitive = 'int' | 'long' | 'boolean' | 'string' | 'dateTime' | 'base64Binary' | 'decimal' | 'double' | 'anyType' | 'guid';

/** A built-in or restricted simple type (xs:int, ser:guid, ...). */
export interface SimpleType {
  kind: 'simple';
  q: QName;
  prim: Primitive;
  /** xs:pattern of a restriction (guid); absent for built-ins. */
  pattern?: string;
}

/** An enumeration restricting xs:string; values exactly as the WSDL spells them. */
export interface EnumType {
  kind: 'enum';
  q: QName;
  values: readonly string[];
}

/** A complex type: a sequence of elements in the type's namespace (elementFormDefault=qualified). */
export interface ComplexType {
  kind: 'complex';
  q: QName;
  /** The members this type adds (its own sequence). */
  fields: readonly Field[];
  /** The type it extends (xs:complexContent/xs:extension): the base's members come first on the wire. */
  base?: ComplexType;
}

/** Any named schema type. */
export type XsdType = SimpleType | EnumType | ComplexType;

/** One element of a sequence. */
export interface Field {
  name: string;
  /** The element's type; a thunk allows recursive and forward references. */
  type: XsdType | (() => XsdType);
  /** minOccurs="0". */
  optional?: boolean;
  nillable?: boolean;
  /** maxOccurs="unbounded" (array items). */
  many?: boolean;
  /** Written without a `type` attribute (an implicit anyType, as ASMX declares untyped `object` members). */
  untyped?: boolean;
  /** base64Binary only: the longest text accepted, checked before decoding (over it: the error, not a decode). */
  maxBase64?: { chars: number; check: (chars: number) => void };
}

/** One document/literal wrapped operation. */
export interface Operation {
  name: string;
  /** Children of the request wrapper element, in order. */
  input: readonly Field[];
  /** The `<Op>Result` element; undefined for void operations. */
  result?: Field;
  /** One-line description placed in the WSDL. */
  doc?: string;
}

/** A whole SOAP service: its namespaces, names and operations. */
export interface ServiceDescriptor {
  /** Namespace of the operation wrapper elements (and the WSDL targetNamespace). */
  tns: string;
  serviceName: string;
  portTypeName: string;
  /** SOAP 1.1 binding and port names. */
  binding11: { binding: string; port: string };
  /** SOAP 1.2 binding and port names (absent: SOAP 1.1 only). */
  binding12?: { binding: string; port: string };
  /** SOAPAction of an operation. */
  soapAction(op: string): string;
  /** The prefix each namespace gets in generated documents (WSDL and responses). */
  prefixes: Record<string, string>;
  operations: readonly Operation[];
  /** Text for wsdl:documentation. */
  documentation?: string;
}

/** Resolves a field's type thunk. */
export function typeOf(f: Field): XsdType {
  return typeof f.type === 'function' ? f.type() : f.type;
}

/** Built-in xs simple types. */
export const xs = {
  int: { kind: 'simple', q: { ns: XS_NS, name: 'int' }, prim: 'int' },
  long: { kind: 'simple', q: { ns: XS_NS, name: 'long' }, prim: 'long' },
  boolean: { kind: 'simple', q: { ns: XS_NS, name: 'boolean' }, prim: 'boolean' },
  string: { kind: 'simple', q: { ns: XS_NS, name: 'string' }, prim: 'string' },
  dateTime: { kind: 'simple', q: { ns: XS_NS, name: 'dateTime' }, prim: 'dateTime' },
  base64Binary: { kind: 'simple', q: { ns: XS_NS, name: 'base64Binary' }, prim: 'base64Binary' },
  decimal: { kind: 'simple', q: { ns: XS_NS, name: 'decimal' }, prim: 'decimal' },
  double: { kind: 'simple', q: { ns: XS_NS, name: 'double' }, prim: 'double' },
  anyType: { kind: 'simple', q: { ns: XS_NS, name: 'anyType' }, prim: 'anyType' },
} as const satisfies Record<string, SimpleType>;

/** Shorthand for a complex type (optionally extending a base type). */
export function complex(ns: string, name: string, fields: Field[], base?: ComplexType): ComplexType {
  return base ? { kind: 'complex', q: { ns, name }, fields, base } : { kind: 'complex', q: { ns, name }, fields };
}

/** Every member of a complex type in wire order: the base's (recursively), then its own. */
export function allFields(t: ComplexType): readonly Field[] {
  return t.base ? [...allFields(t.base), ...t.fields] : t.fields;
}

/** Shorthand for an enumeration. */
export function enumType(ns: string, name: string, values: readonly string[]): EnumType {
  return { kind: 'enum', q: { ns, name }, values };
}

/** Shorthand for an `ArrayOfX` type holding repeated `<X>` items (v1 spells some `ArrayOfString` with `<string>` items). */
export function arrayOf(ns: string, item: XsdType, itemName = item.q.name, nillableItems = true, typeName = `ArrayOf${itemName}`): ComplexType {
  return complex(ns, typeName, [{ name: itemName, type: item, optional: true, many: true, nillable: nillableItems }]);
}

/** A value of an `anyType` element with the xsd type it is written as (xsi:type). */
export interface AnyValue {
  xsdType: 'string' | 'int' | 'long' | 'decimal' | 'double' | 'boolean' | 'dateTime';
  value: string | number | boolean | null;
}

/** True when v is an AnyValue. */
export function isAnyValue(v: unknown): v is AnyValue {
  return typeof v === 'object' && v !== null && 'xsdType' in v && 'value' in v;
}

/** Every complex and enum type reachable from the operations, each once, in first-seen order. */
export function reachableTypes(ops: readonly Operation[]): XsdType[] {
  const seen = new Map<string, XsdType>();
  const visit = (t: XsdType): void => {
    const k = `{${t.q.ns}}${t.q.name}`;
    if (t.kind === 'simple' && t.q.ns === XS_NS) return;
    if (seen.has(k)) return;
    seen.set(k, t);
    if (t.kind === 'complex') {
      if (t.base) visit(t.base);
      for (const f of t.fields) visit(typeOf(f));
    }
  };
  for (const op of ops) {
    for (const f of op.input) visit(typeOf(f));
    if (op.result) visit(typeOf(op.result));
  }
  return [...seen.values()];
}
