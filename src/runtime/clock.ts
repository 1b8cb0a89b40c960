// The one Clock: every reading of time, every wait and every random draw outside the pure core goes
// through it. The composition root passes `systemClock`; tests pass a fake clock on virtual time
// (test/sim/fake-clock.ts), so that hours of jaga's life pass in milliseconds. Timers only.

export interface Clock {
  /** Wall-clock time in epoch milliseconds: what is stored and shown. It may step (NTP, a person). */
  now(): number;
  /** Milliseconds from an arbitrary origin that never steps: how much time really passed. */
  monotonic(): number;
  /**
   * Resolves after `ms`, or as soon as `signal` aborts (never rejects). A sleep keeps the process
   * alive unless `unref` is set (a background chore must not hold a stopping process).
   */
  sleep(ms: number, signal?: AbortSignal, options?: { readonly unref?: boolean }): Promise<void>;
  /** `work`'s value if it settles within `ms`, else `onLate()`'s; `work` keeps running either way. */
  within<T, L>(work: Promise<T>, ms: number, onLate: () => L): Promise<T | L>;
  /** A number in [0, 1): jitter, backoff spread, identifiers. */
  random(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  sleep(ms, signal, options) {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      if (options?.unref) timer.unref();
      signal?.addEventListener('abort', done, { once: true });
    });
  },
  async within(work, ms, onLate) {
    const stop = new AbortController();
    try {
      return await Promise.race([work, systemClock.sleep(ms, stop.signal).then(() => onLate())]);
    } finally {
      stop.abort();
    }
  },
  random: () => Math.random(),
};
