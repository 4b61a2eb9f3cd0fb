import { expect } from 'chai';
import * as soap from 'soap';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { FakeImports, FakeSegments } from '../../helpers/fakes';
import { ImportService } from '../../../src/services/imports';
import { SegmentService } from '../../../src/services/segments';
import { V2_NS, V2_OPERATIONS } from '../../../src/transport/soap/v2/schema';
import { validateResponse } from '../../helpers/strictValidate';
import { vendorClient } from '../../helpers/vendorClients';
import { MADE_UP_OPERATION, unservedOperations } from '../../helpers/unserved';
import { faultString, v2Raw } from '../../helpers/soap';

// Real, unmodified node-soap clients: one generated from OUR served WSDL, one from the VENDOR's WSDL with only its
// endpoint pointed at us. The vendor WSDL is written back from the committed facts (test/helpers/factsWsdl.ts),
// independently of our WSDL generator, with all 88 vendor operations; test/unit/contractFreshness.spec.ts proves node-soap
// builds the same request from it as from the vendor's own file for every operation.

type Client = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const kinds: Array<{ name: string; make: (app: TestApp) => Promise<Client> }> = [
  { name: 'our served WSDL', make: (app) => soap.createClientAsync(`${app.baseUrl}/v2/Api.svc?wsdl`) },
  {
    name: 'the vendor WSDL',
    make: async (app) => {
      return vendorClient('v2', 'clients', app.baseUrl);
    },
  },
];

for (const kind of kinds) {
  describe(`SOAP v2 with a node-soap client from ${kind.name}`, () => {
    let app: TestApp;
    let login: TestLogin;
    let client: Client;
    let realImports: ImportService;
    let realSegments: SegmentService;

    before(async () => {
      app = await startApp();
      login = await app.newAccount();
      client = await kind.make(app);
      client.setSecurity(new soap.BasicAuthSecurity(login.username, login.password));
      // why: node-soap's client is lenient (CONTRACT §9.1); every response is also checked strictly against the schema.
      client.on('response', (body: string) => {
        validated++;
        const errs = validateResponse(body, V2_OPERATIONS, V2_NS);
        if (errs.length) invalid.push(...errs);
      });
      realImports = app.services.imports;
      realSegments = app.services.segments;
    });
    let validated = 0;
    const invalid: string[] = [];
    after(() => {
      expect(validated).to.be.greaterThan(40);
      return app.close();
    });
    afterEach(() => {
      expect(invalid, 'responses valid against the schema').to.deep.equal([]);
      app.services.imports = realImports;
      app.services.segments = realSegments;
    });

    const call = async (op: string, args: object = {}): Promise<any> => {
      const [res] = await client[`${op}Async`](args);
      return res ?? {};
    };
    const fails = async (op: string, args: object, token: string): Promise<void> => {
      let err: any;
      try {
        await client[`${op}Async`](args);
      } catch (e) {
        err = e;
      }
      expect(err, `${op} should fail`).to.exist;
      expect(err.response?.status).to.equal(500);
      const fault = err.root?.Envelope?.Body?.Fault;
      expect(fault.faultcode).to.match(/^soap:(Client|Server)$/);
      expect(fault.faultstring).to.match(new RegExp(`${token}$`));
      expect(fault.faultstring).not.to.match(/\n\s+at /);
    };
    const email = () => `c${Date.now()}${Math.random().toString(36).slice(2, 7)}@example.com`;
    const since = () => new Date(app.clock.now() - 60_000).toISOString();

    it('GetServerTime, GetCurrentAccountInfo', async () => {
      const t = await call('GetServerTime');
      expect(new Date(t.GetServerTimeResult).getTime()).to.equal(app.clock.now());
      const a = (await call('GetCurrentAccountInfo')).GetCurrentAccountInfoResult;
      expect(a.Id).to.equal(login.accountId);
      const props = a.Properties.ApiAccountProperty as Array<{ Name: string; Value: string }>;
      expect(props.find((p) => p.Name === 'ApiEndpoint')?.Value).to.equal(app.baseUrl);
      const bad = await soap.createClientAsync(`${app.baseUrl}/v2/Api.svc?wsdl`);
      bad.setSecurity(new soap.BasicAuthSecurity(login.username, 'wrong'));
      let err: any;
      try {
        await (bad as Client).GetServerTimeAsync({});
      } catch (e) {
        err = e;
      }
      expect(err.response.status).to.equal(401);
      expect(err.root.Envelope.Body.Fault.faultstring).to.match(/ERROR_INVALID_LOGIN$/);
    });

    it('contacts: CreateContact, GetContactById/ByEmail, UpdateContact, GetContacts, DeleteContact', async () => {
      const e = email();
      const created = (
        await call('CreateContact', {
          apiContact: { Email: e, OptInType: 'Double', EmailType: 'Html', DataFields: { ApiContactData: [{ Key: 'FIRSTNAME', Value: 'Jo' }] } },
        })
      ).CreateContactResult;
      expect(created).to.include({ Email: e, OptInType: 'Double', EmailType: 'Html', Status: 'Subscribed' });
      const first = created.DataFields.ApiContactData.find((d: any) => d.Key === 'FIRSTNAME');
      expect(first.Value.$value ?? first.Value).to.equal('Jo');
      expect((await call('GetContactById', { id: created.Id })).GetContactByIdResult.Email).to.equal(e);
      expect((await call('GetContactByEmail', { email: e.toUpperCase() })).GetContactByEmailResult.Id).to.equal(created.Id);
      const upd = (await call('UpdateContact', { apiContact: { Id: created.Id, Email: e, EmailType: 'PlainText' } })).UpdateContactResult;
      expect(upd.EmailType).to.equal('PlainText');
      const all = (await call('GetContacts', { withFullData: true, select: 1000, skip: 0 })).GetContactsResult.ApiContact;
      expect(all.map((c: any) => c.Id)).to.include(created.Id);
      await call('DeleteContact', { id: created.Id });
      await fails('GetContactById', { id: created.Id }, 'ERROR_CONTACT_NOT_FOUND');
      await fails('CreateContact', { apiContact: { Email: 'not-an-email' } }, 'ERROR_PARAMETER_INVALID');
      await fails('UpdateContact', { apiContact: { Id: 99999999, Email: e } }, 'ERROR_CONTACT_NOT_FOUND');
      await fails('DeleteContact', { id: 99999999 }, 'ERROR_CONTACT_NOT_FOUND');
      await fails('GetContacts', { select: 5000 }, 'ERROR_PARAMETER_INVALID');
      await fails('GetContactByEmail', { email: 'nobody@example.com' }, 'ERROR_CONTACT_NOT_FOUND');
    });

    it('contacts: GetModifiedContacts, GetNewContacts, UnsubscribeContact, GetUnsubscribedContacts, GetSuppressedContacts, ResubscribeContact', async () => {
      const e = email();
      const c = (await call('CreateContact', { apiContact: { Email: e } })).CreateContactResult;
      const mod = (await call('GetModifiedContacts', { startDate: since(), withFullData: false, select: 1000, skip: 0 })).GetModifiedContactsResult;
      expect(mod.ApiContact.map((x: any) => x.Id)).to.include(c.Id);
      const neu = (await call('GetNewContacts', { startDate: since(), withFullData: true, select: 1000, skip: 0 })).GetNewContactsResult;
      expect(neu.ApiContact.map((x: any) => x.Id)).to.include(c.Id);
      await call('UnsubscribeContact', { apiContact: { Id: c.Id, Email: e } });
      const uns = (await call('GetUnsubscribedContacts', { startDate: since(), select: 1000, skip: 0 })).GetUnsubscribedContactsResult;
      const row = uns.ApiContactSuppression.find((x: any) => x.SuppressedContact.Id === c.Id);
      expect(row.Reason).to.equal('Unsubscribed');
      expect(new Date(row.DateRemoved).getTime()).to.equal(app.clock.now());
      const sup = (await call('GetSuppressedContacts', { startDate: since(), select: 1000, skip: 0 })).GetSuppressedContactsResult;
      expect(sup.ApiContactSuppression.map((x: any) => x.SuppressedContact.Id)).to.include(c.Id);
      const r = await call('ResubscribeContact', {
        apiContactResubscription: { UnsubscribedContact: { Id: c.Id, Email: e }, PreferredLocale: 'en-GB', ReturnUrlToUseIfChallenged: 'http://x' },
      });
      expect(r.ResubscribeContactResult).to.equal('ContactAdded');
      await fails('GetModifiedContacts', { startDate: 'yesterday' }, 'ERROR_PARAMETER_INVALID');
      await fails('GetNewContacts', { startDate: since(), select: 0 }, 'ERROR_PARAMETER_INVALID');
      await fails('UnsubscribeContact', { apiContact: { Id: 99999999 } }, 'ERROR_CONTACT_NOT_FOUND');
      await fails('GetUnsubscribedContacts', { startDate: since(), select: -1 }, 'ERROR_PARAMETER_INVALID');
      await fails('GetSuppressedContacts', { startDate: since(), skip: -1 }, 'ERROR_PARAMETER_INVALID');
      await fails(
        'ResubscribeContact',
        { apiContactResubscription: { UnsubscribedContact: { Id: 99999999 }, PreferredLocale: null, ReturnUrlToUseIfChallenged: null } },
        'ERROR_CONTACT_NOT_FOUND',
      );
    });

    it('address books: Create, Update, GetAddressBooks, Delete', async () => {
      const name = `Book ${Math.random()}`;
      const b = (await call('CreateAddressBook', { apiAddressBook: { Name: name, Visibility: 'Public' } })).CreateAddressBookResult;
      expect(b).to.include({ Name: name, Visibility: 'Public' });
      const u = (await call('UpdateAddressBook', { apiAddressBook: { Id: b.Id, Name: `${name} 2`, Visibility: 'Private' } })).UpdateAddressBookResult;
      expect(u).to.include({ Id: b.Id, Name: `${name} 2`, Visibility: 'Private' });
      const list = (await call('GetAddressBooks', { select: 1000, skip: 0 })).GetAddressBooksResult.ApiAddressBook;
      expect(list.map((x: any) => x.Id)).to.include(b.Id);
      await call('DeleteAddressBook', { id: b.Id });
      await fails('DeleteAddressBook', { id: b.Id }, 'ERROR_ADDRESSBOOK_NOT_FOUND');
      await fails('CreateAddressBook', { apiAddressBook: { Name: 'Test' } }, 'ERROR_ADDRESSBOOK_DUPLICATE');
      await fails('UpdateAddressBook', { apiAddressBook: { Id: 99999999, Name: 'x' } }, 'ERROR_ADDRESSBOOK_NOT_FOUND');
      await fails('GetAddressBooks', { select: 1001 }, 'ERROR_PARAMETER_INVALID');
    });

    it('address books: membership operations', async () => {
      const b = (await call('CreateAddressBook', { apiAddressBook: { Name: `M ${Math.random()}` } })).CreateAddressBookResult;
      const e = email();
      const c = (
        await call('AddContactToAddressBook', {
          addressBookId: b.Id,
          apiContact: { Email: e, OptInType: 'Single', DataFields: { ApiContactData: [{ Key: 'LASTNAME', Value: 'Smith' }] } },
        })
      ).AddContactToAddressBookResult;
      expect(c.Email).to.equal(e);
      expect((await call('GetAddressBookContactCount', { id: b.Id })).GetAddressBookContactCountResult).to.equal(1);
      const inBook = (await call('GetContactsInAddressBook', { addressBookId: b.Id, withFullData: true, select: 10, skip: 0 })).GetContactsInAddressBookResult;
      expect(inBook.ApiContact.map((x: any) => x.Id)).to.deep.equal([c.Id]);
      const mod = (await call('GetModifiedContactsInAddressBook', { addressBookId: b.Id, startDate: since(), withFullData: false, select: 10, skip: 0 }))
        .GetModifiedContactsInAddressBookResult;
      expect(mod.ApiContact.map((x: any) => x.Id)).to.deep.equal([c.Id]);
      const books = (await call('GetAddressBooksForContact', { contactId: c.Id, select: 10, skip: 0 })).GetAddressBooksForContactResult;
      expect(books.ApiAddressBook.map((x: any) => x.Id)).to.deep.equal([b.Id]);
      await call('UnsubscribeContactFromAddressBook', { addressBookId: b.Id, apiContact: { Id: c.Id, Email: e } });
      const uns = (await call('GetUnsubscribedContactsInAddressBook', { addressBookId: b.Id, startDate: since(), select: 10, skip: 0 }))
        .GetUnsubscribedContactsInAddressBookResult;
      expect(uns.ApiContactSuppression.map((x: any) => x.SuppressedContact.Id)).to.deep.equal([c.Id]);
      const re = await call('ResubscribeContactToAddressBook', {
        addressBookId: b.Id,
        apiContactResubscription: { UnsubscribedContact: { Id: c.Id, Email: e }, PreferredLocale: null, ReturnUrlToUseIfChallenged: null },
      });
      expect(re.ResubscribeContactToAddressBookResult).to.equal('ContactAdded');
      await call('DeleteContactFromAddressBook', { addressBookId: b.Id, contactId: c.Id });
      expect((await call('GetAddressBookContactCount', { id: b.Id })).GetAddressBookContactCountResult).to.equal(0);
      await call('AddContactToAddressBook', { addressBookId: b.Id, apiContact: { Email: email() } });
      await call('DeleteAllContactsFromAddressBook', { addressBookId: b.Id });
      expect((await call('GetAddressBookContactCount', { id: b.Id })).GetAddressBookContactCountResult).to.equal(0);

      await fails('AddContactToAddressBook', { addressBookId: 99999999, apiContact: { Email: email() } }, 'ERROR_ADDRESSBOOK_NOT_FOUND');
      await fails('AddContactToAddressBook', { addressBookId: b.Id, apiContact: { Email: email(), DataFields: { ApiContactData: [{ Key: 'NOPE', Value: 'x' }] } } }, 'ERROR_DATAFIELD_NOTFOUND');
      await fails('GetAddressBookContactCount', { id: 99999999 }, 'ERROR_ADDRESSBOOK_NOT_FOUND');
      await fails('GetContactsInAddressBook', { addressBookId: 99999999 }, 'ERROR_ADDRESSBOOK_NOT_FOUND');
      await fails('GetModifiedContactsInAddressBook', { addressBookId: b.Id, startDate: 'x' }, 'ERROR_PARAMETER_INVALID');
      await fails('GetAddressBooksForContact', { contactId: 99999999 }, 'ERROR_CONTACT_NOT_FOUND');
      await fails('UnsubscribeContactFromAddressBook', { addressBookId: 99999999, apiContact: { Id: c.Id } }, 'ERROR_ADDRESSBOOK_NOT_FOUND');
      await fails('GetUnsubscribedContactsInAddressBook', { addressBookId: 99999999, startDate: since() }, 'ERROR_ADDRESSBOOK_NOT_FOUND');
      await fails(
        'ResubscribeContactToAddressBook',
        { addressBookId: 99999999, apiContactResubscription: { UnsubscribedContact: { Id: c.Id }, PreferredLocale: null, ReturnUrlToUseIfChallenged: null } },
        'ERROR_ADDRESSBOOK_NOT_FOUND',
      );
      await fails('DeleteContactFromAddressBook', { addressBookId: 99999999, contactId: c.Id }, 'ERROR_ADDRESSBOOK_NOT_FOUND');
      await fails('DeleteAllContactsFromAddressBook', { addressBookId: 99999999 }, 'ERROR_ADDRESSBOOK_NOT_FOUND');
    });

    it('data fields: GetDataFields, CreateDataField, DeleteDataField', async () => {
      const name = `F${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
      const f = (await call('CreateDataField', { dataField: { Name: name, Type: 'Numeric', Visibility: 'Public', DefaultValue: 5 } })).CreateDataFieldResult;
      expect(f).to.include({ Name: name, Type: 'Numeric', Visibility: 'Public' });
      const list = (await call('GetDataFields')).GetDataFieldsResult.ApiDataField;
      expect(list.map((x: any) => x.Name)).to.include(name);
      const d = (await call('DeleteDataField', { fieldName: name })).DeleteDataFieldResult;
      expect(d.Result).to.equal(true);
      await fails('DeleteDataField', { fieldName: name }, 'ERROR_DATAFIELD_NOTFOUND');
      await fails('CreateDataField', { dataField: { Name: 'FIRSTNAME', Type: 'String' } }, 'ERROR_NON_UNIQUE_DATAFIELD');
      await fails('CreateDataField', { dataField: { Name: '1bad' } }, 'ERROR_DATAFIELD_INVALID');
    });

    it('imports: ImportContacts, ImportContactsToAddressBook, progress, report, faults (mapping, fake import service)', async () => {
      const fake = new FakeImports(app.services);
      app.services.imports = fake;
      const b = (await call('CreateAddressBook', { apiAddressBook: { Name: `I ${Math.random()}` } })).CreateAddressBookResult;
      const csv = Buffer.from('Email,FirstName\nann@example.com,Ann\n');
      const r1 = (await call('ImportContactsToAddressBook', { addressBookId: b.Id, data: csv.toString('base64'), dataType: 'csv' })).ImportContactsToAddressBookResult;
      expect(r1).to.deep.equal({ Id: FakeImports.ID, Status: 'NotFinished' });
      const r2 = (await call('ImportContacts', { data: csv.toString('base64'), dataType: 'CSV' })).ImportContactsResult;
      expect(r2.Status).to.equal('NotFinished');
      expect(fake.uploads.map((u) => [u.accountId, u.upload.addressBookId, u.upload.dataType, u.upload.data.toString(), u.upload.dialect])).to.deep.equal([
        [login.accountId, b.Id, 'csv', csv.toString(), 'v2'],
        [login.accountId, undefined, 'CSV', csv.toString(), 'v2'],
      ]);
      expect((await call('GetContactImportProgress', { importId: FakeImports.ID })).GetContactImportProgressResult.Status).to.equal('Finished');
      const rep = (await call('GetContactImportReport', { importId: FakeImports.ID })).GetContactImportReportResult;
      expect(Object.keys(rep)).to.have.length(14);
      expect(rep.IspComplaints).to.equal(10);
      expect(rep.Failures).to.equal(14);
      const faults = (await call('GetContactImportReportFaults', { importId: FakeImports.ID })).GetContactImportReportFaultsResult;
      expect(Buffer.from(faults, 'base64').toString('utf8')).to.contain('Invalid email,nope');
      await fails('GetContactImportProgress', { importId: '11111111-2222-3333-4444-555555555555' }, 'ERROR_IMPORT_NOT_FOUND');
      await fails('GetContactImportReport', { importId: '11111111-2222-3333-4444-555555555555' }, 'ERROR_IMPORT_NOT_FOUND');
      await fails('GetContactImportReportFaults', { importId: '11111111-2222-3333-4444-555555555555' }, 'ERROR_IMPORT_NOT_FOUND');
    });

    it('imports: typical errors through the real import service', async () => {
      await fails('ImportContacts', { dataType: 'csv' }, 'ERROR_PARAMETER_INVALID');
      await fails('ImportContactsToAddressBook', { addressBookId: 1, dataType: 'csv' }, 'ERROR_PARAMETER_INVALID');
      await fails('GetContactImportProgress', { importId: 'not-a-guid' }, 'ERROR_PARAMETER_INVALID');
      await fails('GetContactImportReport', { importId: '11111111-2222-3333-4444-555555555555' }, 'ERROR_IMPORT_NOT_FOUND');
    });

    if (kind.name === 'our served WSDL') {
      it('segment extension: GetSegments, RefreshSegment, GetSegmentRefreshProgress', async () => {
        app.services.segments = new FakeSegments(app.services);
        const segs = (await call('GetSegments', { select: 10, skip: 0 })).GetSegmentsResult.ApiSegment;
        expect(segs).to.deep.equal([{ Id: 7, Name: 'Seg <7>', Contacts: 42 }]);
        expect((await call('RefreshSegment', { segmentId: 7 })).RefreshSegmentResult).to.deep.equal({ Id: 7, Status: 'NotStarted' });
        expect((await call('GetSegmentRefreshProgress', { refreshId: 7 })).GetSegmentRefreshProgressResult).to.deep.equal({ Id: 7, Status: 'Finished' });
        await fails('RefreshSegment', { segmentId: 8 }, 'ERROR_SEGMENT_NOT_FOUND');
        await fails('GetSegmentRefreshProgress', { refreshId: 8 }, 'ERROR_SEGMENT_NOT_FOUND');
        app.services.segments = realSegments;
        const none = (await call('GetSegments', { select: 10, skip: 0 })).GetSegmentsResult;
        expect(none?.ApiSegment ?? []).to.be.an('array');
        await fails('GetSegments', { select: 'ten' }, 'ERROR_PARAMETER_INVALID');
      });
    } else {
      it('every operation of the vendor WSDL is served; an unknown one gets MALFORMED_REQUEST', async () => {
        // why: computed from the vendor facts vs the served schema (issue #21 serves all 88).
        expect(unservedOperations('v2'), 'vendor v2 operations not served').to.deep.equal([]);
        const r = await v2Raw(app.baseUrl, MADE_UP_OPERATION, `<${MADE_UP_OPERATION} xmlns="${V2_NS}"/>`, login);
        expect(r.status).to.equal(500);
        expect(faultString(r)).to.match(/ ERROR_MALFORMED_REQUEST$/);
      });
    }
  });
}
