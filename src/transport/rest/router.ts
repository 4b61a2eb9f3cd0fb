import { Router } from 'express';
import { TransportServices } from '../../services';
import { Logger } from '../../lib/logger';
import { basicAuth } from './auth';
import { restErrorHandler } from './errors';
import { restXmlAnswers, restXmlBody } from './xml';
import { jsonBody } from './json';
import { precheckBody } from '../http/body';
import { extensionsSwitch } from './extensions';
import { docsAssets } from './docsPage';
import { buildOpenApi } from './openapiBuilder';
import { Route, RouteContext, RouteRequest } from './route';
import { REST_ROUTES } from './routes';

/** Mounts each route of the table on r (in table order); `res.locals.restRoute` tells the XML writer which one answers. */
function mountRoutes(r: Router, routes: readonly Route[], s: TransportServices, openApi: () => Record<string, unknown>): void {
  for (const route of routes) {
    const ctx: RouteContext = { s, route, openApi };
    r[route.method](route.path, (req, res) => {
      res.locals.restRoute = route;
      return route.handler(req as unknown as RouteRequest, res, ctx);
    });
  }
}

/** The REST v2 API, to be mounted at /v2: the route table (routes/index.ts) behind the login and body parsers. */
export function restRouter(s: TransportServices, log: Logger): Router {
  const r = Router();
  const routes = REST_ROUTES;
  let doc: Record<string, unknown> | undefined;
  const openApi = () => (doc ??= buildOpenApi(routes));
  // `Accept: application/xml` answers, from the v2 data-type descriptors.
  r.use(restXmlAnswers());
  // Routes without authentication (server time, OpenAPI document, docs page) and the docs page's assets.
  mountRoutes(r, routes.filter((x) => x.open), s, openApi);
  r.use('/docs', docsAssets());
  // why: a compressed or oversized body is refused first (413/415, unread); then the login is checked before any body
  // is read, so an anonymous caller never gets a body buffered or parsed.
  r.use((req, _res, next) => {
    try {
      precheckBody(req, req.is('multipart/form-data') ? multipartLimit(s.config.bodyLimitBytes, s.config.importMaxBytes) : s.config.bodyLimitBytes);
      next();
    } catch (e) {
      next(e);
    }
  });
  r.use(basicAuth(s, log));
  // The one switch for extension properties on vendor routes (X-Contactgate-Extensions), checked once here.
  r.use(extensionsSwitch());
  // why: a client library sends GET /v2/account-info with a JSON body `{}`; bodies are parsed for every method.
  r.use(jsonBody(s.config.bodyLimitBytes));
  r.use(restXmlBody(s.config.bodyLimitBytes));
  mountRoutes(r, routes.filter((x) => !x.open), s, openApi);
  r.use((req, res) => {
    res.status(404).json({ message: `No resource matches ${req.method} /v2${req.path}. ERROR_RESOURCE_NOT_FOUND` });
  });
  r.use(restErrorHandler(log));
  return r;
}

/** Multipart overhead allowed beyond the file itself (boundaries, part headers, a few small fields). */
const MULTIPART_SLACK_BYTES = 64 * 1024;

/**
 * The largest multipart body the pre-check lets through. why: a multipart upload (an import file) is streamed to disk
 * with its own cap (IMPORT_MAX_BYTES), never buffered, so BODY_LIMIT_BYTES (the cap on buffered JSON/XML) must not
 * refuse a file the import cap allows: a gateway set to take 100 MB imports answered 413 to any over 15 MB.
 */
export function multipartLimit(bodyLimitBytes: number, importMaxBytes: number): number {
  return Math.max(bodyLimitBytes, importMaxBytes + MULTIPART_SLACK_BYTES);
}
