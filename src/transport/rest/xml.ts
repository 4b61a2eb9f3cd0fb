import { NextFunction, Request, Response } from 'express';
import { DomainError } from '../../domain/errors';
import { readBody } from '../http/body';
import { decodeValue } from '../soap/shared/decode';
import { encodeContent, XSD_PREFIX, XSI_PREFIX } from '../soap/shared/encode';
import { parseXml, prescanXml, XmlRejected } from '../xml/xmlTree';
import { Field, typeOf, XS_NS, XSI_NS, XsdType } from '../soap/shared/xsd';
import { Route } from './route';
import { BODY_TYPES, restXmlType } from './xmlTypes';

// REST in XML: with `Accept: application/xml` (or an XML request body), REST routes read and answer the v2 data
// types (`ApiContact`, `ArrayOfApiContact`, ...) in http://apiconnector.com, from the same descriptors as SOAP; the
// answer's type is the one the matched route's entry names (route.ts `xml`, xmlTypes.ts).

const XML_TYPES = ['application/xml', 'text/xml'];

function isXmlType(ct: string | undefined): boolean {
  const media = String(ct ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  return XML_TYPES.includes(media);
}

/** The XML type a route's JSON answer is written as, or undefined when the route has no XML form. */
export function responseTypeFor(route: Route | undefined): XsdType | undefined {
  return route?.xml ? restXmlType(route.xml) : undefined;
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
        const route = res.locals.restRoute as Route | undefined;
        const t = res.statusCode < 300 ? responseTypeFor(route) : undefined;
        if (!t || body === undefined) return json(body);
        res.type('application/xml; charset=utf-8');
        return res.send(toXml(t, route?.xmlOut ? route.xmlOut(body) : body));
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
