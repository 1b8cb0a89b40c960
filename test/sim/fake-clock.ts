// A Clock on virtual time for the in-process test world: sleeps fire only when a test advances the
// clock, each at its own instant, and between firings the clock waits, in real time, for the work the
// service awaits through `within` (real I/O to real local servers). Real timers bound those waits.
import type { Clock } from '../../src/runtime/clock.js';

export interface FakeClockOptions {
  /** Wall-clock time at virtual time 0. Default: the real time now, so that what jaga does not read
   * through its clock (TLS validity, log stamps) agrees with what it does. */
  readonly startWallMs?: number;
  /** Seed of `random()`. */
  readonly seed?: number;
  /** Real milliseconds to wait for in-flight `within` work before the clock gives up and says what is stuck. */
  readonly settleDeadlineMs?: number;
}

export interface UntilOptions {
  /** Virtual milliseconds after which the wait fails. */
  readonly virtualMs: number;
  /** What is awaited, for the error. */
  readonly what: string;
  /** What was last seen, for the error. */
  readonly describe?: () => string;
  /** Check every `stepMs` of virtual time instead of at every instant something fires (cheaper over hours). */
  readonly stepMs?: number;
}

/** A Clock on this clock's time whose sleeps and work can all be dropped at once: one life of a process. */
export interface ClockLife extends Clock {
  /** The process died: its sleeps never end, its work is no longer waited for, later sleeps never end. */
  end(): void;
}

interface Sleeper {
  readonly due: number;
  readonly seq: number;
  readonly life: object;
  readonly origin: string;
  readonly wake: () => void;
}

interface Work {
  readonly life: object;
  readonly origin: string;
  readonly startedAt: number;
}

/** setImmediate turns without new sleeps or work after which nothing more is coming from the last firing. */
const QUIET_TURNS = 3;
/** Firings at one instant beyond which a loop is spinning on `sleep(0)` and virtual time never moves. */
const MAX_FIRINGS_AT_ONE_INSTANT = 10_000;

export class FakeClock implements Clock {
  private mono = 0;
  private wallOffset: number;
  private seq = 0;
  private rng: () => number;
  /** Bumped on every new sleep, abort, new or settled work and firing: how `settle` sees that things still happen. */
  private activity = 0;
  private readonly sleepers = new Set<Sleeper>();
  private readonly work = new Set<Work>();
  private readonly ended = new WeakSet<object>();
  private workSettled: (() => void)[] = [];
  private firingsHere = 0;
  private advancing = false;
  private readonly settleDeadlineMs: number;
  private readonly root = {};

  constructor(options: FakeClockOptions = {}) {
    this.wallOffset = options.startWallMs ?? Date.now();
    this.rng = mulberry32(options.seed ?? 1);
    this.settleDeadlineMs = options.settleDeadlineMs ?? 15_000;
  }

  now(): number {
    return this.wallOffset + this.mono;
  }

  monotonic(): number {
    return this.mono;
  }

  random(): number {
    return this.rng();
  }

  /** No virtual sleep holds the process (there is no real timer behind it), so `unref` changes nothing. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.sleepOf(this.root, ms, signal);
  }

  within<T, L>(work: Promise<T>, ms: number, onLate: () => L): Promise<T | L> {
    return this.withinOf(this.root, work, ms, onLate);
  }

  /** A Clock for one life of the service (see ClockLife): `end()` is how the world models a crash. */
  life(): ClockLife {
    const life = {};
    return {
      now: () => this.now(),
      monotonic: () => this.monotonic(),
      random: () => this.random(),
      sleep: (ms, signal) => this.sleepOf(life, ms, signal),
      within: (work, ms, onLate) => this.withinOf(life, work, ms, onLate),
      end: () => {
        this.ended.add(life);
        for (const sleeper of this.sleepers) if (sleeper.life === life) this.sleepers.delete(sleeper);
        for (const entry of this.work) if (entry.life === life) this.forget(entry);
      },
    };
  }

  /** The wall clock jumps by `ms` (negative: back); monotonic time does not move and no sleep fires. */
  stepWall(ms: number): void {
    this.wallOffset += ms;
  }

  /** Moves virtual time `ms` on, firing every sleep due by then at its own instant, in due order. */
  async advance(ms: number): Promise<void> {
    // Monotonic time never goes back, and an endless advance would never return.
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`FakeClock: advance(${ms}): give a finite, non-negative number of ms`);
    await this.exclusively(async () => {
      const target = this.mono + ms;
      await this.settle();
      while (await this.fireNext(target));
      this.mono = target;
    });
  }

  /**
   * Advances until `predicate` holds, checking it at every instant something fires (or every `stepMs`);
   * returns the virtual milliseconds that took. Fails after `virtualMs` naming `what`.
   */
  async until(predicate: () => boolean | Promise<boolean>, options: UntilOptions): Promise<number> {
    const start = this.mono;
    const end = start + options.virtualMs;
    for (;;) {
      if (await predicate()) return this.mono - start;
      if (this.mono >= end) {
        const last = options.describe ? `; last: ${options.describe()}` : '';
        throw new Error(`${options.what}: not within ${options.virtualMs} ms of virtual time${last}`);
      }
      if (options.stepMs !== undefined) await this.advance(Math.min(options.stepMs, end - this.mono));
      else await this.exclusively(() => this.toNextInstant(end));
    }
  }

  private sleepOf(life: object, ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    // A dead process's timers never fire.
    if (this.ended.has(life)) return new Promise(() => undefined);
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.sleepers.delete(sleeper);
        this.activity += 1;
        resolve();
      };
      const sleeper: Sleeper = {
        due: this.mono + (Number.isNaN(ms) ? 0 : Math.max(0, ms)),
        seq: this.seq++,
        life,
        origin: callerOf(),
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.add(sleeper);
      this.activity += 1;
    });
  }

  private async withinOf<T, L>(life: object, work: Promise<T>, ms: number, onLate: () => L): Promise<T | L> {
    if (!this.ended.has(life)) {
      const entry: Work = { life, origin: callerOf(), startedAt: performance.now() };
      this.work.add(entry);
      this.activity += 1;
      const done = (): void => this.forget(entry);
      work.then(done, done);
    }
    const stop = new AbortController();
    try {
      // onLate only when the deadline came first: the abort below also ends the sleep, and onLate may log or count.
      return await Promise.race([work, this.sleepOf(life, ms, stop.signal).then(() => (stop.signal.aborted ? (undefined as L) : onLate()))]);
    } finally {
      stop.abort();
    }
  }

  private forget(entry: Work): void {
    if (!this.work.delete(entry)) return;
    this.activity += 1;
    const waiting = this.workSettled;
    this.workSettled = [];
    for (const wake of waiting) wake();
  }

  private async exclusively(run: () => Promise<void>): Promise<void> {
    if (this.advancing) throw new Error('FakeClock: advance() while another advance() is running; await the first');
    this.advancing = true;
    this.firingsHere = 0;
    try {
      await run();
    } finally {
      this.advancing = false;
    }
  }

  /** Fires every sleep due at the next instant (up to `limit`), or moves to `limit` when none is due by then. */
  private async toNextInstant(limit: number): Promise<void> {
    await this.settle();
    const next = this.nextSleeper();
    if (next === undefined || next.due > limit) {
      this.mono = limit;
      return;
    }
    const instant = Math.max(this.mono, next.due);
    while (await this.fireNext(instant));
  }

  /** Fires the earliest sleep due by `limit` and lets what it starts settle; false when none is due. */
  private async fireNext(limit: number): Promise<boolean> {
    const next = this.nextSleeper();
    if (next === undefined || next.due > limit) return false;
    if (next.due > this.mono) {
      this.mono = next.due;
      this.firingsHere = 0;
    }
    this.firingsHere += 1;
    if (this.firingsHere > MAX_FIRINGS_AT_ONE_INSTANT) {
      throw new Error(`FakeClock: ${MAX_FIRINGS_AT_ONE_INSTANT} sleeps fired at virtual ${this.mono} ms without time moving; a loop spins on sleep(0) at ${next.origin}`);
    }
    this.sleepers.delete(next);
    this.activity += 1;
    next.wake();
    await this.settle();
    return true;
  }

  private nextSleeper(): Sleeper | undefined {
    let first: Sleeper | undefined;
    for (const s of this.sleepers) if (first === undefined || s.due < first.due || (s.due === first.due && s.seq < first.seq)) first = s;
    return first;
  }

  /**
   * Waits until in-flight work has settled and a few turns of the event loop pass without new sleeps or
   * work: what the last firing started has reached its next wait. Throws, naming what is stuck, after
   * the real deadline.
   */
  private async settle(): Promise<void> {
    const deadline = performance.now() + this.settleDeadlineMs;
    let quiet = 0;
    while (quiet < QUIET_TURNS) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(this.stuckMessage());
      const before = this.activity;
      if (this.work.size > 0) {
        await this.workOrDeadline(left);
        quiet = 0;
        continue;
      }
      await new Promise((resolve) => setImmediate(resolve));
      quiet = this.activity === before ? quiet + 1 : 0;
    }
  }

  private async workOrDeadline(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.workSettled.push(resolve);
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
  }

  private stuckMessage(): string {
    const now = performance.now();
    const work = [...this.work].map((w) => `  work awaited through within() for ${Math.round(now - w.startedAt)} ms, from ${w.origin}`);
    const what = work.length > 0 ? work.join('\n') : '  no work in flight: new sleeps or work kept coming without a quiet turn';
    return `FakeClock: virtual time cannot move on at ${this.mono} ms: still busy after ${this.settleDeadlineMs} ms of real time\n${what}`;
  }
}

/** A small seeded generator (mulberry32): the same seed gives the same draws. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The two nearest frames that called into the clock, for errors that must say what is stuck or spinning. */
function callerOf(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(1).map((line) => line.trim().replace(/^at /, ''));
  const outside = frames.filter((frame) => frame.includes('/') && !frame.includes('fake-clock.ts') && !frame.includes('node:internal'));
  return outside.slice(0, 2).join(' <- ') || 'unknown';
}
