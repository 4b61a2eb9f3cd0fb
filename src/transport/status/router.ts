import express, { NextFunction, Request, Response, Router } from 'express';
import { DomainError, RetryLater } from '../../domain/errors';
import { Logger } from '../../lib/logger';
import { TransportServices } from '../../services';
import { Actor } from '../../services/accounts';
import { StatusSources } from '../../services/status';
import { login } from '../login';
import { errorPage, GatewayAbout, loginPage, MEMBERS_PER_PAGE, overviewPage, reportPage, segmentPage } from './pages';
import { gatewayVersion } from '../../lib/version';
import { Session } from '../../services/statusSessions';
import { readCookie, sameText, SESSION_COOKIE } from './session';

/** Request context of a signed-in user. */
interface Signed {
  session: Session;
  actor: Actor;
  /** The cookie's session token (sign-out ends it). */
  token: string;
}

/** The status page, to be mounted at /status: form login, one account's freshness, imports, sends and sweeper. */
export function statusRouter(s: TransportServices, log: Logger, sources: StatusSources = {}): Router {
  const r = Router();
  const db = s.config.db;
  const about: GatewayAbout = {
    version: gatewayVersion(),
    database: db.client === 'sqlite' ? `SQLite, ${db.filename}` : `MySQL/MariaDB, ${db.host}:${db.port}/${db.database}`,
  };
  r.use((_req, res, next) => {
    res.locals.dialect = 'status';
    // why: server-rendered pages with inline CSS and no script; nothing may load from elsewhere or frame us.
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    // why: not no-referrer: under it Chromium sends `Origin: null` on same-origin form posts.
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  r.use(express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 }));

  const signedIn = async (req: Request, res: Response): Promise<Signed | undefined> => {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    const session = await s.statusSessions.find(token);
    if (!session || !token) return undefined;
    // A disabled or deleted user loses the page at the next request, not when the cookie expires.
    const actor = await s.accounts.activeUser(session.username);
    if (!actor || actor.accountId !== session.accountId) return undefined;
    res.locals.accountId = actor.accountId;
    return { session, actor, token };
  };
  const setCookie = (req: Request, res: Response, value: string, maxAgeS: number) => {
    const secure = req.secure ? '; Secure' : '';
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${value}; Path=/status; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure}`);
  };
  /** A POST action: same-origin, signed in, carrying the session's CSRF token. */
  const action = async (req: Request, res: Response): Promise<Signed | undefined> => {
    if (!sameOrigin(req)) {
      res.status(403).type('html').send(errorPage('Forbidden', 'This form was posted from another site.'));
      return undefined;
    }
    const who = await signedIn(req, res);
    if (!who) {
      res.status(401).type('html').send(loginPage({ error: 'Your session has ended; sign in again.' }));
      return undefined;
    }
    const token = typeof req.body?.csrf === 'string' ? req.body.csrf : '';
    if (!sameText(token, who.session.csrf)) {
      res.status(403).type('html').send(errorPage('Forbidden', 'The form is out of date; reload the page and try again.'));
      return undefined;
    }
    return who;
  };

  r.get('/', async (req, res) => {
    const who = await signedIn(req, res);
    if (!who) {
      res.type('html').send(loginPage());
      return;
    }
    const [st, account] = await Promise.all([s.status.overview(who.actor.accountId), s.accounts.get(who.actor.accountId)]);
    const refreshed = Number(req.query.refreshed);
    const seg = st.segments.find((x) => x.id === refreshed);
    res.type('html').send(
      overviewPage(st, {
        session: who.session,
        accountName: account.name,
        sweeper: sources.sweeper?.(),
        flash: seg ? `Refresh queued for segment “${seg.name}”. It runs on the next free job runner.` : undefined,
        auto: req.query.auto === '1',
        about,
      }),
    );
  });

  r.get('/segments/:id', async (req, res) => {
    const who = await signedIn(req, res);
    if (!who) {
      res.status(401).type('html').send(loginPage({ error: 'Sign in to see this segment.' }));
      return;
    }
    const skip = Math.max(0, Math.floor(Number(req.query.skip) || 0));
    const accountId = who.actor.accountId;
    const [segment, history, members] = await Promise.all([
      s.segments.get(accountId, req.params.id),
      s.segments.history(accountId, req.params.id),
      s.segments.listContacts(accountId, req.params.id, { select: MEMBERS_PER_PAGE, skip }),
    ]);
    const full = await s.status.overview(accountId);
    const withState = full.segments.find((x) => x.id === segment.id) ?? segment;
    res.type('html').send(
      segmentPage({ segment: { ...withState, rules: segment.rules }, history: history.slice(0, 20), members: members.map((m) => ({ id: m.id, email: m.email, status: m.status })), skip, now: s.clock.now() }),
    );
  });

  r.post('/login', async (req, res) => {
    if (!sameOrigin(req)) {
      res.status(403).type('html').send(errorPage('Forbidden', 'This form was posted from another site.'));
      return;
    }
    const username = typeof req.body?.username === 'string' ? req.body.username.trim().slice(0, 254) : '';
    const password = typeof req.body?.password === 'string' ? req.body.password : '';
    try {
      const actor = await login(s, log, req, 'status', username, password);
      const { token } = await s.statusSessions.open(actor);
      res.locals.accountId = actor.accountId;
      setCookie(req, res, token, Math.floor(s.statusSessions.ttlMs / 1000));
      res.redirect(303, '/status');
    } catch (e) {
      if (!(e instanceof DomainError) || (e.code !== 'INVALID_LOGIN' && e.code !== 'LOGIN_THROTTLED')) throw e;
      res.locals.errorCode = e.token;
      const throttled = e.code === 'LOGIN_THROTTLED';
      if (e instanceof RetryLater) res.setHeader('Retry-After', String(e.retryAfterS));
      res.status(throttled ? 429 : 401).type('html').send(loginPage({ username, error: throttled ? e.text : 'Wrong username or password.' }));
    }
  });

  r.post('/logout', async (req, res) => {
    const who = await action(req, res);
    if (!who) return;
    // why: clearing the cookie alone leaves a copied cookie working; the session row goes, on every process at once.
    await s.statusSessions.close(who.token);
    setCookie(req, res, '', 0);
    res.redirect(303, '/status');
  });

  r.post('/segments/:id/refresh', async (req, res) => {
    const who = await action(req, res);
    if (!who) return;
    const st = await s.segments.requestRefresh(who.actor.accountId, req.params.id, 'manual');
    res.redirect(303, `/status?refreshed=${st.id}`);
  });

  r.get('/imports/:id/report', async (req, res) => {
    const who = await signedIn(req, res);
    if (!who) {
      res.status(401).type('html').send(loginPage({ error: 'Sign in to see this report.' }));
      return;
    }
    const rep = await s.imports.report(who.actor.accountId, req.params.id);
    res.type('html').send(reportPage(String(req.params.id).toLowerCase(), rep));
  });

  r.get('/imports/:id/faults.csv', async (req, res) => {
    const who = await signedIn(req, res);
    if (!who) {
      res.status(401).type('html').send(loginPage({ error: 'Sign in to download this file.' }));
      return;
    }
    const csv = await s.imports.faultsCsv(who.actor.accountId, req.params.id);
    res.type('text/csv; charset=utf-8').setHeader('Content-Disposition', 'attachment; filename="import-faults.csv"');
    res.send(csv);
  });

  r.use((_req, res) => {
    res.status(404).type('html').send(errorPage('Not found', 'There is no such status page.'));
  });
  r.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof DomainError && err.code === 'IMPORT_REPORT_NOT_FOUND') {
      res.status(404).type('html').send(errorPage('Not ready', 'The import has not finished; its report is not ready yet.'));
      return;
    }
    if (err instanceof DomainError && err.kind === 'notFound') {
      res.locals.errorCode = err.token;
      res.status(404).type('html').send(errorPage('Not found', err.text));
      return;
    }
    const status = (err as { status?: number; type?: string })?.type === 'entity.too.large' ? 413 : 500;
    if (status === 500) log.error({ err, correlationId: res.locals.correlationId }, 'status page error');
    res.status(status).type('html').send(errorPage('Error', `Something went wrong (correlation id ${res.locals.correlationId ?? 'none'}).`));
  });
  return r;
}

/** True unless the browser says the request came from elsewhere (Sec-Fetch-Site, else an Origin on another host). */
function sameOrigin(req: Request): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    // why: compare hosts only, so a TLS-terminating proxy (we see http, the browser says https) still works.
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
