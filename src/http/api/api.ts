// HTTP routes: /metrics, health, the gate, status, history and overrides, and the per-client limit on
// the public answers that cost work. Handlers read the engine's latest snapshot; they never reach into probes.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { bucketStart } from '../../core/probe-buckets.js';
import { reportCsv, utcOffsetMs } from '../../core/report.js';
import { REASON_CODES } from '../../core/types.js';
import { loadReport } from '../../shell/report.js';
import { SilenceRefused, type AlertPipeline } from '../../shell/alert-pipeline.js';
import { OverrideRefused, type Engine } from '../../shell/engine.js';
import type { MetricsExposition } from '../../runtime/metrics.js';
import { pickLanguage, type Language } from '../../i18n/catalogue.js';
import type { Store } from '../../store/sqlite.js';
import { DEFAULT_LIMITER_POLICY, type LoginLimiter } from '../admin/session.js';
import { HttpError } from '../app.js';
import type { TokenChecker } from '../auth.js';
import { GATE_PATH, type GateReader } from './gate-read.js';
import { boundedJson, ITEM_BYTES, JsonPage } from '../list-bounds.js';
import { clientKey, RateLimiter } from '../rate-limit.js';
import { overrideRequest, parseRequest, RequestError, silenceRequest } from '../../core/requests.js';
import { alertView, gateView, outboxView, overrideView, reportView, silenceView, targetView, transitionView, volumeView, type ViewOptions } from '../../views/views.js';

export interface ApiDeps {
  readonly engine: Engine;
  /** Null when the config has no `alerts` section. */
  readonly alerting: AlertPipeline | null;
  readonly metrics: MetricsExposition;
  readonly store: Store;
  readonly tokens: TokenChecker;
  readonly resumeAfterMs: number;
  readonly timeZone: string;
  readonly clock: () => number;
}

const historyQuery = z.strictObject({
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  reason: z.enum(REASON_CODES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().min(1).optional(),
  lang: z.enum(['id', 'en']).optional(),
});

const auditQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

/** Rows read from the store at a time while a history page fills: the memory it holds is bounded too. */
const READ_CHUNK = 100;

/**
 * Tokens each limited public answer takes from its client's bucket (rate-limit.ts), by the work it
 * costs. Gate reads are never limited, and neither is anyone who shows a valid token.
 */
const PUBLIC_COSTS = { status: 1, page: 1, feed: 5, history: 5, report: 10 } as const;

const DAY_MS = 86_400_000;
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a day such as 2026-11-01' })
  .refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text), {
    error: 'not a calendar day (the month has no such day)',
  });

const reportQuery = z.strictObject({
  since: day.optional(),
  until: day.optional(),
  format: z.enum(['json', 'csv']).optional(),
});

/** The start of a calendar day (YYYY-MM-DD, checked by `day`) in the office's zone, as epoch ms. */
function parseDay(text: string, offsetMs: number): number {
  return Date.parse(`${text}T00:00:00Z`) - offsetMs;
}

/** Query parameters, each given at most once (a repeated one would reach the schema as a list). */
function parseQuery<T>(schema: z.ZodType<T>, req: Request): T {
  for (const [name, value] of Object.entries(req.query)) {
    if (Array.isArray(value)) throw new HttpError(400, 'invalid_request', `${name.slice(0, 40)}: give it once, not ${value.length} times`);
  }
  return asHttp(() => parseRequest(schema, req.query, 'query'));
}

/** The shared request rules (requests.ts) answer 400 with their message here. */
function asHttp<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof RequestError) throw new HttpError(400, 'invalid_request', error.message);
    throw error;
  }
}

/**
 * A change by hand that was not taken: past a cap, a conflict to resolve by lifting or expiring one; a
 * refused write, unavailable for now. The status of each refusal, for the API and /admin alike.
 */
export const REFUSED_STATUS: Readonly<Record<OverrideRefused['code'] | SilenceRefused['code'], number>> = {
  too_many_overrides: 409,
  too_many_silences: 409,
  store_unavailable: 503,
};

/** Runs a change by hand; a refusal answers `{"error": code, "message": ...}` with its status. */
function asRefusalAnswer<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof OverrideRefused || error instanceof SilenceRefused) throw new HttpError(REFUSED_STATUS[error.code], error.code, error.message);
    throw error;
  }
}

const RETRY_AFTER_S = String(DEFAULT_LIMITER_POLICY.windowMs / 1000);

/** Shared with the rest of the app: the token-failure limiter (also /admin's) and the gate reader (also the server's fast path). */
export interface ApiShared {
  readonly limiter: LoginLimiter;
  readonly readGate: GateReader;
}

export function apiRouter(deps: ApiDeps, shared: ApiShared): Router {
  const router = Router();
  const { engine, tokens } = deps;
  const { limiter } = shared;

  const viewOptions = (req: Request, internal: boolean): ViewOptions => ({
    language: language(req),
    internal,
    resumeAfterMs: deps.resumeAfterMs,
  });

  /**
   * Who presented a valid token, or null. A wrong token counts against the client's address; while an
   * address is locked out every token from it gets 429 unchecked, the right one too, so a lockout says
   * nothing about the guess. Readers who send no token are never limited.
   */
  const authenticate = (req: Request): string | null => {
    const header = req.headers.authorization;
    if (header === undefined) return null;
    const address = req.ip ?? 'unknown';
    if (limiter.blocked(address)) {
      throw new HttpError(429, 'rate_limited', 'too many failed token attempts from this address; try again later', { 'Retry-After': RETRY_AFTER_S });
    }
    const who = tokens.identify(header);
    if (who === null) limiter.recordFailure(address);
    return who;
  };

  const requireToken = (req: Request): string => {
    const who = authenticate(req);
    if (who === null) throw new HttpError(401, 'unauthorized', 'a valid admin token is required (Authorization: Bearer <token>)');
    return who;
  };

  /** authenticate, once per request: the limit below and the handler both ask, and a wrong token counts once. */
  const identified = new WeakMap<Request, string | null>();
  const identify = (req: Request): string | null => {
    if (!identified.has(req)) identified.set(req, authenticate(req));
    return identified.get(req) ?? null;
  };

  /** Internal details only for a caller who shows a valid token; others get the public view. */
  const isInternal = (req: Request): boolean => identify(req) !== null;

  const publicLimiter = new RateLimiter(deps.clock);
  /** Takes `cost` from the client's tokens, or answers 429 with when to come back. */
  const take = (req: Request, cost: number): void => {
    const waitMs = publicLimiter.take(clientKey(req.ip), cost);
    if (waitMs > 0) {
      throw new HttpError(429, 'rate_limited', 'too many requests from this address; slow down and try again later', {
        'Retry-After': String(Math.ceil(waitMs / 1000)),
      });
    }
  };
  /**
   * For answers that take no token (the page, the feed, the report): every client pays, and an
   * Authorization header is not read, so a stray one (a proxy's Basic login) counts no failed token.
   */
  const limitedPublic =
    (cost: number) =>
    (req: Request, _res: Response, next: () => void): void => {
      take(req, cost);
      next();
    };
  /** For answers with more for a token holder (status, history): the holder is not limited. */
  const limited =
    (cost: number) =>
    (req: Request, _res: Response, next: () => void): void => {
      if (identify(req) === null) take(req, cost);
      next();
    };

  // The status page and its feed are served by status-page.ts; their limits are taken here first.
  router.get('/', limitedPublic(PUBLIC_COSTS.page));
  router.get('/feed.atom', limitedPublic(PUBLIC_COSTS.feed));

  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', deps.metrics.contentType);
    res.send(await deps.metrics.body());
  });

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', (_req, res) => {
    res.status(engine.ready ? 200 : 503).json({ ready: engine.ready });
  });

  router.get(GATE_PATH, (req, res) => shared.readGate(req, res));

  router.get('/api/v1/status', limited(PUBLIC_COSTS.status), (req, res) => {
    const internal = isInternal(req);
    const options = viewOptions(req, internal);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      ready: engine.ready,
      gate: gateView(engine.gate, options),
      targets: engine.targetStates.map((t) => targetView(t, internal)),
      volumes: engine.volumeStates.map((v) => volumeView(v, internal)),
      overrides: engine.activeOverrides.map((o) => overrideView(o, internal)),
      alerts: deps.alerting ? deps.alerting.alerts.map((a) => alertView(a, internal)) : [],
      outbox: deps.alerting ? outboxView(deps.store, deps.clock(), internal, deps.alerting.heldInMemory) : null,
    });
  });

  router.get('/api/v1/history', limited(PUBLIC_COSTS.history), (req, res) => {
    const query = parseQuery(historyQuery, req);
    const options = viewOptions(req, isInternal(req));
    const filter = {
      ...(query.since ? { since: Date.parse(query.since) } : {}),
      ...(query.until ? { until: Date.parse(query.until) } : {}),
      ...(query.reason ? { reason: query.reason } : {}),
    };
    // Evidence is most of a row's parsing: the public answer has none, so none is parsed (bound 0), and
    // an internal one gives evidence past ITEM_BYTES by its size only, so that is not parsed either.
    const evidenceMaxBytes = options.internal ? ITEM_BYTES : 0;
    const page = new JsonPage();
    let cursor = query.before;
    let nextBefore: number | null = null;
    // Read in chunks until the page is full by count or by bytes; the cursor points past the last item given.
    for (;;) {
      const chunk = deps.store.transitions.listBoundingEvidence(
        { ...filter, limit: Math.min(READ_CHUNK, query.limit - page.items.length), ...(cursor ? { before: cursor } : {}) },
        evidenceMaxBytes,
      );
      let cut = false;
      for (const t of chunk.items) {
        const view = transitionView(t, options);
        // Evidence past ITEM_BYTES came as its size already, which is boundedJson's answer for it (the
        // item is longer still); boundedJson would measure that size object again if the reasons were long.
        cut = !page.add(t.evidenceBytes > ITEM_BYTES ? JSON.stringify(view) : boundedJson(view, 'evidence'));
        if (cut) break;
        cursor = t.id;
      }
      if (!cut && chunk.nextBefore === null) break;
      if (cut || page.items.length >= query.limit) {
        nextBefore = cursor ?? null;
        break;
      }
    }
    res.type('application/json').send(`{"items":${page.json},"next_before":${JSON.stringify(nextBefore)}}`);
  });

  router.get('/api/v1/audit', (req, res) => {
    requireToken(req);
    const { limit } = parseQuery(auditQuery, req);
    const page = new JsonPage();
    const entries = deps.store.audit.list(limit);
    for (const entry of entries) {
      if (!page.add(boundedJson({ id: entry.id, at: new Date(entry.at).toISOString(), actor: entry.actor, action: entry.action, detail: entry.detail }, 'detail'))) break;
    }
    // The audit has no cursor: a page cut by size says so.
    res.type('application/json').send(`{"items":${page.json}${page.items.length < entries.length ? ',"truncated":true' : ''}}`);
  });

  const requireAlerting = (): AlertPipeline => {
    if (!deps.alerting) throw new HttpError(404, 'not_found', 'alerting is not configured (no `alerts` section in the config)');
    return deps.alerting;
  };

  router.get('/api/v1/silences', (req, res) => {
    requireToken(req);
    const alerting = requireAlerting();
    res.json({ items: alerting.silences.map((s) => silenceView(s, deps.clock())) });
  });

  router.post('/api/v1/silences', (req, res) => {
    const who = requireToken(req);
    const alerting = requireAlerting();
    if (!req.is('application/json')) throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json');
    const now = deps.clock();
    const input = asHttp(() => silenceRequest(req.body, now));
    const silence = asRefusalAnswer(() => alerting.createSilence(input, who));
    res.status(201).json({ silence: silenceView(silence, now) });
  });

  router.delete('/api/v1/silences/:id', (req, res) => {
    const who = requireToken(req);
    const expired = requireAlerting().expireSilence(String(req.params.id), who);
    if (!expired) throw new HttpError(404, 'not_found', 'no active or upcoming silence with that id (config silences are changed in the config)');
    res.json({ silence: silenceView(expired, deps.clock()) });
  });

  router.get('/api/v1/report', limitedPublic(PUBLIC_COSTS.report), (req, res) => {
    const query = parseQuery(reportQuery, req);
    const now = deps.clock();
    const offset = utcOffsetMs(deps.timeZone, now);
    // By default the last 30 days from a whole hour, so that only hourly summaries are read (no samples).
    const since = query.since === undefined ? bucketStart(now - 30 * DAY_MS) : parseDay(query.since, offset);
    const until = query.until === undefined ? now : parseDay(query.until, offset);
    if (since > now) throw new HttpError(400, 'invalid_request', `since: ${query.since ?? ''} is in the future; a report covers what has happened`);
    if (!(since < until)) throw new HttpError(400, 'invalid_request', 'since: must be before until');
    if (until - since > 400 * DAY_MS) throw new HttpError(400, 'invalid_request', 'since: a report covers at most 400 days');
    const central = engine.targetStates.filter((t) => t.role === 'central').map((t) => t.name);
    const report = loadReport(deps.store, central, since, Math.min(until, now), deps.timeZone);
    if (query.format === 'csv') {
      res.setHeader('Content-Disposition', `attachment; filename="jaga-report-${new Date(since + offset).toISOString().slice(0, 10)}.csv"`);
      res.type('text/csv').send(reportCsv(report));
      return;
    }
    res.json(reportView(report));
  });

  router.get('/api/v1/overrides', (req, res) => {
    requireToken(req);
    res.json({ items: engine.activeOverrides.map((o) => overrideView(o, true)) });
  });

  router.post('/api/v1/overrides', (req: Request, res: Response) => {
    const who = requireToken(req);
    if (!req.is('application/json')) throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json');
    const input = asHttp(() => overrideRequest(req.body, deps.clock()));
    const override = asRefusalAnswer(() => engine.createOverride(input, who));
    res.status(201).json({ override: overrideView(override, true), gate: gateView(engine.gate, viewOptions(req, true)) });
  });

  router.delete('/api/v1/overrides/:id', (req, res) => {
    const who = requireToken(req);
    const lifted = asRefusalAnswer(() => engine.liftOverride(String(req.params.id), who));
    if (!lifted) throw new HttpError(404, 'not_found', 'no active override with that id');
    res.json({ override: overrideView(lifted, true), gate: gateView(engine.gate, viewOptions(req, true)) });
  });

  return router;
}

function language(req: Request): Language {
  return pickLanguage(req.query.lang, req.headers['accept-language']);
}
