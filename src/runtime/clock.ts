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
  /**
   * `work`'s value if it settles within `ms`, else `onLate()`'s; `work` keeps running either way.
   * `onLate` is called only when the deadline comes first.
   */
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
  within(work, ms, onLate) {
    // onLate runs only when the deadline comes first: it may log or count, so it must not run after
    // the work settled. One timer, cleared when the work settles first.
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        try {
          resolve(onLate());
        } catch (error) {
          reject(error);
        }
      }, Math.max(0, ms));
      work.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  },
  random: () => Math.random(),
};
