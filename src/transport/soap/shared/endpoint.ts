import { Request, RequestHandler, Response } from 'express';
import { DomainError, isDomainError } from '../../../domain/errors';
import { Logger } from '../../../lib/logger';
import { transientAsDomain } from '../../../services/transient';
import { Decoded, decodeFields } from './decode';
import { encodeField, PrefixOf } from './encode';
import { CONTENT_TYPE, ENV_NS, envelope, FaultSide, faultEnvelope, SoapVersion } from './envelope';
import { closeIfUnread, precheckBody, readBody } from '../../http/body';
import { parseXml, prescanXml, XmlNode, XmlRejected } from '../../xml/xmlTree';
import { operationMap } from './wsdl';
import { Operation, ServiceDescriptor } from './xsd';

/** One decoded call handed to an operation handler. */
export interface SoapCall<A> {
  op: Operation;
  /** Request children by element name (null-prototype record). */
  args: Decoded;
  actor: A;
  req: Request;
  version: SoapVersion;
}

/** Implements one operation; returns the `<Op>Result` value (ignored for void operations). */
export type SoapHandler<A> = (call: SoapCall<A>) => Promise<unknown>;

/** Thrown by `authenticate` to answer a plain HTTP 401 challenge (no SOAP body), as .NET proxies expect. */
export class AuthChallenge extends Error {}

/** Everything that makes one SOAP dialect (v1 ASMX, v2 WCF) different; the framework does the rest. */
export interface SoapDialect<A> {
  /** Name for the request log (res.locals.dialect). */
  name: string;
  service: ServiceDescriptor;
  /** Envelope versions accepted; the response uses the request's version. */
  versions: readonly SoapVersion[];
  /** Text put before every fault message (v1: "Server was unable to process request. ---> "). */
  faultPrefix?: string;
  /** Names of the vendor's operations, to answer the ones not served with a "not supported" fault. */
  vendorOperations: ReadonlySet<string>;
  handlers: Readonly<Record<string, SoapHandler<A>>>;
  /** Finds the caller from the request headers, before the body is read (v2: HTTP Basic). */
  authenticateHeaders?(req: Request): Promise<A>;
  /** Finds the caller from the decoded arguments (v1: body credentials); runs after decoding. */
  authenticateBody?(req: Request, op: Operation, args: Decoded): Promise<A>;
  /** HTTP status of a bad-login fault: 401 (+ WWW-Authenticate, v2) or 500 (v1). */
  authFailureStatus: 401 | 500;
  /** Realm of the Basic challenge. */
  realm: string;
  bodyLimitBytes: number;
  log: Logger;
}

const MAX_DEPTH = 64;

/** Builds the POST handler of a SOAP endpoint. */
export function soapEndpoint<A>(d: SoapDialect<A>): RequestHandler {
  const ops = operationMap(d.service);
  const prefixOf: PrefixOf = (ns) => d.service.prefixes[ns] ?? '';
  const nsDecls: Record<string, string> = {};
  for (const [ns, p] of Object.entries(d.service.prefixes)) if (p) nsDecls[p] = ns;

  return async (req: Request, res: Response) => {
    res.locals.dialect = d.name;
    let version: SoapVersion = d.versions[0];
    const fault = (status: number, side: FaultSide, message: string, code?: string): void => {
      if (code) res.locals.errorCode = code;
      res.status(status).type(CONTENT_TYPE[version]).send(faultEnvelope(version, side, `${d.faultPrefix ?? ''}${message}`));
    };
    const domainFault = (e: DomainError): void => {
      const side: FaultSide = e.kind === 'unavailable' ? 'Server' : 'Client';
      if (e.kind === 'auth') {
        if (d.authFailureStatus === 401) res.set('WWW-Authenticate', `Basic realm="${d.realm}"`);
        return fault(d.authFailureStatus, side, e.message, e.token);
      }
      // why: 413/415 say the body itself was refused (unread); every other fault is HTTP 500 as ASMX and WCF answered.
      fault(e.kind === 'tooLarge' ? 413 : e.kind === 'unsupportedMedia' ? 415 : 500, side, e.message, e.token);
    };
    try {
      const ct = contentType(req);
      const v = ct.media === 'text/xml' ? '1.1' : ct.media === 'application/soap+xml' ? '1.2' : undefined;
      if (v && d.versions.includes(v)) version = v;
      // why: credentials in headers (v2's HTTP Basic) are checked before a byte of the body is read, so an
      // unauthenticated caller never gets the gateway to buffer or parse anything.
      precheckBody(req, d.bodyLimitBytes);
      let actor: A | undefined = d.authenticateHeaders ? await d.authenticateHeaders(req) : undefined;
      const raw = await readBody(req, d.bodyLimitBytes);
      if (!v || !d.versions.includes(v)) {
        return domainFault(
          new DomainError('CONTENT_TYPE_IS_NOT_SUPPORTED', `The content type "${ct.media || '(none)'}" is not supported; send ${d.versions.map((x) => CONTENT_TYPE[x].split(';')[0]).join(' or ')}.`),
        );
      }
      // why: a hostile body is refused on its bytes, before it costs a decoded copy (see prescanXml).
      const refused = prescanXml(raw);
      if (refused) return domainFault(new DomainError('MALFORMED_REQUEST', refused));
      const text = raw.toString('utf8').replace(/^\uFEFF/, '');
      if (text.trim() === '') return domainFault(new DomainError('MALFORMED_REQUEST', 'The request body is empty.'));
      let doc: XmlNode;
      try {
        doc = parseXml(text, { maxDepth: MAX_DEPTH });
      } catch (e) {
        if (e instanceof XmlRejected) return domainFault(new DomainError('MALFORMED_REQUEST', e.message));
        throw e;
      }
      const call = findCall(doc, version);
      if (typeof call === 'string') return domainFault(new DomainError('MALFORMED_REQUEST', call));
      const op = call.ns === d.service.tns ? ops.get(call.local) : undefined;
      if (!op) {
        // why: only names from the vendor's list become a metric label; anything else is one bounded label.
        const vendorOp = call.ns === d.service.tns && d.vendorOperations.has(call.local);
        res.locals.operation = vendorOp ? call.local : '(unknown)';
        if (vendorOp) {
          return domainFault(new DomainError('FEATURENOTACTIVE', `The operation ${call.local} is not supported by this gateway.`));
        }
        return domainFault(new DomainError('MALFORMED_REQUEST', `The operation {${call.ns}}${call.local} is not known.`));
      }
      res.locals.operation = op.name;
      const action = version === '1.1' ? soapActionHeader(req) : ct.action;
      if (action && action !== d.service.soapAction(op.name)) {
        return domainFault(
          new DomainError('MALFORMED_REQUEST', `The SOAPAction "${action}" does not match the operation ${op.name} (expected "${d.service.soapAction(op.name)}").`),
        );
      }
      const args = decodeFields(call, op.input);
      if (d.authenticateBody) actor = await d.authenticateBody(req, op, args);
      const accountId = (actor as { accountId?: unknown } | undefined)?.accountId;
      if (accountId !== undefined) res.locals.accountId = accountId;
      const handler = d.handlers[op.name];
      if (!handler) return domainFault(new DomainError('FEATURENOTACTIVE', `The operation ${op.name} is not supported by this gateway.`));
      const result = await handler({ op, args, actor: actor as A, req, version });
      const out: string[] = [`<${op.name}Response xmlns="${d.service.tns}">`];
      if (op.result) encodeField(out, op.result, d.service.tns, result, prefixOf);
      out.push(`</${op.name}Response>`);
      res.status(200).type(CONTENT_TYPE[version]).send(envelope(version, out.join(''), nsDecls));
    } catch (e) {
      if (isDomainError(e) || e instanceof AuthChallenge) closeIfUnread(req, res);
      if (e instanceof AuthChallenge) {
        res.set('WWW-Authenticate', `Basic realm="${d.realm}"`);
        res.locals.errorCode = 'ERROR_INVALID_LOGIN';
        res.status(401).end();
        return;
      }
      if (isDomainError(e)) return domainFault(e);
      const transient = transientAsDomain(e);
      if (transient) return domainFault(transient);
      const id = String(res.locals.correlationId ?? '');
      d.log.error({ err: e, correlationId: id, operation: res.locals.operation, dialect: d.name }, 'unexpected SOAP error');
      if (!res.headersSent) fault(500, 'Server', `An unexpected error occurred (correlation id ${id}). ERROR_UNKNOWN`, 'ERROR_UNKNOWN');
    }
  };
}

/** The media type (lower case) and SOAP 1.2 `action` parameter of the request's Content-Type. */
export function contentType(req: Request): { media: string; action?: string } {
  const raw = String(req.headers['content-type'] ?? '');
  const parts = raw.split(';').map((p) => p.trim());
  const media = (parts.shift() ?? '').toLowerCase();
  let action: string | undefined;
  for (const p of parts) {
    const m = /^action\s*=\s*"?([^"]*)"?$/i.exec(p);
    if (m) action = m[1];
  }
  return { media, action: action || undefined };
}

/** The SOAP 1.1 SOAPAction header without its quotes; undefined when absent or empty. */
export function soapActionHeader(req: Request): string | undefined {
  const h = req.headers.soapaction;
  if (h === undefined) return undefined;
  const v = String(Array.isArray(h) ? h[0] : h)
    .trim()
    .replace(/^"(.*)"$/, '$1');
  return v || undefined;
}

/** The first element inside soap:Body, or a reason why the document is not a SOAP request. */
function findCall(doc: XmlNode, version: SoapVersion): XmlNode | string {
  if (doc.local !== 'Envelope' || (doc.ns !== ENV_NS['1.1'] && doc.ns !== ENV_NS['1.2'])) return 'The request is not a SOAP envelope.';
  if (doc.ns !== ENV_NS[version]) return `The envelope namespace ${doc.ns} does not match the content type (SOAP ${version}).`;
  // why: headers (WS-Addressing from zeep, an empty soap:Header from strong-soap) are accepted and ignored.
  const body = doc.children.find((c) => c.ns === doc.ns && c.local === 'Body');
  if (!body) return 'The SOAP envelope has no Body.';
  const call = body.children[0];
  if (!call) return 'The SOAP Body is empty.';
  return call;
}
