import http from 'node:http';
import express, { Express, NextFunction, Request, Response } from 'express';
import { BodyBudget } from './transport/http/body';
import { Services } from './services';
import { Logger, silentLogger } from './lib/logger';
import { newGuid } from './lib/ids';
import { restRouter } from './transport/rest/router';
import { Metrics } from './lib/metrics';
import { mountSoap } from './transport/soap';
import { statusRouter } from './transport/status/router';
import { StatusSources } from './services/status';

/** What the Express app is built from. */
export interface AppDeps {
  services: Services;
  log?: Logger;
  /** Live process state for the status page (the sweeper, created in main.ts). */
  statusSources?: StatusSources;
}

/** Builds the HTTP application; it never listens (tests drive it on an ephemeral port). */
export function createApp(deps: AppDeps): Express {
  const log = deps.log ?? silentLogger;
  const s = deps.services;
  const app = express();
  app.disable('x-powered-by');
  // why: X-Forwarded-Host/-Proto end up in WSDL addresses and the account's ApiEndpoint; only a configured proxy may set them.
  app.set('trust proxy', s.config.trustProxy);
  app.locals.bodyBudget = new BodyBudget(s.config.requestBodyBudgetBytes);
  app.locals.bodyLimitBytes = s.config.bodyLimitBytes;
  app.use(requestLog(log, s.metrics));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    const r = await s.readiness.check();
    res.status(r.status === 'ready' ? 200 : 503).json(r);
  });
  app.get('/metrics', async (_req, res) => {
    res.type('text/plain; version=0.0.4').send(await s.metrics.render());
  });
  // why: before the REST router, which owns the rest of /v2 and answers 404 for what it does not know (/v2/Api.svc).
  mountSoap(app, s, log);
  app.use('/status', statusRouter(s, log, deps.statusSources));
  app.use('/v2', restRouter(s, log));
  app.use((req: Request, res: Response) => {
    res.status(404).json({ message: `No resource matches ${req.method} ${req.path}. ERROR_RESOURCE_NOT_FOUND` });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    log.error({ err, correlationId: res.locals.correlationId }, 'unhandled error');
    if (!res.headersSent) res.status(500).json({ message: `An unexpected error occurred (correlation id ${res.locals.correlationId}). ERROR_UNKNOWN` });
  });
  return app;
}

/**
 * The HTTP server for an app. why: Node answers `Expect: 100-continue` with 100 by itself, inviting an upload the
 * gateway may refuse (too large, over the body budget, not logged in); here the app sends 100 only when it reads
 * the body (`continueIfExpected`), so a refused request gets its final answer before the client uploads.
 */
export function httpServer(handler: http.RequestListener): http.Server {
  const server = http.createServer(handler);
  server.on('checkContinue', (req, res) => handler(req, res));
  return server;
}

/** One structured log line per request: dialect, operation, account, status, duration, correlation id. */
function requestLog(log: Logger, metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    const incoming = req.headers['x-correlation-id'];
    const id = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : newGuid();
    res.locals.correlationId = id;
    res.setHeader('X-Correlation-Id', id);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const dialect = String(res.locals.dialect ?? (req.originalUrl.startsWith('/v2/') ? 'rest' : 'http'));
      // why: the route template (not the concrete path) keeps metric label cardinality bounded.
      const operation = String(res.locals.operation ?? (req.route?.path ? `${req.method} ${req.baseUrl}${req.route.path}` : `${req.method} (unmatched)`));
      metrics.requests.inc({ dialect, operation, status: String(res.statusCode) });
      metrics.requestSeconds.observe({ dialect, operation }, ms / 1000);
      log.info(
        {
          correlationId: id,
          dialect,
          operation,
          account: res.locals.accountId,
          status: res.statusCode,
          errorCode: res.locals.errorCode,
          durationMs: Math.round(ms * 10) / 10,
        },
        'request',
      );
    });
    next();
  };
}
