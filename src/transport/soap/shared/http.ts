import { Request, RequestHandler } from 'express';
import { withAddress } from './wsdl';

/**
 * The base URL the caller used. X-Forwarded-Proto/-Host count only when TRUST_PROXY trusts the peer (Express's
 * `trust proxy`), so no caller can write another host into a WSDL address.
 */
export function requestBase(req: Request): string {
  const host = String(req.host || 'localhost').split(',')[0].trim();
  return `${req.protocol}://${host}`;
}

/** True when the query asks for the WSDL (`?wsdl`, `?WSDL`, `?singleWsdl`, any case). */
export function wantsWsdl(query: unknown): boolean {
  return Object.keys((query ?? {}) as object).some((k) => ['wsdl', 'singlewsdl'].includes(k.toLowerCase()));
}

/**
 * GET handler for an endpoint: the WSDL (no auth) with its address set to the URL the request came in on;
 * otherwise a short plain-text note.
 */
export function wsdlGet(wsdl: string, describe: string, dialect: string): RequestHandler {
  return (req, res) => {
    res.locals.dialect = dialect;
    if (!wantsWsdl(req.query)) {
      res.status(200).type('text/plain').send(`${describe}\nThe WSDL is at ${requestBase(req)}${req.path}?wsdl\n`);
      return;
    }
    res.locals.operation = 'GET wsdl';
    res.status(200).type('text/xml; charset=utf-8').send(withAddress(wsdl, `${requestBase(req)}${req.path}`));
  };
}
