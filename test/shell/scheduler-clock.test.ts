// The scheduler on the Clock: on virtual time (test/sim/fake-clock.ts), slots one second apart with
// exact counts, a wall-clock step forward that replays no missed slot, a step back that pauses nothing,
// start delays drawn from clock.random(); every run awaited through clock.within with its own deadline.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { systemClock, type Clock } from '../../src/runtime/clock.js';
import { Scheduler, type Job } from '../../src/shell/scheduler.js';
import { waitFor } from '../helpers/wait.js';
import { FakeClock } from '../sim/fake-clock.js';

const W = Date.UTC(2026, 0, 5, 8);
const HOUR = 3_600_000;

/** One job on a 1 s schedule, recording the wall-clock time of every run and every hook called. */
function everySecond(clock: Clock, jitterMs = 0): { scheduler: Scheduler; runs: number[]; hooks: string[] } {
  const runs: number[] = [];
  const hooks: string[] = [];
  const job: Job = {
    key: 'pusat',
    timeoutMs: 500,
    run: async () => {
      runs.push(clock.now());
    },
  };
  const scheduler = new Scheduler(
    [{ name: 'central', expression: '* * * * * *', jobs: [job], jitterMs }],
    // Recorded, not thrown: a hook runs inside the scheduler's promise chains, where a throw would be lost.
    { onSkipped: (key) => hooks.push(`${key} skipped`), onJobError: (key, error) => hooks.push(`${key}: ${String(error)}`), onOverdue: (key) => hooks.push(`${key} overdue`) },
    clock,
  );
  return { scheduler, runs, hooks };
}

describe('the scheduler on virtual time', () => {
  test('a start-up round at once, then one run per slot', async () => {
    const clock = new FakeClock({ startWallMs: W });
    const { scheduler, runs, hooks } = everySecond(clock);
    scheduler.start();
    await clock.advance(10_000);
    await scheduler.stop(0);
    assert.deepEqual(runs, Array.from({ length: 11 }, (_, i) => W + i * 1_000));
    assert.deepEqual(hooks, []);
  });

  test('a start delay below the jitter, drawn from the clock', async () => {
    const clock = new FakeClock({ startWallMs: W, seed: 7 });
    const draw = new FakeClock({ seed: 7 }).random();
    const { scheduler, runs } = everySecond(clock, 400);
    scheduler.start();
    await clock.advance(999);
    await scheduler.stop(0);
    assert.deepEqual(runs, [W + Math.floor(draw * 400)]);
  });

  const steps: { name: string; stepMs: number; after: number[] }[] = [
    // The slot due at 4 s is reached at once: one run, then the cadence goes on from the new time.
    { name: 'two hours forward: no burst of missed slots', stepMs: 2 * HOUR, after: [4_000, 5_000, 6_000].map((t) => W + 2 * HOUR + t) },
    // The slot due at 4 s now lies five minutes away: planned again from the new time, one slot later.
    { name: 'five minutes back: no pause until the clock catches up', stepMs: -300_000, after: [5_000, 6_000].map((t) => W - 300_000 + t) },
  ];
  for (const { name, stepMs, after } of steps) {
    test(name, async () => {
      const clock = new FakeClock({ startWallMs: W });
      const { scheduler, runs, hooks } = everySecond(clock);
      scheduler.start();
      await clock.advance(3_000);
      assert.equal(runs.length, 4);
      clock.stepWall(stepMs);
      await clock.advance(3_000);
      await scheduler.stop(0);
      assert.deepEqual(runs.slice(4), after);
      assert.deepEqual(hooks, []);
    });
  }
});

test('each run is awaited through clock.within, with its timeout plus a margin; past it the run is overdue', async () => {
  const deadlines: number[] = [];
  const overdue: string[] = [];
  // Real time, but within() reports at once what its deadline was and gives up after 50 ms.
  const clock: Clock = {
    ...systemClock,
    within: (work, ms, onLate) => {
      deadlines.push(ms);
      return systemClock.within(work, 50, onLate);
    },
  };
  let release = (): void => undefined;
  const hanging = new Promise<void>((resolve) => (release = resolve));
  const scheduler = new Scheduler(
    [{ name: 'central', expression: '0 0 0 1 1 *', jitterMs: 0, jobs: [{ key: 'macet', timeoutMs: 2_000, run: () => hanging }] }],
    { onSkipped: () => undefined, onJobError: (key, error) => assert.fail(`${key}: ${String(error)}`), onOverdue: (key) => overdue.push(key) },
    clock,
  );
  scheduler.start();
  await waitFor(() => overdue.length > 0, 5_000, 'the hanging run to be overdue');
  release();
  await scheduler.stop(1_000);
  assert.deepEqual(overdue, ['macet']);
  assert.equal(deadlines[0], 2_000 + 5_000, 'the run: its timeout and five seconds');
});
