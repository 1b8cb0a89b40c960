// Faster detection: whether a target's result leaves its status undecided (probe it again soon), and
// after such a run whether to retry or leave it to the next scheduled slot. Pure: times are arguments.
import type { TargetState } from './types.js';

/**
 * True while the target's latest results are a run that has not yet decided its status: failures
 * not yet `failure_threshold` (the target is not down yet), or successes of a down target not yet
 * `recovery_threshold`. A failure of a down target, or a success of an up one, decides nothing new.
 */
export function isRunUndecided(state: Pick<TargetState, 'status' | 'consecutiveFailures' | 'consecutiveSuccesses'>): boolean {
  if (state.consecutiveFailures > 0) return state.status !== 'down';
  if (state.consecutiveSuccesses > 0) return state.status === 'down';
  return false;
}

/** The retry interval in force: `retry_interval`, or the schedule's interval where that is shorter. */
export function retryIntervalMs(retryMs: number, scheduleIntervalMs: number): number {
  return Math.min(retryMs, scheduleIntervalMs);
}

export type RetryStep =
  /** Run the job again after `waitMs`; the slots before then leave it out. */
  | { readonly action: 'retry'; readonly waitMs: number }
  /** The next slot starts the job no later than a retry would: no retry, and no second probe. */
  | { readonly action: 'slot' };

/**
 * At `now`, the end of a run that asks to run again `againAfterMs` later, when the job's next
 * scheduled start is `nextStartAt` (its slot plus its start delay).
 */
export function planRetry(now: number, againAfterMs: number, nextStartAt: number): RetryStep {
  const waitMs = Math.max(0, againAfterMs);
  return nextStartAt <= now + waitMs ? { action: 'slot' } : { action: 'retry', waitMs };
}
