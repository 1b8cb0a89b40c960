// The start-delay bound's table: half the slack between a probe's timeout and its next run, at most a
// second, none without slack.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { probeJitterMs } from '../../src/shell/policy.js';

test('probeJitterMs: half the slack, at most 1 s, never negative', () => {
  const rows: [expression: string, timeoutMs: number, expected: number][] = [
    ['* * * * * *', 500, 250],
    ['* * * * * *', 1_000, 0],
    ['* * * * * *', 3_000, 0],
    ['*/15 * * * * *', 5_000, 1_000],
    ['*/5 * * * * *', 4_000, 500],
  ];
  for (const [expression, timeout, expected] of rows) assert.equal(probeJitterMs(expression, timeout), expected, `${expression} ${timeout}`);
});
