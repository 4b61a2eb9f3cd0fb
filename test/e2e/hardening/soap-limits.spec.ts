import { expect } from 'chai';
import { FakeClock } from '../../../src/lib/clock';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { faultCode, faultText, v1Call, v2Call } from '../../helpers/dialects';
import { SoapReply } from '../../helpers/soap';

// The per-account hourly quota and the per-(username, source) login throttle on the SOAP surfaces. Decision (CONTRACT
// §8: SOAP faults are HTTP 500): over the quota, v1 and v2 SOAP answer HTTP 500 with a soap:Client fault whose text
// ends in ERROR_APIUSAGE_EXCEEDED (REST answers 429). A throttled login is a login problem: v2 answers it like a bad
// password, 401 + WWW-Authenticate with a fault ending in ERROR_LOGIN_THROTTLED; v1 (whose bad logins are 500
// faults) answers a 500 fault. why 500 and not 429 on SOAP: .NET SoapHttpClientProtocol and PHP SoapClient read a
// fault body only on HTTP 500 (v2: also on the 401 the contract wants for login problems); on 429 they raise a bare
// HTTP error and the caller never sees the vendor's ERROR_ token. The full throttle design is in login-throttle.spec.ts.

const v2Time = (app: TestApp, l: TestLogin, from?: string) => v2Call(app.baseUrl, l, 'GetServerTime', '', from);
const v1Info = (app: TestApp, l: TestLogin, version: '1.1' | '1.2' = '1.1', from?: string) => v1Call(app.baseUrl, l, 'GetCurrentAccountInfo', '', version, from);

function expectFault(r: SoapReply, token: string, code = 'soap:Client'): void {
  expect(r.status, r.text).to.equal(500);
  expect(faultText(r)).to.match(new RegExp(` ${token}$`));
  expect(faultCode(r)).to.equal(code);
}

describe('hardening: API quota and login throttling on v1 and v2 SOAP', () => {
  let app: TestApp;
  const clock = new FakeClock(Date.UTC(2026, 5, 1, 10, 0, 0));
  before(async () => {
    app = await startApp({ clock, config: { rateLimitPerHour: 3, loginMaxFailures: 4, loginThrottleWindowMs: 15 * 60_000 } });
  });
  after(() => app.close());

  it('v2 SOAP: past the hourly quota a fault ERROR_APIUSAGE_EXCEEDED, for that account only, until the next hour', async () => {
    clock.advance(60 * 60_000);
    const a = await app.newAccount();
    const b = await app.newAccount();
    for (let i = 0; i < 3; i++) expect((await v2Time(app, a)).status).to.equal(200);
    expectFault(await v2Time(app, a), 'ERROR_APIUSAGE_EXCEEDED');
    expect((await v2Time(app, b)).status).to.equal(200);
    clock.advance(60 * 60_000);
    expect((await v2Time(app, a)).status).to.equal(200);
  });

  it('v1 SOAP 1.1 and 1.2: past the quota a fault ERROR_APIUSAGE_EXCEEDED (1.2: soap:Sender)', async () => {
    clock.advance(60 * 60_000);
    const a = await app.newAccount();
    for (let i = 0; i < 3; i++) expect((await v1Info(app, a)).status).to.equal(200);
    const r11 = await v1Info(app, a);
    expectFault(r11, 'ERROR_APIUSAGE_EXCEEDED');
    expect(faultText(r11)).to.match(/^Server was unable to process request\. ---> /);
    expectFault(await v1Info(app, a, '1.2'), 'ERROR_APIUSAGE_EXCEEDED', 'soap:Sender');
  });

  it('one quota per account across REST, v1 and v2', async () => {
    clock.advance(60 * 60_000);
    const a = await app.newAccount();
    expect((await new RestClient(app.baseUrl, a).get('/v2/account-info')).status).to.equal(200);
    expect((await v1Info(app, a)).status).to.equal(200);
    expect((await v2Time(app, a)).status).to.equal(200);
    expectFault(await v2Time(app, a), 'ERROR_APIUSAGE_EXCEEDED');
    expectFault(await v1Info(app, a), 'ERROR_APIUSAGE_EXCEEDED');
    expect((await new RestClient(app.baseUrl, a).get('/v2/account-info')).status).to.equal(429);
  });

  it('v2 SOAP: repeated bad passwords (401 + fault) throttle that source with 401 + WWW-Authenticate + fault, even with the right password, until the window passes', async () => {
    clock.advance(60 * 60_000);
    const login = await app.newAccount();
    const wrong = { username: login.username, password: 'not-the-password' };
    for (let i = 0; i < 4; i++) {
      const r = await v2Time(app, wrong as TestLogin, '127.0.0.2');
      expect(r.status).to.equal(401);
      expect(faultText(r)).to.match(/ERROR_INVALID_LOGIN$/);
    }
    const refused = await v2Time(app, login, '127.0.0.2');
    expect(refused.status, refused.text).to.equal(401);
    expect(refused.headers.get('www-authenticate')).to.equal('Basic realm="contactgate"');
    expect(faultText(refused)).to.match(/ ERROR_LOGIN_THROTTLED$/);
    expect(faultCode(refused)).to.equal('soap:Client');
    expect((await v2Time(app, login, '127.0.0.3')).status).to.equal(200);
    clock.advance(15 * 60_000);
    expect((await v2Time(app, login, '127.0.0.2')).status).to.equal(200);
  });

  it('v1 SOAP: repeated bad passwords throttle that source with a fault ERROR_LOGIN_THROTTLED', async () => {
    clock.advance(60 * 60_000);
    const login = await app.newAccount();
    const wrong = { username: login.username.toUpperCase(), password: 'not-the-password' };
    for (let i = 0; i < 4; i++) expectFault(await v1Info(app, wrong as TestLogin, '1.1', '127.0.0.2'), 'ERROR_INVALID_LOGIN');
    expectFault(await v1Info(app, login, '1.1', '127.0.0.2'), 'ERROR_LOGIN_THROTTLED');
    expectFault(await v1Info(app, login, '1.2', '127.0.0.2'), 'ERROR_LOGIN_THROTTLED', 'soap:Sender');
    expect((await v1Info(app, login, '1.1', '127.0.0.3')).status).to.equal(200);
    clock.advance(15 * 60_000);
    expect((await v1Info(app, login, '1.1', '127.0.0.2')).status).to.equal(200);
  });
});
