// Where /metrics time goes: builds jaga's own Metrics (src/runtime/metrics.ts) for N targets, records one
// probe per target, and times the whole text, the per-target families jaga writes itself, and
// prom-client's registry for each of its metric families separately (median of repeated runs), with
// sizes. Usage: tsx bench/metrics-breakdown.ts [--targets 1000] [--runs 30]
// In-process, no I/O besides stdout.
import { initialTargetState } from '../src/core/assess.js';
import { Metrics } from '../src/runtime/metrics.js';
import { median } from './measure.js';

const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
};
const targets = Number(option('targets', '1000'));
const runs = Number(option('runs', '30'));

const names = Array.from({ length: targets }, (_, i) => `http-${String(i).padStart(4, '0')}`);
// Only what a probing jaga has.
const metrics = new Metrics({ version: 'bench', targets: names, volumes: ['rekaman'], alertmanager: false, alertChannels: ['email'], gateActionTypes: [], backlogSources: [], heartbeats: [] });
for (const name of names) {
  const obs = { target: name, at: Date.now(), ok: true, durationMs: 1.2, detail: 'HTTP 200', phases: { connect: 0.2, first_byte: 0.6, transfer: 0.1, total: 1.2 } } as const;
  const state = { ...initialTargetState(name, 'http', 'central'), status: 'up', consecutiveSuccesses: 1, last: obs, lastSuccessAt: obs.at } as const;
  metrics.recordProbe(state, obs);
}

const time = async (run: () => Promise<string | Buffer>): Promise<{ ms: number; bytes: number }> => {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    const text = await run();
    times.push(performance.now() - started);
    bytes = Buffer.byteLength(text);
  }
  return { ms: median(times), bytes };
};

const whole = await time(() => metrics.body());
const registryOnly = await time(() => metrics.registry.metrics());
const rows: { name: string; ms: number; bytes: number; series: number }[] = [];
for (const metric of metrics.registry.getMetricsAsArray()) {
  const name = metric.name;
  const { ms, bytes } = await time(() => metrics.registry.getSingleMetricAsString(name));
  const text = await metrics.registry.getSingleMetricAsString(name);
  rows.push({ name, ms, bytes, series: text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length });
}
rows.sort((a, b) => b.ms - a.ms);
const out = [
  `/metrics text for ${targets} targets: median ${whole.ms.toFixed(1)} ms over ${runs} runs, ${(whole.bytes / 1024).toFixed(0)} KiB`,
  `of which prom-client's registry: ${registryOnly.ms.toFixed(1)} ms, ${(registryOnly.bytes / 1024).toFixed(0)} KiB; the per-target families: the rest`,
  '',
  '| metric | ms | lines | KiB |', '|---|---|---|---|'];
for (const r of rows.slice(0, 15)) out.push(`| ${r.name} | ${r.ms.toFixed(2)} | ${r.series} | ${(r.bytes / 1024).toFixed(0)} |`);
const rest = rows.slice(15);
out.push(`| (${rest.length} others) | ${rest.reduce((s, r) => s + r.ms, 0).toFixed(2)} | ${rest.reduce((s, r) => s + r.series, 0)} | ${(rest.reduce((s, r) => s + r.bytes, 0) / 1024).toFixed(0)} |`);
process.stdout.write(`${out.join('\n')}\n`);
