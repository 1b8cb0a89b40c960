// A sender loop's wait: it ends at its time, or early when new work arrives (kick) or the loop is
// stopping (interrupt). Used by the email outbox, the webhook queue and the command action's
// backoff. Timers only.
export class Wakeable {
  private kicked = false;
  private wake: (() => void) | null = null;

  /** New work: the current sleep ends now, and the next one does not start. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** Ends the current sleep without marking new work (the loop is stopping). */
  interrupt(): void {
    this.wake?.();
  }

  /** The loop is looking for work now: kicks before this moment are used up. */
  clear(): void {
    this.kicked = false;
  }

  /** Waits `ms`, or less when kicked or interrupted. */
  sleep(ms: number): Promise<void> {
    if (this.kicked) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
