// Waiting on a condition with a deadline, never sleeping and hoping. Timers only.

/** Polls `predicate` every 10 ms; rejects after `deadlineMs` with what was awaited. */
export async function waitFor(predicate: () => boolean, deadlineMs: number, what = 'condition'): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!predicate()) {
    if (Date.now() >= deadline) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
