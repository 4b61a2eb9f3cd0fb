import express, { Router } from 'express';
import { Services } from '../../services';
import { Logger } from '../../lib/logger';
import { basicAuth } from './auth';
import { restErrorHandler } from './errors';
import { mountAccount } from './routes/account';
import { mountAddressBooks } from './routes/addressBooks';
import { mountContacts } from './routes/contacts';
import { mountDataFields } from './routes/dataFields';
import { mountImports } from './routes/imports';

/** A function that adds more authenticated routes (imports, segments, campaigns register through it). */
export type RouteMounter = (r: Router, s: Services) => void;

/** The REST v2 API, to be mounted at /v2. */
export function restRouter(s: Services, log: Logger, extra: RouteMounter[] = []): Router {
  const r = Router();
  // why: a client library sends GET /v2/account-info with a JSON body `{}`; bodies are parsed for every method.
  r.use(express.json({ limit: s.config.bodyLimitBytes, type: ['application/json', 'text/json', 'application/*+json'] }));
  r.get('/server-time', (_req, res) => {
    res.json(new Date(s.clock.now()).toISOString());
  });
  r.use(basicAuth(s.accounts));
  mountAccount(r, s);
  mountContacts(r, s);
  mountAddressBooks(r, s);
  mountDataFields(r, s);
  mountImports(r, s);
  for (const m of extra) m(r, s);
  r.use((req, res) => {
    res.status(404).json({ message: `No resource matches ${req.method} /v2${req.path}. ERROR_RESOURCE_NOT_FOUND` });
  });
  r.use(restErrorHandler(log));
  return r;
}
