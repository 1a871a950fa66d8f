import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import pino, { type Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { csrfSync } from 'csrf-sync';
import type { Config } from './config.js';
import { configurePdfChecks } from './files/pdf-check-pool.js';
import { db } from './db/index.js';
import { DatabaseSessionStore } from './auth/session-store.js';
import { PUBLIC_DIR, ROOT_DIR } from './paths.js';
import { DEFAULT_LANGUAGE, isLanguage, translator } from './i18n/index.js';
import { AppError } from './http/app-error.js';
import {
  loadSessionUser,
  loadTokenUser,
  publicUserFields,
  requireOwnPassword,
} from './http/auth.js';
import { errorHandler } from './http/error-handler.js';
import { fixedHeaders } from './http/fixed-headers.js';
import { csrfTokenState } from './http/csrf-state.js';
import { accessLog } from './http/logger.js';
import { refuseNulBytes } from './http/nul-bytes.js';
import { takeFlash } from './http/flash.js';
import { useViewEngine } from './http/view-engine.js';
import { navigationFor } from './http/navigation.js';
import { readMultipartCsrf } from './http/multipart-csrf.js';
import { savedSearchesRouter } from './saved-searches/saved-searches.routes.js';
import { recordsFilesRouter } from './records-files/records-files.routes.js';
import { sendersRouter } from './senders/senders.routes.js';
import { meetingsRouter } from './meetings/meetings.routes.js';
import { configureMeetingsLive } from './meetings/meetings.live.state.js';
import { configureCalendarFeed } from './meetings/calendar-feed.service.js';
import { calendarFeedRouter } from './meetings/meetings.calendar.routes.js';
import { megabytes } from './http/forms.js';
import { isSetupDone } from './agencies/setup.service.js';
import { authRouter } from './auth/auth.routes.js';
import { setupRouter } from './agencies/setup.routes.js';
import { agenciesRouter } from './agencies/agencies.routes.js';
import { usersRouter } from './users/users.routes.js';
import { directoryRouter } from './users/directory.routes.js';
import { profileRouter } from './users/profile.routes.js';
import { delegationsRouter } from './users/delegations.routes.js';
import { calendarRouter } from './calendar/calendar.routes.js';
import { notificationsRouter } from './notifications/notifications.routes.js';
import { dashboardRouter } from './dashboard/dashboard.routes.js';
import { outgoingPages } from './outgoing/outgoing.pages.js';
import { incomingRouter } from './incoming/incoming.routes.js';
import { deliveriesRouter } from './outgoing/deliveries.routes.js';
import { registersRouter } from './registers/registers.routes.js';
import { reportsRouter } from './reports/reports.routes.js';
import { auditRouter } from './audit/audit.routes.js';
import { apiRouter } from './api/api.routes.js';
import { verifyRouter } from './verify/verify.routes.js';
import { approvalsRouter } from './approvals/approvals.routes.js';
import { approvalTemplatesRouter } from './approvals/approval-templates.routes.js';
import { configureSigningKeys, signingKeysRouter } from './signing-keys/index.js';
import './policy/index.js';

export interface AppOptions {
  config: Config;
  logger?: Logger;
}

// A session lasts a working day from sign-in; it is not extended (and so not rewritten) per request.
const SESSION_HOURS = 10;

function sessionMiddleware(config: Config) {
  return session({
    name: 'eoffice.sid',
    secret: config.sessionSecret,
    store: new DatabaseSessionStore(db(), SESSION_HOURS * 3600 * 1000),
    resave: false,
    saveUninitialized: false,
    rolling: false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.baseUrl.startsWith('https://'),
      maxAge: SESSION_HOURS * 3600 * 1000,
    },
  });
}

/**
 * express-session sends a response's headers before its store has saved the session, and a
 * browser follows a 303 as soon as the headers arrive: the next page could read the session as
 * it was (no sign-in, no flash message). Saving first makes post/redirect/get dependable.
 */
function saveSessionBeforeRedirect(req: Request, res: Response, next: NextFunction) {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    if (!req.session) return redirect(...args);
    req.session.save((err) => (err ? next(err) : redirect(...args)));
  }) as typeof res.redirect;
  next();
}

/** Picks the language: the session's choice, else Vietnamese. */
function language(req: Request, _res: Response, next: NextFunction) {
  const chosen = req.session?.lng ?? req.user?.locale;
  req.lng = isLanguage(chosen) ? chosen : DEFAULT_LANGUAGE;
  req.t = translator(req.lng);
  next();
}

/** Until the agency and its administrator exist, every page leads to the setup form. */
async function requireSetup(req: Request, res: Response, next: NextFunction) {
  if (req.path.startsWith('/setup') || (await isSetupDone())) return next();
  res.redirect(303, '/setup');
}

/** A page local computed the first time a template reads it, then kept for the response. */
function renderedOnDemand(locals: Record<string, unknown>, name: string, compute: () => unknown) {
  let computed = false;
  let value: unknown;
  Object.defineProperty(locals, name, {
    enumerable: true,
    configurable: true,
    get: () => {
      if (!computed) [value, computed] = [compute(), true];
      return value;
    },
  });
}

/**
 * What the app sets up for the whole process from its configuration: the one pool that parses
 * and verifies uploaded files, the signing identities' settings (keys under PINs, seal keys, the
 * agency CA), the meetings' live room (its QR codes' address, Redis when REDIS_URL is set) and the
 * iCalendar feeds' public address. A process serves one app; a test that builds a second one
 * (production settings) calls this again with its own configuration afterwards.
 */
export function configureProcessServices(config: Config, logger: Logger): void {
  configurePdfChecks({ limits: config.pdfCheck, certsDir: config.certsDir });
  configureSigningKeys(config);
  configureMeetingsLive(config, logger);
  configureCalendarFeed(config.baseUrl);
}

/** Builds the Express app; it never listens (server.ts and tests do). */
/** A proxy's request id when it is a short plain token, else a new one. */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(header)
    ? header
    : randomUUID();
}

export function createApp({ config, logger = pino({ level: 'silent' }) }: AppOptions) {
  const app = express();
  app.set('trust proxy', config.trustProxy ?? false);
  app.disable('x-powered-by');
  // Signed-in pages are no-store, so a browser never revalidates them: hashing every page and
  // answer for an ETag was work no one used.
  app.disable('etag');

  useViewEngine(app, config.env !== 'development');

  // Every request has an id, whatever the log level: the error page tells it to the person, the
  // log line carries it (a proxy's X-Request-Id when it is a plain token, else a new one).
  app.use((req, res, next) => {
    req.id = requestIdOf(req.headers['x-request-id']);
    res.setHeader('X-Request-Id', String(req.id));
    next();
  });
  // The access log: pino-http logs every request at info; with info off it has nothing to write.
  if (logger.isLevelEnabled('info')) app.use(accessLog(logger, (req) => String(req.id)));
  app.use(
    fixedHeaders(
      helmet({
        contentSecurityPolicy: {
          directives: {
            defaultSrc: ["'self'"],
            scriptSrc: ["'self'"],
            styleSrc: ["'self'"],
            imgSrc: ["'self'", 'data:', 'blob:'],
            fontSrc: ["'self'"],
            workerSrc: ["'self'", 'blob:'],
            connectSrc: ["'self'"],
            objectSrc: ["'none'"],
            frameAncestors: ["'self'"],
            formAction: ["'self'"],
            upgradeInsecureRequests: null,
          },
        },
      }),
    ),
  );
  app.use('/public', express.static(PUBLIC_DIR, { maxAge: '1h', index: false }));
  app.get('/favicon.ico', (_req, res) =>
    res.type('image/svg+xml').sendFile(path.join(PUBLIC_DIR, 'favicon.svg'), { maxAge: '1d' }),
  );
  app.use(
    '/vendor/pdfjs',
    express.static(path.join(ROOT_DIR, 'node_modules', 'pdfjs-dist', 'build'), {
      maxAge: '1d',
      index: false,
    }),
  );
  app.use(express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 200 }));
  app.use(express.json({ limit: '1mb' }));
  // A NUL byte is refused before anything reads the request; a page's refusal waits for the
  // session, so that it is said in the person's language (Vietnamese unless they chose English).
  app.use(['/api', '/calendar/ical'], refuseNulBytes);

  configureProcessServices(config, logger);

  // The JSON API: personal access tokens, no cookies, so no session and no CSRF.
  app.use('/api/v1', (req, _res, next) => {
    req.lng = req.acceptsLanguages('vi', 'en') === 'en' ? 'en' : 'vi';
    req.t = translator(req.lng);
    next();
  });
  app.use('/api/v1', loadTokenUser, apiRouter(config));
  app.use('/api', (_req, _res, next) => next(new AppError('NOT_FOUND', 404)));
  // The iCalendar feeds: the token in the address is the credential; no session, no cookie.
  app.use(calendarFeedRouter(config));

  app.use(sessionMiddleware(config));
  app.use(saveSessionBeforeRedirect);
  app.use(loadSessionUser, language);
  app.use(refuseNulBytes);

  const csrf = csrfSync({
    getTokenFromRequest: (req) =>
      (req.headers['x-csrf-token'] as string) ??
      (req.body?._csrf as string) ??
      req.multipartCsrf ??
      (typeof req.query._csrf === 'string' ? req.query._csrf : undefined),
    errorConfig: { statusCode: 403, code: 'EBADCSRFTOKEN', message: 'invalid csrf token' },
    ...csrfTokenState(config.sessionSecret, config.baseUrl.startsWith('https://')),
  });
  // Pages take GET and POST (forms) only: another method names no page, and is said so (405)
  // rather than as an expired form by the CSRF check below.
  app.use((req, _res, next) =>
    ['PUT', 'PATCH', 'DELETE'].includes(req.method)
      ? next(new AppError('METHOD_NOT_ALLOWED', 405))
      : next(),
  );
  // A multipart form's token is its first part, read before the check (never in the URL).
  app.use(readMultipartCsrf);
  app.use(csrf.csrfSynchronisedProtection);
  app.use((req, res, next) => {
    const user = req.user;
    res.locals.t = req.t;
    res.locals.lng = req.lng;
    res.locals.csrfToken = csrf.generateToken(req);
    // The largest file a form takes, stated on the forms and in a 413.
    res.locals.uploadLimitMb = megabytes(config.maxUploadBytes);
    res.locals.currentPath = req.path;
    // Where the language switch returns: the page with its filters (its query), within what the
    // switch accepts (500 characters; a longer one returns to the page without them).
    res.locals.currentUrl = req.originalUrl.length <= 500 ? req.originalUrl : req.path;
    // Worked out only when a page renders (a kept page, a file or a redirect needs none). The
    // messages especially: taken when shown, so a download between a redirect and its page does
    // not swallow them.
    renderedOnDemand(res.locals, 'currentUser', () => (user ? publicUserFields(user) : null));
    renderedOnDemand(res.locals, 'flash', () => takeFlash(req));
    if (user) {
      // A signed-in page may show a confidential document: browsers must not keep a copy of it.
      res.setHeader('Cache-Control', 'no-store');
      renderedOnDemand(res.locals, 'nav', () => navigationFor(user, req.t));
      res.locals.unreadCount = req.unreadCount ?? 0;
    }
    next();
  });

  app.use(requireOwnPassword);
  app.use(setupRouter(config));
  app.use(requireSetup);
  // Each router is tried in turn until one answers: the documents, opened all day long, come
  // first; the administration pages, opened now and then, last. Their paths don't overlap.
  // Before the incoming pages: /incoming/arrivals is the clerk's queue, not a document id.
  app.use(deliveriesRouter());
  app.use(incomingRouter(config));
  app.use(outgoingPages(config));
  app.use(dashboardRouter());
  app.use(notificationsRouter());
  app.use(registersRouter());
  app.use(reportsRouter());
  app.use(approvalsRouter());
  app.use(authRouter(config));
  app.use(verifyRouter(config));
  app.use(profileRouter());
  app.use(delegationsRouter());
  app.use(signingKeysRouter());
  app.use(agenciesRouter());
  app.use(usersRouter());
  app.use(directoryRouter());
  app.use(sendersRouter());
  app.use(savedSearchesRouter());
  app.use(recordsFilesRouter());
  app.use(meetingsRouter(config));
  app.use(calendarRouter());
  app.use(auditRouter());
  app.use(approvalTemplatesRouter());

  app.use((_req, _res, next) => next(new AppError('NOT_FOUND', 404)));
  app.use(errorHandler(logger));
  return app;
}
