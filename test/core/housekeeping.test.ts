// The prune cadence's table: a tenth of the shortest retention within [1 s, 1 h], and when a chore is due.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isChoreDue, pruneEveryMs } from '../../src/core/housekeeping.js';

const S = 1_000;
const H = 3_600 * S;
const D = 24 * H;

test('pruneEveryMs: a tenth of the shortest retention, hourly at most, every second at least', () => {
  const rows: [retentionsMs: number[], expected: number][] = [
    [[35 * D, 400 * D], H],
    [[5 * H], 30 * 60 * S],
    [[5 * H, 2 * H], 12 * 60 * S],
    [[5 * S], S],
    [[24 * H], H],
  ];
  for (const [retentions, expected] of rows) assert.equal(pruneEveryMs(...retentions), expected, retentions.join(','));
});

test('isChoreDue: once its interval has passed, or when the wall clock stepped back past its last run', () => {
  const rows: [now: number, lastAt: number, everyMs: number, expected: boolean][] = [
    [10 * S, 0, 10 * S, true],
    [10 * S - 1, 0, 10 * S, false],
    [100 * S, 95 * S, 10 * S, false],
    [94 * S, 95 * S, 10 * S, true],
    [0, Number.NEGATIVE_INFINITY, H, true],
  ];
  for (const [now, lastAt, every, expected] of rows) assert.equal(isChoreDue(now, lastAt, every), expected, `${now} ${lastAt} ${every}`);
});
