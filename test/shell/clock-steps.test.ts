// ClockSteps on a clock moved by hand: a step is the wall clock moving apart from the monotonic one, and
// results are aged by the monotonic clock whatever the wall clock did. The rules' own table is
// test/core/clock-step.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClockSteps } from '../../src/shell/clock-steps.js';
import { ManualClock } from '../helpers/manual-clock.js';

const HOUR = 3_600_000;

describe('ClockSteps.step', () => {
  const cases: [name: string, wall: number, mono: number, expected: number][] = [
    ['both clocks move alike', 1_000, 1_000, 0],
    ['a little drift is not a step', 2_500, 1_000, 0],
    ['the wall clock jumps two hours ahead', 2 * HOUR + 1_000, 1_000, 2 * HOUR],
    ['the wall clock goes five minutes back', -300_000 + 1_000, 1_000, -300_000],
    ['a paused process (both clocks moved) is not a step', 60_000, 60_000, 0],
  ];
  for (const [name, wall, mono, expected] of cases) {
    it(name, () => {
      const clock = new ManualClock(1e12);
      const steps = new ClockSteps(clock);
      assert.equal(steps.step(clock.now()), 0, 'the first reading has nothing to compare with');
      clock.pass(mono);
      clock.setWall(1e12 + wall);
      assert.equal(steps.step(clock.now()), expected);
    });
  }
});

describe('ClockSteps.aged', () => {
  it('dates the latest result by the time that really passed since it arrived', () => {
    const clock = new ManualClock(1e12);
    const steps = new ClockSteps(clock);
    const state = { name: 'pusat', last: { at: 1e12, ok: true } };
    steps.arrived('target', 'pusat', 1e12);
    clock.pass(1_500);
    assert.equal(steps.aged('target', [state], 1e12 + 2 * HOUR)[0]?.last?.at, 1e12 + 2 * HOUR - 1_500, 'a step forward: still 1.5 s old');
    assert.equal(steps.aged('target', [state], 1e12 - 300_000)[0]?.last?.at, 1e12 - 300_000 - 1_500, 'a step back: still 1.5 s old');
    assert.equal(steps.aged('target', [state], 1e12 + 1_500)[0], state, 'no step: the state itself, not a copy');
    const restored = { name: 'rekaman', last: { at: 5 } };
    assert.equal(steps.aged('volume', [restored], 1e12)[0], restored, 'a result from before this process is left as it was');
  });
});
