// What the scheduler does when it wakes while waiting for a group's next cron slot: run the round, plan
// again, or wait on. Pure: the time is an argument.

/** Wake at least this often, to notice a wall-clock step before a long wait ends. */
export const MAX_WAIT_MS = 1_000;

export type SlotStep =
  /** The slot is reached, however late: run the round once (missed slots are not replayed), then plan the next slot from now. */
  | { readonly action: 'run' }
  /** The slot is further away than when it was planned: the wall clock stepped back. Plan the next slot from now. */
  | { readonly action: 'replan' }
  | { readonly action: 'wait'; readonly waitMs: number };

/** The step at `now` for a group waiting for the slot `due`, which lay `plannedGapMs` ahead when it was planned. */
export function planSlot(now: number, due: number, plannedGapMs: number): SlotStep {
  if (now >= due) return { action: 'run' };
  if (due - now > plannedGapMs + MAX_WAIT_MS) return { action: 'replan' };
  return { action: 'wait', waitMs: Math.min(due - now, MAX_WAIT_MS) };
}
