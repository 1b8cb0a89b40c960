// HTTP routes: /metrics, health, the gate, status, history and overrides. Handlers read the
// engine's latest snapshot; they never reach into probes.
import { Router, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { parseDurationMs } from '../config/units.js';
import { REASON_CODES } from '../domain/types.js';
import type { AlertPipeline } from '../alerting/pipeline.js';
import type { Engine } from '../engine.js';
import { pickLanguage, type Language } from '../i18n/catalogue.js';
import type { Store } from '../store/sqlite.js';
import { HttpError } from './app.js';
import type { TokenChecker } from './auth.js';
import { alertView, gateView, outboxView, overrideView, silenceView, targetView, transitionView, volumeView, type ViewOptions } from './views.js';

export interface ApiDeps {
  readonly engine: Engine;
  /** Null when the config has no `alerts` section. */
  readonly alerting: AlertPipeline | null;
  readonly registry: Registry;
  readonly store: Store;
  readonly tokens: TokenChecker;
  readonly resumeAfterMs: number;
  readonly clock: () => number;
}

const MAX_ALLOW_MS = 24 * 3_600_000;
const MAX_SILENCE_MS = 7 * 24 * 3_600_000;

const overrideBody = z.strictObject({
  action: z.enum(['halt', 'allow']),
  reason: z.string().trim().min(1).max(500),
  for: z.string().optional(),
  expires_at: z.iso.datetime({ offset: true }).optional(),
});

const silenceBody = z
  .strictObject({
    matchers: z
      .record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string().min(1).max(200))
      .refine((m) => Object.keys(m).length > 0 && Object.keys(m).length <= 10, { error: 'give 1 to 10 label matchers' }),
    comment: z.string().trim().min(1).max(500),
    starts_at: z.iso.datetime({ offset: true }).optional(),
    ends_at: z.iso.datetime({ offset: true }).optional(),
    for: z.string().optional(),
  })
  .refine((b) => (b.ends_at === undefined) !== (b.for === undefined), { error: 'give either "for" (e.g. "2h") or "ends_at"', path: ['for'] });

const historyQuery = z.strictObject({
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  reason: z.enum(REASON_CODES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().min(1).optional(),
  lang: z.enum(['id', 'en']).optional(),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const path = first?.path.length ? first.path.join('.') : where;
  throw new HttpError(400, 'invalid_request', `${path}: ${first?.message ?? 'invalid'}`);
}

export function apiRouter(deps: ApiDeps): Router {
  const router = Router();
  const { engine, tokens } = deps;
  const gateCache = new Map<string, string>();
  let cachedVersion = -1;

  const viewOptions = (req: Request, internal: boolean): ViewOptions => ({
    language: language(req),
    internal,
    resumeAfterMs: deps.resumeAfterMs,
  });

  const requireToken = (req: Request): string => {
    const who = tokens.identify(req.headers.authorization);
    if (who === null) throw new HttpError(401, 'unauthorized', 'a valid admin token is required (Authorization: Bearer <token>)');
    return who;
  };

  /** Internal details only for a caller who shows a valid token; others get the public view. */
  const isInternal = (req: Request): boolean => req.headers.authorization !== undefined && tokens.identify(req.headers.authorization) !== null;

  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', deps.registry.contentType);
    res.send(await deps.registry.metrics());
  });

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', (_req, res) => {
    res.status(engine.ready ? 200 : 503).json({ ready: engine.ready });
  });

  router.get('/api/v1/gate', (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const gate = engine.gate;
    if (req.query.format === 'plain') {
      // A shell script cannot compare valid_until; an answer past it is not an answer.
      const allowed = gate.state === 'allowed' && gate.validUntil > deps.clock();
      res.status(allowed ? 200 : 423).type('text/plain').send(allowed ? 'ALLOWED\n' : 'HALTED\n');
      return;
    }
    if (cachedVersion !== engine.gateVersion) {
      gateCache.clear();
      cachedVersion = engine.gateVersion;
    }
    const lang = language(req);
    let body = gateCache.get(lang);
    if (body === undefined) {
      body = JSON.stringify(gateView(gate, { language: lang, internal: false, resumeAfterMs: deps.resumeAfterMs }));
      gateCache.set(lang, body);
    }
    res.type('application/json').send(body);
  });

  router.get('/api/v1/status', (req, res) => {
    const internal = isInternal(req);
    const options = viewOptions(req, internal);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      ready: engine.ready,
      gate: gateView(engine.gate, options),
      targets: engine.targetStates.map((t) => targetView(t, internal)),
      volumes: engine.volumeStates.map((v) => volumeView(v, internal)),
      overrides: engine.activeOverrides.map(overrideView),
      alerts: deps.alerting ? deps.alerting.alerts.map((a) => alertView(a, internal)) : [],
      outbox: deps.alerting ? outboxView(deps.store, deps.clock(), internal) : null,
    });
  });

  router.get('/api/v1/history', (req, res) => {
    const query = parse(historyQuery, req.query, 'query');
    const options = viewOptions(req, isInternal(req));
    const page = deps.store.transitions.list({
      limit: query.limit,
      ...(query.since ? { since: Date.parse(query.since) } : {}),
      ...(query.until ? { until: Date.parse(query.until) } : {}),
      ...(query.reason ? { reason: query.reason } : {}),
      ...(query.before ? { before: query.before } : {}),
    });
    res.json({ items: page.items.map((t) => transitionView(t, options)), next_before: page.nextBefore });
  });

  router.get('/api/v1/audit', (req, res) => {
    requireToken(req);
    const { limit } = parse(z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) }), req.query, 'query');
    res.json({
      items: deps.store.audit.list(limit).map((entry) => ({
        id: entry.id,
        at: new Date(entry.at).toISOString(),
        actor: entry.actor,
        action: entry.action,
        detail: entry.detail,
      })),
    });
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
    const body = parse(silenceBody, req.body, 'body');
    const now = deps.clock();
    const startsAt = body.starts_at === undefined ? now : Date.parse(body.starts_at);
    let endsAt: number;
    if (body.for !== undefined) {
      const ms = parseDurationMs(body.for);
      if (ms === undefined || ms <= 0) throw new HttpError(400, 'invalid_request', 'for: must be a duration such as "30m" or "2h"');
      endsAt = startsAt + ms;
    } else {
      endsAt = Date.parse(body.ends_at as string);
    }
    if (endsAt <= Math.max(now, startsAt)) throw new HttpError(400, 'invalid_request', 'ends_at: must be after starts_at and in the future');
    if (endsAt - startsAt > MAX_SILENCE_MS) throw new HttpError(400, 'invalid_request', 'for: a silence lasts at most 7 days');
    const silence = alerting.createSilence({ matchers: body.matchers, startsAt, endsAt, comment: body.comment }, who);
    res.status(201).json({ silence: silenceView(silence, now) });
  });

  router.delete('/api/v1/silences/:id', (req, res) => {
    const who = requireToken(req);
    const expired = requireAlerting().expireSilence(String(req.params.id), who);
    if (!expired) throw new HttpError(404, 'not_found', 'no active or upcoming silence with that id (config silences are changed in the config)');
    res.json({ silence: silenceView(expired, deps.clock()) });
  });

  router.get('/api/v1/overrides', (req, res) => {
    requireToken(req);
    res.json({ items: engine.activeOverrides.map(overrideView) });
  });

  router.post('/api/v1/overrides', (req: Request, res: Response) => {
    const who = requireToken(req);
    if (!req.is('application/json')) throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json');
    const body = parse(overrideBody, req.body, 'body');
    const now = deps.clock();
    const expiresAt = expiry(body, now);
    if (body.action === 'allow' && expiresAt === null) {
      throw new HttpError(400, 'invalid_request', 'for: an allow override must expire; give "for" (e.g. "2h") or "expires_at", at most 24h');
    }
    if (body.action === 'allow' && expiresAt !== null && expiresAt - now > MAX_ALLOW_MS) {
      throw new HttpError(400, 'invalid_request', 'for: an allow override lasts at most 24h');
    }
    const override = engine.createOverride({ action: body.action, reason: body.reason, expiresAt }, who);
    res.status(201).json({ override: overrideView(override), gate: gateView(engine.gate, viewOptions(req, true)) });
  });

  router.delete('/api/v1/overrides/:id', (req, res) => {
    const who = requireToken(req);
    const lifted = engine.liftOverride(String(req.params.id), who);
    if (!lifted) throw new HttpError(404, 'not_found', 'no active override with that id');
    res.json({ override: overrideView(lifted), gate: gateView(engine.gate, viewOptions(req, true)) });
  });

  return router;
}

function language(req: Request): Language {
  return pickLanguage(req.query.lang, req.headers['accept-language']);
}

function expiry(body: z.infer<typeof overrideBody>, now: number): number | null {
  if (body.for !== undefined && body.expires_at !== undefined) {
    throw new HttpError(400, 'invalid_request', 'for: give either "for" or "expires_at", not both');
  }
  if (body.for !== undefined) {
    const ms = parseDurationMs(body.for);
    if (ms === undefined || ms <= 0) throw new HttpError(400, 'invalid_request', 'for: must be a duration such as "30m" or "2h"');
    return now + ms;
  }
  if (body.expires_at !== undefined) {
    const at = Date.parse(body.expires_at);
    if (at <= now) throw new HttpError(400, 'invalid_request', 'expires_at: must be in the future');
    return at;
  }
  return null;
}
