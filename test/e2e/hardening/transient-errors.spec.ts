import { expect } from 'chai';
import { Knex } from 'knex';
import { createApp } from '../../../src/app';
import { Store } from '../../../src/db/store';
import { createServices, Services } from '../../../src/services';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { faultCode, faultText, v1Call, v2Call } from '../../helpers/dialects';

// Transient database errors never reach a client as a stack or a driver message: a transaction that keeps failing
// with a deadlock answers REST 503 / SOAP soap:Server (HTTP 500, per CONTRACT §8) with
// ERROR_SYSTEM_SERVICETEMPORARILYUNAVAILABLE, and so does a lost connection outside a transaction. Brief trouble
// (fewer failures than the retry bound) is invisible to the caller.

const deadlock = () =>
  Object.assign(new Error('ER_LOCK_DEADLOCK: Deadlock found when trying to get lock; try restarting transaction'), { errno: 1213, code: 'ER_LOCK_DEADLOCK', sqlState: '40001' });
const lost = () => Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true });

const LEAKS = /Deadlock found|ER_LOCK|Connection lost|PROTOCOL_|\bat [\w.<>]+ \(|node_modules|knex|mysql/i;
const TOKEN = /ERROR_SYSTEM_SERVICETEMPORARILYUNAVAILABLE$/;

describe('hardening: transient database errors become 503 / soap:Server, never a stack', () => {
  let app: TestApp;
  let login: TestLogin;
  let flaky: Services;
  /** How many more transactions fail with a deadlock. */
  let failNext = 0;

  before(async () => {
    app = await startApp({
      build: (s) => {
        const knex = new Proxy(s.store.knex, {
          get(target, prop, receiver) {
            if (prop === 'transaction') {
              return (fn: (trx: Knex.Transaction) => Promise<unknown>) => {
                if (failNext > 0) {
                  failNext--;
                  return Promise.reject(deadlock());
                }
                return target.transaction(fn);
              };
            }
            return Reflect.get(target, prop, receiver);
          },
        });
        flaky = createServices(new Store(knex, s.store.dialect), s.clock, s.config);
        return createApp({ services: flaky });
      },
    });
    login = await app.newAccount();
  });
  afterEach(() => {
    failNext = 0;
  });
  after(() => app.close());

  const contactV1 = (email: string) => `<contact><ID>-1</ID><Email>${email}</Email><AudienceType>Unknown</AudienceType><OptInType>Unknown</OptInType><EmailType>Html</EmailType></contact>`;
  const contactV2 = (email: string) => `<apiContact xmlns:d="http://apiconnector.com"><d:Email>${email}</d:Email></apiContact>`;

  it('a deadlock that persists past the retries: REST 503 JSON, no internals', async () => {
    failNext = Infinity;
    const r = await new RestClient(app.baseUrl, login).post('/v2/contacts', { email: 'busy@example.com' });
    expect(r.status).to.equal(503);
    expect(r.body.message).to.match(TOKEN);
    expect(r.text).not.to.match(LEAKS);
  });

  it('the same on v1 SOAP 1.1 / 1.2 and v2 SOAP: a soap:Server (Receiver) fault, no internals', async () => {
    failNext = Infinity;
    for (const version of ['1.1', '1.2'] as const) {
      const r = await v1Call(app.baseUrl, login, 'CreateContact', contactV1('busy1@example.com'), version);
      expect(r.status).to.equal(500);
      expect(faultCode(r)).to.equal(version === '1.1' ? 'soap:Server' : 'soap:Receiver');
      expect(faultText(r)).to.match(TOKEN);
      expect(r.text).not.to.match(LEAKS);
    }
    const r2 = await v2Call(app.baseUrl, login, 'CreateContact', contactV2('busy2@example.com'));
    expect(r2.status).to.equal(500);
    expect(faultCode(r2)).to.equal('soap:Server');
    expect(faultText(r2)).to.match(TOKEN);
    expect(r2.text).not.to.match(LEAKS);
  });

  it('fewer deadlocks than the retry bound are invisible: the write succeeds once', async () => {
    failNext = 3;
    const api = new RestClient(app.baseUrl, login);
    const r = await api.post('/v2/contacts', { email: 'retried@example.com' });
    expect(r.status, r.text).to.equal(201);
    expect(failNext).to.equal(0);
    const all = (await api.get('/v2/contacts')).body.filter((c: { email: string }) => c.email === 'retried@example.com');
    expect(all).to.have.length(1);
  });

  it('a lost connection outside a transaction: REST 503, v1 and v2 soap:Server faults', async () => {
    const original = flaky.contacts.get;
    flaky.contacts.get = async () => {
      throw lost();
    };
    try {
      const r = await new RestClient(app.baseUrl, login).get('/v2/contacts/1');
      expect(r.status).to.equal(503);
      expect(r.body.message).to.match(TOKEN);
      expect(r.text).not.to.match(LEAKS);
      for (const reply of [await v1Call(app.baseUrl, login, 'GetContactById', '<id>1</id>'), await v2Call(app.baseUrl, login, 'GetContactById', '<id>1</id>')]) {
        expect(reply.status).to.equal(500);
        expect(faultCode(reply)).to.equal('soap:Server');
        expect(faultText(reply)).to.match(TOKEN);
        expect(reply.text).not.to.match(LEAKS);
      }
    } finally {
      flaky.contacts.get = original;
    }
  });
});
