import { expect } from 'chai';
import * as soap from 'soap';
import { Services } from '../../src/services';
import { TestLogin } from './app';
import { RestClient } from './rest';

/** The state of one account as parity tests compare it: fields, books, contacts with data and books, unsubscribes. */
export async function accountState(s: Services, accountId: number): Promise<unknown> {
  const fields = (await s.dataFields.list(accountId)).map(({ id: _id, ...f }) => f);
  const books = (await s.addressBooks.list(accountId, {})).map(({ id: _id, createdAt: _c, ...b }) => b);
  const contacts = await s.contacts.list(accountId, { withFullData: true });
  const shaped = await Promise.all(
    contacts.map(async ({ id, createdAt: _c, updatedAt: _u, ...c }) => ({
      ...c,
      books: (await s.addressBooks.booksForContact(accountId, id, {})).map((b) => b.name),
    })),
  );
  const unsubscribed = (await s.contacts.listUnsubscribed(accountId, 0, {})).map((x) => [x.contact.email, x.reason, x.dateRemoved]);
  return { fields, books, contacts: shaped, unsubscribed };
}

/** Options of the parity scenario: the v1 run has no visibility, so only the REST/v2 comparison sets one. */
export interface ScenarioOptions {
  visibility?: 'Public';
}

/**
 * The parity scenario through REST: two data fields, a book, a contact with data fields added to it, an update, an
 * account-level unsubscribe.
 */
export async function scenarioViaRest(baseUrl: string, login: TestLogin, o: ScenarioOptions = {}): Promise<void> {
  const rest = new RestClient(baseUrl, login);
  const vis = o.visibility ? { visibility: o.visibility } : {};
  expect((await rest.post('/v2/data-fields', { name: 'AGE', type: 'Numeric', ...vis, defaultValue: 0 })).status).to.equal(201);
  expect((await rest.post('/v2/data-fields', { name: 'BORN', type: 'Date' })).status).to.equal(201);
  const book = (await rest.post('/v2/address-books', { name: 'Parity', ...vis })).body;
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

/** The same scenario through a node-soap client generated from our served v2 WSDL. */
export async function scenarioViaV2(baseUrl: string, login: TestLogin, o: ScenarioOptions = {}): Promise<void> {
  const client: any = await soap.createClientAsync(`${baseUrl}/v2/Api.svc?wsdl`); // eslint-disable-line @typescript-eslint/no-explicit-any
  client.setSecurity(new soap.BasicAuthSecurity(login.username, login.password));
  const vis = o.visibility ? { Visibility: o.visibility } : {};
  await client.CreateDataFieldAsync({ dataField: { Name: 'AGE', Type: 'Numeric', ...vis, DefaultValue: 0 } });
  await client.CreateDataFieldAsync({ dataField: { Name: 'BORN', Type: 'Date' } });
  const [b] = await client.CreateAddressBookAsync({ apiAddressBook: { Name: 'Parity', ...vis } });
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
