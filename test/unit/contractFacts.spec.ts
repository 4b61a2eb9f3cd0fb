import { expect } from 'chai';
import { extractWsdl, stringifyFacts } from '../../scripts/extract-contract-facts';
import { wsdlFromFacts } from '../helpers/factsWsdl';
import { vendorFacts, WSDL_DIALECTS } from '../helpers/vendorFacts';

// The committed facts of the vendor contract are what every conformance test compares with. This spec checks that
// they hold the whole contract and that the WSDL written back from them loses nothing. Whether they are a fresh
// extraction of the vendor's files is test/unit/contractFreshness.spec.ts's question (the only test that looks
// beside the project).

describe('vendor contract facts (test/contract/vendor-facts.json)', () => {
  it('hold every vendor operation, route and REST type', () => {
    const f = vendorFacts();
    expect(Object.keys(f.soapV1.operations)).to.have.length(67);
    expect(Object.keys(f.soapV2.operations)).to.have.length(88);
    expect(Object.keys(f.rest.routes)).to.have.length(170);
    expect(Object.keys(f.soapV1.bindings)).to.deep.equal(['APISoap', 'APISoap12']);
    for (const op of Object.values(f.soapV1.operations)) expect(Object.keys(op.bindings)).to.deep.equal(['APISoap', 'APISoap12']);
    for (const op of Object.values(f.soapV2.operations)) expect(Object.keys(op.bindings)).to.deep.equal(['Secure_ApiService']);
    expect(f.soapV1.operations.AddContactToAddressBook.parameters).to.deep.equal(['username', 'password', 'contact', 'addressbookId']);
    expect(f.soapV2.operations.GetContactById.bindings.Secure_ApiService.soapAction).to.equal('http://apiconnector.com/v2/ApiService/GetContactById');
    expect(f.rest.routes['GET /v2/address-books/{addressBookId}/contacts']).to.include({ id: 'GetAddressBookContacts' });
    expect(f.rest.routes['GET /v2/address-books/{addressBookId}/contacts'].query).to.deep.equal(['withFullData', 'select', 'skip']);
    expect(f.rest.elements.ApiContact).to.equal('apiContact');
    expect(f.rest.complexTypes.apiContact.properties.map((p) => p.name)).to.deep.equal(['Id', 'Email', 'OptInType', 'EmailType', 'DataFields', 'Status']);
  });

  for (const { dialect, facts, source } of WSDL_DIALECTS) {
    it(`${dialect}: the WSDL written back from the facts reads back as the same facts`, async () => {
      const f = facts();
      const back = await extractWsdl(wsdlFromFacts(f), source);
      expect(stringifyFacts(back)).to.equal(stringifyFacts(f));
    });
  }
});
