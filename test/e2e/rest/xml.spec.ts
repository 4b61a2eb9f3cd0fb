import { expect } from 'chai';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { dig, kids } from '../../helpers/soap';
import { parseXml, XmlNode } from '../../../src/transport/xml/xmlTree';

const DATA = 'http://apiconnector.com';
const XML = { Accept: 'application/xml' };
const XMLBODY = { 'Content-Type': 'application/xml', Accept: 'application/xml' };

// REST in XML: element names are the v2 data-type names in http://apiconnector.com, per route family.

describe('REST v2 in XML', () => {
  let app: TestApp;
  let login: TestLogin;
  let rest: RestClient;
  before(async () => {
    app = await startApp();
    login = await app.newAccount();
    rest = new RestClient(app.baseUrl, login);
  });
  after(() => app.close());

  const doc = (r: { status: number; text: string; headers: Headers }, status = 200): XmlNode => {
    expect(r.status, r.text).to.equal(status);
    expect(r.headers.get('content-type')).to.match(/^application\/xml/);
    return parseXml(r.text);
  };
  const names = (n: XmlNode | undefined) => (n?.children ?? []).map((c) => c.local);

  it('account: GET /v2/account-info as ApiAccount', async () => {
    const d = doc(await rest.get('/v2/account-info', XML));
    expect([d.ns, d.local]).to.deep.equal([DATA, 'ApiAccount']);
    expect(dig(d, 'Id')?.text).to.equal(String(login.accountId));
    expect(kids(dig(d, 'Properties'), 'ApiAccountProperty').map((p) => dig(p, 'Name')?.text)).to.include('ApiEndpoint');
  });

  it('contacts: create from an XML body, read one and a list, update, unsubscribe', async () => {
    const body = `<ApiContact xmlns="${DATA}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><Email>xml@example.com</Email><OptInType>Double</OptInType><EmailType>Html</EmailType>
      <DataFields><ApiContactData><Key>FIRSTNAME</Key><Value i:type="q:string" xmlns:q="http://www.w3.org/2001/XMLSchema">Xena</Value></ApiContactData></DataFields></ApiContact>`;
    const created = doc(await rest.call('POST', '/v2/contacts', body, XMLBODY), 201);
    expect([created.ns, created.local]).to.deep.equal([DATA, 'ApiContact']);
    expect(names(created)).to.deep.equal(['Id', 'Email', 'OptInType', 'EmailType', 'DataFields', 'Status']);
    for (const c of created.children) expect(c.ns).to.equal(DATA);
    const id = dig(created, 'Id')!.text;
    expect((await app.services.contacts.get(login.accountId, Number(id))).dataFields.FIRSTNAME).to.equal('Xena');

    const one = doc(await rest.get(`/v2/contacts/${id}`, XML));
    expect(dig(one, 'OptInType')?.text).to.equal('Double');
    const all = doc(await rest.get('/v2/contacts?withFullData=true', XML));
    expect(all.local).to.equal('ArrayOfApiContact');
    expect(kids(all, 'ApiContact').map((c) => dig(c, 'Email')?.text)).to.include('xml@example.com');

    const upd = doc(await rest.call('PUT', `/v2/contacts/${id}`, `<ApiContact xmlns="${DATA}"><Email>xml@example.com</Email><EmailType>PlainText</EmailType></ApiContact>`, XMLBODY));
    expect(dig(upd, 'EmailType')?.text).to.equal('PlainText');
    const uns = doc(await rest.call('POST', '/v2/contacts/unsubscribe', `<ApiContact xmlns="${DATA}"><Email>xml@example.com</Email></ApiContact>`, XMLBODY));
    expect(uns.local).to.equal('ApiContactSuppression');
    expect(names(uns)).to.deep.equal(['SuppressedContact', 'DateRemoved', 'Reason']);
    expect(dig(uns, 'Reason')?.text).to.equal('Unsubscribed');
    expect(new Date(dig(uns, 'DateRemoved')!.text).getTime()).to.equal(app.clock.now());
  });

  it('address books: create (XML body), list, contacts in a book; JSON stays the default', async () => {
    const b = doc(await rest.call('POST', '/v2/address-books', `<ApiAddressBook xmlns="${DATA}"><Name>Xml book</Name><Visibility>Public</Visibility></ApiAddressBook>`, XMLBODY), 201);
    expect(names(b)).to.deep.equal(['Id', 'Name', 'Visibility', 'Contacts']);
    const id = dig(b, 'Id')!.text;
    doc(await rest.call('POST', `/v2/address-books/${id}/contacts`, `<ApiContact xmlns="${DATA}"><Email>inbook@example.com</Email></ApiContact>`, XMLBODY));
    const books = doc(await rest.get('/v2/address-books', XML));
    expect(books.local).to.equal('ArrayOfApiAddressBook');
    expect(kids(books, 'ApiAddressBook').find((x) => dig(x, 'Id')?.text === id)?.children.find((c) => c.local === 'Contacts')?.text).to.equal('1');
    const inBook = doc(await rest.get(`/v2/address-books/${id}/contacts`, XML));
    expect(kids(inBook, 'ApiContact').map((c) => dig(c, 'Email')?.text)).to.deep.equal(['inbook@example.com']);
    const json = await rest.get(`/v2/address-books/${id}`);
    expect(json.headers.get('content-type')).to.match(/json/);
    expect(json.body.name).to.equal('Xml book');
  });

  it('data fields: create from XML, list, delete answers ApiDependencyResult', async () => {
    const f = doc(await rest.call('POST', '/v2/data-fields', `<ApiDataField xmlns="${DATA}"><Name>XMLF</Name><Type>Numeric</Type></ApiDataField>`, XMLBODY), 201);
    expect(names(f)).to.deep.equal(['Name', 'Type', 'Visibility', 'DefaultValue']);
    const list = doc(await rest.get('/v2/data-fields', XML));
    expect(kids(list, 'ApiDataField').map((x) => dig(x, 'Name')?.text)).to.include('XMLF');
    const del = doc(await rest.delete('/v2/data-fields/XMLF').then(() => rest.get('/v2/data-fields', XML)));
    expect(kids(del, 'ApiDataField').map((x) => dig(x, 'Name')?.text)).not.to.include('XMLF');
    await rest.call('POST', '/v2/data-fields', `<ApiDataField xmlns="${DATA}"><Name>XMLG</Name></ApiDataField>`, XMLBODY);
    const dep = doc(await rest.call('DELETE', '/v2/data-fields/XMLG', undefined, XML));
    expect([dep.local, dig(dep, 'Result')?.text]).to.deep.equal(['ApiDependencyResult', 'true']);
  });

  it('refuses malformed XML, a DTD and an unknown root element with 400; errors stay JSON', async () => {
    for (const body of ['<ApiContact', '<!DOCTYPE x [<!ENTITY a "b">]><ApiContact/>', `<Nope xmlns="${DATA}"/>`]) {
      const r = await rest.call('POST', '/v2/contacts', body, XMLBODY);
      expect(r.status).to.equal(400);
      expect(r.body.message).to.match(/ERROR_BODY_DOES_NOT_MATCH_CONTENT_TYPE$/);
    }
  });
});
