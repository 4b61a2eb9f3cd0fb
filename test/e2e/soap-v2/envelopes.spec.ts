import { expect } from 'chai';
import { unservedOperations } from '../../helpers/unserved';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { FakeImports } from '../../helpers/fakes';
import { basic, bodyOf, DATA, dig, faultString, kids, postRaw, SOAP11, V2, v2Raw } from '../../helpers/soap';
import { attr, resolveQName } from '../../../src/transport/xml/xmlTree';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const XSD = 'http://www.w3.org/2001/XMLSchema';

// Hand-written envelopes over plain HTTP: the wire shapes of SAMPLES S4/S5, the client quirks of CONTRACT §7, and faults.

describe('SOAP v2 raw envelopes', () => {
  let app: TestApp;
  let login: TestLogin;
  const logLines: string[] = [];
  before(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    });
    app = await startApp({ deps: { log: pino({ level: 'info' }, sink) } });
    login = await app.newAccount();
  });
  after(() => app.close());

  const expectFault = (r: { status: number; text: string; doc?: unknown }, side: 'Client' | 'Server', token: string) => {
    expect(r.status, r.text).to.equal(500);
    const f = faultString(r as never);
    expect(dig((r as never as { doc: never }).doc, 'Body', 'Fault', 'faultcode')?.text).to.equal(`soap:${side}`);
    expect(f).to.match(new RegExp(` ${token}$`));
    expect(r.text).not.to.match(/ at |stack|TypeError|xml2js|sax/i);
  };

  describe('SAMPLES S4 and S5 namespaces', () => {
    it('S4: ImportContactsToAddressBook answers Id/Status in http://apiconnector.com inside a v2 wrapper', async () => {
      const real = app.services.imports;
      app.services.imports = new FakeImports(app.services);
      try {
        const book = await app.services.addressBooks.create(login.accountId, { name: 'S4 book' });
        const r = await postRaw(
          app.baseUrl,
          '/v2/Api.svc',
          `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
  <s:Body>
    <ImportContactsToAddressBook xmlns="http://apiconnector.com/v2">
      <addressBookId>${book.id}</addressBookId>
      <data>RW1haWwsRmlyc3ROYW1lLEZ1bGxOYW1lLEdlbmRlcixMYXN0TmFtZSxQb3N0Y29kZQpqb2huLnNtaXRoQGV4YW1wbGUuY29tLEpvaG4sSm9obiBTbWl0aCxNLFNtaXRoLENSMCAwWFQK</data>
      <dataType>csv</dataType>
    </ImportContactsToAddressBook>
  </s:Body>
</s:Envelope>`,
          { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"http://apiconnector.com/v2/ApiService/ImportContactsToAddressBook"', Authorization: basic(login) },
        );
        expect(r.status).to.equal(200);
        expect(r.headers.get('content-type')).to.match(/^text\/xml; charset=utf-8/);
        expect(r.doc?.ns).to.equal(SOAP11);
        const wrapper = bodyOf(r)!;
        expect([wrapper.ns, wrapper.local]).to.deep.equal([V2, 'ImportContactsToAddressBookResponse']);
        const result = wrapper.children[0];
        expect([result.ns, result.local]).to.deep.equal([V2, 'ImportContactsToAddressBookResult']);
        expect(result.children.map((c) => [c.ns, c.local, c.text])).to.deep.equal([
          [DATA, 'Id', FakeImports.ID],
          [DATA, 'Status', 'NotFinished'],
        ]);
      } finally {
        app.services.imports = real;
      }
    });

    it('S5: AddContactToAddressBook with typed data fields answers an ApiContact in http://apiconnector.com, xsi:type on values', async () => {
      const book = await app.services.addressBooks.create(login.accountId, { name: 'S5 book' });
      const r = await v2Raw(
        app.baseUrl,
        'AddContactToAddressBook',
        `<AddContactToAddressBook xmlns="http://apiconnector.com/v2">
      <addressBookId>${book.id}</addressBookId>
      <apiContact xmlns:a="http://apiconnector.com" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
        <a:Id>0</a:Id>
        <a:Email>john.smith@example.com</a:Email>
        <a:OptInType>Double</a:OptInType>
        <a:EmailType>Html</a:EmailType>
        <a:DataFields>
          <a:ApiContactData>
            <a:Key>Gender</a:Key>
            <a:Value i:type="b:string" xmlns:b="http://www.w3.org/2001/XMLSchema">M</a:Value>
          </a:ApiContactData>
          <a:ApiContactData>
            <a:Key>FullName</a:Key>
            <a:Value i:type="b:string" xmlns:b="http://www.w3.org/2001/XMLSchema">John Smith</a:Value>
          </a:ApiContactData>
        </a:DataFields>
      </apiContact>
    </AddContactToAddressBook>`,
        login,
      );
      expect(r.status, r.text).to.equal(200);
      const wrapper = bodyOf(r)!;
      expect([wrapper.ns, wrapper.local]).to.deep.equal([V2, 'AddContactToAddressBookResponse']);
      const result = wrapper.children[0];
      expect([result.ns, result.local]).to.deep.equal([V2, 'AddContactToAddressBookResult']);
      expect(result.children.map((c) => `${c.ns}|${c.local}`)).to.deep.equal(
        ['Id', 'Email', 'OptInType', 'EmailType', 'DataFields', 'Status'].map((n) => `${DATA}|${n}`),
      );
      expect(dig(result, 'Status')?.text).to.equal('Subscribed');
      const items = kids(dig(result, 'DataFields'), 'ApiContactData');
      for (const it of items) {
        expect(it.ns).to.equal(DATA);
        for (const c of it.children) expect(c.ns).to.equal(DATA);
      }
      const gender = items.find((i) => dig(i, 'Key')?.text === 'GENDER')!;
      const v = dig(gender, 'Value')!;
      expect(v.text).to.equal('M');
      expect(resolveQName(v, attr(v, XSI, 'type')!)).to.deep.equal({ ns: XSD, local: 'string' });
      const postcode = dig(items.find((i) => dig(i, 'Key')?.text === 'POSTCODE'), 'Value')!;
      expect(attr(postcode, XSI, 'nil')).to.equal('true');
    });
  });

  describe('client quirks (CONTRACT §7)', () => {
    it('accepts zeep WS-Addressing headers, an empty soap:Header, pretty printing and ~100 redundant prefixes', async () => {
      const unused = Array.from({ length: 100 }, (_, i) => ` xmlns:q${i}="urn:unused:${i}"`).join('');
      const envelopes = [
        `<soap-env:Envelope xmlns:soap-env="${SOAP11}"><soap-env:Header xmlns:wsa="http://www.w3.org/2005/08/addressing">` +
          `<wsa:Action>http://apiconnector.com/v2/ApiService/GetServerTime</wsa:Action><wsa:MessageID>urn:uuid:1</wsa:MessageID>` +
          `<wsa:To>${app.baseUrl}/v2/Api.svc</wsa:To></soap-env:Header><soap-env:Body><ns0:GetServerTime xmlns:ns0="${V2}"/></soap-env:Body></soap-env:Envelope>`,
        `<?xml version="1.0" encoding="utf-8"?>\n<soap:Envelope xmlns:soap="${SOAP11}">\n  <soap:Header/>\n  <soap:Body>\n    <tns:GetServerTime xmlns:tns="${V2}">\n    </tns:GetServerTime>\n  </soap:Body>\n</soap:Envelope>\n`,
        `<soap:Envelope xmlns:soap="${SOAP11}" xmlns:xsi="${XSI}"${unused} xmlns:tns="${V2}"><soap:Body><tns:GetServerTime xmlns="${V2}"></tns:GetServerTime></soap:Body></soap:Envelope>`,
      ];
      for (const env of envelopes) {
        const r = await postRaw(app.baseUrl, '/v2/Api.svc', env, {
          'Content-Type': 'text/xml; charset=utf-8',
          SOAPAction: 'http://apiconnector.com/v2/ApiService/GetServerTime',
          Authorization: basic(login),
        });
        expect(r.status, r.text).to.equal(200);
        expect(new Date(dig(bodyOf(r), 'GetServerTimeResult')!.text).getTime()).to.equal(app.clock.now());
      }
    });

    it('converts data-field values by the field type with or without xsi:type (string, int, decimal, dateTime, boolean)', async () => {
      const acc = login.accountId;
      await app.services.dataFields.create(acc, { name: 'AGE', type: 'Numeric' });
      await app.services.dataFields.create(acc, { name: 'SCORE', type: 'Numeric' });
      await app.services.dataFields.create(acc, { name: 'BORN', type: 'Date' });
      await app.services.dataFields.create(acc, { name: 'VIP', type: 'Boolean' });
      await app.services.dataFields.create(acc, { name: 'SEEN', type: 'Date' });
      const item = (k: string, v: string, t?: string) =>
        `<a:ApiContactData><a:Key>${k}</a:Key><a:Value${t ? ` i:type="x:${t}"` : ''}>${v}</a:Value></a:ApiContactData>`;
      const r = await v2Raw(
        app.baseUrl,
        'CreateContact',
        `<v:CreateContact xmlns:v="${V2}"><v:apiContact xmlns:a="${DATA}" xmlns:i="${XSI}" xmlns:x="${XSD}"><a:Email>typed@example.com</a:Email><a:DataFields>` +
          item('FIRSTNAME', 'Ann') +
          item('LASTNAME', 'Lee', 'string') +
          item('AGE', '42', 'int') +
          item('SCORE', '7.5') +
          item('BORN', '1990-02-03T00:00:00Z', 'dateTime') +
          item('SEEN', '2013-08-14T10:00:00') +
          item('VIP', 'true', 'boolean') +
          `</a:DataFields></v:apiContact></v:CreateContact>`,
        login,
      );
      expect(r.status, r.text).to.equal(200);
      const c = await app.services.contacts.getByEmail(acc, 'typed@example.com');
      expect(c.dataFields).to.deep.include({
        FIRSTNAME: 'Ann',
        LASTNAME: 'Lee',
        AGE: 42,
        SCORE: 7.5,
        BORN: '1990-02-03T00:00:00.000Z',
        SEEN: '2013-08-14T10:00:00.000Z',
        VIP: true,
      });
      const values = new Map(
        kids(dig(bodyOf(r), 'CreateContactResult', 'DataFields'), 'ApiContactData').map((i) => {
          const v = dig(i, 'Value')!;
          const t = attr(v, XSI, 'type');
          return [dig(i, 'Key')!.text, [t ? resolveQName(v, t).local : 'nil', v.text]];
        }),
      );
      expect(values.get('AGE')).to.deep.equal(['int', '42']);
      expect(values.get('SCORE')).to.deep.equal(['decimal', '7.5']);
      expect(values.get('BORN')).to.deep.equal(['dateTime', '1990-02-03T00:00:00.000Z']);
      expect(values.get('VIP')).to.deep.equal(['boolean', 'true']);
      const bad = await v2Raw(
        app.baseUrl,
        'CreateContact',
        `<CreateContact xmlns="${V2}"><apiContact xmlns:a="${DATA}"><a:Email>typed2@example.com</a:Email><a:DataFields>${item('AGE', 'old')}</a:DataFields></apiContact></CreateContact>`,
        login,
      );
      expectFault(bad, 'Client', 'ERROR_DATAFIELD_VALUE_INVALID');
    });

    it('answers an unauthenticated call with a plain 401 Basic challenge, then serves the retry with credentials', async () => {
      const inner = `<GetServerTime xmlns="${V2}"/>`;
      const first = await v2Raw(app.baseUrl, 'GetServerTime', inner, undefined, { Expect: '100-continue' });
      expect(first.status).to.equal(401);
      expect(first.headers.get('www-authenticate')).to.match(/^Basic realm="[^"]+"$/);
      expect(first.text).to.equal('');
      const retry = await v2Raw(app.baseUrl, 'GetServerTime', inner, login);
      expect(retry.status).to.equal(200);
    });

    it('answers wrong credentials with 401, WWW-Authenticate AND a fault ending in ERROR_INVALID_LOGIN', async () => {
      const r = await v2Raw(app.baseUrl, 'GetServerTime', `<GetServerTime xmlns="${V2}"/>`, { username: login.username, password: 'nope' });
      expect(r.status).to.equal(401);
      expect(r.headers.get('www-authenticate')).to.match(/^Basic realm=/);
      expect(dig(r.doc, 'Body', 'Fault', 'faultcode')?.text).to.equal('soap:Client');
      expect(faultString(r)).to.match(/ ERROR_INVALID_LOGIN$/);
    });

    it('ignores element names like __proto__ and constructor (no prototype pollution)', async () => {
      const r = await v2Raw(
        app.baseUrl,
        'CreateContact',
        `<CreateContact xmlns="${V2}"><__proto__><polluted>yes</polluted></__proto__><apiContact xmlns:a="${DATA}"><a:__proto__><a:polluted>yes</a:polluted></a:__proto__>` +
          `<a:constructor>x</a:constructor><a:Email>proto@example.com</a:Email><a:DataFields><a:ApiContactData><a:Key>__proto__</a:Key><a:Value>x</a:Value></a:ApiContactData></a:DataFields></apiContact></CreateContact>`,
        login,
      );
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expectFault(r, 'Client', 'ERROR_DATAFIELD_NOTFOUND');
    });
  });

  describe('faults', () => {
    const headers = () => ({ 'Content-Type': 'text/xml; charset=utf-8', Authorization: basic(login) });

    it('unparseable XML, a DOCTYPE/ENTITY, an empty body, deep nesting, no envelope: soap:Client MALFORMED_REQUEST', async () => {
      const deep = `<s:Envelope xmlns:s="${SOAP11}"><s:Body><GetServerTime xmlns="${V2}">${'<x>'.repeat(200)}${'</x>'.repeat(200)}</GetServerTime></s:Body></s:Envelope>`;
      const bodies = [
        `<s:Envelope xmlns:s="${SOAP11}"><s:Body><GetServerTime xmlns="${V2}"></s:Body>`,
        `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><s:Envelope xmlns:s="${SOAP11}"><s:Body><GetContactByEmail xmlns="${V2}"><email>&lol2;</email></GetContactByEmail></s:Body></s:Envelope>`,
        '',
        deep,
        `<GetServerTime xmlns="${V2}"/>`,
        `<s:Envelope xmlns:s="${SOAP11}"><s:Body/></s:Envelope>`,
        'this is not xml',
      ];
      for (const b of bodies) expectFault(await postRaw(app.baseUrl, '/v2/Api.svc', b, headers()), 'Client', 'ERROR_MALFORMED_REQUEST');
    });

    it('a non-XML content type: soap:Client CONTENT_TYPE_IS_NOT_SUPPORTED', async () => {
      const env = `<s:Envelope xmlns:s="${SOAP11}"><s:Body><GetServerTime xmlns="${V2}"/></s:Body></s:Envelope>`;
      for (const ct of ['application/json', 'text/plain', 'application/soap+xml; charset=utf-8']) {
        expectFault(await postRaw(app.baseUrl, '/v2/Api.svc', env, { ...headers(), 'Content-Type': ct }), 'Client', 'ERROR_CONTENT_TYPE_IS_NOT_SUPPORTED');
      }
      const none = await postRaw(app.baseUrl, '/v2/Api.svc', env, { Authorization: basic(login) });
      expectFault(none, 'Client', 'ERROR_CONTENT_TYPE_IS_NOT_SUPPORTED');
    });

    it('a SOAPAction that does not match the body: soap:Client MALFORMED_REQUEST naming both', async () => {
      const r = await v2Raw(app.baseUrl, 'GetServerTime', `<GetContactById xmlns="${V2}"><id>1</id></GetContactById>`, login);
      expectFault(r, 'Client', 'ERROR_MALFORMED_REQUEST');
      expect(faultString(r)).to.contain('GetContactById').and.to.contain('GetServerTime');
    });

    it('every vendor operation is served; an unknown or wrong-namespace operation: MALFORMED_REQUEST', async () => {
      // why: every vendor operation is served (issue #21), computed from the vendor facts vs the served schema; the
      // faults for names outside the vendor WSDL still apply.
      expect(unservedOperations('v2'), 'vendor v2 operations not served').to.deep.equal([]);
      expectFault(await v2Raw(app.baseUrl, 'Frobnicate', `<Frobnicate xmlns="${V2}"/>`, login), 'Client', 'ERROR_MALFORMED_REQUEST');
      expectFault(await v2Raw(app.baseUrl, 'GetCampaigns', `<GetCampaigns xmlns="urn:other"/>`, login), 'Client', 'ERROR_MALFORMED_REQUEST');
      expectFault(await v2Raw(app.baseUrl, 'GetServerTime', `<GetServerTime xmlns="http://apiconnector.com"/>`, login), 'Client', 'ERROR_MALFORMED_REQUEST');
    });

    it('a bad value for a typed element: soap:Client PARAMETER_INVALID', async () => {
      expectFault(await v2Raw(app.baseUrl, 'GetContactById', `<GetContactById xmlns="${V2}"><id>abc</id></GetContactById>`, login), 'Client', 'ERROR_PARAMETER_INVALID');
      expectFault(
        await v2Raw(app.baseUrl, 'CreateContact', `<CreateContact xmlns="${V2}"><apiContact xmlns:a="${DATA}"><a:Email>e@example.com</a:Email><a:OptInType>double</a:OptInType></apiContact></CreateContact>`, login),
        'Client',
        'ERROR_PARAMETER_INVALID',
      );
    });

    it('an unexpected error: soap:Server with a correlation id, logged, no internals', async () => {
      const contacts = app.services.contacts;
      const orig = contacts.get;
      contacts.get = async () => {
        throw new Error('secret database detail');
      };
      try {
        const r = await v2Raw(app.baseUrl, 'GetContactById', `<GetContactById xmlns="${V2}"><id>1</id></GetContactById>`, login, { 'X-Correlation-Id': 'corr-123' });
        expectFault(r, 'Server', 'ERROR_UNKNOWN');
        expect(faultString(r)).to.contain('corr-123');
        expect(r.text).not.to.contain('secret');
        const line = logLines.find((l) => l.includes('corr-123') && l.includes('secret database detail'));
        expect(line, 'error is logged with its correlation id').to.exist;
        expect(logLines.some((l) => l.includes('"dialect":"soap-v2"') && l.includes('"operation":"GetContactById"'))).to.equal(true);
      } finally {
        contacts.get = orig;
      }
    });
  });

  it('takes a 10 MB import file (base64, ~14 MB envelope) under the default body limit', async () => {
    const real = app.services.imports;
    const fake = new FakeImports(app.services);
    app.services.imports = fake;
    try {
      const file = Buffer.alloc(10 * 1024 * 1024, 'Email\nbulk@example.com\n');
      const r = await v2Raw(
        app.baseUrl,
        'ImportContacts',
        `<ImportContacts xmlns="${V2}"><data>${file.toString('base64')}</data><dataType>CSV</dataType></ImportContacts>`,
        login,
      );
      expect(r.status, r.text.slice(0, 300)).to.equal(200);
      expect(fake.uploads[0].upload.data.equals(file)).to.equal(true);
    } finally {
      app.services.imports = real;
    }
  });

  describe('size cap', () => {
    let small: TestApp;
    before(async () => (small = await startApp({ config: { bodyLimitBytes: 2048 } })));
    after(() => small.close());
    it('answers a body over BODY_LIMIT_BYTES with 413 and a REQUEST_TOO_LARGE fault', async () => {
      const l = await small.newAccount();
      const big = `<GetContactByEmail xmlns="${V2}"><email>${'x'.repeat(5000)}@example.com</email></GetContactByEmail>`;
      const r = await v2Raw(small.baseUrl, 'GetContactByEmail', big, l);
      expect(r.status).to.equal(413);
      expect(faultString(r)).to.match(/ERROR_REQUEST_TOO_LARGE$/);
      const ok = await v2Raw(small.baseUrl, 'GetServerTime', `<GetServerTime xmlns="${V2}"/>`, l);
      expect(ok.status).to.equal(200);
    });
  });
});
