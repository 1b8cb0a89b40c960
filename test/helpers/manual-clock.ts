// A Clock the test moves by hand, for code that only reads it (engine decisions, pipeline, sessions,
// limiters): now() and monotonic() are what the test made them, random() a fixed sequence spread over
// [0, 1) (ids made in one millisecond still differ), a sleep ends only when its signal aborts, within()
// is the work's own value. test/sim/fake-clock.ts is the clock on which sleeps fire. No I/O.
import type { Clock } from '../../src/runtime/clock.js';

export class ManualClock implements Clock {
  private wall: number;
  private mono: number;
  private draw = 0;

  constructor(startWallMs: number, startMonotonicMs = 0) {
    this.wall = startWallMs;
    this.mono = startMonotonicMs;
  }

  now(): number {
    return this.wall;
  }

  monotonic(): number {
    return this.mono;
  }

  /** Time really passes: both clocks move. */
  pass(ms: number): void {
    this.wall += ms;
    this.mono += ms;
  }

  /** The wall clock is set to `wallMs` (a step when it is not where time would have taken it); monotonic does not move. */
  setWall(wallMs: number): void {
    this.wall = wallMs;
  }

  /** The wall clock steps by `ms` (NTP, a person); monotonic does not move. */
  stepWall(ms: number): void {
    this.wall += ms;
  }

  sleep(_ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) resolve();
      else signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  within<T, L>(work: Promise<T>): Promise<T | L> {
    return work;
  }

  random(): number {
    // The golden ratio's fractional part: each draw lands in the largest gap the earlier ones left.
    this.draw = (this.draw + 0.618_033_988_749_895) % 1;
    return this.draw;
  }
}

/** A ManualClock whose two readings start at the same value. */
export function manualClock(start = 1_000_000): ManualClock {
  return new ManualClock(start, start);
}
