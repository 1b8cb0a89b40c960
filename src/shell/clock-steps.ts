// Steps of the wall clock as the engine meets them: when each latest observation arrived on both clocks,
// how far the wall clock stepped between two decisions, and each result dated by how old it really is.
// The rules are core/clock-step.ts; this keeps the readings. Reads the Clock only.
import { realAgeInstant, STEP_MS, wallStepMs, type ClockReading } from '../core/clock-step.js';
import type { Clock } from '../runtime/clock.js';

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
  private previous: ClockReading | null = null;

  constructor(private readonly clock: Clock) {}

  arrived(kind: 'target' | 'volume', name: string, at: number): void {
    const arrivals = this.arrivals[kind];
    const arrival = arrivals.get(name);
    // Updated in place: one object per target for the life of the process, not one per probe.
    if (arrival === undefined) arrivals.set(name, { at, mono: this.clock.monotonic() });
    else {
      arrival.at = at;
      arrival.mono = this.clock.monotonic();
    }
  }

  /** The states with each latest observation dated `now` minus the time that really passed since it arrived. */
  aged<S extends Dated>(kind: 'target' | 'volume', states: readonly S[], now: number): S[] {
    const reading = { wall: now, mono: this.clock.monotonic() };
    return states.map((state) => {
      const arrival = this.arrivals[kind].get(state.name);
      if (state.last === null || arrival === undefined || arrival.at !== state.last.at) return state;
      const at = realAgeInstant(reading, arrival.mono);
      // No step since it arrived: the state stands as it is (no copy, once a second per target).
      if (Math.abs(at - state.last.at) < STEP_MS) return state;
      return { ...state, last: { ...state.last, at } };
    });
  }

  /** How far the wall clock stepped since the previous call at wall-clock `now` (positive: forward); 0 below STEP_MS. */
  step(now: number): number {
    const current = { wall: now, mono: this.clock.monotonic() };
    const stepMs = wallStepMs(this.previous, current);
    this.previous = current;
    return stepMs;
  }
}
