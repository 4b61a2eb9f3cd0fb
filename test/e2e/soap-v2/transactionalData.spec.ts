import { expect } from 'chai';
import * as soap from 'soap';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { V2_NS, V2_OPERATIONS } from '../../../src/transport/soap/v2/schema';
import { validateResponse } from '../../helpers/strictValidate';
import { vendorClient } from '../../helpers/vendorClients';
import { allJobsRunner } from '../../helpers/sends';
import { JobRunner } from '../../../src/jobs/runner';

// The shop-connector flow through v2 SOAP (issue #19) with an unmodified node-soap client generated from the VENDOR's
// WSDL (written back from the committed facts), its endpoint pointed at us; every answer is also checked strictly
// against our schema.

type Client = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('SOAP v2 transactional data with a client from the vendor WSDL', () => {
  let app: TestApp;
  let login: TestLogin;
  let client: Client;
  let runner: JobRunner;
  let validated = 0;
  const invalid: string[] = [];
  before(async () => {
    app = await startApp();
    login = await app.newAccount();
    client = await vendorClient('v2', 'txdata', app.baseUrl);
    client.setSecurity(new soap.BasicAuthSecurity(login.username, login.password));
    client.on('response', (body: string) => {
      validated++;
      invalid.push(...validateResponse(body, V2_OPERATIONS, V2_NS));
    });
    runner = allJobsRunner(app.services);
  });
  after(() => app.close());
  afterEach(() => expect(invalid, 'responses valid against the schema').to.deep.equal([]));

  const call = async (op: string, args: object = {}): Promise<any> => {
    const [res] = await client[`${op}Async`](args);
    return res ?? {};
  };
  const fault = async (op: string, args: object): Promise<string> => {
    try {
      await client[`${op}Async`](args);
    } catch (e: any) {
      expect(e.response?.status).to.equal(500);
      return String(e.root?.Envelope?.Body?.Fault?.faultstring);
    }
    return 'no fault';
  };

  it('adds, reads by key and by contact, replaces, imports with a report, deletes; unknown keys fault with the vendor token', async () => {
    const shopper = await app.services.contacts.create(login.accountId, { email: 'shopper@example.com' });
    const json = '{"orderTotal": 120.5, "lines": [{"sku": "A-1", "qty": 2}], "note": "<b>&amp;</b> caf\u00e9"}';
    await call('AddTransactionalData', { dataCollection: 'Orders', transactionalData: { Key: 'o-1', ContactIdentifier: 'shopper@example.com', Json: json } });
    const got = (await call('GetTransactionalDataByKey', { dataCollection: 'Orders', key: 'o-1' })).GetTransactionalDataByKeyResult;
    expect(got).to.deep.equal({ Key: 'o-1', ContactIdentifier: 'shopper@example.com', Json: json });
    await call('ReplaceTransactionalDataByKey', { dataCollection: 'Orders', key: 'o-1', json: '{"orderTotal":99}' });
    const list = (await call('GetTransactionalDataByContact', { dataCollection: 'Orders', contactIdentifier: String(shopper.id) })).GetTransactionalDataByContactResult;
    expect(list.ApiTransactionalData).to.deep.equal([{ Key: 'o-1', ContactIdentifier: 'shopper@example.com', Json: '{"orderTotal":99}' }]);

    const items = [
      { Key: 'o-2', ContactIdentifier: 'shopper@example.com', Json: '{"orderTotal":5}' },
      { Key: 'o-3', ContactIdentifier: 'nobody@example.com', Json: '{"orderTotal":6}' },
      { Key: 'o-4', ContactIdentifier: 'shopper@example.com', Json: 'not json' },
    ];
    const id = (await call('ImportTransactionalData', { dataCollection: 'Orders', transactionalData: { ApiTransactionalData: items } })).ImportTransactionalDataResult;
    expect(id).to.match(/^[0-9a-f-]{36}$/);
    expect((await call('GetTransactionalDataProgress', { importId: id })).GetTransactionalDataProgressResult).to.equal('NotStarted');
    expect(await fault('GetTransactionalDataImportReport', { importId: id })).to.match(/ERROR_IMPORT_REPORT_NOT_FOUND$/);
    await runner.drain();
    expect((await call('GetTransactionalDataProgress', { importId: id })).GetTransactionalDataProgressResult).to.equal('Finished');
    const rep = (await call('GetTransactionalDataImportReport', { importId: id })).GetTransactionalDataImportReportResult;
    expect(rep).to.deep.equal({
      TotalItems: 3,
      TotalImported: 1,
      TotalRejected: 2,
      Faults: { ApiTransactionalDataImportReportFault: [{ Key: 'o-3', Reason: 'ContactEmailDoesNotExist' }, { Key: 'o-4', Reason: 'InvalidJson' }] },
    });
    // a catalog: an account-scoped collection (no contact)
    await call('AddTransactionalData', { dataCollection: 'Catalog', transactionalData: { Key: 'sku-1', ContactIdentifier: 'account', Json: '{"price":3}' } });
    expect((await call('GetTransactionalDataByKey', { dataCollection: 'Catalog', key: 'sku-1' })).GetTransactionalDataByKeyResult.ContactIdentifier).to.equal('account');

    await call('DeleteTransactionalDataByKey', { dataCollection: 'Orders', key: 'o-2' });
    expect(await fault('GetTransactionalDataByKey', { dataCollection: 'Orders', key: 'o-2' })).to.equal('Error: ERROR_TRANSACTIONAL_DATA_DOES_NOT_EXIST');
    expect(await fault('DeleteTransactionalDataByKey', { dataCollection: 'Orders', key: 'o-2' })).to.equal('Error: ERROR_TRANSACTIONAL_DATA_DOES_NOT_EXIST');
    await call('DeleteTransactionalDataByContact', { dataCollection: 'Orders', contactIdentifier: 'shopper@example.com' });
    const none = (await call('GetTransactionalDataByContact', { dataCollection: 'Orders', contactIdentifier: 'shopper@example.com' })).GetTransactionalDataByContactResult;
    expect(none?.ApiTransactionalData ?? []).to.deep.equal([]);
    expect(await fault('AddTransactionalData', { dataCollection: 'Orders', transactionalData: { Key: 'x', ContactIdentifier: 'nobody@example.com', Json: '{}' } })).to.match(
      /ERROR_CONTACT_NOT_FOUND$/,
    );
    expect(await fault('AddTransactionalData', { dataCollection: 'Bad name', transactionalData: { Key: 'x', ContactIdentifier: 'account', Json: '{}' } })).to.match(
      /ERROR_TRANSACTIONAL_DATA_INVALID_COLLECTION_NAME$/,
    );
    expect(validated).to.be.greaterThan(10);
  });
});
