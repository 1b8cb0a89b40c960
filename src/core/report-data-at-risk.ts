// The report's data-at-risk columns: per period, the peak upload backlog (per source, and all sources
// together) and the longest time without a successful upload per heartbeat. Pure: reads and pings in,
// numbers out.

/** One read of a backlog source, as the store keeps it; a failed read has no numbers. */
export interface ReportBacklogSample {
  readonly source: string;
  readonly at: number;
  readonly ok: boolean;
  readonly items: number | null;
}

export interface ReportHeartbeat {
  readonly name: string;
  /** The last ping before the report's `since`, or null when none is known. */
  readonly pingBefore: number | null;
  /** When jaga began waiting for it (the engine's `watchedSince`): a heartbeat never pinged is late from here. */
  readonly watchedSince: number;
}

export interface ReportPing {
  readonly name: string;
  readonly at: number;
}

export interface DataAtRiskInput {
  /** The configured sources; reads of any other (one since removed from the config) are left out. */
  readonly backlogSources: readonly string[];
  /** Reads with since <= at < until, oldest first (sources interleaved); read once. */
  readonly backlogSamples: Iterable<ReportBacklogSample>;
  readonly heartbeats: readonly ReportHeartbeat[];
  /** Pings with since <= at < until, oldest first. */
  readonly pings: readonly ReportPing[];
}

/** The peaks of one period. */
export interface BacklogPeaks {
  /** The most items one read of each source found. */
  readonly bySource: Map<string, number>;
  /** The most items waiting at once, each source counted by its latest read. */
  total: number | null;
}

const newPeaks = (): BacklogPeaks => ({ bySource: new Map(), total: null });

/**
 * One pass over the reads: the peaks per period (named by `periodOf`) and over all of them. All sources
 * together is the sum of each one's latest successful read at the moment of every read (a failed read
 * leaves the last numbers standing: those recordings still wait), so peaks of two sources at different
 * times do not add up to a moment that never was.
 */
export function backlogPeaks(input: Pick<DataAtRiskInput, 'backlogSources' | 'backlogSamples'>, periodOf: (at: number) => string): { byPeriod: Map<string, BacklogPeaks>; total: BacklogPeaks } {
  const configured = new Set(input.backlogSources);
  const latest = new Map<string, number>();
  let waiting = 0;
  const byPeriod = new Map<string, BacklogPeaks>();
  const total = newPeaks();
  for (const sample of input.backlogSamples) {
    if (!sample.ok || sample.items === null || !configured.has(sample.source)) continue;
    waiting += sample.items - (latest.get(sample.source) ?? 0);
    latest.set(sample.source, sample.items);
    const label = periodOf(sample.at);
    let period = byPeriod.get(label);
    if (period === undefined) {
      period = newPeaks();
      byPeriod.set(label, period);
    }
    for (const peaks of [period, total]) {
      peaks.bySource.set(sample.source, Math.max(peaks.bySource.get(sample.source) ?? 0, sample.items));
      peaks.total = Math.max(peaks.total ?? 0, waiting);
    }
  }
  return { byPeriod, total };
}

/** The index of the first time at or after `at` in ascending `times`. */
function firstAtOrAfter(times: readonly number[], at: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((times[mid] ?? Infinity) < at) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The longest time without a ping within [start, end), in ms; null when jaga was not watching at all.
 * A wait that ends with a ping in the period counts in full, from the ping before it (before the period
 * too) or, for a heartbeat never pinged, from when jaga began watching. The wait still open at `end`
 * counts from the later of its beginning and `start`: a day without any ping is the whole day.
 * `pings` are one heartbeat's, ascending, all at or after `before`.
 */
export function longestWithoutPingMs(pings: readonly number[], before: number | null, watchedSince: number, start: number, end: number): number | null {
  const first = firstAtOrAfter(pings, start);
  let from: number | null = first > 0 ? (pings[first - 1] ?? null) : before;
  if (from === null && watchedSince < end) from = watchedSince;
  let longest: number | null = null;
  for (let i = first; i < pings.length; i += 1) {
    const at = pings[i] as number;
    if (at >= end) break;
    if (from !== null && from <= at) longest = Math.max(longest ?? 0, at - from);
    from = at;
  }
  if (from !== null && from < end) longest = Math.max(longest ?? 0, end - Math.max(from, start));
  return longest;
}

/** Each heartbeat's ping times, ascending; pings of heartbeats no longer configured are left out. */
export function pingTimes(input: Pick<DataAtRiskInput, 'heartbeats' | 'pings'>): Map<string, number[]> {
  const times = new Map<string, number[]>(input.heartbeats.map((h) => [h.name, []]));
  for (const ping of input.pings) times.get(ping.name)?.push(ping.at);
  return times;
}
