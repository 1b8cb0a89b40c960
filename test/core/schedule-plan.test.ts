// planSlot's table: when a waiting group runs, plans again after a step back, or waits (and how long).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_WAIT_MS, planSlot, type SlotStep } from '../../src/core/schedule-plan.js';

const S = 1_000;

test('planSlot: run when reached (however late), plan again when the slot moved away, else wait at most a wake-up', () => {
  const rows: [name: string, now: number, due: number, plannedGapMs: number, expected: SlotStep][] = [
    ['exactly at the slot', 100 * S, 100 * S, 15 * S, { action: 'run' }],
    ['late by a moment', 100 * S + 3, 100 * S, 15 * S, { action: 'run' }],
    ['late by hours (a step forward): one run, no replay', 100 * S + 7_200 * S, 100 * S, 15 * S, { action: 'run' }],
    ['the first slot after start, further than a wake-up', 90 * S, 100 * S, 15 * S, { action: 'wait', waitMs: MAX_WAIT_MS }],
    ['less than a wake-up before the slot', 100 * S - 250, 100 * S, 15 * S, { action: 'wait', waitMs: 250 }],
    ['as planned after a wake-up of lateness', 84 * S, 100 * S, 15 * S, { action: 'wait', waitMs: MAX_WAIT_MS }],
    ['further than planned by more than a wake-up: the clock stepped back', 84 * S - 1, 100 * S, 15 * S, { action: 'replan' }],
    ['an hour back', 100 * S - 3_600 * S, 100 * S, 15 * S, { action: 'replan' }],
    ['nothing planned yet (start): any distance is waited for', 0, 100 * S, Number.POSITIVE_INFINITY, { action: 'wait', waitMs: MAX_WAIT_MS }],
  ];
  for (const [name, now, due, gap, expected] of rows) assert.deepEqual(planSlot(now, due, gap), expected, name);
});
