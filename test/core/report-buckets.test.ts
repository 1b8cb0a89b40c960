// Hourly probe buckets: the fold (a table of cases), and that a report built from buckets says what
// one built from every sample says, for random months of probes of several targets.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addProbe, bucketSamples, outageRuns, type OutageRun, type ProbeBucket, type ProbeSample } from '../../src/core/probe-buckets.js';
import { buildReport, type ReportInput } from '../../src/core/report.js';

const H = 3_600_000;
const MIN = 60_000;
const WIB = 7 * H;
const DAY1 = Date.UTC(2026, 10, 1) - WIB;

/** Probes of one target at DAY1 + minutes, from a pattern such as "+--+" (+ good, - failed). */
function probes(pattern: string, everyMin = 1, target = 'pusat'): ProbeSample[] {
  return [...pattern].map((c, i) => ({ target, at: DAY1 + i * everyMin * MIN, ok: c === '+' }));
}

const fold = (samples: readonly ProbeSample[]): ProbeBucket => samples.reduce<ProbeBucket | null>((b, s) => addProbe(b, s), null) as ProbeBucket;
const at = (minute: number) => DAY1 + minute * MIN;
const run = (start: number, end: number): OutageRun => ({ target: 'pusat', start: at(start), end: at(end) });

describe('addProbe: one hour of one target', () => {
  const rows: [string, Partial<ProbeBucket>][] = [
    ['+', { probes: 1, ok: 1, firstOkAt: at(0), failingSince: null, longest: null }],
    ['-', { probes: 1, ok: 0, firstOkAt: null, failingSince: at(0), longest: null }],
    ['--+', { ok: 1, firstOkAt: at(2), failingSince: null, longest: null }],
    ['+--+', { ok: 2, firstOkAt: at(0), failingSince: null, longest: run(1, 3) }],
    ['+-+---+--', { firstOkAt: at(0), failingSince: at(7), longest: run(3, 6), lastAt: at(8) }],
    ['+--+--+', { longest: run(1, 3) }],
    ['---', { ok: 0, firstOkAt: null, failingSince: at(0) }],
  ];
  for (const [pattern, expected] of rows) {
    test(pattern, () => {
      const bucket = fold(probes(pattern));
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(bucket[key as keyof ProbeBucket], value, key);
    });
  }
});

test('outageRuns joins runs across hours and closes open ones at the end', () => {
  const samples = [...probes('+', 1), { target: 'pusat', at: DAY1 + 50 * MIN, ok: false }, { target: 'pusat', at: DAY1 + 70 * MIN, ok: false }, { target: 'pusat', at: DAY1 + 130 * MIN, ok: true }, { target: 'pusat', at: DAY1 + 190 * MIN, ok: false }];
  assert.deepEqual(outageRuns(bucketSamples(samples), DAY1 + 240 * MIN), [run(50, 130), run(190, 240)]);
});

/** The report's central figures computed straight from samples, as it was before buckets: the oracle. */
function fromSamples(samples: readonly ProbeSample[], since: number, until: number, offsetMs: number) {
  const day = (t: number) => new Date(t + offsetMs).toISOString().slice(0, 10);
  const byDay = new Map<string, { ok: number; all: number }>();
  const outages: OutageRun[] = [];
  const failingSince = new Map<string, number>();
  for (const s of samples) {
    const d = byDay.get(day(s.at)) ?? { ok: 0, all: 0 };
    byDay.set(day(s.at), d);
    d.all += 1;
    if (s.ok) d.ok += 1;
    const open = failingSince.get(s.target);
    if (!s.ok && open === undefined) failingSince.set(s.target, s.at);
    if (s.ok && open !== undefined) {
      outages.push({ target: s.target, start: open, end: s.at });
      failingSince.delete(s.target);
    }
  }
  for (const [target, start] of failingSince) outages.push({ target, start, end: until });
  const longest = outages.reduce<OutageRun | null>((best, o) => (best === null || o.end - o.start > best.end - best.start ? o : best), null);
  const overlap = (start: number, end: number) => outages.reduce((best, o) => Math.max(best, Math.min(end, o.end) - Math.max(start, o.start)), 0) / 1000;
  return { byDay, longest, overlap, since };
}

/** A deterministic pseudo-random stream (xorshift), so a failure names its seed. */
function random(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) % 1_000_000) / 1_000_000;
  };
}

function randomSamples(seed: number, days: number): ProbeSample[] {
  const next = random(seed);
  const samples: ProbeSample[] = [];
  for (const [target, everyMs] of [['pusat-api', 5_000], ['pusat-vpn', 17_000], ['pusat-dns', 61_000]] as const) {
    let failing = false;
    for (let t = DAY1 + Math.floor(next() * everyMs); t < DAY1 + days * 24 * H; t += everyMs) {
      // Runs of failures of every length: from one probe to hours, some across midnight.
      if (next() < (failing ? 0.02 : 0.004)) failing = !failing;
      samples.push({ target, at: t, ok: !failing && next() > 0.01 });
    }
  }
  return samples.sort((a, b) => a.at - b.at);
}

test('a report from buckets says what one from every sample says (random months, three targets)', () => {
  for (const seed of [1, 7, 42, 1234, 99_991]) {
    const samples = randomSamples(seed, 8);
    const since = DAY1;
    const until = DAY1 + 8 * 24 * H;
    const input: ReportInput = {
      since,
      until,
      atStart: null,
      transitions: [],
      central: bucketSamples(samples),
      utcOffsetMs: WIB,
      dataAtRisk: { backlogSources: [], backlogSamples: [], heartbeats: [], pings: [] },
    };
    const report = buildReport(input);
    const oracle = fromSamples(samples, since, until, WIB);
    assert.deepEqual(report.longestCentralOutage, oracle.longest, `seed ${seed}: longest outage`);
    for (const row of [...report.days, report.total]) {
      assert.equal(row.longestCentralOutageSeconds, oracle.overlap(row.start, row.end), `seed ${seed} ${row.period}: longest outage in the period`);
    }
    for (const row of report.days) {
      const counts = oracle.byDay.get(row.period);
      assert.equal(row.centralAvailability, counts ? counts.ok / counts.all : null, `seed ${seed} ${row.period}: availability`);
    }
    assert.equal(report.total.centralAvailability, samples.filter((s) => s.ok).length / samples.length, `seed ${seed}: total availability`);
  }
});
