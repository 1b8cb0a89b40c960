// What the central fault tests read from a running jaga, a real process or the in-process world
// (status, metrics, history), and how they count a loss sequence (drops, flips, failure runs).
// Loopback HTTP reads; the counting is pure.
import type { ConnectionRecord } from '../helpers/fault-proxy.js';
import type { GateAnswer } from '../helpers/jaga-process.js';

/** A running jaga to read from: JagaProcess or the test world (test/sim/world.ts). */
export interface Jaga {
  fetch(path: string): Promise<Response>;
  adminFetch(path: string): Promise<Response>;
}

export interface TargetView {
  name: string;
  status: 'unknown' | 'up' | 'down';
  consecutive_failures: number;
  last_probe: { ok: boolean; failure: string | null; duration_ms: number; detail?: string } | null;
}

export interface StatusView {
  gate: GateAnswer;
  targets: TargetView[];
  outbox: { pending: number } | null;
}

export async function readStatus(jaga: Jaga): Promise<StatusView> {
  const response = await jaga.adminFetch('/api/v1/status');
  if (response.status !== 200) throw new Error(`status answered ${response.status}`);
  return (await response.json()) as StatusView;
}

export function targetOf(status: StatusView, name: string): TargetView {
  const target = status.targets.find((t) => t.name === name);
  if (!target) throw new Error(`no target ${name} in status`);
  return target;
}

export async function readMetrics(jaga: Jaga): Promise<string> {
  const response = await jaga.fetch('/metrics');
  if (response.status !== 200) throw new Error(`metrics answered ${response.status}`);
  return response.text();
}

/** The value of one series (labels matched exactly, in any order); NaN when it is not there. */
export function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '').split(/,(?=[a-z_]+=")/).filter(Boolean).sort().join(',');
    if (have === wanted) return Number(match[3]);
  }
  return Number.NaN;
}

export interface StateChange {
  at: number;
  from: 'allowed' | 'halted';
  to: 'allowed' | 'halted';
}

/** Changes of the gate's state (allowed <-> halted) at or after `sinceMs`, oldest first. */
export async function stateChanges(jaga: Jaga, sinceMs: number): Promise<StateChange[]> {
  const response = await jaga.fetch(`/api/v1/history?limit=1000&since=${new Date(sinceMs).toISOString()}`);
  const { items } = (await response.json()) as { items: { at: string; from: string | null; to: string }[] };
  return items
    .filter((i) => i.from !== null && i.from !== i.to)
    .map((i) => ({ at: Date.parse(i.at), from: i.from as StateChange['from'], to: i.to as StateChange['to'] }))
    .reverse();
}

export interface LossSequence {
  /** Connections that went through the loss mode: one per probe. */
  readonly probes: number;
  readonly drops: number;
  /** Changes between a dropped and a passed connection: what a naive monitor would alert on. */
  readonly flips: number;
  /** Runs of at least `failureThreshold` drops in a row: the only things that can take a target down. */
  readonly longRuns: number;
}

export function countLoss(log: readonly ConnectionRecord[], failureThreshold: number): LossSequence {
  const fates = log.filter((r) => r.mode === 'loss').map((r) => r.dropped);
  let flips = 0;
  let longRuns = 0;
  let run = 0;
  fates.forEach((dropped, i) => {
    if (i > 0 && dropped !== fates[i - 1]) flips += 1;
    run = dropped ? run + 1 : 0;
    if (run === failureThreshold) longRuns += 1;
  });
  return { probes: fates.length, drops: fates.filter(Boolean).length, flips, longRuns };
}

/** Polls `read` every `everyMs` until `done` holds on its value; throws after `deadlineMs` with the last value. */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  deadlineMs: number,
  what: string,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}; last: ${JSON.stringify(last ?? String(lastError)).slice(0, 3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
