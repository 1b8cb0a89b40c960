// Client-side timings against a running jaga: /metrics scrapes (sequential, median and p99, size) and
// gate reads under autocannon while probes run, with the probe cadence checked meanwhile.
// Loopback network I/O only, every loop bounded.
import autocannon from 'autocannon';
import { EVENT_LOOP_SAMPLE_MS } from '../src/runtime/metrics.js';
import { quantile, quietOffsetMs, sleepUntil } from './measure.js';
import { sampleValue, sumSeries, type JagaSubject } from './subjects/jaga.js';
import type { ProbeLoad } from './subjects/subject.js';

export interface ScrapeFigures {
  readonly scrapes: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly bytes: number;
}

/** `count` sequential GETs of `url`, timed to the last byte of the body. */
export async function timeScrapes(url: string, count: number): Promise<ScrapeFigures> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    const body = await response.arrayBuffer();
    times.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    bytes = body.byteLength;
  }
  return { scrapes: count, medianMs: quantile(times, 0.5), p99Ms: quantile(times, 0.99), bytes };
}

export interface GateReadPlan {
  /** Whole probe intervals of load. */
  readonly intervals: number;
  readonly connections: number;
}

export interface GateReadFigures {
  readonly durationMs: number;
  readonly connections: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
  /** Probes completed while under load, and how many the schedule asked for in that time. */
  readonly probesDuring: number;
  readonly probesExpected: number;
  readonly skippedDuring: number;
  /** jaga's own event-loop delay p99 over the load, beyond the histogram's sampling interval (prom-client resets it at each scrape). */
  readonly eventLoopLagP99Ms: number | null;
}

/**
 * autocannon against /api/v1/gate for whole probe intervals, starting in the quiet between rounds
 * so that exactly `intervals` rounds fall inside: their probe count says whether cadence held.
 */
export async function loadGate(jaga: JagaSubject, load: ProbeLoad, plan: GateReadPlan): Promise<GateReadFigures> {
  const durationMs = plan.intervals * load.intervalMs;
  const start = Math.ceil(Date.now() / load.intervalMs) * load.intervalMs + quietOffsetMs(load);
  await sleepUntil(start - 200);
  const before = await jaga.metrics(); // also resets the event-loop histogram
  await sleepUntil(start);
  const result = await autocannon({
    url: `${jaga.url}/api/v1/gate`,
    connections: plan.connections,
    pipelining: 1,
    duration: durationMs / 1000,
    timeout: 10,
  });
  const after = await jaga.metrics();
  const lag = sampleValue(after, 'nodejs_eventloop_lag_p99_seconds');
  return {
    durationMs,
    connections: plan.connections,
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / (durationMs / 1000),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    probesDuring: probeCount(after) - probeCount(before),
    probesExpected: load.targets.length * plan.intervals,
    skippedDuring: sumSeries(after, 'jaga_probe_skipped_total') - sumSeries(before, 'jaga_probe_skipped_total'),
    eventLoopLagP99Ms: lag === undefined ? null : Math.max(0, lag * 1000 - EVENT_LOOP_SAMPLE_MS),
  };
}

function probeCount(text: string): number {
  return sumSeries(text, 'jaga_probe_duration_seconds_count');
}
