import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/lib/logger';
import { createApp } from '../../../src/app';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { postRaw, v2Raw, SOAP11 } from '../../helpers/soap';

describe('request logs: one JSON line per request in all three dialects, credentials never written', () => {
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      raw.push(String(chunk));
      cb();
    },
  });
  const lines = () =>
    raw
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  let app: TestApp;
  let login: TestLogin;
  before(async () => {
    app = await startApp({ build: (services) => createApp({ services, log: createLogger('debug', sink) }) });
    login = await app.newAccount();
  });
  after(() => app.close());

  const v1 = (username: string, password: string) =>
    postRaw(
      app.baseUrl,
      '/api.asmx',
      `<soap:Envelope xmlns:soap="${SOAP11}"><soap:Body><ListAddressBooks xmlns="http://apiconnector.com">` +
        `<username>${username}</username><password>${password}</password></ListAddressBooks></soap:Body></soap:Envelope>`,
      { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"http://apiconnector.com/ListAddressBooks"', 'X-Correlation-Id': 'v1-call' },
    );

  it('logs dialect, operation, account, status, duration and correlation id for REST, SOAP v1 and SOAP v2', async () => {
    raw.length = 0;
    await new RestClient(app.baseUrl, login).call('GET', '/v2/data-fields', undefined, { 'X-Correlation-Id': 'rest-call' });
    expect((await v1(login.username, login.password)).status).to.equal(200);
    expect((await v2Raw(app.baseUrl, 'GetServerTime', `<GetServerTime xmlns="http://apiconnector.com/v2"/>`, login, { 'X-Correlation-Id': 'v2-call' })).status).to.equal(200);
    const req = lines().filter((l) => l.msg === 'request');
    expect(req).to.have.length(3);
    const want = [
      { correlationId: 'rest-call', dialect: 'rest', operation: 'GET /v2/data-fields' },
      { correlationId: 'v1-call', dialect: 'soap-v1', operation: 'ListAddressBooks' },
      { correlationId: 'v2-call', dialect: 'soap-v2', operation: 'GetServerTime' },
    ];
    want.forEach((w, i) => {
      expect(req[i]).to.include({ ...w, account: login.accountId, status: 200, level: 30, service: 'contactgate' });
      expect(req[i].durationMs).to.be.a('number');
      expect(req[i].time).to.be.a('string');
    });
  });

  it('never writes passwords, Authorization headers or SOAP password elements, also for failing calls', async () => {
    raw.length = 0;
    const wrong = `Wrong-Secret-${Math.random().toString(36).slice(2)}`;
    expect((await v1(login.username, login.password)).status).to.equal(200);
    const bad = await v1(login.username, wrong);
    expect(bad.status).to.equal(500);
    expect(bad.text).to.include('ERROR_INVALID_LOGIN');
    expect((await v2Raw(app.baseUrl, 'GetServerTime', `<GetServerTime xmlns="http://apiconnector.com/v2"/>`, { username: login.username, password: wrong })).status).to.equal(401);
    expect((await new RestClient(app.baseUrl, { username: login.username, password: wrong }).get('/v2/account-info')).status).to.equal(401);
    // a body carrying a password-like field (creating a user through a hostile body) is not logged either
    await new RestClient(app.baseUrl, login).post('/v2/contacts', { email: 'x@logs.test', password: wrong });
    const req = lines().filter((l) => l.msg === 'request');
    expect(req.map((l) => [l.dialect, l.status])).to.deep.equal([
      ['soap-v1', 200],
      ['soap-v1', 500],
      ['soap-v2', 401],
      ['rest', 401],
      ['rest', 201],
    ]);
    expect(req[1]).to.include({ operation: 'ListAddressBooks' });
    expect(String(req[1].errorCode)).to.match(/INVALID_LOGIN/);
    const text = raw.join('');
    for (const secret of [login.password, wrong, Buffer.from(`${login.username}:${login.password}`).toString('base64'), Buffer.from(`${login.username}:${wrong}`).toString('base64')]) {
      expect(text, 'a secret reached the log').not.to.include(secret);
    }
    expect(text.toLowerCase()).not.to.include('authorization');
    expect(text).not.to.match(/<(\w+:)?password>/i);
  });

  it('redacts password and authorization fields that a component passes to the logger', () => {
    raw.length = 0;
    const log = createLogger('info', sink);
    log.info({ password: 'p1-secret', user: { password: 'p2-secret' }, headers: { authorization: 'Basic abc-secret' } }, 'x');
    const text = raw.join('');
    expect(text).to.include('[redacted]');
    expect(text).not.to.match(/p1-secret|p2-secret|abc-secret/);
  });
});
