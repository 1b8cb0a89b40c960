// One writer's run of SQLite write failures: counted in the metric every time, logged in full once, then
// one line a minute while it lasts (a full disk fails every write, every second, and the log may live
// on that very disk), and once more when writes work again. I/O: logs.
import type { Logger } from 'pino';

/** While writes keep failing, a reminder at most this often. */
const REMIND_EVERY_MS = 60_000;

export interface WriteFailuresDeps {
  readonly logger: Logger;
  /** Every failure, e.g. jaga_store_errors_total. */
  readonly onFailure: () => void;
}

export class WriteFailures {
  private failingSince: number | null = null;
  private failures = 0;
  private remindedAt = 0;

  /** `what` completes "cannot write ...", e.g. "the state database". */
  constructor(
    private readonly what: string,
    private readonly deps: WriteFailuresDeps,
  ) {}

  /** Since when writes fail (null while they work). */
  get since(): number | null {
    return this.failingSince;
  }

  failed(error: unknown, now: number, context: Readonly<Record<string, unknown>> = {}): void {
    this.deps.onFailure();
    this.failures += 1;
    if (this.failingSince === null) {
      this.failingSince = now;
      this.remindedAt = now;
      this.deps.logger.error({ err: error, ...context }, `cannot write ${this.what}`);
      return;
    }
    // `now < remindedAt`: the clock stepped back; remind rather than stay quiet until it catches up.
    if (now - this.remindedAt >= REMIND_EVERY_MS || now < this.remindedAt) {
      this.remindedAt = now;
      const message = error instanceof Error ? error.message : String(error);
      this.deps.logger.error(
        { error: message, failures: this.failures, failingSince: new Date(this.failingSince).toISOString(), ...context },
        `still cannot write ${this.what}`,
      );
    }
  }

  succeeded(now: number): void {
    if (this.failingSince === null) return;
    this.deps.logger.warn({ failures: this.failures, failedForMs: Math.max(0, now - this.failingSince) }, `writing ${this.what} works again`);
    this.failingSince = null;
    this.failures = 0;
  }
}
