// The target job (shell/retries.ts): it probes with the scheduler's signal, hands the result and the
// probe's start time to the engine, and asks to run again after the retry interval exactly when the
// target's state after that result leaves its status undecided.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProbeResult, TargetState, TargetStatus } from '../../src/core/types.js';
import { targetJob } from '../../src/shell/retries.js';
import { FakeClock } from '../sim/fake-clock.js';

const W = Date.UTC(2026, 0, 5, 8);
const FAILED: ProbeResult = { ok: false, failure: 'refused', durationMs: 1, phases: {}, detail: 'refused' };

const stateOf = (status: TargetStatus, consecutiveFailures: number, consecutiveSuccesses: number): TargetState => ({
  name: 'pusat',
  kind: 'http',
  role: 'central',
  status,
  statusSince: W,
  consecutiveFailures,
  consecutiveSuccesses,
  last: null,
  lastSuccessAt: null,
  lastFailureAt: null,
});

test('targetJob: probe, observe, and run again after retryMs only while the run is undecided', async () => {
  const rows: [name: string, after: TargetState | undefined, expected: { againAfterMs: number } | undefined][] = [
    ['up, first failure', stateOf('up', 1, 0), { againAfterMs: 2_000 }],
    ['down after the third failure', stateOf('down', 3, 0), undefined],
    ['down, first success', stateOf('down', 0, 1), { againAfterMs: 2_000 }],
    ['up and answering', stateOf('up', 0, 5), undefined],
    ['an unknown target (the engine has no state for it)', undefined, undefined],
  ];
  for (const [name, after, expected] of rows) {
    const clock = new FakeClock({ startWallMs: W });
    const seen: { signal?: AbortSignal; at?: number; result?: ProbeResult } = {};
    const job = targetJob(
      {
        name: 'pusat',
        timeoutMs: 5_000,
        retryMs: 2_000,
        probe: async (signal) => {
          seen.signal = signal;
          // The probe takes a while: what is observed is when it started.
          clock.stepWall(700);
          return FAILED;
        },
        observe: (at, result) => {
          seen.at = at;
          seen.result = result;
          return after;
        },
      },
      clock,
    );
    assert.equal(job.key, 'pusat');
    assert.equal(job.timeoutMs, 5_000);
    const signal = new AbortController().signal;
    assert.deepEqual(await job.run(signal), expected, name);
    assert.equal(seen.signal, signal, 'the probe gets the scheduler signal');
    assert.equal(seen.at, W, 'the observation carries the probe start');
    assert.equal(seen.result, FAILED);
  }
});
