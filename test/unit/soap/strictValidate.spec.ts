import { expect } from 'chai';
import { validateResponse } from '../../helpers/strictValidate';
import { V2_NS, V2_OPERATIONS } from '../../../src/transport/soap/v2/schema';

const env = (inner: string) =>
  `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><s:Body>${inner}</s:Body></s:Envelope>`;

describe('strict response validator (test helper)', () => {
  it('accepts a WCF-shaped answer', () => {
    const ok = env(
      `<GetCurrentAccountInfoResponse xmlns="${V2_NS}"><GetCurrentAccountInfoResult xmlns:a="http://apiconnector.com"><a:Id>7</a:Id><a:Properties i:nil="true"/></GetCurrentAccountInfoResult></GetCurrentAccountInfoResponse>`,
    );
    expect(validateResponse(ok, V2_OPERATIONS, V2_NS)).to.deep.equal([]);
  });

  it('rejects data-type children in the operation namespace (the node-soap server bug of CONTRACT §9.1), bad order and bad enums', () => {
    const wrongNs = env(`<GetCurrentAccountInfoResponse xmlns="${V2_NS}"><GetCurrentAccountInfoResult><Id>7</Id></GetCurrentAccountInfoResult></GetCurrentAccountInfoResponse>`);
    expect(validateResponse(wrongNs, V2_OPERATIONS, V2_NS)).to.deep.equal([
      'GetCurrentAccountInfoResponse/GetCurrentAccountInfoResult: unexpected element {http://apiconnector.com/v2}Id',
    ]);
    const order = env(
      `<GetContactByIdResponse xmlns="${V2_NS}"><GetContactByIdResult xmlns:a="http://apiconnector.com"><a:Email>e</a:Email><a:Id>1</a:Id><a:Status>Gone</a:Status></GetContactByIdResult></GetContactByIdResponse>`,
    );
    expect(validateResponse(order, V2_OPERATIONS, V2_NS)).to.have.length(2);
  });
});
