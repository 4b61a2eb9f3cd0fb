import { expect } from 'chai';
import * as soap from 'soap';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { accountState } from '../../helpers/parity';

// One scenario (data fields, create book, add contact with data fields, update, unsubscribe) through REST and through
// v2 SOAP on two fresh accounts; the resulting state, read through the services, must be the same.

describe('parity: REST and v2 SOAP leave the same state', () => {
  let app: TestApp;
  before(async () => (app = await startApp()));
  after(() => app.close());

  async function viaRest(login: TestLogin): Promise<void> {
    const rest = new RestClient(app.baseUrl, login);
    expect((await rest.post('/v2/data-fields', { name: 'AGE', type: 'Numeric', visibility: 'Public', defaultValue: 0 })).status).to.equal(201);
    expect((await rest.post('/v2/data-fields', { name: 'BORN', type: 'Date' })).status).to.equal(201);
    const book = (await rest.post('/v2/address-books', { name: 'Parity', visibility: 'Public' })).body;
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
    const u = await rest.put(`/v2/contacts/${c.id}`, { email: 'Pat@Example.com', emailType: 'PlainText', dataFields: [{ key: 'AGE', value: '42' }] });
    expect(u.status).to.equal(200);
    expect((await rest.post('/v2/contacts/unsubscribe', { email: 'pat@example.com' })).status).to.equal(200);
  }

  async function viaSoap(login: TestLogin): Promise<void> {
    const client: any = await soap.createClientAsync(`${app.baseUrl}/v2/Api.svc?wsdl`);
    client.setSecurity(new soap.BasicAuthSecurity(login.username, login.password));
    await client.CreateDataFieldAsync({ dataField: { Name: 'AGE', Type: 'Numeric', Visibility: 'Public', DefaultValue: 0 } });
    await client.CreateDataFieldAsync({ dataField: { Name: 'BORN', Type: 'Date' } });
    const [b] = await client.CreateAddressBookAsync({ apiAddressBook: { Name: 'Parity', Visibility: 'Public' } });
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
