import { NextFunction, Request, Response } from 'express';
import { DomainError } from '../../domain/errors';
import { readBody } from '../http/body';
import { decodeValue } from '../soap/shared/decode';
import { encodeContent, XSD_PREFIX, XSI_PREFIX } from '../soap/shared/encode';
import { parseXml, prescanXml, XmlRejected } from '../xml/xmlTree';
import { arrayOf, complex, ComplexType, Field, typeOf, xs, XS_NS, XSI_NS, XsdType } from '../soap/shared/xsd';
import * as v2 from '../soap/v2/schema';

// REST in XML: with `Accept: application/xml` (or an XML request body), REST routes read and answer the v2 data
// types (`ApiContact`, `ArrayOfApiContact`, ...) in http://apiconnector.com, from the same descriptors as SOAP.

const D = v2.DATA_NS;
// why: the REST ApiAddressBook gained Contacts after the 2013 SOAP schema [WADL].
const RestAddressBook = complex(D, 'ApiAddressBook', [...v2.ApiAddressBook.fields, { name: 'Contacts', type: xs.int, optional: true }]);
const ArrayOfint = arrayOf(v2.ARR_NS, xs.int, 'int', false);

/** Types a request body may have, by root element name. */
const BODY_TYPES = new Map<string, XsdType>(
  [v2.ApiContact, RestAddressBook, v2.ApiDataField, v2.ApiContactResubscription, ArrayOfint, v2.ApiCampaign, v2.ApiCampaignSend].map((t) => [t.q.name, t]),
);

const list = (t: ComplexType) => arrayOf(D, t);
/** Response type of each REST route, by method and route template (parameter names ignored). */
const RESPONSE_TYPES: Record<string, XsdType> = {
  'GET /account-info': v2.ApiAccount,
  'POST /contacts': v2.ApiContact,
  'GET /contacts': list(v2.ApiContact),
  'GET /contacts/modified-since/:': list(v2.ApiContact),
  'GET /contacts/created-since/:': list(v2.ApiContact),
  'GET /contacts/suppressed-since/:': list(v2.ApiContactSuppression),
  'GET /contacts/unsubscribed-since/:': list(v2.ApiContactSuppression),
  'POST /contacts/unsubscribe': v2.ApiContactSuppression,
  'GET /contacts/:/address-books': list(RestAddressBook),
  'GET /contacts/:': v2.ApiContact,
  'PUT /contacts/:': v2.ApiContact,
  'GET /address-books': list(RestAddressBook),
  'GET /address-books/private': list(RestAddressBook),
  'GET /address-books/public': list(RestAddressBook),
  'POST /address-books': RestAddressBook,
  'GET /address-books/:': RestAddressBook,
  'PUT /address-books/:': RestAddressBook,
  'GET /address-books/:/contacts': list(v2.ApiContact),
  'POST /address-books/:/contacts': v2.ApiContact,
  'GET /address-books/:/contacts/modified-since/:': list(v2.ApiContact),
  'GET /address-books/:/contacts/unsubscribed-since/:': list(v2.ApiContactSuppression),
  'POST /address-books/:/contacts/unsubscribe': v2.ApiContactSuppression,
  'GET /data-fields': list(v2.ApiDataField),
  'POST /data-fields': v2.ApiDataField,
  'DELETE /data-fields/:': v2.ApiDependencyResult,
  // Route families mounted by other modules (imports, segments), by the vendor's route templates.
  'POST /contacts/import': v2.ApiContactImport,
  'POST /address-books/:/contacts/import': v2.ApiContactImport,
  'GET /contacts/import/:': v2.ApiContactImport,
  'GET /contacts/import/:/report': v2.ApiContactImportReport,
  'GET /segments': list(v2.ApiSegment),
  'POST /segments/refresh/:': v2.ApiSegmentRefresh,
  'GET /segments/refresh/:': v2.ApiSegmentRefresh,
  // Campaigns and sends (the send's recipients/refreshedSegments extension fields are JSON-only).
  'GET /campaigns': list(v2.ApiCampaign),
  'POST /campaigns': v2.ApiCampaign,
  'GET /campaigns/:': v2.ApiCampaign,
  'PUT /campaigns/:': v2.ApiCampaign,
  'POST /campaigns/send': v2.ApiCampaignSend,
  'GET /campaigns/send/:': v2.ApiCampaignSend,
};

const XML_TYPES = ['application/xml', 'text/xml'];

function isXmlType(ct: string | undefined): boolean {
  const media = String(ct ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  return XML_TYPES.includes(media);
}

/** The response type for a matched route, or undefined when the route has no XML form. */
export function responseTypeFor(method: string, routePath: string): XsdType | undefined {
  return RESPONSE_TYPES[`${method.toUpperCase()} ${routePath.replace(/:[A-Za-z0-9_]+/g, ':')}`];
}

/** Express middleware for the REST router: answers XML instead of JSON when the caller asks for it (reads no body). */
export function restXmlAnswers() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const accept = String(req.headers.accept ?? '').trim();
    // An explicit Accept decides; with none (or */*) the answer follows the request body's format.
    const wantXml = accept && accept !== '*/*' ? XML_TYPES.includes(String(req.accepts(['application/json', ...XML_TYPES]))) : isXmlType(req.headers['content-type']);
    if (wantXml) {
      const json = res.json.bind(res);
      res.json = (body: unknown) => {
        const t = res.statusCode < 300 && req.route ? responseTypeFor(req.method, String(req.route.path)) : undefined;
        if (!t || body === undefined) return json(body);
        res.type('application/xml; charset=utf-8');
        return res.send(toXml(t, body));
      };
    }
    next();
  };
}

/** Express middleware for the REST router: parses XML bodies into PascalCase records (read case-insensitively by the
 * routes, like JSON). Mounted after authentication, so no anonymous caller gets a body parsed. */
export function restXmlBody(bodyLimitBytes: number) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    if (!isXmlType(req.headers['content-type'])) return next();
    try {
      const raw = await readBody(req, bodyLimitBytes);
      const refused = prescanXml(raw);
      if (refused) throw new XmlRejected(refused);
      const text = raw.toString('utf8').replace(/^\uFEFF/, '');
      if (!text.trim()) {
        req.body = undefined;
        return next();
      }
      const root = parseXml(text);
      const t = BODY_TYPES.get(root.local);
      if (!t || (root.ns !== t.q.ns && root.ns !== '')) {
        throw new DomainError('BODY_DOES_NOT_MATCH_CONTENT_TYPE', `The XML body's root element ${root.local} is not one of ${[...BODY_TYPES.keys()].join(', ')}.`);
      }
      req.body = decodeValue(root, { name: root.local, type: t });
      next();
    } catch (e) {
      if (e instanceof XmlRejected) return next(new DomainError('BODY_DOES_NOT_MATCH_CONTENT_TYPE', `The request body is not valid XML: ${e.message}`));
      next(e);
    }
  };
}

/** Serialises a REST (camelCase JSON-shaped) value as the XML of type t, root element named after the type. */
export function toXml(t: XsdType, body: unknown): string {
  const out: string[] = [];
  const name = t.q.name;
  out.push(`<?xml version="1.0" encoding="utf-8"?><${name} xmlns="${t.q.ns}" xmlns:${XSI_PREFIX}="${XSI_NS}" xmlns:${XSD_PREFIX}="${XS_NS}">`);
  encodeContent(out, t, fromJson(t, body), () => '');
  out.push(`</${name}>`);
  return out.join('');
}

/** Maps camelCase JSON-shaped values onto the descriptor's PascalCase members (matched case-insensitively). */
function fromJson(t: XsdType, v: unknown): unknown {
  if (v === null || v === undefined || t.kind !== 'complex') return v;
  if (t.fields.length === 1 && t.fields[0].many) {
    const item = t.fields[0];
    return Array.isArray(v) ? v.map((x) => fromJson(typeOf(item), x)) : [];
  }
  const src = v as Record<string, unknown>;
  const keys = new Map(Object.keys(src).map((k) => [k.toLowerCase(), k]));
  const out: Record<string, unknown> = Object.create(null);
  for (const f of t.fields as Field[]) {
    const k = keys.get(f.name.toLowerCase());
    if (k !== undefined) out[f.name] = fromJson(typeOf(f), src[k]);
  }
  return out;
}
