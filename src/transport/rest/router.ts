import { Router } from 'express';
import { Services } from '../../services';
import { Logger } from '../../lib/logger';
import { basicAuth } from './auth';
import { restErrorHandler } from './errors';
import { restXmlAnswers, restXmlBody } from './xml';
import { jsonBody } from './json';
import { precheckBody } from '../http/body';
import { extensionsSwitch } from './extensions';
import { mountAccount } from './routes/account';
import { mountAddressBooks } from './routes/addressBooks';
import { mountContacts } from './routes/contacts';
import { mountDataFields } from './routes/dataFields';
import { mountCampaigns } from './routes/campaigns';
import { mountSends } from './routes/sends';
import { mountActivities } from './routes/activities';
import { mountSurveys } from './routes/surveys';
import { mountSegments } from './routes/segments';
import { mountImports } from './routes/imports';
import { mountOpenApi } from './docsPage';

/** The REST v2 API, to be mounted at /v2. */
export function restRouter(s: Services, log: Logger): Router {
  const r = Router();
  // `Accept: application/xml` answers, from the v2 data-type descriptors.
  r.use(restXmlAnswers());
  r.get('/server-time', (_req, res) => {
    res.json(new Date(s.clock.now()).toISOString());
  });
  mountOpenApi(r);
  // why: a compressed or oversized body is refused first (413/415, unread); then the login is checked before any body
  // is read, so an anonymous caller never gets a body buffered or parsed.
  r.use((req, _res, next) => {
    try {
      precheckBody(req, s.config.bodyLimitBytes);
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
  mountAccount(r, s);
  mountContacts(r, s);
  mountAddressBooks(r, s);
  mountDataFields(r, s);
  mountSends(r, s);
  mountCampaigns(r, s);
  mountActivities(r, s);
  mountSurveys(r, s);
  mountSegments(r, s);
  mountImports(r, s);
  r.use((req, res) => {
    res.status(404).json({ message: `No resource matches ${req.method} /v2${req.path}. ERROR_RESOURCE_NOT_FOUND` });
  });
  r.use(restErrorHandler(log));
  return r;
}
