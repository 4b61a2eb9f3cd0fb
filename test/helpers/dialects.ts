import { TestLogin } from './app';
import { basic, dig, kids, postRaw, SoapReply } from './soap';
import { XmlNode } from '../../src/transport/xml/xmlTree';

// Raw SOAP calls for the hardening specs: one function per dialect, an operation name and the XML of its children.

/** v1 operation namespace. */
export const V1_NS = 'http://apiconnector.com';
/** v2 operation namespace. */
export const V2_NS = 'http://apiconnector.com/v2';
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const DECLS = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"';

/** Escapes text for XML content. */
export function x(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Calls a v1 operation (credentials in the body, as v1 does) over SOAP 1.1 or 1.2, from a given local address if set. */
export function v1Call(
  baseUrl: string,
  login: Pick<TestLogin, 'username' | 'password'>,
  op: string,
  inner: string,
  version: '1.1' | '1.2' = '1.1',
  from?: string,
): Promise<SoapReply> {
  const call = `<${op} xmlns="${V1_NS}"><username>${x(login.username)}</username><password>${x(login.password)}</password>${inner}</${op}>`;
  if (version === '1.2') {
    const body = `<soap12:Envelope ${DECLS} xmlns:soap12="${SOAP12}"><soap12:Body>${call}</soap12:Body></soap12:Envelope>`;
    return postRaw(baseUrl, '/api.asmx', body, { 'Content-Type': `application/soap+xml; charset=utf-8; action="${V1_NS}/${op}"` }, from);
  }
  const body = `<soap:Envelope ${DECLS} xmlns:soap="${SOAP11}"><soap:Body>${call}</soap:Body></soap:Envelope>`;
  return postRaw(baseUrl, '/api.asmx', body, { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${V1_NS}/${op}"` }, from);
}

/** Calls a v2 SOAP operation with HTTP Basic credentials, from a given local address if set. */
export function v2Call(baseUrl: string, login: Pick<TestLogin, 'username' | 'password'>, op: string, inner: string, from?: string): Promise<SoapReply> {
  const body = `<s:Envelope ${DECLS} xmlns:s="${SOAP11}"><s:Body><${op} xmlns="${V2_NS}">${inner}</${op}></s:Body></s:Envelope>`;
  return postRaw(baseUrl, '/v2/Api.svc', body, {
    'Content-Type': 'text/xml; charset=utf-8',
    SOAPAction: `"${V2_NS}/ApiService/${op}"`,
    Authorization: basic(login),
  }, from);
}

/** faultstring (1.1) or Reason/Text (1.2) of a fault reply; undefined when the reply is no fault. */
export function faultText(r: SoapReply): string | undefined {
  return dig(r.doc, 'Body', 'Fault', 'faultstring')?.text ?? dig(r.doc, 'Body', 'Fault', 'Reason', 'Text')?.text;
}

/** faultcode (1.1) or Code/Value (1.2) of a fault reply. */
export function faultCode(r: SoapReply): string | undefined {
  return dig(r.doc, 'Body', 'Fault', 'faultcode')?.text ?? dig(r.doc, 'Body', 'Fault', 'Code', 'Value')?.text;
}

/** The `<Op>Result` element of a successful reply (throws with the reply text otherwise). */
export function resultOf(r: SoapReply, op: string): XmlNode | undefined {
  const resp = dig(r.doc, 'Body', `${op}Response`);
  if (!resp || r.status !== 200) throw new Error(`${op} failed (${r.status}): ${r.text.slice(0, 400)}`);
  return kids(resp, `${op}Result`)[0];
}

/** Text of a child path of a node. */
export function textAt(n: XmlNode | undefined, ...path: string[]): string | undefined {
  return dig(n, ...path)?.text;
}
