// Reads a period's transitions, central targets' hourly probe summaries, backlog reads and heartbeat
// pings from the store and builds the report.
// I/O (SQLite reads) around the pure core/report.ts.
import { buildReport, utcOffsetMs, type Report } from '../core/report.js';
import type { Store } from '../store/sqlite.js';
import type { StoredTransition } from '../store/transitions.js';

/** What the config watches now: the report leaves out sources and heartbeats since removed from it. */
export interface ReportSubjects {
  readonly centralTargets: readonly string[];
  readonly backlogSources: readonly string[];
  /** With when jaga began waiting for each (the engine's `watchedSince`). */
  readonly heartbeats: readonly { readonly name: string; readonly watchedSince: number }[];
}

export function loadReport(store: Store, subjects: ReportSubjects, since: number, until: number, timeZone: string): Report {
  const { before, items } = store.transitions.period(since, until);
  const codes = (t: StoredTransition) => t.reasons.map((r) => r.code);
  const risk = store.dataAtRisk;
  return buildReport({
    since,
    until,
    atStart: before ? { to: before.to, reasons: codes(before) } : null,
    transitions: items.map((t) => ({ at: t.at, to: t.to, reasons: codes(t) })),
    central: store.samples.targetBuckets(subjects.centralTargets, since, until),
    utcOffsetMs: utcOffsetMs(timeZone, since),
    dataAtRisk: {
      backlogSources: subjects.backlogSources,
      backlogSamples: risk.backlogSamples(since, until),
      heartbeats: subjects.heartbeats.map((h) => ({ name: h.name, pingBefore: risk.lastPingBefore(h.name, since), watchedSince: h.watchedSince })),
      pings: risk.pings(since, until),
    },
  });
}
