import { expect } from 'chai';
import { unservedOperations } from '../../helpers/unserved';
import { vendorFacts } from '../../helpers/vendorFacts';
import { startApp, TestApp } from '../../helpers/app';
import { rawRequest } from '../../helpers/rest';
import { diffLines, WsdlModel } from '../../helpers/wsdlModel';
import { V1_LATER_OPERATIONS, V1_OPERATIONS } from '../../../src/transport/soap/v1/schema';
import { vendorWsdl } from '../../helpers/factsWsdl';

// Our served v1 WSDL against the vendor's 2011 WSDL, for every served operation: request and response element trees
// (names, order, namespaces, minOccurs/maxOccurs, nillable, types, enum members), SOAPAction, style and body use in
// both the SOAP 1.1 and the SOAP 1.2 binding. The vendor side is the committed facts of the vendor file
// (test/contract/vendor-facts.json) written back as WSDL; test/unit/contractFreshness.spec.ts proves these readers see the
// same trees in it as in the vendor's own file. The three later-era operations are checked against CONTRACT 1.2.
const NS = 'http://apiconnector.com';
const XS = 'http://www.w3.org/2001/XMLSchema';
const SOAP11 = 'http://schemas.xmlsoap.org/wsdl/soap/';
const SOAP12 = 'http://schemas.xmlsoap.org/wsdl/soap12/';

describe('SOAP v1 WSDL conformance with the vendor WSDL (committed facts)', () => {
  let app: TestApp;
  let ours: WsdlModel;
  let vendor: WsdlModel;

  before(async () => {
    app = await startApp();
    const res = await rawRequest(`${app.baseUrl}/api.asmx?WSDL`, 'GET', {});
    ours = new WsdlModel(res.body.toString('utf8'));
    vendor = new WsdlModel(vendorWsdl('v1'));
  });
  after(() => app.close());

  const vendorOps = V1_OPERATIONS.filter((o) => !V1_LATER_OPERATIONS.has(o.name));

  it(`serves ${V1_OPERATIONS.length} operations, ${vendorOps.length} of them from the 2011 WSDL`, () => {
    // why: computed, never a hard-coded count: every operation of the vendor WSDL is served (issue #21).
    expect(unservedOperations('v1'), 'vendor v1 operations not served').to.deep.equal([]);
    expect(vendorOps.length).to.equal(Object.keys(vendorFacts().soapV1.operations).length);
    for (const op of vendorOps) expect(vendor.hasElement(NS, op.name), op.name).to.equal(true);
    for (const op of V1_LATER_OPERATIONS) expect(vendor.hasElement(NS, op), op).to.equal(false);
  });

  it('every served operation matches the vendor: element trees, SOAPAction, style and use, in both bindings (zero differences)', () => {
    const diffs: string[] = [];
    for (const op of vendorOps) {
      for (const el of [op.name, `${op.name}Response`]) diffs.push(...diffLines(el, vendor.describe(NS, el), ours.describe(NS, el)));
      for (const flavour of [SOAP11, SOAP12]) {
        const v = vendor.bindings.get(flavour)?.get(op.name);
        const o = ours.bindings.get(flavour)?.get(op.name);
        if (JSON.stringify(v) !== JSON.stringify(o)) diffs.push(`${op.name} binding ${flavour}: vendor ${JSON.stringify(v)} vs ours ${JSON.stringify(o)}`);
      }
    }
    expect(diffs, diffs.join('\n')).to.deep.equal([]);
  });

  it('the comparison is not vacuous: a changed spelling is a difference', () => {
    const vendorLines = vendor.describe(NS, 'AddContactToAddressBook');
    expect(vendorLines.some((l) => l.startsWith('AddContactToAddressBook/addressbookId :'))).to.equal(true);
    const tampered = vendorLines.map((l) => l.replace('/addressbookId', '/addressBookId'));
    expect(diffLines('x', vendorLines, tampered)).to.have.length(1);
    expect(vendorLines.length).to.be.greaterThan(10);
  });

  it('the later-era operations have the CONTRACT 1.2 shapes', () => {
    const S = `{${XS}}string`;
    const I = `{${XS}}int`;
    const line = (path: string, type: string, min: string, max = '1', nillable = 'false') => `${path} : ns=${NS} type=${type} min=${min} max=${max} nillable=${nillable}`;
    const names = (el: string) => ours.describe(NS, el).filter((l) => l.split(' : ')[0].split('/').length === 2);
    expect(names('ResubscribeContact')).to.deep.equal([
      line('ResubscribeContact/username', S, '0'),
      line('ResubscribeContact/password', S, '0'),
      line('ResubscribeContact/contact', `{${NS}}APIContact`, '0'),
      line('ResubscribeContact/addressBookId', I, '1'),
      line('ResubscribeContact/preferredLocale', S, '0'),
      line('ResubscribeContact/returnUrlToUseIfChallenged', S, '0'),
    ]);
    expect(ours.describe(NS, 'ResubscribeContactResponse')[1]).to.match(/enum=\[ContactAdded,ContactChallenged,ContactCannotBeUnsuppressed\]$/);
    expect(names('GetContactStatusByEmail')).to.deep.equal([
      line('GetContactStatusByEmail/username', S, '0'),
      line('GetContactStatusByEmail/password', S, '0'),
      line('GetContactStatusByEmail/email', S, '0'),
    ]);
    expect(ours.describe(NS, 'GetContactStatusByEmailResponse')[1]).to.match(
      /enum=\[Subscribed,UnSubscribed,SoftBounced,HardBounced,ISPComplained,MailBlocked,PendingOptIn,DirectComplaint,SpamTrap,Deleted,Suppressed,SharedSuppression,DomainSuppression,NoMXRecord,NotAllowed,Other\]$/,
    );
    const info = ours.describe(NS, 'GetCurrentAccountInfoResponse').map((l) => l.split(' : ')[0]);
    expect(info).to.deep.equal([
      'GetCurrentAccountInfoResponse',
      'GetCurrentAccountInfoResponse/GetCurrentAccountInfoResult',
      'GetCurrentAccountInfoResponse/GetCurrentAccountInfoResult/Id',
      'GetCurrentAccountInfoResponse/GetCurrentAccountInfoResult/Properties',
      'GetCurrentAccountInfoResponse/GetCurrentAccountInfoResult/Properties/APIAccountProperty',
      'GetCurrentAccountInfoResponse/GetCurrentAccountInfoResult/Properties/APIAccountProperty/Name',
      'GetCurrentAccountInfoResponse/GetCurrentAccountInfoResult/Properties/APIAccountProperty/Type',
      'GetCurrentAccountInfoResponse/GetCurrentAccountInfoResult/Properties/APIAccountProperty/Value',
    ]);
    for (const op of V1_LATER_OPERATIONS) {
      for (const flavour of [SOAP11, SOAP12]) {
        expect(ours.bindings.get(flavour)?.get(op)).to.deep.equal({ soapAction: `${NS}/${op}`, style: 'document', inputUse: 'literal', outputUse: 'literal' });
      }
    }
  });
});
