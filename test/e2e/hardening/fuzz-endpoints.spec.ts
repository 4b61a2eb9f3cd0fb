import { expect } from 'chai';
import fc from 'fast-check';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { basic, postRaw } from '../../helpers/soap';
import { faultText } from '../../helpers/dialects';

// Random bodies through the real endpoints (fixed seed, bounded runs): SOAP answers a fault with a caller-side
// ERROR_ token (never ERROR_UNKNOWN, never a stack) and REST answers 2xx/4xx, never 5xx.

const SEED = 20261126;
const RUNS = 60;

describe('hardening: fuzzed bodies through the endpoints (fast-check, fixed seed)', function () {
  this.timeout(30_000);
  let app: TestApp;
  let login: TestLogin;
  let api: RestClient;
  before(async () => {
    app = await startApp();
    login = await app.newAccount();
    api = new RestClient(app.baseUrl, login);
    await api.post('/v2/data-fields', { name: 'BIRTHDAY', type: 'Date' });
    await api.post('/v2/data-fields', { name: 'FLAG', type: 'Boolean' });
    await api.post('/v2/data-fields', { name: 'SCORE', type: 'Numeric' });
  });
  after(() => app.close());

  const envelope = (inner: string) => `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${inner}</s:Body></s:Envelope>`;
  const call = `<CreateContact xmlns="http://apiconnector.com/v2"><apiContact xmlns:d="http://apiconnector.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><d:Email>f@example.com</d:Email><d:DataFields><d:ApiContactData><d:Key>BIRTHDAY</d:Key><d:Value xsi:type="xsd:dateTime">2020-01-01</d:Value></d:ApiContactData></d:DataFields></apiContact></CreateContact>`;
  const mutate = (s: string) => fc.tuple(fc.nat(s.length), fc.nat(6), fc.string({ unit: 'binary', maxLength: 6 })).map(([at, cut, ins]) => s.slice(0, at) + ins + s.slice(at + cut));
  const xmlBody = fc.oneof(mutate(envelope(call)), fc.string({ unit: 'binary', maxLength: 120 }), fc.uint8Array({ maxLength: 120 }).map((b) => Buffer.from(b).toString('latin1')));

  it('v2 and v1 SOAP: a fault with a caller-side token for any body', async () => {
    await fc.assert(
      fc.asyncProperty(xmlBody, fc.boolean(), async (body, v1) => {
        const r = v1
          ? await postRaw(app.baseUrl, '/api.asmx', body, { 'Content-Type': 'text/xml; charset=utf-8' })
          : await postRaw(app.baseUrl, '/v2/Api.svc', body, { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"http://apiconnector.com/v2/ApiService/CreateContact"', Authorization: basic(login) });
        if (r.status === 200) return;
        expect(r.status, r.text).to.be.oneOf([400, 401, 413, 415, 500]);
        if (r.status === 500) {
          expect(faultText(r), r.text).to.match(/ ERROR_[A-Z_]+$/);
          expect(faultText(r)).not.to.match(/ERROR_UNKNOWN/);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('REST: data-field values of any JSON shape are 201 or 400, never 5xx', async () => {
    const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.double(), fc.constantFrom(1e20, -8.6e15, 8.64e15 + 1, '1e400', '31/02/2020', '0050-01-01', '99999-01-01'));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('BIRTHDAY', 'FLAG', 'SCORE', 'FIRSTNAME'), value, async (key, v) => {
        const r = await api.post('/v2/contacts', { email: 'fuzz@example.com', dataFields: [{ key, value: v }] });
        expect(r.status, `${key}=${JSON.stringify(v)}: ${r.text}`).to.be.oneOf([200, 201, 400]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('regressions found by the fuzzers: a Date of 1e20 ms and an over-long xsd:long are 400/faults, not 500 or rounding', async () => {
    const r = await api.post('/v2/contacts', { email: 'big@example.com', dataFields: [{ key: 'BIRTHDAY', value: 1e20 }] });
    expect(r.status).to.equal(400);
    expect(r.body.message).to.match(/ERROR_DATAFIELD_VALUE_INVALID$/);
    const long = call.replace('<d:Value xsi:type="xsd:dateTime">2020-01-01</d:Value>', '<d:Value xsi:type="xsd:long">9007199254740993</d:Value>').replace('BIRTHDAY', 'SCORE');
    const f = await postRaw(app.baseUrl, '/v2/Api.svc', envelope(long), { 'Content-Type': 'text/xml; charset=utf-8', Authorization: basic(login) });
    expect(faultText(f)).to.match(/ERROR_PARAMETER_INVALID$/);
  });
});
