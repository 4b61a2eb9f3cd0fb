import { escapeXml } from '../../xml/xmlTree';
import { Field, Operation, reachableTypes, ServiceDescriptor, typeOf, XS_NS, XsdType } from './xsd';

/** Placeholder for the endpoint URL; replaced per request with the caller's scheme and host. */
export const ADDRESS_PLACEHOLDER = 'http://contactgate.invalid/ENDPOINT';

const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
const SOAP11_NS = 'http://schemas.xmlsoap.org/wsdl/soap/';
const SOAP12_NS = 'http://schemas.xmlsoap.org/wsdl/soap12/';
const HTTP_TRANSPORT = 'http://schemas.xmlsoap.org/soap/http';

/**
 * Generates a single-file WSDL 1.1 (document/literal wrapped, schemas inline) from a service descriptor.
 * The endpoint address is ADDRESS_PLACEHOLDER; serve it through `withAddress`.
 */
export function generateWsdl(d: ServiceDescriptor): string {
  const px = (ns: string): string => {
    if (ns === XS_NS) return 'xs';
    const p = d.prefixes[ns];
    if (p === undefined) throw new Error(`no prefix for namespace ${ns}`);
    return p || 'tns';
  };
  const qname = (t: XsdType): string => `${px(t.q.ns)}:${t.q.name}`;
  const types = reachableTypes(d.operations);
  const namespaces = [d.tns, ...new Set(types.map((t) => t.q.ns).filter((ns) => ns !== d.tns))];
  const L: string[] = [];
  const nsDecls = namespaces
    .filter((ns) => ns !== d.tns)
    .map((ns) => ` xmlns:${px(ns)}="${ns}"`)
    .join('');
  L.push('<?xml version="1.0" encoding="utf-8"?>');
  L.push(
    `<wsdl:definitions xmlns:wsdl="${WSDL_NS}" xmlns:soap="${SOAP11_NS}"${d.binding12 ? ` xmlns:soap12="${SOAP12_NS}"` : ''}` +
      ` xmlns:xs="${XS_NS}" xmlns:tns="${d.tns}"${nsDecls} name="${d.serviceName}" targetNamespace="${d.tns}">`,
  );
  if (d.documentation) L.push(`  <wsdl:documentation>${escapeXml(d.documentation)}</wsdl:documentation>`);
  L.push('  <wsdl:types>');
  for (const ns of namespaces) {
    const inNs = types.filter((t) => t.q.ns === ns);
    const refs = new Set<string>();
    const fieldEl = (f: Field, indent: string): string => {
      const t = typeOf(f);
      if (t.q.ns !== ns && t.q.ns !== XS_NS) refs.add(t.q.ns);
      const attrs = [f.optional ? ' minOccurs="0"' : '', f.many ? ' maxOccurs="unbounded"' : '', ` name="${f.name}"`, f.nillable ? ' nillable="true"' : ''];
      return `${indent}<xs:element${attrs.join('')}${f.untyped ? '' : ` type="${qname(t)}"`}/>`;
    };
    const body: string[] = [];
    if (ns === d.tns) {
      for (const op of d.operations) {
        body.push(...wrapper(op.name, op.input, fieldEl));
        body.push(...wrapper(`${op.name}Response`, op.result ? [op.result] : [], fieldEl));
      }
    }
    for (const t of inNs) {
      if (t.kind === 'complex') {
        if (t.base) {
          if (t.base.q.ns !== ns) refs.add(t.base.q.ns);
          body.push(`      <xs:complexType name="${t.q.name}">`, '        <xs:complexContent>', `          <xs:extension base="${qname(t.base)}">`, '            <xs:sequence>');
          for (const f of t.fields) body.push(fieldEl(f, '              '));
          body.push('            </xs:sequence>', '          </xs:extension>', '        </xs:complexContent>', '      </xs:complexType>');
          body.push(`      <xs:element name="${t.q.name}" nillable="true" type="${qname(t)}"/>`);
          continue;
        }
        body.push(`      <xs:complexType name="${t.q.name}">`, '        <xs:sequence>');
        for (const f of t.fields) body.push(fieldEl(f, '          '));
        body.push('        </xs:sequence>', '      </xs:complexType>');
      } else if (t.kind === 'enum') {
        body.push(`      <xs:simpleType name="${t.q.name}">`, '        <xs:restriction base="xs:string">');
        for (const v of t.values) body.push(`          <xs:enumeration value="${escapeXml(v)}"/>`);
        body.push('        </xs:restriction>', '      </xs:simpleType>');
      } else {
        body.push(`      <xs:simpleType name="${t.q.name}">`, '        <xs:restriction base="xs:string">');
        if (t.pattern) body.push(`          <xs:pattern value="${escapeXml(t.pattern)}"/>`);
        body.push('        </xs:restriction>', '      </xs:simpleType>');
      }
      body.push(`      <xs:element name="${t.q.name}" nillable="true" type="${qname(t)}"/>`);
    }
    L.push(`    <xs:schema elementFormDefault="qualified" targetNamespace="${ns}">`);
    for (const r of refs) L.push(`      <xs:import namespace="${r}"/>`);
    L.push(...body);
    L.push('    </xs:schema>');
  }
  L.push('  </wsdl:types>');
  for (const op of d.operations) {
    L.push(`  <wsdl:message name="${d.portTypeName}_${op.name}_InputMessage">`);
    L.push(`    <wsdl:part name="parameters" element="tns:${op.name}"/>`);
    L.push('  </wsdl:message>');
    L.push(`  <wsdl:message name="${d.portTypeName}_${op.name}_OutputMessage">`);
    L.push(`    <wsdl:part name="parameters" element="tns:${op.name}Response"/>`);
    L.push('  </wsdl:message>');
  }
  L.push(`  <wsdl:portType name="${d.portTypeName}">`);
  for (const op of d.operations) {
    L.push(`    <wsdl:operation name="${op.name}">`);
    if (op.doc) L.push(`      <wsdl:documentation>${escapeXml(op.doc)}</wsdl:documentation>`);
    L.push(`      <wsdl:input message="tns:${d.portTypeName}_${op.name}_InputMessage"/>`);
    L.push(`      <wsdl:output message="tns:${d.portTypeName}_${op.name}_OutputMessage"/>`);
    L.push('    </wsdl:operation>');
  }
  L.push('  </wsdl:portType>');
  const bindings: Array<[string, { binding: string; port: string }]> = [['soap', d.binding11]];
  if (d.binding12) bindings.push(['soap12', d.binding12]);
  for (const [p, b] of bindings) {
    L.push(`  <wsdl:binding name="${b.binding}" type="tns:${d.portTypeName}">`);
    L.push(`    <${p}:binding transport="${HTTP_TRANSPORT}"/>`);
    for (const op of d.operations) {
      L.push(`    <wsdl:operation name="${op.name}">`);
      L.push(`      <${p}:operation soapAction="${d.soapAction(op.name)}" style="document"/>`);
      L.push(`      <wsdl:input>`, `        <${p}:body use="literal"/>`, '      </wsdl:input>');
      L.push(`      <wsdl:output>`, `        <${p}:body use="literal"/>`, '      </wsdl:output>');
      L.push('    </wsdl:operation>');
    }
    L.push('  </wsdl:binding>');
  }
  L.push(`  <wsdl:service name="${d.serviceName}">`);
  for (const [p, b] of bindings) {
    L.push(`    <wsdl:port name="${b.port}" binding="tns:${b.binding}">`);
    L.push(`      <${p}:address location="${ADDRESS_PLACEHOLDER}"/>`);
    L.push('    </wsdl:port>');
  }
  L.push('  </wsdl:service>');
  L.push('</wsdl:definitions>');
  return L.join('\n') + '\n';
}

function wrapper(name: string, fields: readonly Field[], fieldEl: (f: Field, indent: string) => string): string[] {
  const out = [`      <xs:element name="${name}">`, '        <xs:complexType>'];
  if (fields.length) {
    out.push('          <xs:sequence>');
    for (const f of fields) out.push(fieldEl(f, '            '));
    out.push('          </xs:sequence>');
  } else out.push('          <xs:sequence/>');
  out.push('        </xs:complexType>', '      </xs:element>');
  return out;
}

/** The WSDL with its endpoint address set to the given URL. */
export function withAddress(wsdl: string, url: string): string {
  return wsdl.split(ADDRESS_PLACEHOLDER).join(escapeXml(url));
}

/** Operations of a descriptor by name. */
export function operationMap(d: ServiceDescriptor): Map<string, Operation> {
  return new Map(d.operations.map((o) => [o.name, o]));
}
