import { expect } from 'chai';
import * as soap from 'soap';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { accountState } from '../../helpers/parity';

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

  async function viaRest(login: TestLogin): Promise<void> {
    const rest = new RestClient(app.baseUrl, login);
    expect((await rest.post('/v2/data-fields', { name: 'AGE', type: 'Numeric', defaultValue: 0 })).status).to.equal(201);
    expect((await rest.post('/v2/data-fields', { name: 'BORN', type: 'Date' })).status).to.equal(201);
    const book = (await rest.post('/v2/address-books', { name: 'Parity' })).body;
    const c = (
      await rest.post(`/v2/address-books/${book.id}/contacts`, {
        email: 'Pat@Example.com',
        optInType: 'Double',
        emailType: 'Html',
        dataFields: [
          { key: 'FIRSTNAME', value: 'Pat' },
          { key: 'AGE', value: 41 },
          { key: 'BORN', value: '1984-05-06T00:00:00Z' },
        ],
      })
    ).body;
    expect((await rest.put(`/v2/contacts/${c.id}`, { email: 'Pat@Example.com', emailType: 'PlainText', dataFields: [{ key: 'AGE', value: '42' }] })).status).to.equal(200);
    expect((await rest.post('/v2/contacts/unsubscribe', { email: 'pat@example.com' })).status).to.equal(200);
  }

  async function viaV2(login: TestLogin): Promise<void> {
    const client: any = await soap.createClientAsync(`${app.baseUrl}/v2/Api.svc?wsdl`);
    client.setSecurity(new soap.BasicAuthSecurity(login.username, login.password));
    await client.CreateDataFieldAsync({ dataField: { Name: 'AGE', Type: 'Numeric', DefaultValue: 0 } });
    await client.CreateDataFieldAsync({ dataField: { Name: 'BORN', Type: 'Date' } });
    const [b] = await client.CreateAddressBookAsync({ apiAddressBook: { Name: 'Parity' } });
    const [c] = await client.AddContactToAddressBookAsync({
      addressBookId: b.CreateAddressBookResult.Id,
      apiContact: {
        Email: 'Pat@Example.com',
        OptInType: 'Double',
        EmailType: 'Html',
        DataFields: {
          ApiContactData: [
            { Key: 'FIRSTNAME', Value: 'Pat' },
            { Key: 'AGE', Value: 41 },
            { Key: 'BORN', Value: '1984-05-06T00:00:00Z' },
          ],
        },
      },
    });
    await client.UpdateContactAsync({
      apiContact: { Id: c.AddContactToAddressBookResult.Id, Email: 'Pat@Example.com', EmailType: 'PlainText', DataFields: { ApiContactData: [{ Key: 'AGE', Value: '42' }] } },
    });
    await client.UnsubscribeContactAsync({ apiContact: { Email: 'pat@example.com' } });
  }

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
