// The upload heartbeats over HTTP: POST /api/v1/heartbeats/{name} records a ping from the upload client
// (after each successful upload), GET reads the same heartbeat. An admin token opens every heartbeat, a
// heartbeat's own token that one only; the token is checked before the name, so a wrong token learns
// nothing of which names exist. Both answer from the one status snapshot, as every audience sees it. A
// ping is not audited: it comes every few minutes. HTTP I/O (express).
import { Router, type Request } from 'express';
import { z } from 'zod';
import { parseRequest } from '../../core/requests.js';
import type { Engine } from '../../shell/engine.js';
import type { HeartbeatSnapshot } from '../../views/snapshot.js';
import { heartbeatView } from '../../views/views.js';
import { HttpError } from '../errors.js';
import type { StatusReader } from '../status-snapshot.js';
import type { ApiAccess } from './access.js';
import { asHttp } from './query.js';

export const HEARTBEAT_PATH = '/api/v1/heartbeats/:name';

export interface HeartbeatDeps {
  readonly engine: Pick<Engine, 'recordHeartbeat'>;
  /** The heartbeats as every audience sees them: grace and halt from the config, late by the engine's rule. */
  readonly status: StatusReader;
  readonly access: ApiAccess;
}

const ITEMS_SENT = 'a whole number of 0 or more';

/** A ping's optional body: how many items the upload that just succeeded sent. Nothing else, so a typo is told. */
const pingBody = z.strictObject(
  { items_sent: z.int({ error: `must be ${ITEMS_SENT}` }).min(0, { error: `must be ${ITEMS_SENT}` }).optional() },
  { error: `must be a JSON object holding only items_sent, ${ITEMS_SENT}` },
);

/** `items_sent` of a ping, or null when the body does not say (no body, an empty one, `{}`); 400 otherwise. */
export function itemsSentOf(body: unknown): number | null {
  return asHttp(() => parseRequest(pingBody, body, 'body')).items_sent ?? null;
}

/** A body was sent: a declared length above zero, or a chunked one. */
const hasBody = (req: Request): boolean => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

export function heartbeatRouter(deps: HeartbeatDeps): Router {
  const router = Router();
  const { access, engine, status } = deps;

  const snapshotOf = (name: string): HeartbeatSnapshot => {
    const heartbeat = status.status().heartbeats.find((h) => h.name === name);
    if (heartbeat === undefined) throw new HttpError(404, 'not_found', 'no heartbeat with that name in the config');
    return heartbeat;
  };

  /** The heartbeat the path names, once the token may see it: 401 before 404, so a wrong token learns no name. */
  const heartbeatOf = (req: Request): HeartbeatSnapshot => {
    const name = String(req.params.name);
    access.requireHeartbeatToken(req, name);
    return snapshotOf(name);
  };

  router.get(HEARTBEAT_PATH, (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(heartbeatView(heartbeatOf(req)));
  });

  router.post(HEARTBEAT_PATH, (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const { name } = heartbeatOf(req);
    if (hasBody(req) && !req.is('application/json')) {
      throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json, e.g. {"items_sent": 12}, or send none');
    }
    if (engine.recordHeartbeat(name, itemsSentOf(req.body)) === null) throw new HttpError(404, 'not_found', 'no heartbeat with that name in the config');
    res.json(heartbeatView(snapshotOf(name)));
  });

  return router;
}
