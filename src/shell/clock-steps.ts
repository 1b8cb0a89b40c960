// Steps of the wall clock as the engine meets them (NTP fixing a wrong clock, a person setting it): how
// far it stepped between two decisions, and how old each latest observation really is, by a clock that
// never steps (monotonic). Reads only the clocks it is given.

/** A difference this large between wall-clock and monotonic time passed between two readings is a step. */
const STEP_MS = 2_000;

interface Dated {
  readonly name: string;
  readonly last: { readonly at: number } | null;
}

export class ClockSteps {
  /** When each latest observation arrived, on both clocks, by kind and name. */
  private readonly arrivals = {
    target: new Map<string, { at: number; mono: number }>(),
    volume: new Map<string, { at: number; mono: number }>(),
  };
  private previous: { readonly wall: number; readonly mono: number } | null = null;

  constructor(private readonly monotonic: () => number) {}

  arrived(kind: 'target' | 'volume', name: string, at: number): void {
    const arrivals = this.arrivals[kind];
    const arrival = arrivals.get(name);
    // Updated in place: one object per target for the life of the process, not one per probe.
    if (arrival === undefined) arrivals.set(name, { at, mono: this.monotonic() });
    else {
      arrival.at = at;
      arrival.mono = this.monotonic();
    }
  }

  /**
   * The states with each latest observation dated `now` minus the time that really passed since it
   * arrived, so that a step of the wall clock neither makes fresh results stale (forward) nor keeps old
   * ones fresh (backward: probes that stopped would go unnoticed until the clock caught up).
   */
  aged<S extends Dated>(kind: 'target' | 'volume', states: readonly S[], now: number): S[] {
    const mono = this.monotonic();
    return states.map((state) => {
      const arrival = this.arrivals[kind].get(state.name);
      if (state.last === null || arrival === undefined || arrival.at !== state.last.at) return state;
      const at = now - Math.max(0, mono - arrival.mono);
      // No step since it arrived: the state stands as it is (no copy, once a second per target).
      if (Math.abs(at - state.last.at) < STEP_MS) return state;
      return { ...state, last: { ...state.last, at } };
    });
  }

  /** How far the wall clock stepped since the previous call (positive: forward); 0 below two seconds. */
  step(now: number): number {
    const mono = this.monotonic();
    const previous = this.previous;
    this.previous = { wall: now, mono };
    if (previous === null) return 0;
    const stepMs = now - previous.wall - (mono - previous.mono);
    return Math.abs(stepMs) < STEP_MS ? 0 : stepMs;
  }
}
