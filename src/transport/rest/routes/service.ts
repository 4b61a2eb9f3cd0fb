import { date, str } from '../openapiSchemas';
import { sendDocsPage } from '../docsPage';
import { Route } from '../route';

/** The routes without authentication: the server time, the OpenAPI document and Swagger UI rendering it. */
export const serviceRoutes: Route[] = [
  {
    method: 'get', path: '/server-time', kind: 'vendor', open: true, tag: 'Account', summary: 'The server time (UTC).', ok: [200, date], xml: null,
    handler: (_req, res, { s }) => res.json(new Date(s.clock.now()).toISOString()),
  },
  {
    method: 'get', path: '/openapi.json', kind: 'extension', open: true, tag: 'Documentation', summary: 'This document.', ok: [200, { type: 'object' }], xml: null,
    handler: (_req, res, { openApi }) => res.json(openApi()),
  },
  {
    method: 'get', path: '/docs', kind: 'extension', open: true, tag: 'Documentation',
    summary: 'This document in Swagger UI (served by the gateway itself, nothing loaded from elsewhere).', ok: [200, str], okType: 'text/html',
    handler: (_req, res, { openApi }) => sendDocsPage(res, openApi()),
  },
];
