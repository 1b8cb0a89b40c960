// Reads a period's transitions and central targets' hourly probe summaries from the store and builds
// the report.
// I/O (SQLite reads) around the pure core/report.ts.
import { buildReport, utcOffsetMs, type Report } from '../core/report.js';
import type { Store } from '../store/sqlite.js';
import type { StoredTransition } from '../store/transitions.js';

export function loadReport(store: Store, centralTargets: readonly string[], since: number, until: number, timeZone: string): Report {
  const { before, items } = store.transitions.period(since, until);
  const codes = (t: StoredTransition) => t.reasons.map((r) => r.code);
  return buildReport({
    since,
    until,
    atStart: before ? { to: before.to, reasons: codes(before) } : null,
    transitions: items.map((t) => ({ at: t.at, to: t.to, reasons: codes(t) })),
    central: store.samples.targetBuckets(centralTargets, since, until),
    utcOffsetMs: utcOffsetMs(timeZone, since),
  });
}
