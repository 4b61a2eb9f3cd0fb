import { expect } from 'chai';
import * as soap from 'soap';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { accountState, scenarioViaRest, scenarioViaV2 } from '../../helpers/parity';

// One scenario (data fields, create book, add contact with data fields, update, unsubscribe from the account) through
// v1 SOAP, REST and v2 SOAP on three fresh accounts; the resulting state, read through the services, must be the same.

describe('parity: v1 SOAP, REST and v2 SOAP leave the same state', () => {
  let app: TestApp;
  before(async () => (app = await startApp()));
  after(() => app.close());

  async function viaV1(login: TestLogin, soap12: boolean): Promise<void> {
    const client: any = await soap.createClientAsync(`${app.baseUrl}/api.asmx?WSDL`, { forceSoap12Headers: soap12 });
    const U = { username: login.username, password: login.password };
    await client.CreateDataFieldAsync({ ...U, fieldname: 'AGE', datatype: 'Numeric', defaultValue: 0 });
    await client.CreateDataFieldAsync({ ...U, fieldname: 'BORN', datatype: 'Date' });
    const [b] = await client.CreateAddressBookAsync({ ...U, book: { ID: -1, Name: 'Parity' } });
    const [c] = await client.AddContactToAddressBookAsync({
      ...U,
      contact: {
        ID: -1,
        Email: 'Pat@Example.com',
        AudienceType: 'Unknown',
        DataFields: { Keys: { string: ['FIRSTNAME', 'AGE', 'BORN'] }, Values: { anyType: ['Pat', 41, '1984-05-06T00:00:00Z'] } },
        OptInType: 'Double',
        EmailType: 'Html',
      },
      addressbookId: b.CreateAddressBookResult.ID,
    });
    await client.UpdateContactAsync({
      ...U,
      contact: {
        ID: c.AddContactToAddressBookResult.ID,
        Email: 'Pat@Example.com',
        AudienceType: 'Unknown',
        DataFields: { Keys: { string: ['AGE'] }, Values: { anyType: ['42'] } },
        OptInType: 'Double',
        EmailType: 'PlainText',
      },
    });
    // why: v1 unsubscribes from the whole account with RemoveContactFromAddressBook(-1, totalUnsubscribe=true).
    await client.RemoveContactFromAddressBookAsync({
      ...U,
      contact: { ID: -1, Email: 'pat@example.com', AudienceType: 'Unknown', OptInType: 'Unknown', EmailType: 'Html' },
      addressBookId: -1,
      preventAddressbookResubscribe: false,
      totalUnsubscribe: true,
    });
  }

  const viaRest = (login: TestLogin) => scenarioViaRest(app.baseUrl, login);

  const viaV2 = (login: TestLogin) => scenarioViaV2(app.baseUrl, login);

  const state = (accountId: number) => accountState(app.services, accountId);

  it('create data fields and a book, add a contact with data fields, update it, unsubscribe it', async () => {
    const logins = await Promise.all(['v1-1.1', 'v1-1.2', 'rest', 'v2'].map((n) => app.newAccount(n)));
    await viaV1(logins[0], false);
    await viaV1(logins[1], true);
    await viaRest(logins[2]);
    await viaV2(logins[3]);
    const [v1a, v1b, rest, v2] = await Promise.all(logins.map((l) => state(l.accountId)));
    expect(v1a).to.deep.equal(rest);
    expect(v1b).to.deep.equal(rest);
    expect(v2).to.deep.equal(rest);
    expect((rest as { contacts: Array<{ dataFields: unknown; status: string; books: string[] }> }).contacts[0]).to.deep.include({
      status: 'Unsubscribed',
      dataFields: { FIRSTNAME: 'Pat', AGE: 42, BORN: '1984-05-06T00:00:00.000Z' },
      books: ['Parity'],
    });
  });
});
