// Waiting on a condition with a deadline, never sleeping and hoping. Timers only.

export interface WaitOptions {
  /** What was last seen, added to the timeout error. */
  readonly describe?: () => string;
  /** Why waiting on is pointless (the process under test exited), or null: rejects at once with it. */
  readonly hopeless?: () => string | null;
  /** Added below the timeout error: the tail of a process's output, say. */
  readonly context?: () => string;
  readonly everyMs?: number;
}

/** Polls `predicate` (every 10 ms by default); rejects after `deadlineMs` with what was awaited. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  deadlineMs: number,
  what = 'condition',
  options: WaitOptions = {},
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  const context = () => (options.context ? `\n${options.context()}` : '');
  while (!(await predicate())) {
    const hopeless = options.hopeless?.();
    if (hopeless) throw new Error(`${hopeless} while waiting for ${what}${context()}`);
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}${options.describe ? `; last: ${options.describe()}` : ''}${context()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 10));
  }
}
