// The operator page /admin: token login, the dashboard, and form actions through the same engine and
// pipeline methods as the API. HTTP I/O (express); sessions, pages and forms live in session.ts,
// views.ts (with sections.ts) and forms.ts.
import { Router, type ErrorRequestHandler, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { RequestError } from '../../core/requests.js';
import type { WorkingTime } from '../../core/alerts/forecast-rules.js';
import { catalogue, type Catalogue, type Language } from '../../i18n/catalogue.js';
import type { Clock } from '../../runtime/clock.js';
import { SilenceRefused, type AlertPipeline } from '../../shell/alert-pipeline.js';
import { OverrideRefused, type Engine } from '../../shell/engine.js';
import type { Store } from '../../store/sqlite.js';
import type { TokenChecker } from '../auth.js';
import { formBody } from '../body.js';
import { REFUSED_STATUS } from '../errors.js';
import { requestLanguage } from '../language.js';
import type { StatusReader } from '../status-snapshot.js';
import { overrideForm, overrideFromForm, formField, silenceForm, silenceFromForm } from './forms.js';
import { ADMIN_CSS } from './html.js';
import type { AdminView } from './sections.js';
import { constantTimeEqual, sameOrigin, SessionStore, type AdminSession, type LoginLimiter, type OriginHeaders } from './session.js';
import { dashboardPage, errorPage, loginPage, type DashboardData, type FormsState } from './views.js';

/** Rows of history and audit the dashboard shows. */
const DASHBOARD_ROWS = 20;

export interface AdminDeps {
  readonly status: StatusReader;
  /** The dashboard's history and audit. */
  readonly store: Pick<Store, 'transitions' | 'audit'>;
  readonly engine: Pick<Engine, 'createOverride' | 'liftOverride'>;
  /** Null when the config has no `alerts` section. */
  readonly alerting: Pick<AlertPipeline, 'createSilence' | 'expireSilence'> | null;
  readonly tokens: TokenChecker;
  /** Failed logins per address; the app shares it with the JSON API's token checks. */
  readonly limiter: LoginLimiter;
  /** Session ages (monotonic) and the times forms start from (wall clock). */
  readonly clock: Pick<Clock, 'now' | 'monotonic'>;
  readonly logger: Logger;
  readonly timeZone: string;
  /** The office's working week: the halt forecast is told in its working days. */
  readonly calendar: WorkingTime;
  readonly resumeAfterMs: number;
}

export const SESSION_COOKIE = 'jaga_admin';
const SESSION_MAX_AGE_S = 12 * 3600;

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  // Not no-referrer: with it browsers send `Origin: null` on our own form posts, and the origin check
  // could not tell them from a sandboxed attacker's. Nothing leaves the origin: there are no outside links.
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** The first `jaga_admin` cookie of the request. */
export function sessionCookie(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** What the origin check needs; the scheme and the proxy's trust are express's (app.ts sets `trust proxy`). */
function originHeaders(req: Request): OriginHeaders {
  const trusted = req.app.get('trust proxy fn') as (address: string | undefined, hop: number) => boolean;
  return {
    origin: req.headers.origin,
    secFetchSite: req.headers['sec-fetch-site'] as string | undefined,
    host: req.headers.host,
    protocol: req.protocol,
    viaTrustedProxy: trusted(req.socket.remoteAddress, 0),
  };
}

interface Ctx {
  readonly c: Catalogue;
  readonly language: Language;
  readonly langQuery: string;
}

function ctxOf(req: Request): Ctx {
  const language = requestLanguage(req);
  const chosen = req.query.lang === 'en' || req.query.lang === 'id' ? req.query.lang : null;
  return { c: catalogue(language), language, langQuery: chosen ? `?lang=${chosen}` : '' };
}

export function adminRouter(deps: AdminDeps): Router {
  const { limiter } = deps;
  const sessions = new SessionStore(deps.clock);
  const form = formBody;
  const admin = Router();

  const sendHtml = (res: Response, status: number, body: string): void => {
    res.status(status).type('text/html; charset=utf-8').send(body);
  };
  const refuse = (req: Request, res: Response, status: number, message: (c: Catalogue) => string): void => {
    const { c, language, langQuery } = ctxOf(req);
    sendHtml(res, status, errorPage(c, language, langQuery, message(c)));
  };

  const renderDashboard = (req: Request, res: Response, session: AdminSession, code: number, extra: { forms?: FormsState; error?: string } = {}): void => {
    const { c, language, langQuery } = ctxOf(req);
    const status = deps.status.status();
    const data: DashboardData = {
      status,
      working: deps.calendar,
      outbox: deps.status.outbox(status),
      resumeAfterMs: deps.resumeAfterMs,
      history: deps.store.transitions.listWithoutEvidence({ limit: DASHBOARD_ROWS }).items,
      audit: deps.store.audit.list(DASHBOARD_ROWS),
    };
    const view: AdminView = { c, language, timeZone: deps.timeZone, now: status.at, langQuery, csrf: session.csrf };
    const flash = extra.error !== undefined ? { kind: 'error' as const, text: extra.error } : session.flash;
    session.flash = null;
    sendHtml(res, code, dashboardPage({ view, who: session.who, data, flash, ...(extra.forms ? { forms: extra.forms } : {}) }));
  };

  const done = (req: Request, res: Response, session: AdminSession, text: string): void => {
    session.flash = { kind: 'ok', text };
    res.redirect(303, `/admin${ctxOf(req).langQuery}`);
  };

  /** Every form post: same origin, a live session, a urlencoded body, and the session's CSRF token. */
  const guarded = (req: Request, res: Response): AdminSession | null => {
    const origin = sameOrigin(originHeaders(req));
    const session = sessions.get(sessionCookie(req.headers.cookie));
    if (!origin || !req.is('application/x-www-form-urlencoded') || session === null || !constantTimeEqual(session.csrf, formField(req.body, 'csrf'))) {
      deps.logger.warn({ path: req.path, address: req.ip, session: session !== null, sameOrigin: origin }, 'admin form refused: CSRF check failed');
      refuse(req, res, 403, (c) => c.admin.errors.csrf);
      return null;
    }
    return session;
  };

  admin.use((_req: Request, res: Response, next: NextFunction) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    next();
  });

  admin.get('/assets/admin.css', (_req, res) => {
    res.type('text/css; charset=utf-8').send(ADMIN_CSS);
  });

  admin.get('/login', (req, res) => {
    const { c, language, langQuery } = ctxOf(req);
    sendHtml(res, 200, loginPage(c, language, langQuery, null, deps.tokens.configured));
  });

  admin.post('/login', form, (req, res) => {
    const { c, language, langQuery } = ctxOf(req);
    // The client's own address, behind a trusted reverse proxy too (app.ts sets `trust proxy`).
    const address = req.ip ?? 'unknown';
    if (!sameOrigin(originHeaders(req))) {
      refuse(req, res, 403, (cat) => cat.admin.errors.csrf);
      return;
    }
    if (!deps.tokens.configured) {
      // Nothing to guess, so no failure to count: the page says how to configure a token instead.
      sendHtml(res, 401, loginPage(c, language, langQuery, null, false));
      return;
    }
    if (limiter.blocked(address)) {
      res.setHeader('Retry-After', '60');
      sendHtml(res, 429, loginPage(c, language, langQuery, c.admin.login.rateLimited));
      return;
    }
    // Always one identify() over every configured token, whatever was sent: no hint through timing.
    const who = deps.tokens.identify(`Bearer ${formField(req.body, 'token') ?? ''}`);
    if (who === null) {
      limiter.recordFailure(address);
      deps.logger.warn({ address }, 'admin login failed');
      sendHtml(res, 401, loginPage(c, language, langQuery, c.admin.login.failed));
      return;
    }
    limiter.recordSuccess(address);
    sessions.destroy(sessionCookie(req.headers.cookie));
    const { id } = sessions.create(who);
    const secure = req.secure ? '; Secure' : '';
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${id}; Path=/admin; Max-Age=${SESSION_MAX_AGE_S}; HttpOnly; SameSite=Strict${secure}`);
    deps.logger.info({ who, address }, 'admin signed in');
    res.redirect(303, `/admin${langQuery}`);
  });

  admin.post('/logout', form, (req, res) => {
    const session = guarded(req, res);
    if (!session) return;
    sessions.destroy(sessionCookie(req.headers.cookie));
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=; Path=/admin; Max-Age=0; HttpOnly; SameSite=Strict${req.secure ? '; Secure' : ''}`);
    deps.logger.info({ who: session.who }, 'admin signed out');
    res.redirect(303, `/admin/login${ctxOf(req).langQuery}`);
  });

  admin.get('/', (req, res) => {
    const session = sessions.get(sessionCookie(req.headers.cookie));
    if (!session) {
      res.redirect(303, `/admin/login${ctxOf(req).langQuery}`);
      return;
    }
    renderDashboard(req, res, session, 200);
  });

  admin.post('/overrides', form, (req, res) => {
    const session = guarded(req, res);
    if (!session) return;
    const values = overrideForm(req.body);
    try {
      const override = deps.engine.createOverride(overrideFromForm(values, deps.clock.now()), session.who);
      done(req, res, session, ctxOf(req).c.admin.flash.overrideCreated(override.id));
    } catch (error) {
      if (error instanceof OverrideRefused) {
        renderDashboard(req, res, session, REFUSED_STATUS[error.code], { forms: { override: { values, error: ctxOf(req).c.admin.overrideRefused[error.code] } } });
        return;
      }
      if (!(error instanceof RequestError)) throw error;
      const message = ctxOf(req).c.admin.problem(error.field, error.code);
      renderDashboard(req, res, session, 400, { forms: { override: { values, error: message } } });
    }
  });

  admin.post('/overrides/:id/lift', form, (req, res) => {
    const session = guarded(req, res);
    if (!session) return;
    let lifted;
    try {
      lifted = deps.engine.liftOverride(String(req.params.id), session.who);
    } catch (error) {
      if (!(error instanceof OverrideRefused)) throw error;
      renderDashboard(req, res, session, REFUSED_STATUS[error.code], { error: ctxOf(req).c.admin.overrideRefused[error.code] });
      return;
    }
    if (!lifted) {
      renderDashboard(req, res, session, 404, { error: ctxOf(req).c.admin.errors.overrideGone });
      return;
    }
    done(req, res, session, ctxOf(req).c.admin.flash.overrideLifted(lifted.id));
  });

  admin.post('/silences', form, (req, res) => {
    const session = guarded(req, res);
    if (!session) return;
    const { c } = ctxOf(req);
    if (!deps.alerting) {
      renderDashboard(req, res, session, 404, { error: c.admin.alertingOff });
      return;
    }
    const values = silenceForm(req.body);
    try {
      const silence = deps.alerting.createSilence(silenceFromForm(values, deps.clock.now()), session.who);
      done(req, res, session, c.admin.flash.silenceCreated(silence.id));
    } catch (error) {
      if (error instanceof SilenceRefused) {
        renderDashboard(req, res, session, REFUSED_STATUS[error.code], { forms: { silence: { values, error: c.admin.silenceRefused } } });
        return;
      }
      if (!(error instanceof RequestError)) throw error;
      const message = c.admin.problem(error.field, error.code);
      renderDashboard(req, res, session, 400, { forms: { silence: { values, error: message } } });
    }
  });

  admin.post('/silences/:id/expire', form, (req, res) => {
    const session = guarded(req, res);
    if (!session) return;
    const { c } = ctxOf(req);
    const expired = deps.alerting?.expireSilence(String(req.params.id), session.who) ?? null;
    if (!expired) {
      renderDashboard(req, res, session, 404, { error: c.admin.errors.silenceGone });
      return;
    }
    done(req, res, session, c.admin.flash.silenceExpired(expired.id));
  });

  admin.use((req: Request, res: Response) => refuse(req, res, 404, (c) => c.admin.errors.notFound));

  const onError: ErrorRequestHandler = (error: unknown, req, res, _next) => {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large' || type === 'parameters.too.many') {
      refuse(req, res, 413, (c) => c.admin.errors.tooLarge);
    } else if (type === 'entity.parse.failed' || type === 'encoding.unsupported' || type === 'charset.unsupported') {
      refuse(req, res, 400, (c) => c.admin.errors.csrf);
    } else if ((error as { status?: unknown }).status === 400) {
      // The router's own refusal of a path parameter that is not valid percent-encoding.
      refuse(req, res, 400, (c) => c.admin.errors.notFound);
    } else {
      deps.logger.error({ err: error, path: req.path }, 'admin request failed');
      refuse(req, res, 500, (c) => c.admin.errors.internal);
    }
  };
  admin.use(onError);

  const router = Router();
  router.use('/admin', admin);
  return router;
}
