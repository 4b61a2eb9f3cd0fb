import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ComplexTypeFacts, ParticleFacts, QName, splitClark, vendorFacts, WsdlFacts } from './vendorFacts';

// The vendor's WSDL as its committed facts describe it: every operation, message, binding, port and schema component
// of the vendor file, written back as WSDL 1.1 (no documentation, policies or prefixes of the original). Conformance
// tests compare our served WSDL with it, and node-soap builds "vendor" clients from it. When the vendor files are
// beside the project, test/unit/contractFreshness.spec.ts proves it describes every vendor operation exactly as the
// vendor's own file does (our WSDL readers' element trees and bindings, and node-soap's own description).

const XS = 'http://www.w3.org/2001/XMLSchema';
const WSDL = 'http://schemas.xmlsoap.org/wsdl/';
const SOAP11 = 'http://schemas.xmlsoap.org/wsdl/soap/';
const SOAP12 = 'http://schemas.xmlsoap.org/wsdl/soap12/';
const SOAP_PREFIX = { soap11: 'soap', soap12: 'soap12' } as const;
const WSAW = 'http://www.w3.org/2006/05/addressing/wsdl';
const SER = 'http://schemas.microsoft.com/2003/10/Serialization/';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** Writes a WSDL 1.1 document from WSDL facts. */
export function wsdlFromFacts(f: WsdlFacts): string {
  // why: node-soap's namespace handling depends on where prefixes are declared (with the vendor's v2 file it puts the
  // items of an ArrayOfint in the wrong namespace, and vendor-WSDL clients really send that). So the layout is the
  // vendor's (WCF/ASMX): each schema binds `tns` to its own namespace and `xs` to XML Schema, and a reference to any
  // other namespace declares a fresh q1, q2, ... on the element that makes it.
  let nextQ = 0;
  const ref = (own: string, attrName: string, name: QName) => {
    const { ns, local } = splitClark(name);
    if (ns === own) return ` ${attrName}="tns:${local}"`;
    if (ns === XS) return ` ${attrName}="xs:${local}"`;
    if (ns === SER && own !== f.targetNamespace) return ` ${attrName}="ser:${local}"`;
    const p = `q${++nextQ}`;
    return ` xmlns:${p}="${esc(ns)}" ${attrName}="${p}:${local}"`;
  };
  const occurs = (p: ParticleFacts) => ` minOccurs="${p.minOccurs}" maxOccurs="${p.maxOccurs}"`;

  const complexType = (own: string, ct: ComplexTypeFacts, name: string | undefined, indent: string): string => {
    const i = `${indent}  `;
    const seq = (at: string) => `${at}<xs:sequence>\n${ct.sequence.map((p) => particle(own, p, `${at}  `)).join('')}${at}</xs:sequence>\n`;
    const mixed = ct.mixed === undefined ? '' : ` mixed="${ct.mixed}"`;
    const body = ct.extends
      ? `${i}<xs:complexContent${mixed}>\n${i}  <xs:extension${ref(own, 'base', ct.extends)}>\n${seq(`${i}    `)}${i}  </xs:extension>\n${i}</xs:complexContent>\n`
      : seq(i);
    return `${indent}<xs:complexType${name ? ` name="${esc(name)}"` : ''}${ct.extends ? '' : mixed}>\n${body}${indent}</xs:complexType>\n`;
  };
  const particle = (own: string, p: ParticleFacts, indent: string): string => {
    const attrs = `${occurs(p)} name="${esc(p.name)}"${p.nillable ? ' nillable="true"' : ''}${p.default !== undefined ? ` default="${esc(p.default)}"` : ''}`;
    if (p.complexType) return `${indent}<xs:element${attrs}>\n${complexType(own, p.complexType, undefined, `${indent}  `)}${indent}</xs:element>\n`;
    return `${indent}<xs:element${p.type ? ref(own, 'type', p.type) : ''}${attrs} />\n`;
  };

  let types = '';
  // The schema of the operation wrappers first, as in both vendor files (node-soap lets the first declaration of a prefix win).
  const schemas = Object.entries(f.schemas).sort(([a], [b]) => Number(b === f.targetNamespace) - Number(a === f.targetNamespace));
  for (const [ns, s] of schemas) {
    nextQ = 0;
    const forms = `${s.elementFormDefault ? ` elementFormDefault="${s.elementFormDefault}"` : ''}${s.attributeFormDefault ? ` attributeFormDefault="${s.attributeFormDefault}"` : ''}`;
    let body = s.imports.map((i) => `      <xs:import namespace="${esc(i)}" />\n`).join('');
    for (const [name, e] of Object.entries(s.elements)) {
      const attrs = ` name="${esc(name)}"${e.nillable ? ' nillable="true"' : ''}`;
      body += e.complexType
        ? `      <xs:element${attrs}>\n${complexType(ns, e.complexType, undefined, '        ')}      </xs:element>\n`
        : `      <xs:element${e.type ? ref(ns, 'type', e.type) : ''}${attrs} />\n`;
    }
    for (const [name, ct] of Object.entries(s.complexTypes)) body += complexType(ns, ct, name, '      ');
    for (const [name, st] of Object.entries(s.simpleTypes)) {
      const facets = [
        ...(st.enumeration ?? []).map((v) =>
          st.codes?.[v] === undefined
            ? `<xs:enumeration value="${esc(v)}" />`
            : `<xs:enumeration value="${esc(v)}"><xs:annotation><xs:appinfo><EnumerationValue xmlns="${SER}">${esc(st.codes[v])}</EnumerationValue></xs:appinfo></xs:annotation></xs:enumeration>`,
        ),
        ...(['pattern', 'minInclusive', 'maxInclusive'] as const).filter((k) => st[k] !== undefined).map((k) => `<xs:${k} value="${esc(st[k]!)}" />`),
      ];
      body += `      <xs:simpleType name="${esc(name)}">\n        <xs:restriction${ref(ns, 'base', st.base)}>\n${facets.map((x) => `          ${x}\n`).join('')}        </xs:restriction>\n      </xs:simpleType>\n`;
    }
    for (const [name, t] of Object.entries(s.attributes)) body += `      <xs:attribute name="${esc(name)}"${ref(ns, 'type', t)} />\n`;
    const ser = ns !== f.targetNamespace && ns !== SER ? ` xmlns:ser="${SER}"` : '';
    types += `    <xs:schema targetNamespace="${esc(ns)}"${forms} xmlns:tns="${esc(ns)}"${ser} xmlns:xs="${XS}">\n${body}    </xs:schema>\n`;
  }
  const tnsRef = (local: string) => `tns:${local}`;

  let messages = '';
  let portType = `  <wsdl:portType name="${esc(f.portType)}">\n`;
  for (const [name, op] of Object.entries(f.operations)) {
    const io = (d: 'input' | 'output') => {
      const m = op[d];
      messages += `  <wsdl:message name="${esc(m.message)}">\n    <wsdl:part name="${esc(m.part)}"${ref(f.targetNamespace, 'element', m.element)} />\n  </wsdl:message>\n`;
      return `      <wsdl:${d}${m.action !== undefined ? ` wsaw:Action="${esc(m.action)}"` : ''} message="${tnsRef(m.message)}" />\n`;
    };
    portType += `    <wsdl:operation name="${esc(name)}">\n${io('input')}${io('output')}    </wsdl:operation>\n`;
  }
  portType += '  </wsdl:portType>\n';

  let bindings = '';
  for (const [bname, b] of Object.entries(f.bindings)) {
    const p = SOAP_PREFIX[b.protocol];
    bindings += `  <wsdl:binding name="${esc(bname)}" type="${tnsRef(b.portType)}">\n    <${p}:binding transport="${esc(b.transport)}"${b.style ? ` style="${b.style}"` : ''} />\n`;
    for (const [name, op] of Object.entries(f.operations)) {
      const bo = op.bindings[bname];
      if (!bo) continue;
      const style = bo.style ? ` style="${bo.style}"` : '';
      bindings +=
        `    <wsdl:operation name="${esc(name)}">\n      <${p}:operation soapAction="${esc(bo.soapAction)}"${style} />\n` +
        `      <wsdl:input>\n        <${p}:body use="${bo.input}" />\n      </wsdl:input>\n` +
        `      <wsdl:output>\n        <${p}:body use="${bo.output}" />\n      </wsdl:output>\n    </wsdl:operation>\n`;
    }
    bindings += '  </wsdl:binding>\n';
  }

  let service = `  <wsdl:service name="${esc(f.service)}">\n`;
  for (const [pname, port] of Object.entries(f.ports)) {
    service += `    <wsdl:port name="${esc(pname)}" binding="${tnsRef(port.binding)}">\n      <${SOAP_PREFIX[port.protocol]}:address location="${esc(port.location)}" />\n    </wsdl:port>\n`;
  }
  service += '  </wsdl:service>\n';

  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    `<wsdl:definitions targetNamespace="${esc(f.targetNamespace)}" xmlns:wsdl="${WSDL}" xmlns:soap="${SOAP11}" xmlns:soap12="${SOAP12}" xmlns:wsaw="${WSAW}" xmlns:tns="${esc(f.targetNamespace)}">\n` +
    `  <wsdl:types>\n${types}  </wsdl:types>\n${messages}${portType}${bindings}${service}</wsdl:definitions>\n`
  );
}

/** The vendor WSDL of a dialect, written from the committed facts. */
export function vendorWsdl(dialect: 'v1' | 'v2'): string {
  const f = vendorFacts();
  return wsdlFromFacts(dialect === 'v1' ? f.soapV1 : f.soapV2);
}

/** Writes the vendor WSDL of a dialect to a temporary file (node-soap reads WSDLs from a path or URL). */
export function vendorWsdlFile(dialect: 'v1' | 'v2', tag: string): string {
  const file = path.join(os.tmpdir(), `vendor-${dialect}-${tag}-${process.pid}.wsdl`);
  fs.writeFileSync(file, vendorWsdl(dialect));
  return file;
}
