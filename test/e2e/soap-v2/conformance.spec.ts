import { expect } from 'chai';
import { describeElement, indexWsdl } from '../../helpers/wsdlTree';
import { V2_WSDL } from '../../../src/transport/soap/v2/mount';
import { V2_EXTENSION_OPERATIONS, V2_OPERATIONS } from '../../../src/transport/soap/v2/schema';
import { vendorWsdl } from '../../helpers/factsWsdl';
import { vendorFacts } from '../../helpers/vendorFacts';

// For every served operation: request and response element trees (names, order, namespaces, minOccurs, maxOccurs,
// nillable, types, recursively through complex types and enums) and the SOAPAction must equal the vendor's. The vendor
// side is the committed facts of the vendor file (test/contract/vendor-facts.json) written back as WSDL;
// test/unit/contractFreshness.spec.ts proves this reader sees the same trees in it as in the vendor's own file.

describe('SOAP v2 WSDL conformance with the vendor WSDL (committed facts)', () => {
  it('has zero differences for every served vendor operation', () => {
    const ours = indexWsdl(V2_WSDL);
    const vendor = indexWsdl(vendorWsdl('v2'));
    expect(ours.tns).to.equal(vendor.tns);
    const diffs: string[] = [];
    let compared = 0;
    for (const op of V2_OPERATIONS) {
      if (V2_EXTENSION_OPERATIONS.has(op.name)) continue;
      compared++;
      for (const el of [op.name, `${op.name}Response`]) {
        const a = describeElement(ours, ours.tns, el);
        const b = describeElement(vendor, vendor.tns, el);
        const n = Math.max(a.length, b.length);
        for (let i = 0; i < n; i++) {
          if (a[i] !== b[i]) diffs.push(`${el}:\n    ours:   ${a[i] ?? '(none)'}\n    vendor: ${b[i] ?? '(none)'}`);
        }
      }
      if (ours.actions.get(op.name) !== vendor.actions.get(op.name)) {
        diffs.push(`${op.name} SOAPAction: ours ${ours.actions.get(op.name)} vendor ${vendor.actions.get(op.name)}`);
      }
    }
    if (diffs.length) console.log(`  ${diffs.length} differences:\n  ${diffs.join('\n  ')}`);
    expect(compared).to.equal(V2_OPERATIONS.length - V2_EXTENSION_OPERATIONS.size);
    expect(diffs).to.deep.equal([]);
  });

  it('has the vendor service, port, binding and portType names and a document/literal SOAP 1.1 binding', () => {
    const vendor = vendorFacts().soapV2;
    const ports = Object.entries(vendor.ports);
    expect(ports).to.have.length(1);
    const [[port, { binding, protocol }]] = ports;
    expect(protocol).to.equal('soap11');
    const grab = (text: string) => ({
      service: /<wsdl:service name="([^"]+)"/.exec(text)?.[1],
      port: /<wsdl:port name="([^"]+)" binding="tns:([^"]+)"/.exec(text)?.slice(1),
      portType: /<wsdl:portType name="([^"]+)"/.exec(text)?.[1],
      transport: /<soap:binding transport="([^"]+)"/.exec(text)?.[1],
    });
    expect(grab(V2_WSDL)).to.deep.equal({ service: vendor.service, port: [port, binding], portType: vendor.portType, transport: vendor.bindings[binding].transport });
    expect(vendor.bindings[binding]).to.include({ protocol: 'soap11', portType: vendor.portType });
    expect(V2_WSDL.match(/style="document"/g)).to.have.length(V2_OPERATIONS.length);
    expect(V2_WSDL.match(/<soap:body use="literal"\/>/g)).to.have.length(2 * V2_OPERATIONS.length);
  });

  it('the tree comparison notices a difference (self-check)', () => {
    const vendor = indexWsdl(vendorWsdl('v2'));
    const mutated = indexWsdl(V2_WSDL.replace('name="Email" nillable="true"', 'name="Email"'));
    expect(describeElement(mutated, mutated.tns, 'GetContactByIdResponse')).not.to.deep.equal(describeElement(vendor, vendor.tns, 'GetContactByIdResponse'));
  });

  it('the extension operations use the same conventions (ApiSegment in http://apiconnector.com, wrappers in v2)', () => {
    const ours = indexWsdl(V2_WSDL);
    const tree = describeElement(ours, ours.tns, 'GetSegmentsResponse');
    expect(tree).to.deep.equal([
      'GetSegmentsResponse {http://apiconnector.com/v2} min=1 max=1 nillable=false type=(anonymous)',
      'GetSegmentsResponse/GetSegmentsResult {http://apiconnector.com/v2} min=0 max=1 nillable=true type={http://apiconnector.com}ArrayOfApiSegment',
      'GetSegmentsResponse/GetSegmentsResult/ApiSegment {http://apiconnector.com} min=0 max=unbounded nillable=true type={http://apiconnector.com}ApiSegment',
      'GetSegmentsResponse/GetSegmentsResult/ApiSegment/Id {http://apiconnector.com} min=0 max=1 nillable=false type={http://www.w3.org/2001/XMLSchema}int',
      'GetSegmentsResponse/GetSegmentsResult/ApiSegment/Name {http://apiconnector.com} min=0 max=1 nillable=true type={http://www.w3.org/2001/XMLSchema}string',
      'GetSegmentsResponse/GetSegmentsResult/ApiSegment/Contacts {http://apiconnector.com} min=0 max=1 nillable=false type={http://www.w3.org/2001/XMLSchema}int',
    ]);
    expect(ours.actions.get('RefreshSegment')).to.equal('http://apiconnector.com/v2/ApiService/RefreshSegment');
  });
});
