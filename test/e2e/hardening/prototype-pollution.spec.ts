import { expect } from 'chai';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { faultText, resultOf, v1Call, v2Call } from '../../helpers/dialects';
import { dig, kids } from '../../helpers/soap';
import { assertClean } from '../../helpers/hostile';

// `__proto__`, `constructor` and `prototype` as JSON keys, query keys, XML element and attribute names (both SOAP
// dialects, inside ApiContact/APIContact and the data-field Keys/Values) and data-field names: they are data or
// refused, and nothing global changes. CSV headers: csv-import.spec.ts.

const NAMES = ['__proto__', 'constructor', 'prototype'];

describe('hardening: prototype pollution through every dialect changes nothing global', () => {
  let app: TestApp;
  let login: TestLogin;
  let api: RestClient;
  before(async () => {
    app = await startApp();
    login = await app.newAccount();
    api = new RestClient(app.baseUrl, login);
  });
  /** The CONSTRUCTOR and PROTOTYPE fields (made through SOAP in one test; any test may need them). */
  const ensureFields = async () => {
    for (const name of ['CONSTRUCTOR', 'PROTOTYPE']) await app.services.dataFields.create(login.accountId, { name, type: 'String' }).catch(() => undefined);
  };
  afterEach(function () {
    assertClean(this.currentTest?.title ?? '');
  });
  after(() => app.close());

  const nested = '{"polluted":"yes","isAdmin":true,"prototype":{"polluted":"yes"}}';

  it('REST: the three names as JSON keys at every level of every body', async () => {
    const bodies: Array<[string, string]> = [
      ['/v2/contacts', `{"email":"pp1@example.com","__proto__":${nested},"constructor":${nested},"prototype":${nested},"dataFields":[{"key":"FIRSTNAME","value":"v","__proto__":${nested}}]}`],
      ['/v2/address-books', `{"name":"PP book","__proto__":${nested},"constructor":{"prototype":${nested}}}`],
      ['/v2/data-fields', `{"name":"PPFIELD","type":"String","__proto__":${nested}}`],
      ['/v2/campaigns', `{"name":"PP","__proto__":${nested},"constructor":{"prototype":${nested}}}`],
      ['/v2/contacts/unsubscribe', `{"email":"pp2@example.com","__proto__":${nested}}`],
      ['/v2/activity-events', `[{"__proto__":${nested},"type":"open"}]`],
      ['/v2/surveys', `{"name":"PP","questions":[{"id":"__proto__","text":"?"},{"id":"constructor","text":"?"}],"__proto__":${nested}}`],
    ];
    for (const [path, body] of bodies) {
      const r = await api.call('POST', path, body, { 'Content-Type': 'application/json' });
      expect(r.status, `${path}: ${r.text}`).to.be.below(500);
      assertClean(path);
    }
    const c = await api.get('/v2/contacts/pp1@example.com');
    expect(c.status).to.equal(200);
    expect(c.body).not.to.have.property('polluted');
  });

  it('REST: the three names as query keys and as data-field keys', async () => {
    for (const q of ['__proto__[polluted]=1', 'constructor[prototype][polluted]=1', '__proto__.polluted=1&select=5', 'prototype=1']) {
      const r = await api.get(`/v2/contacts?${q}`);
      expect(r.status, q).to.be.oneOf([200, 400]);
      assertClean(q);
    }
    for (const key of NAMES) {
      const r = await api.post('/v2/contacts', { email: `ppkey-${key.replace(/_/g, 'u')}@example.com`, dataFields: [{ key, value: 'x' }] });
      expect(r.status, key).to.equal(400);
      expect(r.body.message).to.match(/ERROR_DATAFIELD_NOTFOUND$/);
    }
  });

  it('REST in XML: the three names as element names inside ApiContact', async () => {
    const xml =
      '<ApiContact xmlns="http://apiconnector.com"><Email>ppxml@example.com</Email>' +
      '<__proto__><polluted>yes</polluted></__proto__><constructor><prototype><polluted>yes</polluted></prototype></constructor>' +
      '<DataFields><ApiContactData><Key>__proto__</Key><Value>x</Value></ApiContactData></DataFields></ApiContact>';
    const r = await api.call('POST', '/v2/contacts', xml, { 'Content-Type': 'application/xml' });
    expect(r.status, r.text).to.equal(400);
    expect(r.text).to.match(/ERROR_DATAFIELD_NOTFOUND/);
  });

  it('data-field names: __proto__ is refused; constructor and prototype are plain upper-case fields on every dialect', async () => {
    expect((await api.post('/v2/data-fields', { name: '__proto__', type: 'String' })).status).to.equal(400);
    const v1 = await v1Call(app.baseUrl, login, 'CreateDataField', '<fieldname>__proto__</fieldname><datatype>String</datatype>');
    expect(faultText(v1)).to.match(/ERROR_DATAFIELD_INVALID$/);
    const v2 = await v2Call(app.baseUrl, login, 'CreateDataField', '<dataField xmlns:d="http://apiconnector.com"><d:Name>__proto__</d:Name><d:Type>String</d:Type><d:Visibility>Private</d:Visibility></dataField>');
    expect(faultText(v2)).to.match(/ERROR_DATAFIELD_INVALID$/);
    resultOf(await v1Call(app.baseUrl, login, 'CreateDataField', '<fieldname>constructor</fieldname><datatype>String</datatype>'), 'CreateDataField');
    resultOf(await v2Call(app.baseUrl, login, 'CreateDataField', '<dataField xmlns:d="http://apiconnector.com"><d:Name>prototype</d:Name><d:Type>String</d:Type><d:Visibility>Private</d:Visibility></dataField>'), 'CreateDataField');
    const names = (await api.get('/v2/data-fields')).body.map((f: { name: string }) => f.name);
    expect(names).to.include.members(['CONSTRUCTOR', 'PROTOTYPE']);
    expect(names).not.to.include('__PROTO__');
  });

  it('v1 SOAP (1.1 and 1.2): the names as elements inside APIContact and as Keys in ContactDataFields', async () => {
    await ensureFields();
    for (const version of ['1.1', '1.2'] as const) {
      const email = `ppv1-${version.replace('.', '')}@example.com`;
      const contact =
        `<contact><ID>-1</ID><Email>${email}</Email><AudienceType>Unknown</AudienceType>` +
        '<__proto__><polluted>yes</polluted></__proto__><constructor><prototype>yes</prototype></constructor>' +
        '<DataFields><Keys><string>constructor</string><string>prototype</string></Keys>' +
        '<Values><anyType xsi:type="xsd:string">c-value</anyType><anyType xsi:type="xsd:string">p-value</anyType></Values></DataFields>' +
        '<OptInType>Unknown</OptInType><EmailType>Html</EmailType></contact>';
      const ok = await v1Call(app.baseUrl, login, 'CreateContact', contact, version);
      const res = resultOf(ok, 'CreateContact');
      const keys = kids(dig(res, 'DataFields', 'Keys'), 'string').map((n) => n.text);
      const values = kids(dig(res, 'DataFields', 'Values'), 'anyType').map((n) => n.text);
      expect(values[keys.indexOf('CONSTRUCTOR')]).to.equal('c-value');
      expect(values[keys.indexOf('PROTOTYPE')]).to.equal('p-value');
      assertClean(`v1 ${version}`);
      const bad = contact.replace('<string>constructor</string>', '<string>__proto__</string>').replace(email, `bad-${email}`);
      expect(faultText(await v1Call(app.baseUrl, login, 'CreateContact', bad, version))).to.match(/ERROR_DATAFIELD_NOTFOUND$/);
      // The names as attributes and namespace prefixes too.
      const attrs = await v1Call(app.baseUrl, login, 'GetContactByEmail', `<email __proto__="x" constructor="y" xmlns:__proto__="urn:p">${email}</email>`, version);
      expect(attrs.status, attrs.text).to.equal(200);
    }
  });

  it('v2 SOAP: the names as elements inside ApiContact and as ApiContactData keys', async () => {
    await ensureFields();
    const d = 'xmlns:d="http://apiconnector.com"';
    const contact = (email: string, key: string) =>
      `<apiContact ${d}><d:Email>${email}</d:Email><d:__proto__><d:polluted>yes</d:polluted></d:__proto__>` +
      `<d:constructor><d:prototype>yes</d:prototype></d:constructor><d:DataFields><d:ApiContactData><d:Key>${key}</d:Key>` +
      `<d:Value xsi:type="xsd:string">v2-value</d:Value></d:ApiContactData></d:DataFields></apiContact>`;
    const res = resultOf(await v2Call(app.baseUrl, login, 'CreateContact', contact('ppv2@example.com', 'constructor')), 'CreateContact');
    const data = kids(dig(res, 'DataFields'), 'ApiContactData').find((n) => dig(n, 'Key')?.text === 'CONSTRUCTOR');
    expect(dig(data, 'Value')?.text).to.equal('v2-value');
    assertClean('v2 create');
    expect(faultText(await v2Call(app.baseUrl, login, 'CreateContact', contact('ppv2b@example.com', '__proto__')))).to.match(/ERROR_DATAFIELD_NOTFOUND$/);
    expect(faultText(await v2Call(app.baseUrl, login, 'CreateContact', contact('ppv2c@example.com', 'prototype')))).to.equal(undefined);
  });
});
