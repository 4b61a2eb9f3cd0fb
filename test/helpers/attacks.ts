/** Hostile request bodies of the kinds outside testers send: one huge token, or a flood of small elements. */

const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';

/** The token kinds a hostile XML body can make huge. */
export const TOKEN_KINDS = ['attribute value', 'element name', 'attribute name', 'comment', 'processing instruction', 'namespace URI'] as const;
/** One of TOKEN_KINDS. */
export type TokenKind = (typeof TOKEN_KINDS)[number];

/** A SOAP 1.1 GetContactByEmail envelope (in `ns`) whose one token of `kind` is `size` characters long. */
export function hugeTokenEnvelope(kind: TokenKind, size: number, ns: string): string {
  const big = 'a'.repeat(size);
  const op = (inner: string, attrs = '') => `<soap:Envelope xmlns:soap="${SOAP11}"><soap:Body><GetContactByEmail xmlns="${ns}"${attrs}>${inner}</GetContactByEmail></soap:Body></soap:Envelope>`;
  switch (kind) {
    case 'attribute value':
      return op('<email>a@example.com</email>', ` x="${big}"`);
    case 'element name':
      return op(`<e${big}>a@example.com</e${big}>`);
    case 'attribute name':
      return op('<email>a@example.com</email>', ` a${big}="1"`);
    case 'comment':
      return op(`<!--${big}--><email>a@example.com</email>`);
    case 'processing instruction':
      return op(`<?pi ${big}?><email>a@example.com</email>`);
    case 'namespace URI':
      return op('<email>a@example.com</email>', ` xmlns:p="urn:${big}"`);
  }
}

/** A SOAP 1.1 envelope holding `count` small sibling elements inside the operation element. */
export function elementFloodEnvelope(count: number, ns: string): string {
  return `<soap:Envelope xmlns:soap="${SOAP11}"><soap:Body><GetContactByEmail xmlns="${ns}">${'<x/>'.repeat(count)}</GetContactByEmail></soap:Body></soap:Envelope>`;
}

/** A REST XML ApiContact body whose Email element carries one attribute value of `size` characters. */
export function hugeRestXmlContact(size: number): string {
  return `<ApiContact xmlns="http://apiconnector.com" x="${'a'.repeat(size)}"><Email>a@example.com</Email></ApiContact>`;
}
