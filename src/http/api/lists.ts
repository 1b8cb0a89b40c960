// GET /api/v1/history and /api/v1/audit: the gate's transitions and the audit of changes by hand, in
// pages bounded by count and bytes (list-bounds.ts). Reads the store (I/O through SQLite).
import { Router } from 'express';
import { z } from 'zod';
import { REASON_CODES } from '../../core/types.js';
import type { Store } from '../../store/sqlite.js';
import { transitionView } from '../../views/views.js';
import { requestLanguage } from '../language.js';
import { boundedJson, ITEM_BYTES, JsonPage } from '../list-bounds.js';
import { PUBLIC_COSTS, type ApiAccess } from './access.js';
import { parseQuery } from './query.js';

export interface ListDeps {
  readonly store: Pick<Store, 'transitions' | 'audit'>;
  readonly access: ApiAccess;
  readonly resumeAfterMs: number;
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

export function listRouter(deps: ListDeps): Router {
  const router = Router();
  const { store, access } = deps;

  router.get('/api/v1/history', access.limited(PUBLIC_COSTS.history), (req, res) => {
    const query = parseQuery(historyQuery, req);
    const options = { language: requestLanguage(req), internal: access.identify(req) !== null, resumeAfterMs: deps.resumeAfterMs };
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
      const chunk = store.transitions.listBoundingEvidence(
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
    access.requireToken(req);
    const { limit } = parseQuery(auditQuery, req);
    const page = new JsonPage();
    const entries = store.audit.list(limit);
    for (const entry of entries) {
      if (!page.add(boundedJson({ id: entry.id, at: new Date(entry.at).toISOString(), actor: entry.actor, action: entry.action, detail: entry.detail }, 'detail'))) break;
    }
    // The audit has no cursor: a page cut by size says so.
    res.type('application/json').send(`{"items":${page.json}${page.items.length < entries.length ? ',"truncated":true' : ''}}`);
  });

  return router;
}
