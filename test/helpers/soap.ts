import { TestLogin } from './app';
import { rawRequest } from './rest';
import { parseXml, XmlNode } from '../../src/transport/xml/xmlTree';

/** SOAP 1.1 envelope namespace. */
export const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
/** v2 operation namespace. */
export const V2 = 'http://apiconnector.com/v2';
/** v2 data-type namespace. */
export const DATA = 'http://apiconnector.com';

/** A SOAP reply: status, headers, raw text and the parsed tree (undefined when the body is not XML). */
export interface SoapReply {
  status: number;
  headers: Headers;
  text: string;
  doc?: XmlNode;
}

/** Basic Authorization header value for a login. */
export function basic(login: Pick<TestLogin, 'username' | 'password'>): string {
  return `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}`;
}

/** Posts a raw body to a path with the given headers (from a given local address if set) and parses the reply. */
export async function postRaw(baseUrl: string, path: string, body: string, headers: Record<string, string>, from?: string): Promise<SoapReply> {
  const res = await rawRequest(`${baseUrl}${path}`, 'POST', headers, body, from);
  const text = res.body.toString('utf8');
  let doc: XmlNode | undefined;
  try {
    doc = text ? parseXml(text) : undefined;
  } catch {
    doc = undefined;
  }
  return { status: res.status, headers: res.headers, text, doc };
}

/** Calls a v2 operation with a hand-written wrapper body (the XML inside soap:Body). */
export function v2Raw(baseUrl: string, op: string, inner: string, login?: Pick<TestLogin, 'username' | 'password'>, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = {
    'Content-Type': 'text/xml; charset=utf-8',
    SOAPAction: `"http://apiconnector.com/v2/ApiService/${op}"`,
    ...extra,
  };
  if (login) headers.Authorization = basic(login);
  const body = `<s:Envelope xmlns:s="${SOAP11}"><s:Body>${inner}</s:Body></s:Envelope>`;
  return postRaw(baseUrl, '/v2/Api.svc', body, headers);
}

/** Children of a node with the given local name (any namespace). */
export function kids(n: XmlNode | undefined, local: string): XmlNode[] {
  return n ? n.children.filter((c) => c.local === local) : [];
}

/** Follows a path of local names from a node; undefined when missing. */
export function dig(n: XmlNode | undefined, ...path: string[]): XmlNode | undefined {
  let cur = n;
  for (const p of path) cur = cur?.children.find((c) => c.local === p);
  return cur;
}

/** The first child of soap:Body. */
export function bodyOf(r: SoapReply): XmlNode | undefined {
  return dig(r.doc, 'Body')?.children[0];
}

/** The faultstring of a SOAP 1.1 fault reply. */
export function faultString(r: SoapReply): string | undefined {
  return dig(r.doc, 'Body', 'Fault', 'faultstring')?.text;
}
