import { expect } from 'chai';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { basic } from '../../helpers/soap';
import { rawRequest } from '../../helpers/rest';
import { isValidEmail } from '../../../src/domain/contact';

// Smaller findings of the outside test: X-Forwarded-* poisoning WSDL addresses, and emails with invisible characters.

describe('hardening: X-Forwarded-Host/-Proto count only behind a trusted proxy (TRUST_PROXY)', () => {
  const forwarded = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'evil.example.net' };

  async function addresses(app: TestApp, login: TestLogin): Promise<string[]> {
    const v1 = (await rawRequest(`${app.baseUrl}/api.asmx?WSDL`, 'GET', forwarded)).body.toString('utf8');
    const v2 = (await rawRequest(`${app.baseUrl}/v2/Api.svc?wsdl`, 'GET', forwarded)).body.toString('utf8');
    const info = await fetch(`${app.baseUrl}/v2/account-info`, { headers: { ...forwarded, Authorization: basic(login) } });
    const props = ((await info.json()) as { properties: Array<{ name: string; value: string }> }).properties;
    return [/<soap:address location="([^"]+)"/.exec(v1)![1], /<soap:address location="([^"]+)"/.exec(v2)![1], props.find((p) => p.name === 'ApiEndpoint')!.value];
  }

  it('by default (no TRUST_PROXY) every address is the one the request came in on', async () => {
    const app = await startApp();
    try {
      const [v1, v2, endpoint] = await addresses(app, await app.newAccount());
      expect(v1).to.equal(`${app.baseUrl}/api.asmx`);
      expect(v2).to.equal(`${app.baseUrl}/v2/Api.svc`);
      expect(endpoint).to.equal(app.baseUrl);
    } finally {
      await app.close();
    }
  });

  it('with TRUST_PROXY=loopback the proxy\'s headers are the public address', async () => {
    const app = await startApp({ config: { trustProxy: 'loopback' } });
    try {
      const [v1, v2, endpoint] = await addresses(app, await app.newAccount());
      expect(v1).to.equal('https://evil.example.net/api.asmx');
      expect(v2).to.equal('https://evil.example.net/v2/Api.svc');
      expect(endpoint).to.equal('https://evil.example.net');
    } finally {
      await app.close();
    }
  });
});

describe('hardening: emails with bidi controls, zero-width or replacement characters are invalid', () => {
  const BAD = ['evil\u202Egro.elpmaxe@example.com', 'a\u200Bb@example.com', 'a\u200Db@example.com', 'a\uFEFFb@example.com', 'caf\uFFFD@example.com', 'a\u2066b@example.com', 'a\u0007b@example.com', 'a\uD800b@example.com'];
  let app: TestApp;
  let login: TestLogin;
  before(async () => {
    app = await startApp();
    login = await app.newAccount();
  });
  after(() => app.close());

  it('the domain rule refuses each, and still takes ordinary and international-looking addresses', () => {
    for (const e of BAD) expect(isValidEmail(e), JSON.stringify(e)).to.equal(false);
    for (const e of ['renee@example.com', 'rené@example.com', 'o\'brien@example.com', 'x+tag@example.co.uk']) expect(isValidEmail(e), e).to.equal(true);
  });

  it('REST and v2 SOAP refuse them with the vendor error and store nothing', async () => {
    for (const email of BAD) {
      const rest = await fetch(`${app.baseUrl}/v2/contacts`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: basic(login) }, body: JSON.stringify({ email }) });
      expect(rest.status, JSON.stringify(email)).to.equal(400);
      const v2 = await rawRequest(`${app.baseUrl}/v2/Api.svc`, 'POST', { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"http://apiconnector.com/v2/ApiService/CreateContact"', Authorization: basic(login) },
        `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><CreateContact xmlns="http://apiconnector.com/v2"><contact><Email xmlns="http://apiconnector.com">${email.replace(/[\u0000-\u0008]/g, (c) => `&#${c.charCodeAt(0)};`)}</Email></contact></CreateContact></s:Body></s:Envelope>`);
      expect(v2.status, JSON.stringify(email)).to.equal(500);
      expect(v2.body.toString('utf8')).to.match(/ERROR_/);
    }
    const list = await fetch(`${app.baseUrl}/v2/contacts`, { headers: { Authorization: basic(login) } });
    expect(((await list.json()) as unknown[]).length).to.equal(0);
  });
});
