// What the floor and the exporter's driver share with jaga's scheduler: rounds of N probes at a fixed
// interval aligned to the wall clock (as node-cron's "*/S" is), the first at start, each probe after
// a random delay below the jitter; and a one-line JSON request/answer protocol on stdin/stdout.
// Self-contained (no imports from the repository) so that floor.ts can run as plain JavaScript.
import { createInterface } from 'node:readline';

export interface RoundPlan {
  readonly intervalMs: number;
  /** Upper bound of each probe's random start delay within a round (jaga: scheduler jitterMs). */
  readonly jitterMs: number;
  readonly count: number;
}

/** jaga's own rule (main.ts): half the slack between timeout and interval, at most a second. */
export function jitterFor(intervalMs: number, timeoutMs: number): number {
  return Math.max(0, Math.min(1_000, (intervalMs - timeoutMs) / 2));
}

/**
 * Calls `fire(i)` for every i below `plan.count` once per round: the first round at start, then at
 * every wall-clock multiple of the interval, each after a random delay below the jitter (as jaga's
 * scheduler does). Returns a function that stops it.
 */
export function runRounds(plan: RoundPlan, fire: (index: number) => void): () => void {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  let next: NodeJS.Timeout | undefined;
  // The next round's wall-clock time, advanced by whole intervals: a timer that fires a little early
  // (Date.now() and the timers' clock differ) must not make the same round twice.
  let nextAt = Math.floor(Date.now() / plan.intervalMs) * plan.intervalMs + plan.intervalMs;
  const scheduleNext = () => {
    next = setTimeout(round, Math.max(0, nextAt - Date.now()));
  };
  const spread = () => {
    for (let i = 0; i < plan.count; i += 1) {
      const delay = Math.floor(Math.random() * plan.jitterMs);
      if (delay <= 0) {
        fire(i);
        continue;
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        fire(i);
      }, delay);
      timers.add(timer);
    }
  };
  const round = () => {
    if (stopped) return;
    spread();
    nextAt += plan.intervalMs;
    // Late by more than an interval (a stalled process): skip the missed rounds, as cron does.
    while (nextAt <= Date.now()) nextAt += plan.intervalMs;
    scheduleNext();
  };
  spread();
  scheduleNext();
  return () => {
    stopped = true;
    clearTimeout(next);
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  };
}

/** Answers JSON lines on stdin (`{"op": ..., "id": ...}`) with one JSON line on stdout carrying the id. */
export function answerRequests(handlers: Readonly<Record<string, () => Record<string, unknown>>>): void {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    let request: { op?: unknown; id?: unknown };
    try {
      request = JSON.parse(line) as { op?: unknown; id?: unknown };
    } catch {
      return;
    }
    const handler = typeof request.op === 'string' ? handlers[request.op] : undefined;
    const answer = handler ? handler() : { error: `unknown op ${String(request.op)}` };
    process.stdout.write(`${JSON.stringify({ id: request.id, ...answer })}\n`);
  });
  // The benchmark that started us is gone: stop by ourselves.
  lines.on('close', () => process.exit(0));
  // A clean exit (not death by signal), so that `node --cpu-prof` writes its profile.
  process.once('SIGTERM', () => process.exit(0));
}

/** Parses `--key value` pairs. */
export function parseArgs(argv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    const value = argv[i + 1];
    if (key === undefined || !key.startsWith('--') || value === undefined) throw new Error(`bad arguments: ${argv.join(' ')}`);
    out[key.slice(2)] = value;
  }
  return out;
}
