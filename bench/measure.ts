// Measures a probing subject the same way whatever it is: CPU time (utime+stime) and probes done
// over windows that start and end between rounds, after a warm-up round; peak RSS at the end.
// Timers and /proc reads; the statistics below it are pure.
import { jitterFor } from './rounds.js';
import { cpuMs, statusMiB } from './proc.js';
import type { ProbeLoad, Subject } from './subjects/subject.js';

export interface WindowPlan {
  /** Approximate length of one window; rounded to whole intervals. */
  readonly windowMs: number;
  readonly rounds: number;
  /** At least this long between ready and the warm-up round. */
  readonly minWarmupMs: number;
}

export interface WindowSample {
  /** Measured wall time; the window holds exactly `expected / N` rounds, which take `nominalMs`. */
  readonly wallMs: number;
  readonly nominalMs: number;
  readonly cpuMs: number;
  readonly probes: number;
  readonly failed: number;
  readonly expected: number;
}

export interface RateFigures {
  /** Medians over the windows. */
  readonly cpuMsPerProbe: number;
  /** CPU time over the time its rounds take (the window's whole intervals). */
  readonly coreFraction: number;
  readonly probesPerSecond: number;
  /** VmHWM at the end of the run: the peak resident set over the whole life of the process. */
  readonly peakRssMiB: number;
  /** VmRSS at the end of the run, and its anonymous (heap, stacks) and file-backed (code) parts. */
  readonly rssAtEndMiB: number;
  readonly rssAnonAtEndMiB: number;
  readonly rssFileAtEndMiB: number;
  readonly windows: readonly WindowSample[];
}

/** Where quiet falls between rounds: after the jitter spread, halfway to the next round. */
export function quietOffsetMs(load: ProbeLoad): number {
  return (jitterFor(load.intervalMs, load.timeoutMs) + load.intervalMs) / 2;
}

export async function measureWindows(subject: Subject, load: ProbeLoad, plan: WindowPlan): Promise<RateFigures> {
  const intervals = Math.max(1, Math.round(plan.windowMs / load.intervalMs));
  const windowMs = intervals * load.intervalMs;
  // The next round at least minWarmupMs away is the warm-up; windows begin in the quiet after it.
  const warmupRound = Math.ceil((Date.now() + plan.minWarmupMs) / load.intervalMs) * load.intervalMs;
  const firstStart = warmupRound + quietOffsetMs(load);
  const windows: WindowSample[] = [];
  await sleepUntil(firstStart);
  let before = await subject.count();
  let cpuBefore = cpuMs(subject.pid);
  let wallBefore = performance.now();
  for (let r = 0; r < plan.rounds; r += 1) {
    await sleepUntil(firstStart + (r + 1) * windowMs);
    const cpuAfter = cpuMs(subject.pid);
    const wallAfter = performance.now();
    const after = await subject.count();
    windows.push({
      wallMs: wallAfter - wallBefore,
      nominalMs: windowMs,
      cpuMs: cpuAfter - cpuBefore,
      probes: after.done - before.done,
      failed: after.failed - before.failed,
      expected: load.targets.length * intervals,
    });
    before = after;
    cpuBefore = cpuMs(subject.pid);
    wallBefore = performance.now();
  }
  return figuresOf(windows, {
    peakRssMiB: statusMiB(subject.pid, 'VmHWM'),
    rssAtEndMiB: statusMiB(subject.pid, 'VmRSS'),
    rssAnonAtEndMiB: statusMiB(subject.pid, 'RssAnon'),
    rssFileAtEndMiB: statusMiB(subject.pid, 'RssFile'),
  });
}

type Memory = Pick<RateFigures, 'peakRssMiB' | 'rssAtEndMiB' | 'rssAnonAtEndMiB' | 'rssFileAtEndMiB'>;

export function figuresOf(windows: readonly WindowSample[], memory: Memory): RateFigures {
  return {
    ...memory,
    cpuMsPerProbe: median(windows.map((w) => (w.probes > 0 ? w.cpuMs / w.probes : Number.NaN))),
    coreFraction: median(windows.map((w) => w.cpuMs / w.nominalMs)),
    probesPerSecond: median(windows.map((w) => (w.probes * 1000) / w.nominalMs)),
    windows,
  };
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Nearest-rank quantile (q in 0..1) of the finite values; NaN when there are none. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  if (q === 0.5 && sorted.length % 2 === 0) {
    return ((sorted[sorted.length / 2 - 1] as number) + (sorted[sorted.length / 2] as number)) / 2;
  }
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

export function sleepUntil(at: number): Promise<void> {
  return sleep(at - Date.now());
}
