// What a step of the wall clock (NTP fixing a wrong clock, a person setting it) means for jaga: how far
// it stepped, how old a result really is, and how every timer kept as a wall-clock instant moves with
// the step so that it keeps its real length. Pure: both clock readings are arguments.
import type { AlertMemory, GroupState } from './alerts/types.js';
import type { Gate } from './types.js';

/** A difference this large between wall-clock and monotonic time passed between two readings is a step. */
export const STEP_MS = 2_000;

/** Both clocks read at one moment: wall-clock epoch ms and a monotonic reading that never steps. */
export interface ClockReading {
  readonly wall: number;
  readonly mono: number;
}

/**
 * How far the wall clock stepped between two readings beyond the time that really passed (positive:
 * forward); 0 when there is nothing to compare with or the difference is below STEP_MS (drift, jitter).
 */
export function wallStepMs(previous: ClockReading | null, current: ClockReading): number {
  if (previous === null) return 0;
  const stepMs = current.wall - previous.wall - (current.mono - previous.mono);
  return Math.abs(stepMs) < STEP_MS ? 0 : stepMs;
}

/**
 * The wall-clock instant of something that arrived at monotonic `arrivedMono`, read at `now`: now minus
 * the time that really passed since, so that a step neither makes a fresh result stale (forward) nor
 * keeps an old one fresh (back).
 */
export function realAgeInstant(now: ClockReading, arrivedMono: number): number {
  return now.wall - Math.max(0, now.mono - arrivedMono);
}

/** THE rule: a timer kept as a wall-clock instant moves with the step, so it still lasts as long. */
export function shiftInstant(at: number, stepMs: number): number;
export function shiftInstant(at: number | null, stepMs: number): number | null;
export function shiftInstant(at: number | null, stepMs: number): number | null {
  return at === null ? null : at + stepMs;
}

/** The gate's resume_after countdown (clearSince) after a step; the gate's record stamps stay as they were. */
export function shiftGateTimers(gate: Gate, stepMs: number): Gate {
  if (stepMs === 0 || gate.clearSince === null) return gate;
  return { ...gate, clearSince: shiftInstant(gate.clearSince, stepMs) };
}

/**
 * Alert `for` clocks and group timers after a step: a step back must not turn a firing alert pending (and
 * "resolved"), a step forward must not fire what is pending or make every repeat due at once.
 */
export function shiftAlertTimers(
  memory: AlertMemory,
  groups: Readonly<Record<string, GroupState>>,
  stepMs: number,
): { readonly memory: AlertMemory; readonly groups: Readonly<Record<string, GroupState>> } {
  if (stepMs === 0) return { memory, groups };
  return {
    memory: Object.fromEntries(Object.entries(memory).map(([key, since]) => [key, shiftInstant(since, stepMs)])),
    groups: Object.fromEntries(
      Object.entries(groups).map(([id, group]) => [
        id,
        { ...group, waitingSince: shiftInstant(group.waitingSince, stepMs), lastSentAt: shiftInstant(group.lastSentAt, stepMs) },
      ]),
    ),
  };
}
