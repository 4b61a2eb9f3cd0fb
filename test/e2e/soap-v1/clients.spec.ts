import { expect } from 'chai';
import * as soap from 'soap';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { FakeImports } from '../../helpers/fakes';
import { ImportService } from '../../../src/services/imports';
import { parseXml, XmlNode } from '../../../src/transport/xml/xmlTree';
import { vendorClient } from '../../helpers/vendorClients';
import { unservedOperations } from '../../helpers/unserved';

// Real, unmodified node-soap clients: one generated from OUR served WSDL, one from the VENDOR's 2011 WSDL with only
// its endpoint pointed at us; each in SOAP 1.1 and SOAP 1.2. The vendor WSDL is written back from the committed facts
// (test/helpers/factsWsdl.ts), independently of our WSDL generator; test/unit/contractFreshness.spec.ts proves node-soap
// builds the same request from it as from the vendor's own file for every operation.
const LATER_OPS = ['ResubscribeContact', 'GetContactStatusByEmail', 'GetCurrentAccountInfo'];

type Client = any; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Kind {
  name: string;
  /** The vendor's 2011 WSDL lacks the later-era operations. */
  hasLaterOps: boolean;
  make: (app: TestApp, soap12: boolean) => Promise<Client>;
}

const kinds: Kind[] = [
  {
    name: 'our served WSDL',
    hasLaterOps: true,
    make: (app, soap12) => soap.createClientAsync(`${app.baseUrl}/API.asmx?WSDL`, { forceSoap12Headers: soap12 }),
  },
  {
    name: 'the vendor WSDL',
    hasLaterOps: false,
    make: async (app, soap12) => {
      return vendorClient('v1', 'clients', app.baseUrl, { forceSoap12Headers: soap12 });
    },
  },
];

/**
 * The first DataFields of the last response as a record, read from the raw XML: node-soap's parser drops
 * `xsi:nil` items from `Values`, which would misalign the parallel arrays (real .NET/PHP clients keep them).
 */
function dataOf(client: Client): Record<string, string | null> {
  const df = findFirst(parseXml(client.lastResponse), 'DataFields');
  const keys = (df?.children.find((c) => c.local === 'Keys')?.children ?? []).map((c) => c.text);
  const values = (df?.children.find((c) => c.local === 'Values')?.children ?? []).map((c) => (c.attrs.some((a) => a.local === 'nil') ? null : c.text));
  expect(keys.length).to.equal(values.length);
  return Object.fromEntries(keys.map((k, i) => [k, values[i]]));
}

function findFirst(n: XmlNode, local: string): XmlNode | undefined {
  if (n.local === local) return n;
  for (const c of n.children) {
    const f = findFirst(c, local);
    if (f) return f;
  }
  return undefined;
}

for (const kind of kinds) {
  for (const soap12 of [false, true]) {
    describe(`SOAP v1 (${soap12 ? 'SOAP 1.2' : 'SOAP 1.1'}) with a node-soap client from ${kind.name}`, () => {
      let app: TestApp;
      let login: TestLogin;
      let client: Client;
      let realImports: ImportService;

      before(async () => {
        app = await startApp();
        login = await app.newAccount();
        client = await kind.make(app, soap12);
        realImports = app.services.imports;
      });
      after(() => app.close());
      afterEach(() => {
        app.services.imports = realImports;
      });

      const call = async (op: string, args: object = {}): Promise<any> => {
        const [res] = await client[`${op}Async`]({ username: login.username, password: login.password, ...args });
        if (soap12) expect(client.lastRequest).to.contain('http://www.w3.org/2003/05/soap-envelope');
        return res ?? {};
      };
      const fails = async (op: string, args: object, token: string): Promise<void> => {
        let err: any;
        try {
          await client[`${op}Async`]({ username: login.username, password: login.password, ...args });
        } catch (e) {
          err = e;
        }
        expect(err, `${op} should fail`).to.exist;
        expect(err.response?.status).to.equal(500);
        const fault = err.root?.Envelope?.Body?.Fault;
        const text = soap12 ? fault.Reason.Text.$value : fault.faultstring;
        expect(text).to.match(new RegExp(`^Server was unable to process request\\. ---> .+ ${token}$`));
        expect(text).not.to.match(/\n\s+at /);
        if (soap12) expect(fault.Code.Value).to.match(/^soap:(Sender|Receiver)$/);
        else expect(fault.faultcode).to.match(/^soap:(Client|Server)$/);
      };
      const email = () => `c${Date.now()}${Math.random().toString(36).slice(2, 7)}@example.com`;
      const since = () => new Date(app.clock.now() - 60_000).toISOString();
      const contact = (e: string, extra: object = {}) => ({ ID: -1, Email: e, AudienceType: 'B2C', OptInType: 'Single', EmailType: 'Html', ...extra });
      const newBook = async (): Promise<number> =>
        (await call('CreateAddressBook', { book: { ID: -1, Name: `Book ${Math.random().toString(36).slice(2)}` } })).CreateAddressBookResult.ID;

      it('GetServerTime needs no login; a bad login is ERROR_INVALID_LOGIN', async () => {
        const [t] = await client.GetServerTimeAsync({});
        expect(new Date(t.GetServerTimeResult).getTime()).to.equal(app.clock.now());
        let err: any;
        try {
          await client.ListAddressBooksAsync({ username: login.username, password: 'wrong' });
        } catch (e) {
          err = e;
        }
        expect(err.response.status).to.equal(500);
        expect(JSON.stringify(err.root)).to.match(/ERROR_INVALID_LOGIN/);
      });

      it('contacts: CreateContact, GetContactById/ByEmail, UpdateContact with Keys/Values data fields, AudienceType and Notes', async () => {
        const e = email();
        const created = (
          await call('CreateContact', {
            contact: contact(e, { AudienceType: 'B2B', Notes: 'first', DataFields: { Keys: { string: ['FIRSTNAME'] }, Values: { anyType: ['Jo'] } } }),
          })
        ).CreateContactResult;
        expect(created.ID).to.be.greaterThan(0);
        expect(created).to.include({ Email: e, AudienceType: 'B2B', OptInType: 'Single', EmailType: 'Html', Notes: 'first' });
        expect(created.DataFields.Keys.string).to.include('FIRSTNAME');
        expect(dataOf(client).FIRSTNAME).to.equal('Jo');
        expect((await call('GetContactById', { id: created.ID })).GetContactByIdResult.Email).to.equal(e);
        expect((await call('GetContactByEmail', { email: e.toUpperCase() })).GetContactByEmailResult.ID).to.equal(created.ID);
        await call('UpdateContact', { contact: { ...contact(e), ID: created.ID, EmailType: 'PlainText', Notes: 'second' } });
        const after = (await call('GetContactById', { id: created.ID })).GetContactByIdResult;
        expect(after).to.include({ EmailType: 'PlainText', Notes: 'second' });
        expect(dataOf(client).FIRSTNAME).to.equal('Jo');
        await fails('GetContactById', { id: 99999999 }, 'ERROR_CONTACT_NOT_FOUND');
        await fails('CreateContact', { contact: contact('not-an-email') }, 'ERROR_PARAMETER_INVALID');
        await fails('CreateContact', { contact: contact(email(), { DataFields: { Keys: { string: ['FIRSTNAME', 'LASTNAME'] }, Values: { anyType: ['x'] } } }) }, 'ERROR_PARAMETER_INVALID');
        await fails('UpdateContact', { contact: { ...contact(e), ID: 99999999 } }, 'ERROR_CONTACT_NOT_FOUND');
        await fails('GetContactByEmail', { email: 'nobody@example.com' }, 'ERROR_CONTACT_NOT_FOUND');
      });

      it('contact lists: ListModifiedContacts(2), ListNewContacts, ListContactsInAddressBook(WithFullData), ListModifiedContactsInAddressBook(2)', async () => {
        const book = await newBook();
        const e = email();
        const c = (await call('AddContactToAddressBook', { contact: contact(e, { DataFields: { Keys: { string: ['LASTNAME'] }, Values: { anyType: ['Smith'] } } }), addressbookId: book }))
          .AddContactToAddressBookResult;
        const ids = (r: any): number[] => [].concat(r?.APIContact ?? []).map((x: any) => x.ID);
        const until = new Date(app.clock.now() + 60_000).toISOString();
        expect(ids((await call('ListModifiedContacts', { startDate: since(), endDate: until })).ListModifiedContactsResult)).to.include(c.ID);
        expect(ids((await call('ListModifiedContacts2', { startDate: since(), select: 1000, skip: 0 })).ListModifiedContacts2Result)).to.include(c.ID);
        expect(ids((await call('ListNewContacts', { startDate: since(), select: 1000, skip: 0 })).ListNewContactsResult)).to.include(c.ID);
        const inBook = (await call('ListContactsInAddressBook', { addressBookId: book, select: 10, skip: 0 })).ListContactsInAddressBookResult;
        expect(ids(inBook)).to.deep.equal([c.ID]);
        expect([].concat(inBook.APIContact)[0]).not.to.have.property('DataFields');
        const full = (await call('ListContactsInAddressBookWithFullData', { addressBookId: book, select: 10, skip: 0 })).ListContactsInAddressBookWithFullDataResult;
        expect([].concat(full.APIContact)).to.have.length(1);
        expect(dataOf(client)).to.include({ LASTNAME: 'Smith', FIRSTNAME: null });
        expect(ids((await call('ListModifiedContactsInAddressBook', { startDate: since(), endDate: until, addressBookID: book })).ListModifiedContactsInAddressBookResult)).to.deep.equal([c.ID]);
        expect(ids((await call('ListModifiedContactsInAddressBook2', { addressBookID: book, sinceDate: since(), select: 10, skip: 0 })).ListModifiedContactsInAddressBook2Result)).to.deep.equal([c.ID]);
        const later = new Date(app.clock.now() + 3_600_000).toISOString();
        expect(ids((await call('ListModifiedContacts2', { startDate: later, select: 10, skip: 0 })).ListModifiedContacts2Result)).to.deep.equal([]);
        await fails('ListContactsInAddressBook', { addressBookId: 99999999, select: 10, skip: 0 }, 'ERROR_ADDRESSBOOK_NOT_FOUND');
        await fails('ListNewContacts', { startDate: since(), select: 5000, skip: 0 }, 'ERROR_PARAMETER_INVALID');
      });

      it('address books: ListAddressBooks, CreateAddressBook (ID -1), GetAddressBookContactCount, ListAddressBooksForContact, DeleteAddressBook', async () => {
        const book = await newBook();
        const books = [].concat((await call('ListAddressBooks')).ListAddressBooksResult.APIAddressBook);
        expect(books.map((b: any) => b.ID)).to.include(book);
        const e = email();
        await call('AddContactToAddressBook', { contact: contact(e), addressbookId: book });
        expect((await call('GetAddressBookContactCount', { addressbookid: book })).GetAddressBookContactCountResult).to.equal(1);
        const forContact = [].concat((await call('ListAddressBooksForContact', { contact: contact(e) })).ListAddressBooksForContactResult.APIAddressBook);
        expect(forContact.map((b: any) => b.ID)).to.deep.equal([book]);
        await call('DeleteAddressBook', { addressbookid: book });
        await fails('GetAddressBookContactCount', { addressbookid: book }, 'ERROR_ADDRESSBOOK_NOT_FOUND');
        await fails('CreateAddressBook', { book: { ID: -1, Name: 'Test' } }, 'ERROR_ADDRESSBOOK_DUPLICATE');
      });

      it('membership: RemoveContactFromAddressBook and RemoveAllContactsFromAddressBook with preventAddressbookResubscribe and totalUnsubscribe', async () => {
        const book = await newBook();
        const [a, b, c] = [email(), email(), email()];
        for (const e of [a, b, c]) await call('AddContactToAddressBook', { contact: contact(e), addressbookId: book });
        // plain removal: can be re-added
        await call('RemoveContactFromAddressBook', { contact: contact(a), addressBookId: book, preventAddressbookResubscribe: false, totalUnsubscribe: false });
        await call('AddContactToAddressBook', { contact: contact(a), addressbookId: book });
        // preventAddressbookResubscribe: a later add is refused
        await call('RemoveContactFromAddressBook', { contact: contact(b), addressBookId: book, preventAddressbookResubscribe: true, totalUnsubscribe: false });
        await fails('AddContactToAddressBook', { contact: contact(b), addressbookId: book }, 'ERROR_CONTACT_SUPPRESSED');
        // totalUnsubscribe with -1: whole account
        await call('RemoveContactFromAddressBook', { contact: contact(c), addressBookId: -1, preventAddressbookResubscribe: false, totalUnsubscribe: true });
        expect(await app.services.contacts.statusByEmail(login.accountId, c)).to.equal('Unsubscribed');
        const unsub = [].concat((await call('ListUnsubscribers', { startDate: since() })).ListUnsubscribersResult.APIContact);
        expect(unsub.map((x: any) => x.Email)).to.include(c);
        const supp = [].concat((await call('ListSuppressedContacts', { startDate: since(), select: 1000, skip: 0 })).ListSuppressedContactsResult.APIContactSuppressionSummary);
        const mine: any = supp.find((x: any) => x.SuppressedContact.Email === c);
        expect(mine.Reason).to.equal('UnSubscribed');
        const bookUnsub = [].concat((await call('ListUnsubscribersAddressBook', { startDate: since(), addressBookID: book, select: 10, skip: 0 })).ListUnsubscribersAddressBookResult.APIContact);
        expect(bookUnsub.map((x: any) => x.Email)).to.deep.equal([b]);
        // RemoveAll with totalUnsubscribe: every member leaves and is unsubscribed from the account
        await call('RemoveAllContactsFromAddressBook', { addressBookId: book, preventAddressbookResubscribe: false, totalUnsubscribe: true });
        expect((await call('GetAddressBookContactCount', { addressbookid: book })).GetAddressBookContactCountResult).to.equal(0);
        expect(await app.services.contacts.statusByEmail(login.accountId, a)).to.equal('Unsubscribed');
        await fails('RemoveAllContactsFromAddressBook', { addressBookId: -1, preventAddressbookResubscribe: false, totalUnsubscribe: true }, 'ERROR_PARAMETER_INVALID');
        await fails('RemoveContactFromAddressBook', { contact: contact(email()), addressBookId: book, preventAddressbookResubscribe: false, totalUnsubscribe: false }, 'ERROR_CONTACT_NOT_FOUND');
      });

      it('data fields: ListContactDataLabels, CreateDataField with datatype and untyped defaultValue, DeleteDataField', async () => {
        const name = `F${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
        await call('CreateDataField', { fieldname: name, datatype: 'Numeric', defaultValue: '42' });
        const labels = [].concat((await call('ListContactDataLabels')).ListContactDataLabelsResult.ContactDataLabel);
        expect(labels.find((l: any) => l.Name === name)).to.deep.equal({ Name: name, Type: 'Numeric', IsPrivate: true });
        const c = (await call('CreateContact', { contact: contact(email()) })).CreateContactResult;
        expect(c.ID).to.be.greaterThan(0);
        expect(Number(dataOf(client)[name])).to.equal(42);
        const del = (await call('DeleteDataField', { fieldname: name })).DeleteDataFieldResult;
        expect(del.Result).to.equal(true);
        await fails('DeleteDataField', { fieldname: name }, 'ERROR_DATAFIELD_NOTFOUND');
        await fails('CreateDataField', { fieldname: 'FIRSTNAME', datatype: 'String' }, 'ERROR_NON_UNIQUE_DATAFIELD');
        await fails('CreateDataField', { fieldname: 'BAD1', datatype: 'Boolean', defaultValue: 'maybe' }, 'ERROR_DATAFIELD_INVALID');
      });

      it('imports: AddContactsToAddressBook(WithProgress), GetContactImportProgress/Report/ReportFaults (mapping, fake import service)', async () => {
        const fake = new FakeImports(app.services);
        app.services.imports = fake;
        const csv = Buffer.from('Email\njo@example.com\n');
        const id = (await call('AddContactsToAddressBookWithProgress', { addressbookID: 12, data: csv.toString('base64'), dataType: 'CSV' })).AddContactsToAddressBookWithProgressResult;
        expect(id).to.equal(FakeImports.ID);
        await call('AddContactsToAddressBook', { addressbookID: 13, data: csv.toString('base64'), dataType: 'XLS' });
        expect(fake.uploads.map((u) => [u.accountId, u.upload.addressBookId, u.upload.dataType, u.upload.dialect, u.upload.data.toString()])).to.deep.equal([
          [login.accountId, 12, 'CSV', 'v1', csv.toString()],
          [login.accountId, 13, 'XLS', 'v1', csv.toString()],
        ]);
        expect((await call('GetContactImportProgress', { progressID: FakeImports.ID })).GetContactImportProgressResult).to.equal('Finished');
        const rep = (await call('GetContactImportReport', { progressID: FakeImports.ID })).GetContactImportReportResult;
        expect(rep.ISPComplaints).to.equal(10);
        expect(rep.NewContacts).to.equal(1);
        expect(rep.Failures).to.equal(14);
        const faults = (await call('GetContactImportReportFaults', { progressID: FakeImports.ID })).GetContactImportReportFaultsResult;
        expect(Buffer.from(faults, 'base64').toString('utf8')).to.contain('Invalid email,nope');
        await fails('GetContactImportProgress', { progressID: '11111111-2222-3333-4444-555555555555' }, 'ERROR_IMPORT_NOT_FOUND');
        await fails('AddContactsToAddressBookWithProgress', { addressbookID: 12, data: '', dataType: 'CSV' }, 'ERROR_PARAMETER_INVALID');
      });

      if (kind.hasLaterOps) {
        it('later-era operations: ResubscribeContact, GetContactStatusByEmail, GetCurrentAccountInfo', async () => {
          const e = email();
          const book = await newBook();
          await call('AddContactToAddressBook', { contact: contact(e), addressbookId: book });
          expect((await call('GetContactStatusByEmail', { email: e })).GetContactStatusByEmailResult).to.equal('Subscribed');
          await call('RemoveContactFromAddressBook', { contact: contact(e), addressBookId: -1, preventAddressbookResubscribe: false, totalUnsubscribe: true });
          expect((await call('GetContactStatusByEmail', { email: e })).GetContactStatusByEmailResult).to.equal('UnSubscribed');
          const r = (await call('ResubscribeContact', { contact: contact(e), addressBookId: book, preferredLocale: 'en-GB', returnUrlToUseIfChallenged: 'http://x' }))
            .ResubscribeContactResult;
          expect(r).to.equal('ContactAdded');
          expect((await call('GetContactStatusByEmail', { email: e })).GetContactStatusByEmailResult).to.equal('Subscribed');
          const a = (await call('GetCurrentAccountInfo')).GetCurrentAccountInfoResult;
          expect(a.Id).to.equal(login.accountId);
          const props = [].concat(a.Properties.APIAccountProperty) as Array<{ Name: string; Value: string }>;
          expect(props.find((p) => p.Name === 'ApiEndpoint')?.Value.toLowerCase()).to.equal(`${app.baseUrl}/api.asmx`);
          await fails('GetContactStatusByEmail', { email: 'nobody@example.com' }, 'ERROR_CONTACT_NOT_FOUND');
        });
      } else {
        it('the vendor 2011 WSDL lacks the later-era operations (served from our WSDL instead)', () => {
          for (const op of LATER_OPS) expect(client[`${op}Async`], op).to.equal(undefined);
        });
        it('every operation of the vendor WSDL is served (none answers the "not supported" fault)', () => {
          // why: computed from the vendor facts vs the served schema (issue #21 serves all 67).
          expect(unservedOperations('v1'), 'vendor v1 operations not served').to.deep.equal([]);
        });
      }
    });
  }
}
