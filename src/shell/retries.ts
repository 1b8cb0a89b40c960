// A target's probe job: probe, hand the result to the engine, and, while the target's latest results
// are a run that has not yet decided its status (failing but not yet down, or a down target answering
// but not yet up), ask the scheduler to probe it again after the retry interval rather than at the next
// slot. The deciding is core/retry-plan.ts; the I/O is the probe it is given.
import { isRunUndecided } from '../core/retry-plan.js';
import type { ProbeResult, TargetState } from '../core/types.js';
import type { Clock } from '../runtime/clock.js';
import type { Job } from './scheduler.js';

export interface TargetJobSpec {
  readonly name: string;
  /** The probe's own bound. */
  readonly timeoutMs: number;
  /** The retry interval in force (policy.ts targetRetryMs). */
  readonly retryMs: number;
  readonly probe: (signal: AbortSignal) => Promise<ProbeResult>;
  /** Hands the result of the probe started at `at` to the engine; returns the target's state after it. */
  readonly observe: (at: number, result: ProbeResult) => TargetState | undefined;
}

export function targetJob(spec: TargetJobSpec, clock: Clock): Job {
  return {
    key: spec.name,
    timeoutMs: spec.timeoutMs,
    run: async (signal) => {
      const at = clock.now();
      const result = await spec.probe(signal);
      const state = spec.observe(at, result);
      return state !== undefined && isRunUndecided(state) ? { againAfterMs: spec.retryMs } : undefined;
    },
  };
}
