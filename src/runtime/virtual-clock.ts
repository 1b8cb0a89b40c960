// A Clock on virtual time for work that replays the past (`jaga backtest`): time moves only when the
// owner moves it, never by itself, and nothing here touches a real timer. No I/O.
import type { Clock } from './clock.js';

interface Sleeper {
  readonly due: number;
  readonly seq: number;
  readonly wake: () => void;
}

export class VirtualClock implements Clock {
  private wall: number;
  private readonly origin: number;
  private seq = 0;
  private state: number;
  private sleepers: Sleeper[] = [];

  /** `startMs`: wall-clock time (epoch ms) at the start; `seed`: of `random()`, so a replay draws the same ids. */
  constructor(startMs: number, seed = 1) {
    this.wall = startMs;
    this.origin = startMs;
    this.state = seed >>> 0;
  }

  now(): number {
    return this.wall;
  }

  /** Virtual time never steps: monotonic time is the wall clock's distance from the start. */
  monotonic(): number {
    return this.wall - this.origin;
  }

  /** Resolves once `advanceTo` reaches `now() + ms`, or when `signal` aborts. No real timer: `unref` changes nothing. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper: Sleeper = {
        due: this.wall + (Number.isNaN(ms) ? 0 : Math.max(0, ms)),
        seq: this.seq++,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  within<T, L>(work: Promise<T>, ms: number, onLate: () => L): Promise<T | L> {
    const settled = new AbortController();
    const late = this.sleep(ms, settled.signal).then(() => (settled.signal.aborted ? (undefined as L) : onLate()));
    return Promise.race([work, late]).finally(() => settled.abort());
  }

  /** mulberry32: small, seeded, the same draws on every run. */
  random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /**
   * Moves time on to `at` (an earlier `at` is refused: virtual time does not go back) and wakes every
   * sleep due by then, in due order. Synchronous: what a woken sleep continues with runs when the
   * caller next yields to the event loop, and reads the time then.
   */
  advanceTo(at: number): void {
    if (!Number.isFinite(at) || at < this.wall) throw new Error(`VirtualClock: advanceTo(${at}) is before now (${this.wall})`);
    this.wall = at;
    const due = this.sleepers.filter((s) => s.due <= at).sort((a, b) => a.due - b.due || a.seq - b.seq);
    if (due.length === 0) return;
    this.sleepers = this.sleepers.filter((s) => s.due > at);
    for (const sleeper of due) sleeper.wake();
  }
}
