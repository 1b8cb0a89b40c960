// The /metrics peer: bare prom-client with the same series as jaga for N targets (target gauges,
// a 5-bucket histogram per target, last phase latencies, failure and skip counters, default
// metrics), served by
// node:http. Tells how much of jaga's /metrics time is prom-client's own. A separate process.
// Loopback network I/O.
import { createServer } from 'node:http';
import client from 'prom-client';
import { TARGET_FAILURES } from '../src/core/types.js';
import { parseArgs } from './rounds.js';

const args = parseArgs(process.argv.slice(2));
const count = Number(args.targets ?? '1000');

const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });
const gauge = (name: string) => new client.Gauge({ name, help: name, labelNames: ['target'], registers: [registry] });
const up = gauge('peer_target_up');
const failuresInARow = gauge('peer_target_consecutive_failures');
const duration = new client.Histogram({
  name: 'peer_probe_duration_seconds',
  help: 'peer',
  labelNames: ['target'],
  buckets: [0.005, 0.025, 0.1, 0.5, 2.5],
  registers: [registry],
});
const phases = new client.Gauge({ name: 'peer_probe_phase_seconds', help: 'peer', labelNames: ['target', 'phase'], registers: [registry] });
const failures = new client.Counter({ name: 'peer_probe_failures_total', help: 'peer', labelNames: ['target', 'reason'], registers: [registry] });
const skipped = new client.Counter({ name: 'peer_probe_skipped_total', help: 'peer', labelNames: ['target'], registers: [registry] });
for (let i = 0; i < count; i += 1) {
  const target = `http-${String(i).padStart(4, '0')}`;
  up.set({ target }, 1);
  failuresInARow.set({ target }, 0);
  skipped.inc({ target }, 0);
  for (const reason of TARGET_FAILURES) failures.inc({ target, reason }, 0);
  duration.observe({ target }, 0.001);
  for (const phase of ['connect', 'first_byte', 'transfer']) phases.set({ target, phase }, 0.0003);
}

const server = createServer((req, res) => {
  if (req.url !== '/metrics') {
    res.writeHead(404).end();
    return;
  }
  registry.metrics().then(
    (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
    (error: unknown) => res.writeHead(500).end(String(error)),
  );
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ ready: true, port })}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
