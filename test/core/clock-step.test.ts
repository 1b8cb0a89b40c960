// The clock-step rules' tables: what counts as a step, how old a result really is, and how each timer
// kept as a wall-clock instant (the gate's clearSince, alert `for` clocks, group timers) moves with it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { realAgeInstant, shiftAlertTimers, shiftGateTimers, shiftInstant, wallStepMs, type ClockReading } from '../../src/core/clock-step.js';
import type { GroupState } from '../../src/core/alerts/types.js';
import type { Gate } from '../../src/core/types.js';

const T = 1_800_000_000_000;
const S = 1_000;
const H = 3_600 * S;

test('wallStepMs: the wall clock moving apart from the monotonic one, 2 s or more', () => {
  const rows: [name: string, previous: ClockReading | null, current: ClockReading, expected: number][] = [
    ['nothing to compare with', null, { wall: T, mono: 0 }, 0],
    ['both moved alike', { wall: T, mono: 0 }, { wall: T + S, mono: S }, 0],
    ['drift under 2 s', { wall: T, mono: 0 }, { wall: T + 2_999, mono: S }, 0],
    ['exactly 2 s ahead', { wall: T, mono: 0 }, { wall: T + 3 * S, mono: S }, 2 * S],
    ['two hours ahead', { wall: T, mono: 0 }, { wall: T + 2 * H + S, mono: S }, 2 * H],
    ['five minutes back', { wall: T, mono: 0 }, { wall: T - 300 * S + S, mono: S }, -300 * S],
    ['back under 2 s', { wall: T, mono: 0 }, { wall: T - 999, mono: S }, 0],
    ['a paused process: both moved a minute', { wall: T, mono: 0 }, { wall: T + 60 * S, mono: 60 * S }, 0],
  ];
  for (const [name, previous, current, expected] of rows) assert.equal(wallStepMs(previous, current), expected, name);
});

test('realAgeInstant: now minus the time that really passed since the arrival', () => {
  const rows: [name: string, now: ClockReading, arrivedMono: number, expected: number][] = [
    ['no step', { wall: T + 5 * S, mono: 5 * S }, 0, T],
    ['after a step forward', { wall: T + 2 * H, mono: 5 * S }, 0, T + 2 * H - 5 * S],
    ['after a step back', { wall: T - H, mono: 5 * S }, 0, T - H - 5 * S],
    ['arrived just now', { wall: T, mono: 5 * S }, 5 * S, T],
    ['an arrival stamped after the reading is not in the future', { wall: T, mono: 5 * S }, 6 * S, T],
  ];
  for (const [name, now, arrived, expected] of rows) assert.equal(realAgeInstant(now, arrived), expected, name);
});

test('shiftInstant: a timer moves with the step; no timer stays none', () => {
  const rows: [at: number | null, stepMs: number, expected: number | null][] = [
    [T, 2 * H, T + 2 * H],
    [T, -5 * 60 * S, T - 5 * 60 * S],
    [T, 0, T],
    [null, 2 * H, null],
  ];
  for (const [at, step, expected] of rows) assert.equal(shiftInstant(at, step), expected, `${at} ${step}`);
});

const gate = (clearSince: number | null): Gate => ({
  state: 'halted',
  mode: 'normal',
  buffering: null,
  forecast: null,
  since: T - H,
  reasons: [],
  overridden: [],
  clearSince,
  decidedAt: T,
  validUntil: T + 45 * S,
  override: null,
});

test('shiftGateTimers: the resume_after countdown moves, the record stamps do not', () => {
  const rows: [name: string, before: Gate, stepMs: number, expected: Gate][] = [
    ['counting down, a step forward', gate(T - 30 * S), H, gate(T - 30 * S + H)],
    ['counting down, a step back', gate(T - 30 * S), -H, gate(T - 30 * S - H)],
    ['no countdown', gate(null), H, gate(null)],
  ];
  for (const [name, before, step, expected] of rows) assert.deepEqual(shiftGateTimers(before, step), expected, name);
  const unchanged = gate(T);
  assert.equal(shiftGateTimers(unchanged, 0), unchanged, 'no step: the same gate, not a copy');
});

const group = (waitingSince: number | null, lastSentAt: number | null): GroupState => ({ recipient: 'kabid', notified: {}, waitingSince, lastSentAt, sequence: 3 });

test('shiftAlertTimers: `for` clocks and group timers move alike; what is unset stays unset', () => {
  const rows: [name: string, stepMs: number, expectedMemory: Record<string, number>, expectedGroups: Record<string, GroupState>][] = [
    ['forward', 2 * H, { a: T - 60 * S + 2 * H, b: T + 2 * H }, { kabid: group(T - 10 * S + 2 * H, null), ops: group(null, T - H + 2 * H) }],
    ['back', -5 * 60 * S, { a: T - 60 * S - 5 * 60 * S, b: T - 5 * 60 * S }, { kabid: group(T - 10 * S - 5 * 60 * S, null), ops: group(null, T - H - 5 * 60 * S) }],
  ];
  for (const [name, step, memory, groups] of rows) {
    const shifted = shiftAlertTimers({ a: T - 60 * S, b: T }, { kabid: group(T - 10 * S, null), ops: group(null, T - H) }, step);
    assert.deepEqual(shifted, { memory, groups }, name);
  }
  const memory = { a: T };
  const groups = { kabid: group(T, T) };
  const same = shiftAlertTimers(memory, groups, 0);
  assert.ok(same.memory === memory && same.groups === groups, 'no step: the same objects');
});
