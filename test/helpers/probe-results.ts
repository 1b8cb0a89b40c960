// Shared assertions and contexts for target prober tests. Pure.
import assert from 'node:assert/strict';
import type { ProbeResult, TargetFailure } from '../../src/core/types.js';
import type { ProbeContext } from '../../src/probes/probe.js';

export function probeContext(timeoutMs = 2000, signal: AbortSignal = new AbortController().signal): ProbeContext {
  return { timeoutMs, signal };
}

/** Fails with the result's detail in the message, so a wrong class says what actually happened. */
export function assertFailure(result: ProbeResult, failure: TargetFailure, detail?: RegExp): void {
  assert.equal(result.ok, false, `expected ${failure}, got ok (${result.detail})`);
  if (result.ok) return;
  assert.equal(result.failure, failure, `detail: ${result.detail}`);
  if (detail) assert.match(result.detail, detail);
}
