// A Clock on a FakeClock's time for work that itself waits on virtual time (a simulated probe that
// takes its 5 s timeout as 5 s of virtual time). The FakeClock's own `within` holds virtual time still
// until the work settles, as real I/O needs; here the work only settles when virtual time moves, so
// `within` is a plain race against a virtual deadline. Timers on virtual time only.
import type { Clock } from '../../src/runtime/clock.js';
import type { FakeClock } from './fake-clock.js';

export function virtualWorkClock(clock: FakeClock): Clock {
  return {
    now: () => clock.now(),
    monotonic: () => clock.monotonic(),
    random: () => clock.random(),
    sleep: (ms, signal) => clock.sleep(ms, signal),
    within<T, L>(work: Promise<T>, ms: number, onLate: () => L): Promise<T | L> {
      const settled = new AbortController();
      // A sleep ended by the abort below means the work came first: the race has its answer already.
      const deadline = clock.sleep(ms, settled.signal).then<T | L>(() => (settled.signal.aborted ? work : onLate()));
      return Promise.race([work, deadline]).finally(() => settled.abort());
    },
  };
}
