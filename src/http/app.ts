// The express application: the three audiences (the JSON API, the status page, /admin) composed over
// one status snapshot, each given only what it needs; security headers, body limits, JSON errors and
// 404s around them. Does network I/O only through express.
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type ErrorRequestHandler, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { HeartbeatToken, StatusPageConfig } from '../config/schema.js';
import type { WorkingTime } from '../core/alerts/forecast-rules.js';
import type { Clock } from '../runtime/clock.js';
import type { MetricsExposition } from '../runtime/metrics.js';
import type { AlertPipeline } from '../shell/alert-pipeline.js';
import type { Engine } from '../shell/engine.js';
import type { Store } from '../store/sqlite.js';
import type { DataAtRiskSetup } from '../views/snapshot.js';
import { adminRouter } from './admin/admin.js';
import { LoginLimiter } from './admin/session.js';
import { apiAccess } from './api/access.js';
import { apiRouter } from './api/api.js';
import { gateReader, isPlainGateRead } from './api/gate-read.js';
import { TokenChecker } from './auth.js';
import { jsonBody, MAX_BODY_BYTES, readBodies } from './body.js';
import { HttpError, sendError } from './errors.js';
import { RateLimiter } from './rate-limit.js';
import { statusReader } from './status-snapshot.js';
import { statusPageRouter } from './status-page/status-page.js';

export { MAX_BODY_BYTES } from './body.js';

/** On every answer; the status page and /admin tighten the CSP for their pages. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};

const tooLarge = (res: Response) => sendError(res, 413, 'body_too_large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`);

/** What the composition root hands the HTTP side; each audience gets its own part of it. */
export interface AppDeps {
  readonly engine: Engine;
  /** Null when the config has no `alerts` section. */
  readonly alerting: AlertPipeline | null;
  readonly store: Store;
  readonly metrics: MetricsExposition;
  readonly tokens: TokenChecker;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `listen.trusted_proxies`: addresses and CIDRs whose X-Forwarded-For/-Proto are believed. */
  readonly trustedProxies: readonly string[];
  readonly resumeAfterMs: number;
  readonly timeZone: string;
  /** The office's working week (shell/policy.ts officeCalendar): forecasts are told in its working days. */
  readonly calendar: WorkingTime;
  readonly site: string;
  readonly statusPage: StatusPageConfig;
  /** The config's `public_url`, or null. */
  readonly publicUrl: string | null;
  /** The backlog sources' and heartbeats' setup from the config (status-snapshot.ts dataAtRiskSetup). */
  readonly dataAtRisk: DataAtRiskSetup;
  /** JAGA_HEARTBEAT_TOKENS: each opens its own heartbeat's ping and read, nothing else. */
  readonly heartbeatTokens: readonly HeartbeatToken[];
}

/** Answers a request without express when it can (true), for the server to call first. */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

const fastPaths = new WeakMap<express.Express, FastPath>();

/** The app's fast path: plain gate reads. createHttpServer calls it before the app. */
export function fastPathOf(app: express.Express): FastPath {
  return fastPaths.get(app) ?? (() => false);
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  // The one place that decides who a request comes from and over which scheme: req.ip (the rate limits),
  // req.protocol and req.secure (the origin check, the cookie's Secure flag) read X-Forwarded-For/-Proto
  // only when the direct peer is a listed proxy, and then take the right-most address not listed. With no
  // proxy listed the headers are ignored, so nobody on the LAN can pick their own limiter key or claim https.
  // The fast path below needs neither: a gate read is the same for every client and scheme.
  app.set('trust proxy', [...deps.trustedProxies]);
  const { engine, alerting, store, clock, logger, tokens, resumeAfterMs, timeZone, calendar } = deps;
  // One budget of token guesses per client address, shared by the admin login and the JSON API.
  const limiter = new LoginLimiter(clock);
  const readGate = gateReader({ engine, resumeAfterMs, clock, calendar, timeZone });
  const status = statusReader({ engine, alerting, store, clock, dataAtRisk: deps.dataAtRisk });
  fastPaths.set(app, (req, res) => {
    if (!isPlainGateRead(req)) return false;
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    readGate(req, res);
    return true;
  });

  app.use((_req: Request, res: Response, next: NextFunction) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    next();
  });
  // Nobody needs to send jaga more than 16 KiB; past it, 413 before reading the rest.
  app.use(readBodies(MAX_BODY_BYTES, tooLarge));
  app.use(jsonBody);

  // Named by the heartbeat each opens, so the check says which one it is.
  const heartbeatTokens = new TokenChecker(deps.heartbeatTokens.map((t) => ({ name: t.heartbeat, token: t.token })));
  const access = apiAccess(tokens, limiter, new RateLimiter(clock), heartbeatTokens);
  app.use(apiRouter({ status, engine, alerting, store, metrics: deps.metrics, access, readGate, clock, timeZone, calendar, resumeAfterMs }));
  app.use(
    statusPageRouter({ status, store, page: deps.statusPage, site: deps.site, timeZone, resumeAfterMs, clock, publicUrl: deps.publicUrl }),
  );
  app.use(adminRouter({ status, store, engine, alerting, tokens, limiter, clock, logger, timeZone, calendar, resumeAfterMs }));

  app.use((_req: Request, res: Response) => sendError(res, 404, 'not_found', 'no such path'));

  const onError: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    if (error instanceof HttpError) {
      for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
      sendError(res, error.status, error.code, error.message);
      return;
    }
    const { type, status } = error as { type?: string; status?: unknown };
    if (type === 'entity.parse.failed') {
      sendError(res, 400, 'malformed_json', 'the request body is not valid JSON');
    } else if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      sendError(res, 415, 'unsupported_encoding', 'send the body as UTF-8 JSON');
    } else if (typeof status === 'number' && status >= 400 && status < 500) {
      // The router's own refusals, such as a path parameter that is not valid percent-encoding.
      sendError(res, 400, 'bad_request', 'malformed request');
    } else {
      logger.error({ err: error }, 'request failed');
      sendError(res, 500, 'internal', 'internal error; see the jaga log');
    }
  };
  app.use(onError);
  return app;
}
