import http from 'node:http';
import { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import { DomainError } from '../../../src/domain/errors';
import { silentLogger } from '../../../src/lib/logger';
import { decodeFields } from '../../../src/transport/soap/shared/decode';
import { encodeField } from '../../../src/transport/soap/shared/encode';
import { soapEndpoint } from '../../../src/transport/soap/shared/endpoint';
import { generateWsdl } from '../../../src/transport/soap/shared/wsdl';
import { parseXml, XmlRejected } from '../../../src/transport/xml/xmlTree';
import { arrayOf, complex, ServiceDescriptor, xs } from '../../../src/transport/soap/shared/xsd';
import { dig, postRaw } from '../../helpers/soap';

// The shared SOAP layer with a toy dialect shaped like v1 (ASMX): SOAP 1.1 and 1.2, body credentials, fault prefix.

const NS = 'urn:toy';
const Item = complex(NS, 'Item', [
  { name: 'Key', type: xs.string, optional: true, nillable: true },
  { name: 'Value', type: xs.anyType, optional: true, nillable: true },
]);
const toy: ServiceDescriptor = {
  tns: NS,
  serviceName: 'Toy',
  portTypeName: 'ToySoap',
  binding11: { binding: 'ToySoap', port: 'ToySoap' },
  binding12: { binding: 'ToySoap12', port: 'ToySoap12' },
  soapAction: (op) => `${NS}/${op}`,
  prefixes: { [NS]: '' },
  operations: [
    {
      name: 'Echo',
      input: [
        { name: 'username', type: xs.string, optional: true },
        { name: 'password', type: xs.string, optional: true },
        { name: 'n', type: xs.int },
        { name: 'items', type: arrayOf(NS, Item), optional: true },
      ],
      result: { name: 'EchoResult', type: arrayOf(NS, Item), optional: true },
    },
  ],
};

const ENV11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const ENV12 = 'http://www.w3.org/2003/05/soap-envelope';

describe('shared SOAP layer (toy v1-style dialect)', () => {
  let server: http.Server;
  let base: string;
  before(async () => {
    const app = express();
    app.post(
      '/toy.asmx',
      soapEndpoint<{ user: string }>({
        name: 'toy',
        service: toy,
        versions: ['1.1', '1.2'],
        faultPrefix: 'Server was unable to process request. ---> ',
        vendorOperations: new Set(['Echo', 'Legacy']),
        realm: 'toy',
        authFailureStatus: 500,
        bodyLimitBytes: 100_000,
        log: silentLogger,
        async authenticateBody(_req, _op, args) {
          if (args.username !== 'u' || args.password !== 'p') throw new DomainError('INVALID_LOGIN');
          return { user: 'u' };
        },
        handlers: {
          Echo: async (c) => {
            if (c.args.n === 13) throw new DomainError('CONTACT_NOT_FOUND');
            return [...((c.args.items as unknown[]) ?? []), { Key: 'n', Value: c.args.n }, { Key: 'v', Value: c.version }];
          },
        },
      }),
    );
    server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const echo = (n: number, user = 'u') =>
    `<Echo xmlns="${NS}"><username>${user}</username><password>p</password><n>${n}</n>` +
    `<items><Item><Key>a</Key><Value xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns:q="http://www.w3.org/2001/XMLSchema" i:type="q:int">5</Value></Item></items></Echo>`;

  it('answers SOAP 1.2 (application/soap+xml; action=...) in a 1.2 envelope', async () => {
    const r = await postRaw(base, '/toy.asmx', `<e:Envelope xmlns:e="${ENV12}"><e:Body>${echo(1)}</e:Body></e:Envelope>`, {
      'Content-Type': `application/soap+xml; charset=utf-8; action="${NS}/Echo"`,
    });
    expect(r.status, r.text).to.equal(200);
    expect(r.headers.get('content-type')).to.match(/^application\/soap\+xml/);
    expect(r.doc?.ns).to.equal(ENV12);
    const items = dig(r.doc, 'Body', 'EchoResponse', 'EchoResult')!.children;
    expect(items.map((i) => [i.ns, dig(i, 'Key')?.text, dig(i, 'Value')?.text])).to.deep.equal([
      [NS, 'a', '5'],
      [NS, 'n', '1'],
      [NS, 'v', '1.2'],
    ]);
  });

  it('answers SOAP 1.1 in a 1.1 envelope', async () => {
    const r = await postRaw(base, '/toy.asmx', `<e:Envelope xmlns:e="${ENV11}"><e:Body>${echo(2)}</e:Body></e:Envelope>`, {
      'Content-Type': 'text/xml; charset=utf-8',
      SOAPAction: `"${NS}/Echo"`,
    });
    expect(r.status).to.equal(200);
    expect(r.doc?.ns).to.equal(ENV11);
  });

  it('gives a 1.2 fault (Code/Value soap:Sender, Reason/Text) with the dialect prefix, HTTP 500', async () => {
    const r = await postRaw(base, '/toy.asmx', `<e:Envelope xmlns:e="${ENV12}"><e:Body>${echo(13)}</e:Body></e:Envelope>`, {
      'Content-Type': 'application/soap+xml; charset=utf-8',
    });
    expect(r.status).to.equal(500);
    const f = dig(r.doc, 'Body', 'Fault')!;
    expect(f.ns).to.equal(ENV12);
    expect(dig(f, 'Code', 'Value')?.text).to.equal('soap:Sender');
    expect(dig(f, 'Reason', 'Text')?.text).to.equal('Server was unable to process request. ---> Contact not found. ERROR_CONTACT_NOT_FOUND');
  });

  it('checks body credentials; a bad login is a prefixed fault with HTTP 500 (no challenge)', async () => {
    const r = await postRaw(base, '/toy.asmx', `<e:Envelope xmlns:e="${ENV11}"><e:Body>${echo(1, 'x')}</e:Body></e:Envelope>`, { 'Content-Type': 'text/xml' });
    expect(r.status).to.equal(500);
    expect(r.headers.get('www-authenticate')).to.equal(null);
    expect(dig(r.doc, 'Body', 'Fault', 'faultstring')?.text).to.equal('Server was unable to process request. ---> The username or password is invalid. ERROR_INVALID_LOGIN');
  });

  it('a 1.2 action that does not match the body is a 1.2 fault', async () => {
    const r = await postRaw(base, '/toy.asmx', `<e:Envelope xmlns:e="${ENV12}"><e:Body>${echo(1)}</e:Body></e:Envelope>`, {
      'Content-Type': `application/soap+xml; action="${NS}/Other"`,
    });
    expect(r.status).to.equal(500);
    expect(dig(r.doc, 'Body', 'Fault', 'Reason', 'Text')?.text).to.match(/ERROR_MALFORMED_REQUEST$/);
  });

  it('a 1.1 envelope sent as application/soap+xml is refused', async () => {
    const r = await postRaw(base, '/toy.asmx', `<e:Envelope xmlns:e="${ENV11}"><e:Body>${echo(1)}</e:Body></e:Envelope>`, { 'Content-Type': 'application/soap+xml' });
    expect(r.status).to.equal(500);
    expect(dig(r.doc, 'Body', 'Fault', 'Code', 'Value')?.text).to.equal('soap:Sender');
  });

  it('a declared vendor operation without a handler is "not supported"', async () => {
    const r = await postRaw(base, '/toy.asmx', `<e:Envelope xmlns:e="${ENV11}"><e:Body><Legacy xmlns="${NS}"/></e:Body></e:Envelope>`, { 'Content-Type': 'text/xml' });
    expect(dig(r.doc, 'Body', 'Fault', 'faultstring')?.text).to.equal(
      'Server was unable to process request. ---> The operation Legacy is not supported by this gateway. ERROR_FEATURENOTACTIVE',
    );
  });

  it('generates SOAP 1.1 and 1.2 bindings and ports when the descriptor has both', () => {
    const w = generateWsdl(toy);
    expect(w).to.contain('<wsdl:binding name="ToySoap12" type="tns:ToySoap">');
    expect(w).to.contain('<soap12:operation soapAction="urn:toy/Echo" style="document"/>');
    expect(w).to.contain('<wsdl:port name="ToySoap" binding="tns:ToySoap">');
    expect(w).to.contain('<wsdl:port name="ToySoap12" binding="tns:ToySoap12">');
  });
});

describe('shared SOAP decode/encode', () => {
  const X = 'xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns:x="http://www.w3.org/2001/XMLSchema"';
  const read = (inner: string) => decodeFields(parseXml(`<Echo xmlns="${NS}" ${X}>${inner}</Echo>`), toy.operations[0].input);

  it('reads anyType with and without xsi:type, nil, and arrays into null-prototype records', () => {
    const a = read(
      '<n>7</n><items>' +
        ['<Value>plain</Value>', '<Value i:type="x:string">s</Value>', '<Value i:type="x:int">-3</Value>', '<Value i:type="x:decimal">2.50</Value>', '<Value i:type="x:boolean">1</Value>', '<Value i:type="x:dateTime">2013-08-14T10:00:00</Value>', '<Value i:nil="true"/>']
          .map((v) => `<Item><Key>k</Key>${v}</Item>`)
          .join('') +
        '</items>',
    );
    expect(Object.getPrototypeOf(a)).to.equal(null);
    expect(a.n).to.equal(7);
    expect((a.items as Array<Record<string, unknown>>).map((i) => i.Value)).to.deep.equal(['plain', 's', -3, 2.5, true, '2013-08-14T10:00:00.000Z', null]);
  });

  it('refuses bad ints, DTDs and deep nesting', () => {
    expect(() => read('<n>1.5</n>')).to.throw(DomainError, /ERROR_PARAMETER_INVALID/);
    expect(() => read('<n>99999999999</n>')).to.throw(DomainError, /ERROR_PARAMETER_INVALID/);
    expect(() => parseXml('<!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>')).to.throw(XmlRejected);
    expect(() => parseXml(`${'<a>'.repeat(70)}${'</a>'.repeat(70)}`)).to.throw(XmlRejected, /deeper/);
  });

  it('writes nil, omitted optionals, xsi:type on anyType values and escapes text', () => {
    const out: string[] = [];
    encodeField(out, toy.operations[0].result!, NS, [{ Key: 'a<b', Value: 1.5 }, { Key: null, Value: null }, { Key: 'z', Value: 'x&y' }, { Key: 'b', Value: false }], () => '');
    expect(out.join('')).to.equal(
      '<EchoResult><Item><Key>a&lt;b</Key><Value i:type="xsd:decimal">1.5</Value></Item><Item><Key i:nil="true"/><Value i:nil="true"/></Item>' +
        '<Item><Key>z</Key><Value i:type="xsd:string">x&amp;y</Value></Item><Item><Key>b</Key><Value i:type="xsd:boolean">false</Value></Item></EchoResult>',
    );
  });
});
