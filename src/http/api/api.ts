// The JSON API and the machine endpoints: /metrics, health, readiness, the gate, status, and (from the
// files beside this one) history, audit, report and the changes by hand; the public limits are taken
// here first for the status page and its feed too. Handlers read the one status snapshot; they never
// reach into probes. HTTP I/O (express).
import { Router } from 'express';
import type { MetricsExposition } from '../../runtime/metrics.js';
import { alertView, backlogView, gateView, heartbeatView, outboxView, overrideView, targetView, volumeView } from '../../views/views.js';
import { requestLanguage } from '../language.js';
import { PUBLIC_COSTS, type ApiAccess } from './access.js';
import { changeRouter, type ChangeDeps } from './changes.js';
import { GATE_PATH, type GateReader } from './gate-read.js';
import { heartbeatRouter, type HeartbeatDeps } from './heartbeats.js';
import { listRouter, type ListDeps } from './lists.js';
import { reportRouter, type ReportDeps } from './report.js';

export type ApiDeps = ChangeDeps &
  ListDeps &
  ReportDeps &
  HeartbeatDeps & {
    readonly access: ApiAccess;
    readonly metrics: MetricsExposition;
    /** Also the server's fast path (app.ts): one reader, one cache. */
    readonly readGate: GateReader;
  };

export function apiRouter(deps: ApiDeps): Router {
  const router = Router();
  const { access } = deps;

  // The status page and its feed are served by status-page/; their limits are taken here first.
  router.get('/', access.limitedPublic(PUBLIC_COSTS.page));
  router.get('/feed.atom', access.limitedPublic(PUBLIC_COSTS.feed));

  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', deps.metrics.contentType);
    res.send(await deps.metrics.body());
  });

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', (_req, res) => {
    const { ready } = deps.status.status();
    res.status(ready ? 200 : 503).json({ ready });
  });

  router.get(GATE_PATH, (req, res) => deps.readGate(req, res));

  router.get('/api/v1/status', access.limited(PUBLIC_COSTS.status), (req, res) => {
    // Internal details only for a caller who shows a valid token; others get the public view.
    const internal = access.identify(req) !== null;
    const status = deps.status.status();
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      ready: status.ready,
      gate: gateView(status.gate, {
        language: requestLanguage(req),
        internal,
        resumeAfterMs: deps.resumeAfterMs,
        forecast: { working: deps.calendar, timeZone: deps.timeZone, volumes: status.volumes },
      }),
      targets: status.targets.map((t) => targetView(t, internal)),
      volumes: status.volumes.map((v) => volumeView(v, internal)),
      backlogs: status.backlogs.map((b) => backlogView(b, status.at, internal)),
      heartbeats: status.heartbeats.map(heartbeatView),
      overrides: status.overrides.map((o) => overrideView(o, internal)),
      alerts: status.alerting ? status.alerting.alerts.map((a) => alertView(a, internal)) : [],
      outbox: status.alerting ? outboxView(deps.status.outbox(status), internal) : null,
    });
  });

  router.use(listRouter(deps));
  router.use(reportRouter(deps));
  router.use(changeRouter(deps));
  router.use(heartbeatRouter(deps));
  return router;
}
