// The token holders' changes by hand over JSON: overrides (list, set, lift) and silences (list, add,
// expire), through the same engine and pipeline methods as /admin. Every change is audited there.
import { Router, type Request } from 'express';
import { overrideRequest, silenceRequest } from '../../core/requests.js';
import type { Clock } from '../../runtime/clock.js';
import type { WorkingTime } from '../../core/alerts/forecast-rules.js';
import type { AlertPipeline } from '../../shell/alert-pipeline.js';
import type { Engine } from '../../shell/engine.js';
import { gateView, overrideView, silenceView } from '../../views/views.js';
import { asRefusalAnswer, HttpError } from '../errors.js';
import { requestLanguage } from '../language.js';
import type { StatusReader } from '../status-snapshot.js';
import type { ApiAccess } from './access.js';
import { asHttp } from './query.js';

export interface ChangeDeps {
  readonly status: StatusReader;
  readonly engine: Pick<Engine, 'createOverride' | 'liftOverride'>;
  /** Null when the config has no `alerts` section. */
  readonly alerting: Pick<AlertPipeline, 'createSilence' | 'expireSilence'> | null;
  readonly access: ApiAccess;
  readonly clock: Pick<Clock, 'now'>;
  readonly resumeAfterMs: number;
  /** The office's working week and zone, for the gate's forecast message. */
  readonly calendar: WorkingTime;
  readonly timeZone: string;
}

export function changeRouter(deps: ChangeDeps): Router {
  const router = Router();
  const { access, engine } = deps;

  const requireJson = (req: Request): void => {
    if (!req.is('application/json')) throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json');
  };
  const requireAlerting = (): NonNullable<ChangeDeps['alerting']> => {
    if (!deps.alerting) throw new HttpError(404, 'not_found', 'alerting is not configured (no `alerts` section in the config)');
    return deps.alerting;
  };
  /** The gate after a change, as the token holder sees it. */
  const gateAfter = (req: Request): Record<string, unknown> => {
    const status = deps.status.status();
    return gateView(status.gate, {
      language: requestLanguage(req),
      internal: true,
      resumeAfterMs: deps.resumeAfterMs,
      forecast: { working: deps.calendar, timeZone: deps.timeZone, volumes: status.volumes },
    });
  };

  router.get('/api/v1/silences', (req, res) => {
    access.requireToken(req);
    requireAlerting();
    const status = deps.status.status();
    res.json({ items: (status.alerting?.silences ?? []).map((s) => silenceView(s, status.at)) });
  });

  router.post('/api/v1/silences', (req, res) => {
    const who = access.requireToken(req);
    const alerting = requireAlerting();
    requireJson(req);
    const now = deps.clock.now();
    const input = asHttp(() => silenceRequest(req.body, now));
    const silence = asRefusalAnswer(() => alerting.createSilence(input, who));
    res.status(201).json({ silence: silenceView(silence, now) });
  });

  router.delete('/api/v1/silences/:id', (req, res) => {
    const who = access.requireToken(req);
    const expired = requireAlerting().expireSilence(String(req.params.id), who);
    if (!expired) throw new HttpError(404, 'not_found', 'no active or upcoming silence with that id (config silences are changed in the config)');
    res.json({ silence: silenceView(expired, deps.clock.now()) });
  });

  router.get('/api/v1/overrides', (req, res) => {
    access.requireToken(req);
    res.json({ items: deps.status.status().overrides.map((o) => overrideView(o, true)) });
  });

  router.post('/api/v1/overrides', (req, res) => {
    const who = access.requireToken(req);
    requireJson(req);
    const input = asHttp(() => overrideRequest(req.body, deps.clock.now()));
    const override = asRefusalAnswer(() => engine.createOverride(input, who));
    res.status(201).json({ override: overrideView(override, true), gate: gateAfter(req) });
  });

  router.delete('/api/v1/overrides/:id', (req, res) => {
    const who = access.requireToken(req);
    const lifted = asRefusalAnswer(() => engine.liftOverride(String(req.params.id), who));
    if (!lifted) throw new HttpError(404, 'not_found', 'no active override with that id');
    res.json({ override: overrideView(lifted, true), gate: gateAfter(req) });
  });

  return router;
}
