// How long to wait before retrying a delivery that failed: one rule for the outbox, the webhook queue and
// the command action. Pure: the random draw is an argument.

export interface BackoffOptions {
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
}

/**
 * Delay before the next attempt after `attempts` earlier attempts failed: doubling from retryInitial,
 * capped at retryMax, then scaled by "equal jitter" (0.5..1) so many offices do not retry in step.
 */
export function retryDelayMs(attempts: number, options: BackoffOptions, random: number): number {
  const exponential = Math.min(options.retryMaxMs, options.retryInitialMs * 2 ** attempts);
  return Math.round(exponential * (0.5 + random / 2));
}
