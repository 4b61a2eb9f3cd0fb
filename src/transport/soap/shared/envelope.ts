import { escapeXml } from '../../xml/xmlTree';
import { XS_NS, XSI_NS } from './xsd';
import { XSD_PREFIX, XSI_PREFIX } from './encode';

/** SOAP envelope versions. */
export type SoapVersion = '1.1' | '1.2';

/** Envelope namespace of each SOAP version. */
export const ENV_NS: Record<SoapVersion, string> = {
  '1.1': 'http://schemas.xmlsoap.org/soap/envelope/',
  '1.2': 'http://www.w3.org/2003/05/soap-envelope',
};

/** Response content type of each SOAP version. */
export const CONTENT_TYPE: Record<SoapVersion, string> = {
  '1.1': 'text/xml; charset=utf-8',
  '1.2': 'application/soap+xml; charset=utf-8',
};

/** Whose fault it is: the caller's (soap:Client / soap:Sender) or ours (soap:Server / soap:Receiver). */
export type FaultSide = 'Client' | 'Server';

/** Wraps body XML in an envelope that declares the soap, xsi, xsd and the given extra prefixes. */
export function envelope(version: SoapVersion, body: string, extraNs: Record<string, string> = {}): string {
  let decls = `xmlns:s="${ENV_NS[version]}" xmlns:${XSI_PREFIX}="${XSI_NS}" xmlns:${XSD_PREFIX}="${XS_NS}"`;
  for (const [prefix, ns] of Object.entries(extraNs)) decls += ` xmlns:${prefix}="${escapeXml(ns)}"`;
  return `<?xml version="1.0" encoding="utf-8"?><s:Envelope ${decls}><s:Body>${body}</s:Body></s:Envelope>`;
}

/**
 * A SOAP fault envelope: 1.1 `faultcode`/`faultstring`/`detail` (unqualified children, as ASMX and WCF write them),
 * or 1.2 `Code/Value` (Sender/Receiver) and `Reason/Text`. Nothing but the message goes out: no stack, no internals.
 */
export function faultEnvelope(version: SoapVersion, side: FaultSide, message: string): string {
  const text = escapeXml(message);
  if (version === '1.2') {
    const code = side === 'Client' ? 'Sender' : 'Receiver';
    return (
      `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${ENV_NS['1.2']}">` +
      `<soap:Body><soap:Fault><soap:Code><soap:Value>soap:${code}</soap:Value></soap:Code>` +
      `<soap:Reason><soap:Text xml:lang="en">${text}</soap:Text></soap:Reason><soap:Detail/></soap:Fault></soap:Body></soap:Envelope>`
    );
  }
  return (
    `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${ENV_NS['1.1']}">` +
    `<soap:Body><soap:Fault><faultcode>soap:${side}</faultcode><faultstring>${text}</faultstring><detail/></soap:Fault>` +
    `</soap:Body></soap:Envelope>`
  );
}
