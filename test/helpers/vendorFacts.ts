import fs from 'node:fs';
import path from 'node:path';
import { SOURCES } from '../../scripts/extract-contract-facts';

// The committed facts of the vendor contract (test/contract/vendor-facts.json): what the conformance tests compare
// the gateway with. Written by scripts/extract-contract-facts.ts (`npm run contract:facts`) from the vendor's WSDL and
// WADL files; the tests never need those files.

/** A qualified name in Clark notation: `{namespace}local`. */
export type QName = string;

/** How often an element may occur, as written in XML Schema (defaults applied: `1`). */
export interface Occurs {
  minOccurs: string;
  maxOccurs: string;
}

/** An element of a complex type's sequence, in document order. */
export interface ParticleFacts extends Occurs {
  name: string;
  /** The element's type; absent when the element declares an anonymous complex type. */
  type?: QName;
  nillable: boolean;
  default?: string;
  complexType?: ComplexTypeFacts;
}

/** A complex type: an optional base it extends (complexContent) and its sequence. */
export interface ComplexTypeFacts {
  extends?: QName;
  mixed?: boolean;
  sequence: ParticleFacts[];
}

/** A simple type: a restriction of a base with its facets; `codes` are .NET's numeric enum values, where given. */
export interface SimpleTypeFacts {
  base: QName;
  enumeration?: string[];
  codes?: Record<string, string>;
  pattern?: string;
  minInclusive?: string;
  maxInclusive?: string;
}

/** A global element declaration. */
export interface ElementFacts {
  type?: QName;
  nillable: boolean;
  complexType?: ComplexTypeFacts;
}

/** One inline XML schema of a WSDL, keyed in WsdlFacts.schemas by its target namespace. */
export interface SchemaFacts {
  elementFormDefault?: string;
  attributeFormDefault?: string;
  imports: string[];
  elements: Record<string, ElementFacts>;
  complexTypes: Record<string, ComplexTypeFacts>;
  simpleTypes: Record<string, SimpleTypeFacts>;
  attributes: Record<string, QName>;
}

/** One direction of an operation: its message, the message's single part and that part's element. */
export interface MessageFacts {
  message: string;
  part: string;
  element: QName;
  /** WS-Addressing action of the portType (WCF), when declared. */
  action?: string;
}

/** An operation as one binding declares it. */
export interface BindingOperationFacts {
  soapAction: string;
  style: string;
  input: string;
  output: string;
}

/** A WSDL operation: portType messages, the request element's parameter names in order, and each binding's facts. */
export interface OperationFacts {
  input: MessageFacts;
  output: MessageFacts;
  parameters: string[];
  bindings: Record<string, BindingOperationFacts>;
}

/** SOAP version of a binding or port address. */
export type SoapVersion = 'soap11' | 'soap12';

/** Everything the conformance tests and the client tests use of one WSDL. */
export interface WsdlFacts {
  source: string;
  targetNamespace: string;
  service: string;
  ports: Record<string, { binding: string; protocol: SoapVersion; location: string }>;
  portType: string;
  bindings: Record<string, { protocol: SoapVersion; transport: string; style?: string; portType: string }>;
  operations: Record<string, OperationFacts>;
  schemas: Record<string, SchemaFacts>;
}

/** A request's or response's representations: media type -> grammar elements (one, except for one vendor request). */
export type Representations = Record<string, string[]>;

/** A WADL method parameter (the vendor's WADL marks every one, path ones included, `style="query"`). */
export interface RestParamFacts {
  name: string;
  style: string;
  required: boolean;
  type: string;
  options?: string[];
}

/** A REST route: `METHOD /v2/path/{param}` with its query parameters, representations and statuses. */
export interface RouteFacts {
  id: string;
  resource: string;
  method: string;
  path: string;
  pathParams: string[];
  query: string[];
  params: RestParamFacts[];
  request: Representations;
  responses: Record<string, Representations>;
}

/** A REST grammar property, in document order. Types are `xs:...` or a grammar type name (the grammar has no namespace). */
export interface RestPropertyFacts extends Occurs {
  name: string;
  type: string;
}

/** The REST (WADL) facts: routes and the grammar's elements and types. */
export interface WadlFacts {
  source: string;
  base: string;
  routes: Record<string, RouteFacts>;
  elements: Record<string, string>;
  complexTypes: Record<string, { properties: RestPropertyFacts[] }>;
  simpleTypes: Record<string, { base: string; enumeration?: string[]; pattern?: string }>;
}

/** The whole facts file. */
export interface ContractFacts {
  about: string;
  soapV1: WsdlFacts;
  soapV2: WsdlFacts;
  rest: WadlFacts;
}

/** Where the committed facts live. */
export const FACTS_FILE = path.resolve(__dirname, '..', 'contract', 'vendor-facts.json');

let cached: ContractFacts | undefined;

/** The committed facts (parsed once per run). */
export function vendorFacts(): ContractFacts {
  cached ??= JSON.parse(fs.readFileSync(FACTS_FILE, 'utf8')) as ContractFacts;
  return cached;
}

/** `{ns}local` of a namespace and a local name. */
export function clark(ns: string, local: string): QName {
  return `{${ns}}${local}`;
}

/** The namespace and local name of a Clark-notation name. */
export function splitClark(q: QName): { ns: string; local: string } {
  const m = /^\{([^}]*)\}(.+)$/.exec(q);
  if (!m) throw new Error(`not a {namespace}local name: ${q}`);
  return { ns: m[1], local: m[2] };
}

/** The two vendor WSDLs: their facts, and the vendor file each was extracted from (a name under the vendor folder). */
export const WSDL_DIALECTS = [
  { dialect: 'v1', facts: () => vendorFacts().soapV1, source: SOURCES.soapV1 },
  { dialect: 'v2', facts: () => vendorFacts().soapV2, source: SOURCES.soapV2 },
] as const;
