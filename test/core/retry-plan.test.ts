// Faster detection's tables: which results leave a target's status undecided (probe again soon), the
// retry interval in force, and whether a retry or the next slot probes next.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRunUndecided, planRetry, retryIntervalMs, type RetryStep } from '../../src/core/retry-plan.js';
import { assessTarget, initialTargetState } from '../../src/core/assess.js';
import type { TargetStatus } from '../../src/core/types.js';

test('isRunUndecided: a run of failures until down, a run of successes of a down target until up', () => {
  // Counters as core/assess.ts leaves them after the latest result (thresholds 3 and 3).
  const rows: [name: string, status: TargetStatus, failures: number, successes: number, expected: boolean][] = [
    ['never probed', 'unknown', 0, 0, false],
    ['first result a failure: not yet down', 'unknown', 1, 0, true],
    ['second failure at start', 'unknown', 2, 0, true],
    ['failures reached the threshold: down, decided', 'down', 3, 0, false],
    ['first result a success: up at once', 'up', 0, 1, false],
    ['up and answering', 'up', 0, 12, false],
    ['up, first failure', 'up', 1, 0, true],
    ['up, second failure', 'up', 2, 0, true],
    ['down, still failing: nothing new to decide', 'down', 9, 0, false],
    ['down, first success', 'down', 0, 1, true],
    ['down, second success', 'down', 0, 2, true],
    ['recovery reached: up, decided', 'up', 0, 3, false],
    ['down, a failure ends the run of successes', 'down', 1, 0, false],
    ['up, a success ends the run of failures', 'up', 0, 1, false],
  ];
  for (const [name, status, consecutiveFailures, consecutiveSuccesses, expected] of rows) {
    assert.equal(isRunUndecided({ status, consecutiveFailures, consecutiveSuccesses }), expected, name);
  }
});

test('isRunUndecided over core/assess.ts: results that ask for a retry, sequence by sequence', () => {
  // '+' a success, '-' a failure; 'r' after a result that asks to probe again soon, '.' otherwise.
  const rows: [name: string, thresholds: [failure: number, recovery: number], results: string, expected: string][] = [
    ['start, then an outage, then recovery (3/3)', [3, 3], '+---+++', '.rr.rr.'],
    ['an outage from the first probe', [3, 3], '---', 'rr.'],
    ['a blip: one failure, then a success', [3, 3], '+-+', '.r.'],
    ['recovery broken by a failure: the run starts again', [3, 3], '+---++-++++', '.rr.rr.rr..'],
    ['thresholds of 1: every result decides at once', [1, 1], '+-+-', '....'],
    ['failure threshold 2, recovery 4', [2, 4], '+--++++', '.r.rrr.'],
  ];
  for (const [name, [failureThreshold, recoveryThreshold], results, expected] of rows) {
    let state = initialTargetState('pusat', 'http', 'central');
    let seen = '';
    [...results].forEach((r, i) => {
      const at = i * 1_000;
      const obs = r === '+' ? { ok: true as const, durationMs: 5, phases: {}, detail: '200', target: 'pusat', at } : { ok: false as const, failure: 'refused' as const, durationMs: 1, phases: {}, detail: 'refused', target: 'pusat', at };
      state = assessTarget(state, obs, { failureThreshold, recoveryThreshold });
      seen += isRunUndecided(state) ? 'r' : '.';
    });
    assert.equal(seen, expected, name);
  }
});

test('retryIntervalMs: retry_interval, or the schedule interval where that is shorter', () => {
  const rows: [retryMs: number, intervalMs: number, expected: number][] = [
    [2_000, 15_000, 2_000],
    [2_000, 1_000, 1_000],
    [2_000, 2_000, 2_000],
    [30_000, 15_000, 15_000],
  ];
  for (const [retryMs, intervalMs, expected] of rows) assert.equal(retryIntervalMs(retryMs, intervalMs), expected, `${retryMs} ${intervalMs}`);
});

test('planRetry: retry after the interval unless the next slot starts the job no later', () => {
  const S = 1_000;
  const rows: [name: string, now: number, againAfterMs: number, nextStartAt: number, expected: RetryStep][] = [
    ['slot far away (*/15 s, failure early in the interval)', 100 * S, 2 * S, 115 * S, { action: 'retry', waitMs: 2 * S }],
    ['slot just after the retry would be', 100 * S, 2 * S, 102 * S + 1, { action: 'retry', waitMs: 2 * S }],
    ['slot exactly when the retry would be: the slot', 100 * S, 2 * S, 102 * S, { action: 'slot' }],
    ['slot before the retry (1 s schedule): the slot', 100 * S, 2 * S, 100 * S + 400, { action: 'slot' }],
    ['slot start delayed past the retry by its jitter', 100 * S, 2 * S, 101 * S + 999 + 800, { action: 'retry', waitMs: 2 * S }],
    ['a negative wait is no wait', 100 * S, -5, 115 * S, { action: 'retry', waitMs: 0 }],
  ];
  for (const [name, now, after, next, expected] of rows) assert.deepEqual(planRetry(now, after, next), expected, name);
});
