// Drives blackbox_exporter as Prometheus would: GET /probe?target=...&module=... for every target at
// the same rate and spread as jaga's probes, over kept-alive connections to the exporter, counting
// the answers whose probe_success is 1. A separate process: its own CPU is never measured.
// Network I/O to loopback only.
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { answerRequests, parseArgs, runRounds } from './rounds.js';

const args = parseArgs(process.argv.slice(2));
const exporter = args.exporter ?? '';
const module = args.module ?? '';
const targets = JSON.parse(readFileSync(args.targets ?? '', 'utf8')) as string[];
const intervalMs = Number(args['interval-ms']);
const jitterMs = Number(args['jitter-ms']);
const timeoutMs = Number(args['timeout-ms']);
if (!exporter || !module || targets.length === 0 || !(intervalMs > 0) || !(timeoutMs > 0)) {
  throw new Error('usage: driver --exporter URL --module NAME --targets FILE.json --interval-ms N --jitter-ms N --timeout-ms N');
}

// Prometheus keeps its connections to an exporter open; so do we (a bounded pool).
const pool = new Pool(exporter, { connections: 128, pipelining: 1, keepAliveTimeout: 60_000 });
const paths = targets.map((t) => `/probe?target=${encodeURIComponent(t)}&module=${encodeURIComponent(module)}`);
// Prometheus tells the exporter its scrape timeout; the exporter subtracts its 0.5 s offset.
const headers = { 'x-prometheus-scrape-timeout-seconds': String(timeoutMs / 1000 + 0.5) };
const inFlight = new Set<number>();
let ok = 0;
let failed = 0;
let errors = 0;

runRounds({ intervalMs, jitterMs, count: targets.length }, (index) => {
  if (inFlight.has(index)) return;
  inFlight.add(index);
  pool
    .request({ path: paths[index]!, method: 'GET', headers, headersTimeout: timeoutMs + 5_000, bodyTimeout: timeoutMs + 5_000 })
    .then(async ({ body }) => {
      const text = await body.text();
      if (/^probe_success 1$/m.test(text)) ok += 1;
      else failed += 1;
    })
    .catch(() => {
      errors += 1;
    })
    .finally(() => inFlight.delete(index));
});

answerRequests({ count: () => ({ ok, failed: failed + errors, errors }) });
process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid })}\n`);
