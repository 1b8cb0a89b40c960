// GET /api/v1/report: halted time per day and in total over calendar days in the office's zone, with
// the peak upload backlog and the longest time without an upload, as JSON or CSV, from the hourly
// summaries, transitions, backlog reads and pings in the store (I/O through SQLite).
import { Router } from 'express';
import { z } from 'zod';
import { bucketStart } from '../../core/probe-buckets.js';
import { reportCsv, utcOffsetMs } from '../../core/report.js';
import { loadReport } from '../../shell/report.js';
import type { Store } from '../../store/sqlite.js';
import { reportView } from '../../views/views.js';
import { HttpError } from '../errors.js';
import type { StatusReader } from '../status-snapshot.js';
import { PUBLIC_COSTS, type ApiAccess } from './access.js';
import { parseQuery } from './query.js';

export interface ReportDeps {
  readonly status: StatusReader;
  readonly store: Store;
  readonly access: ApiAccess;
  readonly timeZone: string;
}

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

export function reportRouter(deps: ReportDeps): Router {
  const router = Router();

  router.get('/api/v1/report', deps.access.limitedPublic(PUBLIC_COSTS.report), (req, res) => {
    const query = parseQuery(reportQuery, req);
    const status = deps.status.status();
    const now = status.at;
    const offset = utcOffsetMs(deps.timeZone, now);
    // By default the last 30 days from a whole hour, so that only hourly summaries are read (no samples).
    const since = query.since === undefined ? bucketStart(now - 30 * DAY_MS) : parseDay(query.since, offset);
    const until = query.until === undefined ? now : parseDay(query.until, offset);
    if (since > now) throw new HttpError(400, 'invalid_request', `since: ${query.since ?? ''} is in the future; a report covers what has happened`);
    if (!(since < until)) throw new HttpError(400, 'invalid_request', 'since: must be before until');
    if (until - since > 400 * DAY_MS) throw new HttpError(400, 'invalid_request', 'since: a report covers at most 400 days');
    const subjects = {
      centralTargets: status.targets.filter((t) => t.role === 'central').map((t) => t.name),
      backlogSources: status.backlogs.map((b) => b.name),
      heartbeats: status.heartbeats.map((h) => ({ name: h.name, watchedSince: h.watchedSince })),
    };
    const report = loadReport(deps.store, subjects, since, Math.min(until, now), deps.timeZone);
    if (query.format === 'csv') {
      res.setHeader('Content-Disposition', `attachment; filename="jaga-report-${new Date(since + offset).toISOString().slice(0, 10)}.csv"`);
      res.type('text/csv').send(reportCsv(report));
      return;
    }
    res.json(reportView(report));
  });

  return router;
}
