// The monthly report for leadership: per day and in total, how long recording was halted and why,
// the longest central outage, central availability, the peak upload backlog and the longest time
// without an upload. Pure: transitions, hourly probe summaries, backlog reads and pings in, rows out.
import { outageRuns, type OutageRun, type ProbeBucket, type ProbeSample } from './probe-buckets.js';
import { backlogPeaks, longestWithoutPingMs, pingTimes, type BacklogPeaks, type DataAtRiskInput } from './report-data-at-risk.js';
import { REASON_CODES, type GateStateName, type ReasonCode } from './types.js';

export interface ReportTransition {
  readonly at: number;
  readonly to: GateStateName;
  readonly reasons: readonly ReasonCode[];
}

export type ReportSample = ProbeSample;

export interface ReportInput {
  readonly since: number;
  readonly until: number;
  /** The gate as it was at `since` (the last transition before it), or null when nothing was known. */
  readonly atStart: Omit<ReportTransition, 'at'> | null;
  /** Transitions with since <= at < until, oldest first. */
  readonly transitions: readonly ReportTransition[];
  /**
   * Central targets' probes in the period as hourly buckets, oldest first (targets interleaved); a
   * bucket cut by the period's edge holds only the samples inside it (bucketSamples of those).
   */
  readonly central: Iterable<ProbeBucket>;
  /** Offset of the office's time zone from UTC; Indonesia has no daylight saving time. */
  readonly utcOffsetMs: number;
  /** Backlog reads and heartbeat pings in the period, with the configured sources and heartbeats. */
  readonly dataAtRisk: DataAtRiskInput;
}

export interface ReportRow {
  /** The local date (YYYY-MM-DD), or "TOTAL". */
  readonly period: string;
  readonly start: number;
  readonly end: number;
  readonly haltedSeconds: number;
  readonly haltedRatio: number;
  /** Seconds each reason held the gate; reasons overlap, so these may add up to more than haltedSeconds. */
  readonly reasonSeconds: Readonly<Record<ReasonCode, number>>;
  /** Gate changes to halted that began in the period. */
  readonly halts: number;
  readonly longestCentralOutageSeconds: number;
  /** Successful central probes / all central probes; null without samples. */
  readonly centralAvailability: number | null;
  /** The most recordings waiting at once, all sources together; null without a successful read. */
  readonly backlogPeakItems: number | null;
  /** Per configured source, the most recordings one read found; null for a source without a successful read. */
  readonly backlogPeakItemsBySource: Readonly<Record<string, number | null>>;
  /** The longest time without a successful upload of any heartbeat; null where jaga watched none. */
  readonly longestWithoutUploadSeconds: number | null;
  /** Per configured heartbeat, the longest time without a ping (report-data-at-risk.ts); null where jaga was not watching it. */
  readonly longestWithoutUploadSecondsByHeartbeat: Readonly<Record<string, number | null>>;
}

export interface Report {
  readonly days: readonly ReportRow[];
  readonly total: ReportRow;
  /** The longest run of failed probes of any central target, up to its next good probe. */
  readonly longestCentralOutage: { readonly target: string; readonly start: number; readonly end: number } | null;
}

interface Segment {
  readonly start: number;
  readonly end: number;
  readonly halted: boolean;
  readonly reasons: readonly ReasonCode[];
}

const DAY_MS = 86_400_000;

export function buildReport(input: ReportInput): Report {
  const segments = gateSegments(input);
  const { outages, byDay, total: allProbes } = scanCentral(input);
  const haltStarts = input.transitions
    .filter((t, i) => t.to === 'halted' && (i === 0 ? input.atStart?.to : input.transitions[i - 1]?.to) !== 'halted')
    .map((t) => t.at);
  const periods = dayPeriods(input.since, input.until, input.utcOffsetMs);
  const backlog = backlogPeaks(input.dataAtRisk, (at) => localDate(at, input.utcOffsetMs));
  const pings = pingTimes(input.dataAtRisk);
  const risk = (start: number, end: number, peaks: BacklogPeaks | undefined) => dataAtRiskColumns(input.dataAtRisk, pings, start, end, peaks);
  const days = periods.map((p) => ({
    ...row(p.label, p.start, p.end, segments, haltStarts, outages, byDay.get(p.label)),
    ...risk(p.start, p.end, backlog.byPeriod.get(p.label)),
  }));
  const total = { ...row('TOTAL', input.since, input.until, segments, haltStarts, outages, allProbes), ...risk(input.since, input.until, backlog.total) };
  const longest = outages.reduce<(typeof outages)[number] | null>((best, o) => (best === null || o.end - o.start > best.end - best.start ? o : best), null);
  return { days, total, longestCentralOutage: longest };
}

type DataAtRiskColumns = Pick<ReportRow, 'backlogPeakItems' | 'backlogPeakItemsBySource' | 'longestWithoutUploadSeconds' | 'longestWithoutUploadSecondsByHeartbeat'>;

function dataAtRiskColumns(input: DataAtRiskInput, pings: ReadonlyMap<string, readonly number[]>, start: number, end: number, peaks: BacklogPeaks | undefined): DataAtRiskColumns {
  const byHeartbeat = input.heartbeats.map((h): [string, number | null] => {
    const longest = longestWithoutPingMs(pings.get(h.name) ?? [], h.pingBefore, h.watchedSince, start, end);
    return [h.name, longest === null ? null : longest / 1000];
  });
  const watched = byHeartbeat.flatMap(([, seconds]) => (seconds === null ? [] : [seconds]));
  return {
    backlogPeakItems: peaks?.total ?? null,
    backlogPeakItemsBySource: Object.fromEntries(input.backlogSources.map((name) => [name, peaks?.bySource.get(name) ?? null])),
    longestWithoutUploadSeconds: watched.length === 0 ? null : Math.max(...watched),
    longestWithoutUploadSecondsByHeartbeat: Object.fromEntries(byHeartbeat),
  };
}

function row(
  period: string,
  start: number,
  end: number,
  segments: readonly Segment[],
  haltStarts: readonly number[],
  outages: readonly OutageRun[],
  counts: { ok: number; all: number } | undefined,
): Omit<ReportRow, keyof DataAtRiskColumns> {
  const reasonSeconds = Object.fromEntries(REASON_CODES.map((code) => [code, 0])) as Record<ReasonCode, number>;
  let haltedMs = 0;
  for (const s of segments) {
    const overlap = Math.max(0, Math.min(end, s.end) - Math.max(start, s.start));
    if (overlap === 0 || !s.halted) continue;
    haltedMs += overlap;
    for (const code of s.reasons) reasonSeconds[code] += overlap / 1000;
  }
  const longestMs = outages.reduce((best, o) => Math.max(best, Math.min(end, o.end) - Math.max(start, o.start)), 0);
  return {
    period,
    start,
    end,
    haltedSeconds: haltedMs / 1000,
    haltedRatio: end > start ? haltedMs / (end - start) : 0,
    reasonSeconds,
    halts: haltStarts.filter((at) => at >= start && at < end).length,
    longestCentralOutageSeconds: longestMs / 1000,
    centralAvailability: counts && counts.all > 0 ? counts.ok / counts.all : null,
  };
}

/** The gate over the period as consecutive segments; before anything was known it counts as not halted. */
function gateSegments(input: ReportInput): Segment[] {
  const segments: Segment[] = [];
  let current: Omit<ReportTransition, 'at'> | null = input.atStart;
  let from = input.since;
  for (const t of input.transitions) {
    if (t.at > from) segments.push({ start: from, end: t.at, halted: current?.to === 'halted', reasons: current?.reasons ?? [] });
    current = t;
    from = Math.max(from, t.at);
  }
  if (input.until > from) segments.push({ start: from, end: input.until, halted: current?.to === 'halted', reasons: current?.reasons ?? [] });
  return segments;
}

interface CentralScan {
  /** Runs of failed probes per target: from the first failure to the next good probe (or the period's end). */
  readonly outages: OutageRun[];
  readonly byDay: Map<string, { ok: number; all: number }>;
  readonly total: { ok: number; all: number };
}

/** One pass over the buckets (an Iterable may be read once only), keeping them for the outage runs. */
function scanCentral(input: ReportInput): CentralScan {
  const buckets: ProbeBucket[] = [];
  const scan = { byDay: new Map<string, { ok: number; all: number }>(), total: { ok: 0, all: 0 } };
  for (const bucket of input.central) {
    buckets.push(bucket);
    // An hour lies within one local day in whole-hour zones (WIB, WITA, WIT); in a half-hour zone its
    // first probe names the day, so a day's edge may be off by half an hour of probes.
    const label = localDate(bucket.firstAt, input.utcOffsetMs);
    const day = scan.byDay.get(label) ?? { ok: 0, all: 0 };
    scan.byDay.set(label, day);
    day.all += bucket.probes;
    day.ok += bucket.ok;
    scan.total.all += bucket.probes;
    scan.total.ok += bucket.ok;
  }
  return { ...scan, outages: outageRuns(buckets, input.until) };
}

function dayPeriods(since: number, until: number, offsetMs: number): { label: string; start: number; end: number }[] {
  const periods: { label: string; start: number; end: number }[] = [];
  let dayStart = Math.floor((since + offsetMs) / DAY_MS) * DAY_MS - offsetMs;
  while (dayStart < until) {
    const dayEnd = dayStart + DAY_MS;
    periods.push({ label: localDate(dayStart, offsetMs), start: Math.max(since, dayStart), end: Math.min(until, dayEnd) });
    dayStart = dayEnd;
  }
  return periods;
}

function localDate(at: number, offsetMs: number): string {
  return new Date(at + offsetMs).toISOString().slice(0, 10);
}

/** A zone's offset from UTC at an instant, in ms (Asia/Jakarta: +7h). */
export function utcOffsetMs(timeZone: string, at: number): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** The columns every report has, stable names for spreadsheets and scripts. */
export const REPORT_COLUMNS: readonly string[] = [
  'period',
  'halted_seconds',
  'halted_percent',
  'halts',
  ...REASON_CODES.map((code) => `seconds_${code}`),
  'longest_central_outage_seconds',
  'central_availability_percent',
  'peak_backlog_items',
  'longest_without_upload_seconds',
];

/** REPORT_COLUMNS, then one column per configured backlog source and per heartbeat, named after it. */
export function reportColumns(report: Report): string[] {
  return [
    ...REPORT_COLUMNS,
    ...Object.keys(report.total.backlogPeakItemsBySource).map((source) => `peak_backlog_items_${source}`),
    ...Object.keys(report.total.longestWithoutUploadSecondsByHeartbeat).map((heartbeat) => `longest_without_upload_seconds_${heartbeat}`),
  ];
}

/** A whole number, or an empty cell for "no data". */
const wholeOrEmpty = (value: number | null): string | number => (value === null ? '' : Math.round(value));

/** CSV for a spreadsheet: one row per local day and a TOTAL row. */
export function reportCsv(report: Report): string {
  const line = (cells: readonly (string | number)[]) => cells.map(csvCell).join(',');
  const sources = Object.keys(report.total.backlogPeakItemsBySource);
  const heartbeats = Object.keys(report.total.longestWithoutUploadSecondsByHeartbeat);
  const rows = [...report.days, report.total].map((r) =>
    line([
      r.period,
      Math.round(r.haltedSeconds),
      (r.haltedRatio * 100).toFixed(2),
      r.halts,
      ...REASON_CODES.map((code) => Math.round(r.reasonSeconds[code])),
      Math.round(r.longestCentralOutageSeconds),
      r.centralAvailability === null ? '' : (r.centralAvailability * 100).toFixed(2),
      wholeOrEmpty(r.backlogPeakItems),
      wholeOrEmpty(r.longestWithoutUploadSeconds),
      ...sources.map((source) => wholeOrEmpty(r.backlogPeakItemsBySource[source] ?? null)),
      ...heartbeats.map((heartbeat) => wholeOrEmpty(r.longestWithoutUploadSecondsByHeartbeat[heartbeat] ?? null)),
    ]),
  );
  return `${[line(reportColumns(report)), ...rows].join('\r\n')}\r\n`;
}

function csvCell(value: string | number): string {
  const text = String(value);
  // Quote what needs it, and defuse spreadsheet formulas.
  const safe = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
