import { Request, RequestHandler } from 'express';
import { withAddress } from './wsdl';

/** The base URL the caller used (honouring a proxy's X-Forwarded-Proto/Host). */
export function requestBase(req: Request): string {
  const proto = String(req.headers['x-forwarded-proto'] ?? req.protocol).split(',')[0].trim();
  const host = String(req.headers['x-forwarded-host'] ?? req.headers.host ?? 'localhost').split(',')[0].trim();
  return `${proto}://${host}`;
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
