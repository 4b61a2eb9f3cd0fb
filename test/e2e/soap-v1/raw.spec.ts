import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { unservedOperations } from '../../helpers/unserved';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { FakeImports } from '../../helpers/fakes';
import { rawRequest } from '../../helpers/rest';
import { bodyOf, dig, kids, postRaw, SoapReply } from '../../helpers/soap';
import { ImportService } from '../../../src/services/imports';
import { writeOf } from '../../../src/services/contacts';
import { V1_WSDL } from '../../../src/transport/soap/v1/endpoint';
import { withAddress } from '../../../src/transport/soap/shared/wsdl';

// Hand-written envelopes as real v1 clients send them: SAMPLES S1/S2 verbatim (credentials and ids swapped for the
// test account's), the anyType shapes of CONTRACT §7, PHP SoapClient / suds / zeep / node-soap styles, and faults.

const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const NS = 'http://apiconnector.com';

/** Posts a SOAP 1.1 body with the SOAPAction of op. */
function post11(app: TestApp, op: string, body: string, pathName = '/api.asmx'): Promise<SoapReply> {
  return postRaw(app.baseUrl, pathName, body, { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${NS}/${op}"` });
}

/** Posts a SOAP 1.2 body with the action parameter of op. */
function post12(app: TestApp, op: string, body: string): Promise<SoapReply> {
  return postRaw(app.baseUrl, '/api.asmx', body, { 'Content-Type': `application/soap+xml; charset=utf-8; action="${NS}/${op}"` });
}

/** A SOAP 1.1 envelope in the ASMX help-page layout. */
function env11(inner: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    `<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="${SOAP11}">\n` +
    `  <soap:Body>\n${inner}\n  </soap:Body>\n</soap:Envelope>`
  );
}

/** A SOAP 1.2 envelope in the ASMX help-page layout. */
function env12(inner: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    `<soap12:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap12="${SOAP12}">\n` +
    `  <soap12:Body>\n${inner}\n  </soap12:Body>\n</soap12:Envelope>`
  );
}

function resultOf(r: SoapReply, op: string) {
  const resp = bodyOf(r);
  expect(resp?.local, r.text).to.equal(`${op}Response`);
  expect(resp?.ns).to.equal(NS);
  return kids(resp, `${op}Result`)[0];
}

/** faultstring (1.1) or Reason/Text (1.2) of a fault reply. */
function faultText(r: SoapReply): string | undefined {
  return dig(r.doc, 'Body', 'Fault', 'faultstring')?.text ?? dig(r.doc, 'Body', 'Fault', 'Reason', 'Text')?.text;
}

function expectFault(r: SoapReply, token: string, version: '1.1' | '1.2' = '1.1'): void {
  expect(r.status, r.text).to.equal(500);
  expect(r.headers.get('content-type')).to.contain(version === '1.1' ? 'text/xml' : 'application/soap+xml');
  expect(r.doc?.ns).to.equal(version === '1.1' ? SOAP11 : SOAP12);
  expect(faultText(r)).to.match(new RegExp(`^Server was unable to process request\\. ---> .+ ${token}$`));
  expect(r.text).not.to.match(/\bat [\w.]+ \(|node_modules|\.ts:\d+/);
}

describe('SOAP v1 raw envelopes', () => {
  let app: TestApp;
  let login: TestLogin;
  let book: number;
  let realImports: ImportService;
  const U = () => `<username>${login.username}</username>\n      <password>${login.password}</password>`;

  before(async () => {
    app = await startApp();
    login = await app.newAccount();
    book = (await app.services.addressBooks.create(login.accountId, { name: 'Raw book' })).id;
    realImports = app.services.imports;
    await app.services.dataFields.create(login.accountId, { name: 'AGE', type: 'Numeric' });
    await app.services.dataFields.create(login.accountId, { name: 'BIRTHDAY', type: 'Date' });
    await app.services.dataFields.create(login.accountId, { name: 'VIP', type: 'Boolean' });
  });
  after(() => app.close());
  afterEach(() => {
    app.services.imports = realImports;
  });

  it('SAMPLES S1: AddContactsToAddressBookWithProgress (SOAP 1.1) then GetContactImportProgress', async () => {
    const fake = new FakeImports(app.services);
    app.services.imports = fake;
    const s1 = env11(`    <AddContactsToAddressBookWithProgress xmlns="http://apiconnector.com">
      ${U()}
      <addressbookID>${book}</addressbookID>
      <data>RW1haWwsRmlyc3ROYW1lLEZ1bGxOYW1lLEdlbmRlcixMYXN0TmFtZSxQb3N0Y29kZQpqb2huLnNtaXRoQGV4YW1wbGUuY29tLEpvaG4sSm9obiBTbWl0aCxNLFNtaXRoLENSMCAwWFQK</data>
      <dataType>CSV</dataType>
    </AddContactsToAddressBookWithProgress>`);
    const r = await post11(app, 'AddContactsToAddressBookWithProgress', s1);
    expect(r.status, r.text).to.equal(200);
    expect(r.headers.get('content-type')).to.contain('text/xml');
    expect(resultOf(r, 'AddContactsToAddressBookWithProgress')?.text).to.equal(FakeImports.ID);
    expect(fake.uploads).to.have.length(1);
    expect(fake.uploads[0].upload.addressBookId).to.equal(book);
    expect(fake.uploads[0].upload.dataType).to.equal('CSV');
    expect(fake.uploads[0].upload.data.toString('utf8')).to.equal(
      'Email,FirstName,FullName,Gender,LastName,Postcode\njohn.smith@example.com,John,John Smith,M,Smith,CR0 0XT\n',
    );
    const poll = await post11(
      app,
      'GetContactImportProgress',
      env11(`    <GetContactImportProgress xmlns="http://apiconnector.com">\n      ${U()}\n      <progressID>${FakeImports.ID}</progressID>\n    </GetContactImportProgress>`),
    );
    expect(resultOf(poll, 'GetContactImportProgress')?.text).to.equal('Finished');
  });

  it('SAMPLES S2: AddContactToAddressBook with xsd:string data fields, answered with the server-assigned ID', async () => {
    const s2 = env11(`    <AddContactToAddressBook xmlns="http://apiconnector.com">
      ${U()}
      <contact>
        <ID>-1</ID>
        <Email>john.smith@example.com</Email>
        <AudienceType>B2C</AudienceType>
        <DataFields>
          <Keys>
            <string>FIRSTNAME</string>
            <string>POSTCODE</string>
          </Keys>
          <Values>
            <anyType xsi:type="xsd:string">John</anyType>
            <anyType xsi:type="xsd:string">SW1A 0AA</anyType>
          </Values>
        </DataFields>
        <OptInType>Single</OptInType>
        <EmailType>Html</EmailType>
      </contact>
      <addressbookId>${book}</addressbookId>
    </AddContactToAddressBook>`);
    const r = await post11(app, 'AddContactToAddressBook', s2);
    expect(r.status, r.text).to.equal(200);
    const c = resultOf(r, 'AddContactToAddressBook');
    const id = Number(dig(c, 'ID')?.text);
    expect(id).to.be.greaterThan(0);
    // every child of the result is in the v1 namespace (elementFormDefault qualified), in schema order
    expect(c?.children.map((x) => x.local)).to.deep.equal(['ID', 'Email', 'AudienceType', 'DataFields', 'OptInType', 'EmailType']);
    expect(c?.children.every((x) => x.ns === NS)).to.equal(true);
    const stored = await app.services.contacts.get(login.accountId, id);
    expect(stored).to.include({ email: 'john.smith@example.com', audienceType: 'B2C', optInType: 'Single', emailType: 'Html' });
    expect(stored.dataFields).to.include({ FIRSTNAME: 'John', POSTCODE: 'SW1A 0AA' });
    expect((await app.services.addressBooks.listContacts(login.accountId, book, {})).map((x) => x.id)).to.include(id);
  });

  it('CONTRACT §7: anyType values without xsi:type and with xsd:int, xsd:dateTime, xsd:boolean (also an undeclared xsd prefix)', async () => {
    const shapes: Array<[string, string]> = [
      ['no xsi:type', '<anyType>Jo</anyType><anyType>41</anyType><anyType>1980-02-03T00:00:00</anyType><anyType>true</anyType>'],
      [
        'typed',
        '<anyType xsi:type="xsd:string">Jo</anyType><anyType xsi:type="xsd:int">41</anyType><anyType xsi:type="xsd:dateTime">1980-02-03T00:00:00Z</anyType><anyType xsi:type="xsd:boolean">true</anyType>',
      ],
      [
        'other prefix',
        '<anyType xsi:type="s:string" xmlns:s="http://www.w3.org/2001/XMLSchema">Jo</anyType><anyType xsi:type="s:decimal" xmlns:s="http://www.w3.org/2001/XMLSchema">41</anyType><anyType xsi:type="q:dateTime">1980-02-03</anyType><anyType xsi:type="q:boolean">1</anyType>',
      ],
    ];
    for (const [label, values] of shapes) {
      const e = `shape${Math.random().toString(36).slice(2, 8)}@example.com`;
      const r = await post11(
        app,
        'CreateContact',
        env11(
          `<CreateContact xmlns="${NS}">${U()}<contact><ID>-1</ID><Email>${e}</Email><AudienceType>Unknown</AudienceType>` +
            `<DataFields><Keys><string>FIRSTNAME</string><string>AGE</string><string>BIRTHDAY</string><string>VIP</string></Keys>` +
            `<Values>${values}</Values></DataFields><OptInType>Unknown</OptInType><EmailType>PlainText</EmailType></contact></CreateContact>`,
        ),
      );
      expect(r.status, `${label}: ${r.text}`).to.equal(200);
      const c = await app.services.contacts.getByEmail(login.accountId, e);
      expect(c.dataFields, label).to.deep.include({ FIRSTNAME: 'Jo', AGE: 41, BIRTHDAY: '1980-02-03T00:00:00.000Z', VIP: true });
      // and out again, typed by the field type
      const values2 = kids(dig(resultOf(r, 'CreateContact'), 'DataFields', 'Values'), 'anyType');
      const types = values2.map((v) => v.attrs.find((a) => a.local === 'type')?.value ?? 'nil');
      expect(types).to.include.members(['xsd:string', 'xsd:decimal', 'xsd:dateTime', 'xsd:boolean']);
    }
    const bad = await post11(
      app,
      'CreateContact',
      env11(`<CreateContact xmlns="${NS}">${U()}<contact><ID>-1</ID><Email>x1@example.com</Email><AudienceType>Unknown</AudienceType><DataFields><Keys><string>AGE</string></Keys><Values><anyType>old</anyType></Values></DataFields><OptInType>Unknown</OptInType><EmailType>Html</EmailType></contact></CreateContact>`),
    );
    expectFault(bad, 'ERROR_DATAFIELD_VALUE_INVALID');
  });

  it('a PHP SoapClient-style envelope (SOAP-ENV and ns1 prefixes, SoapVar values) and a suds-style one (ns0, empty Header)', async () => {
    const php =
      `<?xml version="1.0" encoding="UTF-8"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV="${SOAP11}" xmlns:ns1="${NS}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
      `<SOAP-ENV:Body><ns1:AddContactToAddressBook><ns1:username>${login.username}</ns1:username><ns1:password>${login.password}</ns1:password>` +
      `<ns1:contact><ns1:ID>-1</ns1:ID><ns1:Email>php@example.com</ns1:Email><ns1:AudienceType>B2C</ns1:AudienceType><ns1:DataFields><ns1:Keys><ns1:string>FIRSTNAME</ns1:string></ns1:Keys>` +
      `<ns1:Values><ns1:anyType xsi:type="xsd:string">Pam</ns1:anyType></ns1:Values></ns1:DataFields><ns1:OptInType>Single</ns1:OptInType><ns1:EmailType>Html</ns1:EmailType></ns1:contact>` +
      `<ns1:addressbookId>${book}</ns1:addressbookId></ns1:AddContactToAddressBook></SOAP-ENV:Body></SOAP-ENV:Envelope>\n`;
    const r1 = await post11(app, 'AddContactToAddressBook', php);
    expect(r1.status, r1.text).to.equal(200);
    expect((await app.services.contacts.getByEmail(login.accountId, 'php@example.com')).dataFields.FIRSTNAME).to.equal('Pam');

    const suds =
      `<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:ns0="${NS}" xmlns:ns1="${SOAP11}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:SOAP-ENV="${SOAP11}">` +
      `<SOAP-ENV:Header/><ns1:Body><ns0:GetContactByEmail><ns0:username>${login.username}</ns0:username><ns0:password>${login.password}</ns0:password>` +
      `<ns0:email>PHP@example.com</ns0:email></ns0:GetContactByEmail></ns1:Body></SOAP-ENV:Envelope>`;
    const r2 = await post11(app, 'GetContactByEmail', suds);
    expect(r2.status, r2.text).to.equal(200);
    expect(dig(resultOf(r2, 'GetContactByEmail'), 'Email')?.text).to.equal('php@example.com');
  });

  it('zeep WS-Addressing headers and node-soap-style unused prefixes change nothing; an unquoted SOAPAction works', async () => {
    const zeep =
      `<soap-env:Envelope xmlns:soap-env="${SOAP11}"><soap-env:Header xmlns:wsa="http://www.w3.org/2005/08/addressing">` +
      `<wsa:Action>${NS}/ListAddressBooks</wsa:Action><wsa:MessageID>urn:uuid:1</wsa:MessageID><wsa:To>${app.baseUrl}/api.asmx</wsa:To></soap-env:Header>` +
      `<soap-env:Body><ns0:ListAddressBooks xmlns:ns0="${NS}"><ns0:username>${login.username}</ns0:username><ns0:password>${login.password}</ns0:password></ns0:ListAddressBooks></soap-env:Body></soap-env:Envelope>`;
    const r = await postRaw(app.baseUrl, '/API.asmx', zeep, { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `${NS}/ListAddressBooks` });
    expect(r.status, r.text).to.equal(200);
    expect(kids(resultOf(r, 'ListAddressBooks'), 'APIAddressBook').map((b) => dig(b, 'Name')?.text)).to.include('Raw book');
    const prefixes = Array.from({ length: 100 }, (_, i) => `xmlns:q${i}="urn:q${i}"`).join(' ');
    const noisy = `<soap:Envelope xmlns:soap="${SOAP11}" ${prefixes}><soap:Body><GetAddressBookContactCount xmlns="${NS}">${U()}<addressbookid>${book}</addressbookid></GetAddressBookContactCount></soap:Body></soap:Envelope>`;
    const r2 = await post11(app, 'GetAddressBookContactCount', noisy);
    expect(r2.status, r2.text).to.equal(200);
    expect(r2.text).not.to.contain('urn:q1');
  });

  it('SOAP 1.2 (application/soap+xml; action=...) is answered in a SOAP 1.2 envelope, faults too', async () => {
    const r = await post12(app, 'GetServerTime', env12(`<GetServerTime xmlns="${NS}" />`));
    expect(r.status, r.text).to.equal(200);
    expect(r.headers.get('content-type')).to.contain('application/soap+xml');
    expect(r.doc?.ns).to.equal(SOAP12);
    expect(new Date(resultOf(r, 'GetServerTime')!.text).getTime()).to.equal(app.clock.now());
    const f = await post12(app, 'GetContactById', env12(`<GetContactById xmlns="${NS}">${U()}<id>99999999</id></GetContactById>`));
    expectFault(f, 'ERROR_CONTACT_NOT_FOUND', '1.2');
    expect(dig(f.doc, 'Body', 'Fault', 'Code', 'Value')?.text).to.equal('soap:Sender');
    const badLogin = await post12(app, 'ListAddressBooks', env12(`<ListAddressBooks xmlns="${NS}"><username>${login.username}</username><password>nope</password></ListAddressBooks>`));
    expectFault(badLogin, 'ERROR_INVALID_LOGIN', '1.2');
  });

  it('SAMPLES S3 fault layout: soap:Fault with faultcode, "Server was unable to process request. ---> <message> ERROR_CODE", detail, HTTP 500', async () => {
    const r = await post11(app, 'GetContactById', env11(`<GetContactById xmlns="${NS}">${U()}<id>99999999</id></GetContactById>`));
    expectFault(r, 'ERROR_CONTACT_NOT_FOUND');
    const fault = dig(r.doc, 'Body', 'Fault');
    expect(fault?.ns).to.equal(SOAP11);
    expect(fault?.children.map((c) => c.local)).to.deep.equal(['faultcode', 'faultstring', 'detail']);
    expect(dig(fault, 'faultcode')?.text).to.equal('soap:Client');
    expect(faultText(r)).to.equal('Server was unable to process request. ---> Contact not found. ERROR_CONTACT_NOT_FOUND');
  });

  it('faults for bad logins, missing credentials, unsupported and unknown operations, bad XML, DTDs, empty bodies, wrong types and SOAPActions', async () => {
    const call = (inner: string, op = 'ListAddressBooks') => post11(app, op, env11(inner));
    expectFault(await call(`<ListAddressBooks xmlns="${NS}"><username>${login.username}</username><password>wrong</password></ListAddressBooks>`), 'ERROR_INVALID_LOGIN');
    expectFault(await call(`<ListAddressBooks xmlns="${NS}"/>`), 'ERROR_INVALID_LOGIN');
    expectFault(await call(`<ListAddressBooks xmlns="${NS}"><username>nobody@example.com</username><password>x</password></ListAddressBooks>`), 'ERROR_INVALID_LOGIN');
    // why: every vendor operation is served (issue #21), so no vendor name can answer "not supported" any more;
    // computed from the vendor facts vs the served schema, and a made-up name gets the unknown-operation fault.
    expect(unservedOperations('v1'), 'vendor v1 operations not served').to.deep.equal([]);
    expectFault(await call(`<DoSomethingElse xmlns="${NS}">${U()}</DoSomethingElse>`, 'DoSomethingElse'), 'ERROR_MALFORMED_REQUEST');
    expectFault(await post11(app, 'ListAddressBooks', '<soap:Envelope><soap:Body>'), 'ERROR_MALFORMED_REQUEST');
    const bomb = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>${env11(`<ListAddressBooks xmlns="${NS}"><username>&b;</username></ListAddressBooks>`).replace(/^<\?xml[^>]*>\n/, '')}`;
    expectFault(await post11(app, 'ListAddressBooks', bomb), 'ERROR_MALFORMED_REQUEST');
    expectFault(await post11(app, 'ListAddressBooks', ''), 'ERROR_MALFORMED_REQUEST');
    expectFault(await call(`<ListAddressBooks xmlns="${NS}">${U()}</ListAddressBooks>`, 'GetContactById'), 'ERROR_MALFORMED_REQUEST');
    expectFault(await call(`<GetContactById xmlns="${NS}">${U()}<id>abc</id></GetContactById>`, 'GetContactById'), 'ERROR_PARAMETER_INVALID');
    expectFault(await call(`<CreateContact xmlns="${NS}">${U()}<contact><ID>-1</ID><Email>e@example.com</Email><AudienceType>Martian</AudienceType><OptInType>Single</OptInType><EmailType>Html</EmailType></contact></CreateContact>`, 'CreateContact'), 'ERROR_PARAMETER_INVALID');
    const json = await postRaw(app.baseUrl, '/api.asmx', '{}', { 'Content-Type': 'application/json' });
    expectFault(json, 'ERROR_CONTENT_TYPE_IS_NOT_SUPPORTED');
  });

  it('CreateDataField takes defaultValue untyped or with an xsi:type; imports answer clean faults through the real import service', async () => {
    const r = await post11(
      app,
      'CreateDataField',
      env11(`<CreateDataField xmlns="${NS}">${U()}<fieldname>optin_ok</fieldname><datatype>Boolean</datatype><defaultValue xsi:type="xsd:boolean">true</defaultValue></CreateDataField>`),
    );
    expect(r.status, r.text).to.equal(200);
    expect(bodyOf(r)?.children).to.have.length(0);
    const f = (await app.services.dataFields.list(login.accountId)).find((x) => x.name === 'OPTIN_OK');
    expect(f).to.deep.include({ type: 'Boolean', defaultValue: true, visibility: 'Private' });
    const r2 = await post11(app, 'CreateDataField', env11(`<CreateDataField xmlns="${NS}">${U()}<fieldname>since</fieldname><datatype>Date</datatype><defaultValue>2001-02-03</defaultValue></CreateDataField>`));
    expect(r2.status, r2.text).to.equal(200);
    expect((await app.services.dataFields.list(login.accountId)).find((x) => x.name === 'SINCE')?.defaultValue).to.equal('2001-02-03T00:00:00.000Z');
    const poll = (id: string) => post11(app, 'GetContactImportProgress', env11(`<GetContactImportProgress xmlns="${NS}">${U()}<progressID>${id}</progressID></GetContactImportProgress>`));
    expectFault(await poll('11111111-2222-3333-4444-555555555555'), 'ERROR_IMPORT_NOT_FOUND');
    expectFault(await poll('not-a-guid'), 'ERROR_PARAMETER_INVALID');
    const bad = await post11(app, 'AddContactsToAddressBookWithProgress', env11(`<AddContactsToAddressBookWithProgress xmlns="${NS}">${U()}<addressbookID>${book}</addressbookID><data>RW1haWwK</data><dataType>csv</dataType></AddContactsToAddressBookWithProgress>`));
    expectFault(bad, 'ERROR_PARAMETER_INVALID');
  });

  it('later-era statuses: GetContactStatusByEmail spells ISPComplained; ResubscribeContact answers ContactCannotBeUnsuppressed for it', async () => {
    const c = await app.services.contacts.create(login.accountId, { email: 'complainer@example.com' });
    await app.services.store.tx((r) => r.contacts.update(login.accountId, c.id, { ...writeOf(c), status: 'IspComplained', statusChangedAt: app.clock.now() }, app.clock.now()));
    const st = await post11(app, 'GetContactStatusByEmail', env11(`<GetContactStatusByEmail xmlns="${NS}">${U()}<email>complainer@example.com</email></GetContactStatusByEmail>`));
    expect(resultOf(st, 'GetContactStatusByEmail')?.text).to.equal('ISPComplained');
    const re = await post11(
      app,
      'ResubscribeContact',
      env11(
        `<ResubscribeContact xmlns="${NS}">${U()}<contact><ID>-1</ID><Email>complainer@example.com</Email><AudienceType>Unknown</AudienceType><OptInType>Unknown</OptInType><EmailType>Html</EmailType></contact>` +
          `<addressBookId>-1</addressBookId><preferredLocale>en-GB</preferredLocale><returnUrlToUseIfChallenged>http://example.com/</returnUrlToUseIfChallenged></ResubscribeContact>`,
      ),
    );
    expect(resultOf(re, 'ResubscribeContact')?.text).to.equal('ContactCannotBeUnsuppressed');
    const supp = await post11(app, 'ListSuppressedContacts', env11(`<ListSuppressedContacts xmlns="${NS}">${U()}<startDate>2000-01-01T00:00:00</startDate><select>1000</select><skip>0</skip></ListSuppressedContacts>`));
    const mine = kids(resultOf(supp, 'ListSuppressedContacts'), 'APIContactSuppressionSummary').find((x) => dig(x, 'SuppressedContact', 'Email')?.text === 'complainer@example.com');
    expect(mine?.children.map((x) => x.local)).to.deep.equal(['DateRemoved', 'SuppressedContact', 'Reason']);
    expect(dig(mine, 'Reason')?.text).to.equal('ISPComplained');
    expect(dig(mine, 'DateRemoved')?.text).to.equal(new Date(app.clock.now()).toISOString());
  });

  it('GET /api.asmx?WSDL in any case, without credentials, with addresses rewritten to the caller (X-Forwarded-* only behind TRUST_PROXY)', async () => {
    for (const p of ['/API.asmx?WSDL', '/api.asmx?wsdl', '/Api.Asmx?Wsdl']) {
      const res = await rawRequest(`${app.baseUrl}${p}`, 'GET', {});
      expect(res.status, p).to.equal(200);
      expect(res.headers.get('content-type')).to.contain('xml');
      const text = res.body.toString('utf8');
      const url = `${app.baseUrl}${p.split('?')[0]}`;
      expect(text).to.equal(withAddress(V1_WSDL, url));
      expect(text).to.contain(`<soap:address location="${url}"/>`);
      expect(text).to.contain(`<soap12:address location="${url}"/>`);
    }
    // why: without TRUST_PROXY any caller could poison the address; test/e2e/hardening/proxy-headers.spec.ts has the trusted case.
    const proxied = await rawRequest(`${app.baseUrl}/api.asmx?WSDL`, 'GET', { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'api.example.org' });
    expect(proxied.body.toString('utf8')).to.contain(`<soap:address location="${app.baseUrl}/api.asmx"/>`);
    expect(proxied.body.toString('utf8')).not.to.contain('api.example.org');
    expect(proxied.body.toString('utf8')).not.to.contain('contactgate.invalid');
  });

  it('the committed wsdl/v1/API.asmx.wsdl equals the generator output (regenerate with `npx tsx scripts/gen-wsdl.ts`)', () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'wsdl', 'v1', 'API.asmx.wsdl'), 'utf8');
    expect(committed).to.equal(V1_WSDL);
  });
});

describe('SOAP v1 API quota', () => {
  let app: TestApp;
  before(async () => (app = await startApp({ config: { rateLimitPerHour: 2 } })));
  after(() => app.close());

  it('counts every authenticated call and answers ERROR_APIUSAGE_EXCEEDED past the hourly quota; GetServerTime is free', async () => {
    const login = await app.newAccount();
    const call = () => post11(app, 'ListAddressBooks', env11(`<ListAddressBooks xmlns="${NS}"><username>${login.username}</username><password>${login.password}</password></ListAddressBooks>`));
    const time = () => post11(app, 'GetServerTime', env11(`<GetServerTime xmlns="${NS}"/>`));
    expect((await call()).status).to.equal(200);
    expect((await time()).status).to.equal(200);
    expect((await call()).status).to.equal(200);
    expectFault(await call(), 'ERROR_APIUSAGE_EXCEEDED');
    expect((await time()).status).to.equal(200);
  });
});
