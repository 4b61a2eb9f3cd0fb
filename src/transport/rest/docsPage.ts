import path from 'node:path';
import express, { RequestHandler, Response } from 'express';

// GET /v2/docs (routes/service.ts): Swagger UI rendering GET /v2/openapi.json, served from the swagger-ui-dist
// package in node_modules (nothing loaded from elsewhere; a strict Content-Security-Policy allows only this origin).

/** Files of swagger-ui-dist the page loads; nothing else of the package is served. */
const ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png', 'favicon-16x16.png'];

// why: no inline script or style, so the page can run under `script-src 'self'` (Swagger UI sets inline styles on
// elements it draws, hence 'unsafe-inline' for styles only).
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/** The viewer's HTML: Swagger UI's own assets plus a small start script, all under /v2/docs/. */
export function docsPageHtml(title: string): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<link rel="stylesheet" href="/v2/docs/swagger-ui.css"><link rel="icon" type="image/png" href="/v2/docs/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div><script src="/v2/docs/swagger-ui-bundle.js"></script><script src="/v2/docs/swagger-ui-standalone-preset.js"></script><script src="/v2/docs/start.js"></script></body></html>`;
}

/** The start script: renders /v2/openapi.json, with "Try it out" against this gateway. */
const START_JS = `window.ui = SwaggerUIBundle({ url: '/v2/openapi.json', dom_id: '#swagger-ui', deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout',
  validatorUrl: null, tryItOutEnabled: false, displayRequestDuration: true, defaultModelsExpandDepth: 0 });
`;

/** Answers GET /v2/docs: the viewer's page for the document with that title, under the strict CSP. */
export function sendDocsPage(res: Response, doc: Record<string, unknown>): void {
  const page = docsPageHtml(String((doc.info as { title?: string } | undefined)?.title ?? 'contactgate REST API'));
  res.set('Content-Security-Policy', CSP).type('text/html; charset=utf-8').send(page);
}

/**
 * Express middleware serving the viewer's assets, mounted at /docs on the /v2 router (no authentication).
 * The viewer's files are static assets, not API routes (so not in the route table nor the OpenAPI document).
 */
export function docsAssets(): RequestHandler {
  const dist = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  const files = express.static(dist, { index: false, fallthrough: false, maxAge: '1h' });
  const serve: RequestHandler = (req, res, next) => {
    const name = req.path.slice(1);
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (name === 'start.js') return void res.type('text/javascript; charset=utf-8').send(START_JS);
    if (!ASSETS.includes(name)) return next();
    files(req, res, next);
  };
  return serve;
}
