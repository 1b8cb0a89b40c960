// Reads a V8 .cpuprofile (node --cpu-prof, e.g. from `bench/run.ts --profile DIR`) and prints the
// top functions by self time and by inclusive time, per probe when told how many probes the profiled
// span held. Usage:
//   tsx bench/profile-summary.ts FILE.cpuprofile [--from S] [--to S | --last S] [--probes N] [--top 40] [--match a,b]
//     [--callers NAME [--depth 6]]
// --from/--to: seconds since the profile's start (skip start-up and shutdown). File I/O only.
import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface FunctionCost {
  readonly key: string;
  readonly selfMs: number;
  readonly totalMs: number;
}

export interface ProfileSummary {
  readonly spanMs: number;
  readonly sampledMs: number;
  readonly functions: readonly FunctionCost[];
  readonly byArea: readonly { readonly area: string; readonly selfMs: number }[];
}

/** "fn file:line" with the path shortened to the part that says where it lives. */
export function frameKey(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (frame.url === '') return name;
  return `${name} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const dist0 = path.indexOf('/dist/src/');
  if (dist0 >= 0) return path.slice(dist0 + 1);
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) return path.slice(nm + 'node_modules/'.length);
  const dist = path.indexOf('/dist/');
  if (dist >= 0) return path.slice(dist + 1);
  return path;
}

/** Where a frame's code lives: jaga's own file, a package, Node's core, or V8's pseudo-frames. */
export function areaOf(frame: CallFrame): string {
  const url = frame.url;
  if (url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (url.startsWith('node:')) return 'node core';
  const dist = url.indexOf('/dist/src/');
  if (dist >= 0) return `jaga ${url.slice(dist + '/dist/src/'.length)}`;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return `pkg ${rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  return url;
}

export function summarize(profile: Profile, fromMs = 0, toMs = Number.POSITIVE_INFINITY): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const areas = new Map<string, number>();
  let t = profile.startTime;
  let sampled = 0;
  let first = Number.NaN;
  let last = Number.NaN;
  for (let i = 0; i < profile.samples.length; i += 1) {
    t += profile.timeDeltas[i] ?? 0;
    const sinceStartMs = (t - profile.startTime) / 1000;
    if (sinceStartMs < fromMs || sinceStartMs > toMs) continue;
    // A sample stands for the time until the next one.
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const node = byId.get(profile.samples[i] as number);
    if (!node) continue;
    if (Number.isNaN(first)) first = sinceStartMs;
    last = sinceStartMs;
    if (node.callFrame.functionName === '(idle)') continue;
    sampled += dt;
    const key = frameKey(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + dt);
    const area = areaOf(node.callFrame);
    areas.set(area, (areas.get(area) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const k = frameKey((byId.get(id) as ProfileNode).callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + dt);
    }
  }
  const functions = [...total.keys()].map((key) => ({ key, selfMs: self.get(key) ?? 0, totalMs: total.get(key) ?? 0 }));
  return {
    spanMs: last - first,
    sampledMs: sampled,
    functions,
    byArea: [...areas.entries()].map(([area, selfMs]) => ({ area, selfMs })).sort((a, b) => b.selfMs - a.selfMs),
  };
}

/** The callers of every function whose key contains `name`: the frames above it, aggregated by time. */
export function callersOf(profile: Profile, name: string, depth: number, fromMs = 0, toMs = Number.POSITIVE_INFINITY): { stack: string; ms: number }[] {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const stacks = new Map<string, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i += 1) {
    t += profile.timeDeltas[i] ?? 0;
    const sinceStartMs = (t - profile.startTime) / 1000;
    if (sinceStartMs < fromMs || sinceStartMs > toMs) continue;
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const frames: string[] = [];
    for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) frames.push(frameKey((byId.get(id) as ProfileNode).callFrame));
    const at = frames.findIndex((f) => f.includes(name));
    if (at < 0) continue;
    const stack = frames.slice(at, at + depth + 1).join('  <-  ');
    stacks.set(stack, (stacks.get(stack) ?? 0) + dt);
  }
  return [...stacks.entries()].map(([stack, ms]) => ({ stack, ms })).sort((a, b) => b.ms - a.ms);
}

function main(argv: readonly string[]): void {
  const file = argv[0];
  if (!file) throw new Error('usage: profile-summary FILE.cpuprofile [--from S] [--to S] [--probes N] [--top N] [--match a,b]');
  const option = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const lengthMs = (profile.endTime - profile.startTime) / 1000;
  // --last S: the last S seconds before the process ended (shutdown itself takes milliseconds).
  const last = option('last');
  const fromMs = last !== undefined ? lengthMs - Number(last) * 1000 : Number(option('from') ?? '0') * 1000;
  const toMs = option('to') !== undefined ? Number(option('to')) * 1000 : Number.POSITIVE_INFINITY;
  const probes = option('probes') !== undefined ? Number(option('probes')) : undefined;
  const top = Number(option('top') ?? '40');
  const match = option('match')?.split(',') ?? [];
  const summary = summarize(profile, fromMs, toMs);
  const per = (ms: number) => (probes ? `${((ms * 1000) / probes).toFixed(1).padStart(7)} µs/probe` : '');
  const out: string[] = [];
  out.push(`span ${(summary.spanMs / 1000).toFixed(1)} s, CPU sampled ${summary.sampledMs.toFixed(0)} ms${probes ? ` = ${per(summary.sampledMs)} over ${probes} probes` : ''}`);
  out.push('', 'self time by area:');
  for (const a of summary.byArea.slice(0, 25)) out.push(`  ${a.selfMs.toFixed(0).padStart(7)} ms ${per(a.selfMs)}  ${a.area}`);
  out.push('', `top ${top} by self time:`);
  for (const f of [...summary.functions].sort((a, b) => b.selfMs - a.selfMs).slice(0, top)) {
    out.push(`  ${f.selfMs.toFixed(0).padStart(7)} ms ${per(f.selfMs)}  (incl ${f.totalMs.toFixed(0)} ms)  ${f.key}`);
  }
  out.push('', `top ${top} by inclusive time (jaga's own code and named matches):`);
  const inclusive = [...summary.functions]
    .filter((f) => f.key.includes('dist/src/') || match.some((m) => f.key.includes(m)))
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, top);
  for (const f of inclusive) out.push(`  ${f.totalMs.toFixed(0).padStart(7)} ms ${per(f.totalMs)}  (self ${f.selfMs.toFixed(0)} ms)  ${f.key}`);
  const callers = option('callers');
  if (callers !== undefined) {
    out.push('', `callers of ${callers}:`);
    for (const c of callersOf(profile, callers, Number(option('depth') ?? '6'), fromMs, toMs).slice(0, 12)) out.push(`  ${c.ms.toFixed(0).padStart(7)} ms ${per(c.ms)}  ${c.stack}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

if (process.argv[1]?.endsWith('profile-summary.ts')) main(process.argv.slice(2));
