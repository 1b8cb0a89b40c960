// Client-side timings of /metrics scrapes against a running jaga or its prom-client peer: sequential,
// median and p99, size. Loopback network I/O only, every loop bounded.
import { quantile } from './measure.js';

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
