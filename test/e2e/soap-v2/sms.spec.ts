import { expect } from 'chai';
import * as soap from 'soap';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { expectError } from '../../helpers/expect';
import { loginStrictV2, vendorClient } from '../../helpers/vendorClients';
import { normaliseTelephone } from '../../../src/domain/sms';

type Client = any; // eslint-disable-line @typescript-eslint/no-explicit-any

// Single SMS messages on three dialects (v1 SendSingleSMSMessage, v2 SendSingleSmsMessage, REST POST
// /v2/sms-messages/send-to/{telephoneNumber}) through node-soap clients from our WSDLs and the vendor's: each answers as
// the vendor did (nothing) and records the same outbox row; a refused number or message records nothing.
const kinds: Array<{ name: string; v2: (app: TestApp) => Promise<Client>; v1: (app: TestApp) => Promise<Client> }> = [
  { name: 'our served WSDLs', v2: (app) => soap.createClientAsync(`${app.baseUrl}/v2/Api.svc?wsdl`), v1: (app) => soap.createClientAsync(`${app.baseUrl}/API.asmx?WSDL`) },
  {
    name: 'the vendor WSDLs',
    v2: (app) => vendorClient('v2', 'sms', app.baseUrl),
    v1: (app) => vendorClient('v1', 'sms', app.baseUrl),
  },
];

const faultOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    const f = (e as any).root?.Envelope?.Body?.Fault;
    expect((e as any).response?.status).to.equal(500);
    return String(f?.faultstring ?? e);
  }
  throw new Error('expected a fault');
};

describe('SMS telephone numbers (E.164-ish) and message budget', () => {
  it('normalises international numbers and refuses national, short, long and lettered ones', () => {
    expect(normaliseTelephone('+44 7700 900123')).to.equal('+447700900123');
    expect(normaliseTelephone('0044 (0)7700-900.123')).to.equal('+447700900123');
    expect(normaliseTelephone('447700900123')).to.equal('+447700900123');
    for (const bad of ['07700 900123', '+44', '+1234567', '+1234567890123456', '+44 7700 9001x3', '', ' ', '++447700900123', 123]) {
      expect(() => normaliseTelephone(bad), String(bad)).to.throw(/ERROR_SMS_INVALID_TELEPHONE_NUMBER/);
    }
  });
});

for (const kind of kinds) {
  describe(`SMS: v2 and v1 SOAP clients from ${kind.name}, REST`, () => {
    let app: TestApp;
    let login: TestLogin;
    let v2: Client;
    let v1: Client;
    let api: RestClient;
    const invalid: string[] = [];
    before(async () => {
      app = await startApp();
      login = await app.newAccount();
      api = new RestClient(app.baseUrl, login);
      v2 = await kind.v2(app);
      loginStrictV2(v2, login, invalid);
      v1 = await kind.v1(app);
    });
    afterEach(() => expect(invalid, 'responses valid against the schema').to.deep.equal([]));
    after(() => app.close());
    const auth = () => ({ username: login.username, password: login.password });
    const rows = async () => (await app.services.outbox.list(login.accountId, { state: 'all' })).filter((r) => r.kind === 'sms');

    it('each dialect answers as the vendor (empty) and records one outbox row {kind sms, E.164 number, payload {message}}', async () => {
      const [r2] = await v2.SendSingleSmsMessageAsync({ telephoneNumber: '+44 7700 900001', sms: { Message: 'Your code is 1234' } });
      expect(r2 ?? null).to.equal(null);
      expect(v2.lastResponse).to.match(/<SendSingleSmsMessageResponse xmlns="http:\/\/apiconnector.com\/v2"\s*\/>|<SendSingleSmsMessageResponse xmlns="http:\/\/apiconnector.com\/v2"><\/SendSingleSmsMessageResponse>/);
      const [r1] = await v1.SendSingleSMSMessageAsync({ ...auth(), telephoneNumber: '0044 7700 900002', message: 'Your code is 5678' });
      expect(r1 ?? null).to.equal(null);
      const rest = await api.post('/v2/sms-messages/send-to/%2B447700900003', { Message: 'Your code is 9012 ✓' });
      expect(rest.status, rest.text).to.equal(204);
      expect(rest.text).to.equal('');
      const got = (await rows()).map((r) => ({ accountId: r.accountId, telephone: r.telephone, payload: r.payload, email: r.email, sendId: r.sendId, ackedAt: r.ackedAt }));
      expect(got).to.deep.equal([
        { accountId: login.accountId, telephone: '+447700900001', payload: { message: 'Your code is 1234' }, email: null, sendId: null, ackedAt: null },
        { accountId: login.accountId, telephone: '+447700900002', payload: { message: 'Your code is 5678' }, email: null, sendId: null, ackedAt: null },
        { accountId: login.accountId, telephone: '+447700900003', payload: { message: 'Your code is 9012 ✓' }, email: null, sendId: null, ackedAt: null },
      ]);
    });

    it('refuses bad numbers and messages (empty, over 160 characters) with vendor-style faults, recording nothing', async () => {
      const before = (await rows()).length;
      const long = 'x'.repeat(161);
      expect(await faultOf(v2.SendSingleSmsMessageAsync({ telephoneNumber: '07700 900123', sms: { Message: 'Hi' } }))).to.match(/ ERROR_SMS_INVALID_TELEPHONE_NUMBER$/);
      expect(await faultOf(v2.SendSingleSmsMessageAsync({ telephoneNumber: '+447700900123', sms: { Message: long } }))).to.match(/ ERROR_SMS_INVALID_MESSAGE$/);
      expect(await faultOf(v2.SendSingleSmsMessageAsync({ telephoneNumber: '+447700900123' }))).to.match(/ ERROR_SMS_INVALID_MESSAGE$/);
      expect(await faultOf(v1.SendSingleSMSMessageAsync({ ...auth(), telephoneNumber: 'call me', message: 'Hi' }))).to.match(/ERROR_SMS_INVALID_TELEPHONE_NUMBER$/);
      expect(await faultOf(v1.SendSingleSMSMessageAsync({ ...auth(), telephoneNumber: '+447700900123', message: '' }))).to.match(/ERROR_SMS_INVALID_MESSAGE$/);
      expectError(await api.post('/v2/sms-messages/send-to/12345', { message: 'Hi' }), 400, 'ERROR_SMS_INVALID_TELEPHONE_NUMBER');
      expectError(await api.post('/v2/sms-messages/send-to/%2B447700900123', { message: long }), 400, 'ERROR_SMS_INVALID_MESSAGE');
      // 160 emoji are 160 characters on a phone (320 UTF-16 units): accepted; 161 are not.
      expect((await api.post('/v2/sms-messages/send-to/%2B447700900123', { message: '🙂'.repeat(160) })).status).to.equal(204);
      expectError(await api.post('/v2/sms-messages/send-to/%2B447700900123', { message: '🙂'.repeat(161) }), 400, 'ERROR_SMS_INVALID_MESSAGE');
      expectError(await api.post('/v2/sms-messages/send-to/%2B447700900123', { message: 'a\u0000b' }), 400, 'ERROR_SMS_INVALID_MESSAGE');
      expect((await rows()).length).to.equal(before + 1);
    });
  });
}
