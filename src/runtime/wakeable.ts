// A sender loop's wait: it ends at its time, or early when new work arrives (kick) or the loop is
// stopping (interrupt). Used by the outbox sender and the command action's backoff. Waits on the Clock.
import type { Clock } from './clock.js';

export class Wakeable {
  private kicked = false;
  private wake: AbortController | null = null;

  constructor(private readonly clock: Clock) {}

  /** New work: the current sleep ends now, and the next one does not start. */
  kick(): void {
    this.kicked = true;
    this.wake?.abort();
  }

  /** Ends the current sleep without marking new work (the loop is stopping). */
  interrupt(): void {
    this.wake?.abort();
  }

  /** The loop is looking for work now: kicks before this moment are used up. */
  clear(): void {
    this.kicked = false;
  }

  /** Waits `ms`, or less when kicked or interrupted. */
  async sleep(ms: number): Promise<void> {
    if (this.kicked) return;
    const wake = new AbortController();
    this.wake = wake;
    await this.clock.sleep(ms, wake.signal);
    if (this.wake === wake) this.wake = null;
  }
}
