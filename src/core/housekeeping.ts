// When the periodic chores on jaga's own database are due: pruning rows past their retention. Pure.

/** A tenth of the shortest retention, so the file stays near its retention; hourly at most, every second at least. */
export function pruneEveryMs(...retentionsMs: readonly number[]): number {
  return Math.max(1_000, Math.min(3_600_000, ...retentionsMs.map((ms) => ms / 10)));
}

/** Whether a chore last done at `lastAt` is due: its interval has passed, or the wall clock stepped back past it. */
export function isChoreDue(now: number, lastAt: number, everyMs: number): boolean {
  return now - lastAt >= everyMs || now < lastAt;
}
