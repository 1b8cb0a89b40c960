// Gate reads under autocannon: against jaga while it probes (with the probe cadence checked meanwhile),
// and with the same settings, half right before and half right after, against the gate-read floor
// (bench/gate-floor.ts) replaying jaga's answer byte for byte, so that jaga's figures read as ratios
// that travel between machines.
// Process and loopback network I/O, every run bounded in time.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { EVENT_LOOP_SAMPLE_MS } from '../src/runtime/metrics.js';
import type { RecordedAnswer } from './gate-floor.js';
import { quietOffsetMs, sleepUntil } from './measure.js';
import { BenchChild } from './spawn.js';
import { sampleValue, sumSeries, type JagaSubject } from './subjects/jaga.js';
import type { ProbeLoad } from './subjects/subject.js';

export const GATE_READ_PATH = '/api/v1/gate';

export interface GateReadPlan {
  /** Whole probe intervals of load. */
  readonly intervals: number;
  readonly connections: number;
}

/** What autocannon saw of one server. */
export interface ReadLoadFigures {
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
}

export interface GateReadFigures extends ReadLoadFigures {
  readonly durationMs: number;
  readonly connections: number;
  /** The answer both servers gave: its status and body size. */
  readonly answer: { readonly status: number; readonly bodyBytes: number; readonly headerCount: number };
  /** Probes completed while under load, and how many the schedule asked for in that time. */
  readonly probesDuring: number;
  readonly probesExpected: number;
  readonly skippedDuring: number;
  /** jaga's own event-loop delay p99 over the load, beyond the histogram's sampling interval (prom-client resets it at each scrape). */
  readonly eventLoopLagP99Ms: number | null;
  /** The same load against bare node:http giving the same answer, half before and half after jaga's. */
  readonly floor: ReadLoadFigures;
  /** jaga ÷ floor: below 1 for reads per second and above 1 for p99 is what jaga adds. */
  readonly vsFloor: { readonly requestsPerSecond: number; readonly p99: number };
}

/**
 * autocannon against jaga's gate for whole probe intervals, starting in the quiet between rounds so
 * that exactly `intervals` rounds fall inside (their probe count says whether cadence held). The floor
 * gets the same load split around it, half just before and half just after: a machine whose load drifts
 * (this one is shared) and whatever the second of two back-to-back loads pays then weigh on both alike.
 * The floor starts beforehand so that its start-up is outside every load.
 */
export async function loadGate(jaga: JagaSubject, load: ProbeLoad, plan: GateReadPlan, floorJs: string): Promise<GateReadFigures> {
  const durationMs = plan.intervals * load.intervalMs;
  const answer = await recordAnswer(`${jaga.url}${GATE_READ_PATH}`);
  const floor = await GateFloor.start(floorJs, answer);
  try {
    const halfMs = durationMs / 2;
    // Room before the start for the floor's first half and jaga's /metrics read.
    const start = Math.ceil((Date.now() + halfMs + 1_000) / load.intervalMs) * load.intervalMs + quietOffsetMs(load);
    await sleepUntil(start - halfMs - 500);
    const floorBefore = await readLoad(`${floor.url}${GATE_READ_PATH}`, halfMs, plan.connections);
    await sleepUntil(start - 200);
    const before = await jaga.metrics(); // also resets the event-loop histogram
    await sleepUntil(start);
    const figures = await readLoad(`${jaga.url}${GATE_READ_PATH}`, durationMs, plan.connections);
    const after = await jaga.metrics();
    const lag = sampleValue(after, 'nodejs_eventloop_lag_p99_seconds');
    const floorFigures = joinHalves(floorBefore, await readLoad(`${floor.url}${GATE_READ_PATH}`, halfMs, plan.connections));
    return {
      ...figures,
      durationMs,
      connections: plan.connections,
      answer: { status: answer.status, bodyBytes: Buffer.byteLength(answer.body), headerCount: answer.headers.length },
      probesDuring: probeCount(after) - probeCount(before),
      probesExpected: load.targets.length * plan.intervals,
      skippedDuring: sumSeries(after, 'jaga_probe_skipped_total') - sumSeries(before, 'jaga_probe_skipped_total'),
      eventLoopLagP99Ms: lag === undefined ? null : Math.max(0, lag * 1000 - EVENT_LOOP_SAMPLE_MS),
      floor: floorFigures,
      vsFloor: { requestsPerSecond: figures.requestsPerSecond / floorFigures.requestsPerSecond, p99: figures.p99Ms / floorFigures.p99Ms },
    };
  } finally {
    await floor.stop();
  }
}

async function readLoad(url: string, durationMs: number, connections: number): Promise<ReadLoadFigures> {
  const result = await autocannon({ url, connections, pipelining: 1, duration: durationMs / 1000, timeout: 10 });
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / (durationMs / 1000),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/**
 * Two equally long loads as one: counts add up; autocannon gives only quantiles, so the latencies are
 * the mean of the two halves' (each about as many requests), not the quantile of the whole.
 */
function joinHalves(a: ReadLoadFigures, b: ReadLoadFigures): ReadLoadFigures {
  return {
    requests: a.requests + b.requests,
    requestsPerSecond: (a.requestsPerSecond + b.requestsPerSecond) / 2,
    p50Ms: (a.p50Ms + b.p50Ms) / 2,
    p99Ms: (a.p99Ms + b.p99Ms) / 2,
    errors: a.errors + b.errors,
    non2xx: a.non2xx + b.non2xx,
  };
}

/** Headers Node writes itself on every answer of a kept-alive connection: the floor's Node adds its own. */
const NODE_OWN_HEADERS = new Set(['date', 'connection', 'keep-alive']);

/** One GET as autocannon sends it, with the headers' names as written on the wire. */
export function recordAnswer(url: string): Promise<RecordedAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { timeout: 10_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('error', reject);
      response.once('end', () => {
        const headers: [string, string][] = [];
        const raw = response.rawHeaders;
        for (let i = 0; i + 1 < raw.length; i += 2) {
          const name = raw[i] as string;
          if (!NODE_OWN_HEADERS.has(name.toLowerCase())) headers.push([name, raw[i + 1] as string]);
        }
        resolve({ status: response.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString() });
      });
    });
    request.once('timeout', () => request.destroy(new Error(`${url}: no answer within 10 s`)));
    request.once('error', reject);
  });
}

function probeCount(text: string): number {
  return sumSeries(text, 'jaga_probe_duration_seconds_count');
}

/** bench/gate-floor.ts as plain JavaScript in its own node process, checked to answer as recorded. */
class GateFloor {
  private constructor(
    readonly url: string,
    private readonly child: BenchChild,
    private readonly dir: string,
  ) {}

  static async start(floorJs: string, answer: RecordedAnswer): Promise<GateFloor> {
    const dir = mkdtempSync(join(tmpdir(), 'gate-floor-bench-'));
    const file = join(dir, 'answer.json');
    writeFileSync(file, JSON.stringify(answer));
    const child = await BenchChild.start(process.execPath, [floorJs, '--answer', file], {
      name: 'gate floor',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
    });
    try {
      const line = await child.waitForLine((l) => l.includes('"ready":true'), 30_000, 'gate floor ready');
      const { port } = JSON.parse(line) as { port: number };
      const url = `http://127.0.0.1:${port}`;
      const echo = await recordAnswer(`${url}${GATE_READ_PATH}`);
      if (echo.status !== answer.status || echo.body !== answer.body || JSON.stringify(echo.headers) !== JSON.stringify(answer.headers)) {
        throw new Error(`the gate floor does not answer as jaga did: ${JSON.stringify(echo)} vs ${JSON.stringify(answer)}`);
      }
      return new GateFloor(url, child, dir);
    } catch (error) {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.child.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
