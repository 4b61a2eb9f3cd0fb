import { expect } from 'chai';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { accountState, scenarioViaRest, scenarioViaV2 } from '../../helpers/parity';

// One scenario (data fields, create book, add contact with data fields, update, unsubscribe) through REST and through
// v2 SOAP on two fresh accounts; the resulting state, read through the services, must be the same.

describe('parity: REST and v2 SOAP leave the same state', () => {
  let app: TestApp;
  before(async () => (app = await startApp()));
  after(() => app.close());

  const viaRest = (login: TestLogin) => scenarioViaRest(app.baseUrl, login, { visibility: 'Public' });

  const viaSoap = (login: TestLogin) => scenarioViaV2(app.baseUrl, login, { visibility: 'Public' });

  const state = (accountId: number) => accountState(app.services, accountId);

  it('create book, add contact with data fields, update, unsubscribe', async () => {
    const a = await app.newAccount('rest');
    const b = await app.newAccount('soap');
    await viaRest(a);
    await viaSoap(b);
    const ra = await state(a.accountId);
    const rb = await state(b.accountId);
    expect(rb).to.deep.equal(ra);
    expect((ra as { contacts: Array<{ dataFields: unknown; status: string }> }).contacts[0]).to.deep.include({
      status: 'Unsubscribed',
      dataFields: { FIRSTNAME: 'Pat', AGE: 42, BORN: '1984-05-06T00:00:00.000Z' },
    });
  });
});
