import { expect } from 'chai';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { faultText, resultOf, textAt, v1Call, v2Call, x } from '../../helpers/dialects';
import { dig, kids } from '../../helpers/soap';

// SQL metacharacters in values, names and paging parameters stay data on every dialect: values round-trip unchanged,
// names and paging values are refused by validation, and the tables are all still there with other accounts intact.
// Segment rule values and CSV contents join here when those branches land (see docs/reliability.md).

const NASTY = `'; DROP TABLE contacts; -- Robert'); DELETE FROM accounts;/* " \\ %_ \` */ OR '1'='1`;
const EMAIL = (tag: string) => `o'drop--${tag}@example.com`;
const TABLES = ['accounts', 'api_users', 'contacts', 'address_books', 'address_book_contacts', 'data_fields', 'campaigns', 'surveys'];

describe('hardening: SQL metacharacters stay data on REST, v1 and v2 SOAP', () => {
  let app: TestApp;
  let login: TestLogin;
  let other: TestLogin;
  let api: RestClient;
  let otherCount: number;

  const tablesIntact = async () => {
    const knex = app.services.store.knex;
    for (const t of TABLES) expect(await knex.schema.hasTable(t), t).to.equal(true);
    expect((await app.services.contacts.list(other.accountId, {})).length).to.equal(otherCount);
    expect((await app.services.accounts.get(other.accountId)).users).to.deep.equal([other.username]);
  };

  before(async () => {
    app = await startApp();
    login = await app.newAccount();
    other = await app.newAccount();
    api = new RestClient(app.baseUrl, login);
    await app.services.contacts.create(other.accountId, { email: 'bystander@example.com' });
    otherCount = 1;
    expect((await api.post('/v2/data-fields', { name: 'NOTE1', type: 'String' })).status).to.equal(201);
  });
  afterEach(() => tablesIntact());
  after(() => app.close());

  const restValue = (c: { dataFields: Array<{ key: string; value: unknown }> }) => c.dataFields.find((d) => d.key === 'NOTE1')?.value;

  it('REST: a contact whose email and data hold SQL round-trips unchanged (and reads back on v1 and v2)', async () => {
    const c = await api.post('/v2/contacts', { email: EMAIL('rest'), dataFields: [{ key: 'NOTE1', value: NASTY }] });
    expect(c.status, c.text).to.equal(201);
    const back = await api.get(`/v2/contacts/${encodeURIComponent(EMAIL('rest'))}`);
    expect(back.body.email).to.equal(EMAIL('rest'));
    expect(restValue(back.body)).to.equal(NASTY);
    const v1 = resultOf(await v1Call(app.baseUrl, login, 'GetContactByEmail', `<email>${x(EMAIL('rest'))}</email>`), 'GetContactByEmail');
    const keys = kids(dig(v1, 'DataFields', 'Keys'), 'string').map((n) => n.text);
    expect(kids(dig(v1, 'DataFields', 'Values'), 'anyType')[keys.indexOf('NOTE1')].text).to.equal(NASTY);
    const v2 = resultOf(await v2Call(app.baseUrl, login, 'GetContactByEmail', `<email>${x(EMAIL('rest'))}</email>`), 'GetContactByEmail');
    const d = kids(dig(v2, 'DataFields'), 'ApiContactData').find((n) => textAt(n, 'Key') === 'NOTE1');
    expect(textAt(d, 'Value')).to.equal(NASTY);
  });

  it('v1 SOAP: email, Notes and a data value with SQL round-trip unchanged', async () => {
    const contact =
      `<contact><ID>-1</ID><Email>${x(EMAIL('v1'))}</Email><AudienceType>Unknown</AudienceType>` +
      `<DataFields><Keys><string>NOTE1</string></Keys><Values><anyType xsi:type="xsd:string">${x(NASTY)}</anyType></Values></DataFields>` +
      `<OptInType>Unknown</OptInType><EmailType>Html</EmailType><Notes>${x(NASTY)}</Notes></contact>`;
    resultOf(await v1Call(app.baseUrl, login, 'CreateContact', contact), 'CreateContact');
    const back = resultOf(await v1Call(app.baseUrl, login, 'GetContactByEmail', `<email>${x(EMAIL('v1'))}</email>`), 'GetContactByEmail');
    expect(textAt(back, 'Email')).to.equal(EMAIL('v1'));
    expect(textAt(back, 'Notes')).to.equal(NASTY);
    const keys = kids(dig(back, 'DataFields', 'Keys'), 'string').map((n) => n.text);
    expect(kids(dig(back, 'DataFields', 'Values'), 'anyType')[keys.indexOf('NOTE1')].text).to.equal(NASTY);
    expect(restValue((await api.get(`/v2/contacts/${encodeURIComponent(EMAIL('v1'))}`)).body)).to.equal(NASTY);
  });

  it('v2 SOAP: email and a data value with SQL round-trip unchanged; an address book name too', async () => {
    const d = 'xmlns:d="http://apiconnector.com"';
    const created = resultOf(
      await v2Call(
        app.baseUrl,
        login,
        'CreateContact',
        `<apiContact ${d}><d:Email>${x(EMAIL('v2'))}</d:Email><d:DataFields><d:ApiContactData><d:Key>NOTE1</d:Key>` +
          `<d:Value xsi:type="xsd:string">${x(NASTY)}</d:Value></d:ApiContactData></d:DataFields></apiContact>`,
      ),
      'CreateContact',
    );
    expect(textAt(created, 'Email')).to.equal(EMAIL('v2'));
    const back = resultOf(await v2Call(app.baseUrl, login, 'GetContactByEmail', `<email>${x(EMAIL('v2'))}</email>`), 'GetContactByEmail');
    const data = kids(dig(back, 'DataFields'), 'ApiContactData').find((n) => textAt(n, 'Key') === 'NOTE1');
    expect(textAt(data, 'Value')).to.equal(NASTY);
    const bookName = NASTY.slice(0, 60);
    const book = resultOf(await v2Call(app.baseUrl, login, 'CreateAddressBook', `<apiAddressBook ${d}><d:Name>${x(bookName)}</d:Name><d:Visibility>Private</d:Visibility></apiAddressBook>`), 'CreateAddressBook');
    expect(textAt(book, 'Name')).to.equal(bookName.trim());
    const listed = (await api.get('/v2/address-books')).body.map((b: { name: string }) => b.name);
    expect(listed).to.include(bookName.trim());
  });

  it('lookups by an SQL-shaped email or id find nothing on every dialect', async () => {
    for (const probe of ["' OR '1'='1", "x@example.com' OR 1=1 --", '1 OR 1=1']) {
      const r = await api.get(`/v2/contacts/${encodeURIComponent(probe)}`);
      expect(r.status, probe).to.be.oneOf([400, 404]);
      expect(faultText(await v1Call(app.baseUrl, login, 'GetContactByEmail', `<email>${x(probe)}</email>`))).to.match(/ERROR_(CONTACT_NOT_FOUND|PARAMETER_INVALID)$/);
      expect(faultText(await v2Call(app.baseUrl, login, 'GetContactByEmail', `<email>${x(probe)}</email>`))).to.match(/ERROR_(CONTACT_NOT_FOUND|PARAMETER_INVALID)$/);
    }
    expect(faultText(await v2Call(app.baseUrl, login, 'GetContactById', '<id>1 OR 1=1</id>'))).to.match(/ERROR_PARAMETER_INVALID$/);
  });

  it('data-field names with SQL are refused on every dialect; as value keys they are unknown fields', async () => {
    const name = "X');DROP TABLE contacts;--";
    const r = await api.post('/v2/data-fields', { name, type: 'String' });
    expect(r.status).to.equal(400);
    expect(r.body.message).to.match(/ERROR_DATAFIELD_INVALID$/);
    expect(faultText(await v1Call(app.baseUrl, login, 'CreateDataField', `<fieldname>${x(name)}</fieldname><datatype>String</datatype>`))).to.match(/ERROR_DATAFIELD_INVALID$/);
    expect(
      faultText(await v2Call(app.baseUrl, login, 'CreateDataField', `<dataField xmlns:d="http://apiconnector.com"><d:Name>${x(name)}</d:Name><d:Type>String</d:Type><d:Visibility>Private</d:Visibility></dataField>`)),
    ).to.match(/ERROR_DATAFIELD_INVALID$/);
    const c = await api.post('/v2/contacts', { email: 'key@example.com', dataFields: [{ key: `NOTE1" = '' OR 1=1 --`, value: 'x' }] });
    expect(c.status).to.equal(400);
    expect(c.body.message).to.match(/ERROR_DATAFIELD_NOTFOUND$/);
    expect((await api.delete(`/v2/data-fields/${encodeURIComponent("NOTE1' OR '1'='1")}`)).status).to.equal(404);
    expect((await api.get('/v2/data-fields')).body.map((f: { name: string }) => f.name)).to.include('NOTE1');
  });

  it('paging parameters with SQL are refused: REST query, v1 and v2 select/skip', async () => {
    for (const q of ['select=1;DROP%20TABLE%20contacts', 'skip=0)%20OR%201=1--', 'select=10%20UNION%20SELECT%201', 'skip=1e3', 'select=0x10']) {
      const r = await api.get(`/v2/contacts?${q}`);
      expect(r.status, q).to.equal(400);
      expect(r.body.message).to.match(/ERROR_PARAMETER_INVALID$/);
    }
    for (const [sel, skip] of [['1; DROP TABLE contacts', '0'], ['10', '0 OR 1=1'], ["10'--", '0']]) {
      expect(faultText(await v2Call(app.baseUrl, login, 'GetContacts', `<withFullData>false</withFullData><select>${x(sel)}</select><skip>${x(skip)}</skip>`)), `${sel}/${skip}`).to.match(
        /ERROR_PARAMETER_INVALID$/,
      );
      expect(faultText(await v1Call(app.baseUrl, login, 'ListNewContacts', `<startDate>2000-01-01T00:00:00</startDate><select>${x(sel)}</select><skip>${x(skip)}</skip>`))).to.match(/ERROR_PARAMETER_INVALID$/);
    }
    expect(faultText(await v1Call(app.baseUrl, login, 'ListModifiedContacts', `<startDate>2000-01-01' OR '1'='1</startDate><endDate>2100-01-01T00:00:00</endDate>`))).to.match(/ERROR_PARAMETER_INVALID$/);
  });
});
