import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { startApp, TestApp } from '../../helpers/app';
import { rawRequest } from '../../helpers/rest';
import { V2_WSDL } from '../../../src/transport/soap/v2/mount';
import { ADDRESS_PLACEHOLDER } from '../../../src/transport/soap/shared/wsdl';

describe('SOAP v2 WSDL', () => {
  let app: TestApp;
  before(async () => (app = await startApp()));
  after(() => app.close());

  it('the committed wsdl/v2/Api.svc.wsdl equals the generator output (regenerate: npx tsx scripts/gen-wsdl.ts)', () => {
    const committed = fs.readFileSync(path.join(__dirname, '../../../wsdl/v2/Api.svc.wsdl'), 'utf8');
    expect(committed).to.equal(V2_WSDL);
  });

  it('has no WS-Policy and only our namespaces', () => {
    expect(V2_WSDL).not.to.match(/Policy|wsu:|wsp:|wsaw:/);
    expect(V2_WSDL).not.to.match(/soap12/);
  });

  it('is served without auth on ?wsdl, ?WSDL, ?singleWsdl, at both paths, any path case, with the address of the request', async () => {
    for (const p of ['/v2/Api.svc?wsdl', '/v2/Api.svc?WSDL', '/v2/Api.svc?singleWsdl', '/v2/ApiService.svc?wsdl', '/V2/API.SVC?Wsdl', '/v2/api.svc?SINGLEWSDL']) {
      const r = await rawRequest(`${app.baseUrl}${p}`, 'GET', {});
      expect(r.status, p).to.equal(200);
      expect(r.headers.get('content-type')).to.match(/^text\/xml/);
      const text = r.body.toString('utf8');
      const address = /<soap:address location="([^"]+)"/.exec(text)?.[1];
      expect(address).to.equal(`${app.baseUrl}${p.split('?')[0]}`);
      expect(text).to.equal(V2_WSDL.replace(ADDRESS_PLACEHOLDER, address!));
    }
  });

  it('ignores X-Forwarded-Proto and X-Forwarded-Host in soap:address unless TRUST_PROXY is set', async () => {
    const r = await rawRequest(`${app.baseUrl}/v2/Api.svc?wsdl`, 'GET', { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'api.example.com' });
    expect(r.body.toString('utf8')).to.contain(`<soap:address location="${app.baseUrl}/v2/Api.svc"/>`);
    expect(r.body.toString('utf8')).not.to.contain('api.example.com');
  });

  it('a GET without ?wsdl says where the WSDL is', async () => {
    const r = await rawRequest(`${app.baseUrl}/v2/Api.svc`, 'GET', {});
    expect(r.status).to.equal(200);
    expect(r.body.toString()).to.contain('/v2/Api.svc?wsdl');
  });
});
