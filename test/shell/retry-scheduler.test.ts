// The scheduler's retries on virtual time (test/sim/fake-clock.ts): a run that asks to run again runs
// again after its wait rather than at the next slot, never on top of itself; a slot that comes while a
// retry waits or runs leaves the job out without calling it skipped; when the slot starts the job no
// later, there is no retry; each job's start delay is drawn once, so its slots are one interval apart.
// Runs take virtual time (test/sim/virtual-work.ts), as a blackholed probe takes its timeout.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Scheduler, type Job, type RunAgain } from '../../src/shell/scheduler.js';
import { FakeClock } from '../sim/fake-clock.js';
import { virtualWorkClock } from '../sim/virtual-work.js';

const W = Date.UTC(2026, 0, 5, 8);
const EVERY_15S = '*/15 * * * * *';

interface Probe {
  /** Virtual ms the run takes. */
  readonly tookMs: number;
  /** What the run answers when it ends. */
  readonly again?: RunAgain;
}

/**
 * One job whose n-th run takes `plan[n]` (then the last entry again), recording the virtual offset
 * of every start and the most runs in flight at once.
 */
function scripted(clock: FakeClock, key: string, plan: readonly Probe[]): { job: Job; starts: number[]; maxInFlight: () => number } {
  const starts: number[] = [];
  let inFlight = 0;
  let most = 0;
  const job: Job = {
    key,
    // As a probe's timeout bounds its run: none of these is overdue.
    timeoutMs: Math.max(...plan.map((p) => p.tookMs)),
    run: async (signal) => {
      const probe = plan[Math.min(starts.length, plan.length - 1)] as Probe;
      starts.push(clock.now() - W);
      inFlight += 1;
      most = Math.max(most, inFlight);
      await clock.sleep(probe.tookMs, signal);
      inFlight -= 1;
      return probe.again;
    },
  };
  return { job, starts, maxInFlight: () => most };
}

function schedulerOf(clock: FakeClock, expression: string, jobs: Job[], jitterMs = 0): { scheduler: Scheduler; hooks: string[] } {
  const hooks: string[] = [];
  const scheduler = new Scheduler(
    [{ name: 'central', expression, jobs, jitterMs }],
    { onSkipped: (key) => hooks.push(`${key} skipped`), onJobError: (key, error) => hooks.push(`${key}: ${String(error)}`), onOverdue: (key) => hooks.push(`${key} overdue`) },
    virtualWorkClock(clock),
  );
  return { scheduler, hooks };
}

/** stop(0) waits its grace on virtual time: the clock must move for it to end. */
async function stop(clock: FakeClock, scheduler: Scheduler): Promise<void> {
  const stopping = scheduler.stop(0);
  await clock.advance(0);
  await stopping;
}

const AGAIN_2S: RunAgain = { againAfterMs: 2_000 };

describe('retries on virtual time', () => {
  test('a failing run is retried 2 s after its end, not at the next slot; the slot met by a running retry is left out', async () => {
    const clock = new FakeClock({ startWallMs: W });
    // Fine at start, then blackholed for three runs (5 s each, the first two asking again), then fine.
    const plan = [{ tookMs: 10 }, { tookMs: 5_000, again: AGAIN_2S }, { tookMs: 5_000, again: AGAIN_2S }, { tookMs: 5_000 }, { tookMs: 10 }];
    const { job, starts, maxInFlight } = scripted(clock, 'pusat', plan);
    const { scheduler, hooks } = schedulerOf(clock, EVERY_15S, [job]);
    scheduler.start();
    await clock.advance(61_000);
    await stop(clock, scheduler);
    // 15-20 fails, 22-27 fails, 29-34 is the third (running at the 30 s slot), then the slots at 45 s and 60 s.
    assert.deepEqual(starts, [0, 15_000, 22_000, 29_000, 45_000, 60_000]);
    assert.equal(maxInFlight(), 1, 'never two runs of one job');
    assert.deepEqual(hooks, [], 'a slot that meets a retry is not a skipped probe');
  });

  test('without a request to run again, only the slots run the job', async () => {
    const clock = new FakeClock({ startWallMs: W });
    const { job, starts } = scripted(clock, 'pusat', [{ tookMs: 5_000 }]);
    const { scheduler, hooks } = schedulerOf(clock, EVERY_15S, [job]);
    scheduler.start();
    await clock.advance(46_000);
    await stop(clock, scheduler);
    assert.deepEqual(starts, [0, 15_000, 30_000, 45_000]);
    assert.deepEqual(hooks, []);
  });

  test('when the next slot starts the job no later than a retry (1 s schedule), the slot does: no extra run', async () => {
    const clock = new FakeClock({ startWallMs: W });
    const { job, starts } = scripted(clock, 'pusat', [{ tookMs: 100, again: AGAIN_2S }]);
    const { scheduler, hooks } = schedulerOf(clock, '* * * * * *', [job]);
    scheduler.start();
    await clock.advance(5_500);
    await stop(clock, scheduler);
    assert.deepEqual(starts, [0, 1_000, 2_000, 3_000, 4_000, 5_000]);
    assert.deepEqual(hooks, []);
  });

  test('a retry waiting at its slot: the slot leaves the job out and the retry runs at its time', async () => {
    // Seed 2 draws a start delay of 734 ms: the job's slots start it at 734 ms past each 15 s slot.
    const clock = new FakeClock({ startWallMs: W, seed: 2 });
    const delay = Math.floor(new FakeClock({ seed: 2 }).random() * 1_000);
    assert.equal(delay, 734);
    // The start-up run ends at 14.5 s asking again after 800 ms: 15.3 s, before the slot's 15.734 s.
    const { job, starts, maxInFlight } = scripted(clock, 'pusat', [{ tookMs: 14_500 - delay, again: { againAfterMs: 800 } }, { tookMs: 10 }]);
    const { scheduler, hooks } = schedulerOf(clock, EVERY_15S, [job], 1_000);
    scheduler.start();
    await clock.advance(31_000);
    await stop(clock, scheduler);
    assert.deepEqual(starts, [delay, 15_300, 30_000 + delay]);
    assert.equal(maxInFlight(), 1);
    assert.deepEqual(hooks, []);
  });

  test('a retry that would come after the slot start is left to the slot', async () => {
    const clock = new FakeClock({ startWallMs: W, seed: 2 });
    // Ends at 14.5 s asking again after 2 s (16.5 s): the slot starts it at 15.734 s first.
    const { job, starts } = scripted(clock, 'pusat', [{ tookMs: 14_500 - 734, again: AGAIN_2S }, { tookMs: 10 }]);
    const { scheduler, hooks } = schedulerOf(clock, EVERY_15S, [job], 1_000);
    scheduler.start();
    await clock.advance(31_000);
    await stop(clock, scheduler);
    assert.deepEqual(starts, [734, 15_734, 30_734]);
    assert.deepEqual(hooks, []);
  });

  test('each job keeps its start delay: its slot runs are exactly one interval apart', async () => {
    const clock = new FakeClock({ startWallMs: W, seed: 5 });
    const runs = ['a', 'b', 'c'].map((key) => scripted(clock, key, [{ tookMs: 10 }]));
    const { scheduler } = schedulerOf(
      clock,
      EVERY_15S,
      runs.map((r) => r.job),
      1_000,
    );
    scheduler.start();
    await clock.advance(61_000);
    await stop(clock, scheduler);
    const delays = runs.map((r) => r.starts[0] as number);
    assert.equal(new Set(delays).size, 3, `three different delays: ${delays.join(', ')}`);
    for (const [i, r] of runs.entries()) {
      const delay = delays[i] as number;
      assert.ok(delay >= 0 && delay < 1_000);
      assert.deepEqual(r.starts, [0, 15_000, 30_000, 45_000, 60_000].map((t) => t + delay));
    }
  });

  test('stop while a retry waits: nothing runs after stop', async () => {
    const clock = new FakeClock({ startWallMs: W });
    const { job, starts } = scripted(clock, 'pusat', [{ tookMs: 100, again: AGAIN_2S }]);
    const { scheduler } = schedulerOf(clock, EVERY_15S, [job]);
    scheduler.start();
    await clock.advance(1_000);
    assert.deepEqual(starts, [0]);
    await stop(clock, scheduler);
    await clock.advance(20_000);
    assert.deepEqual(starts, [0]);
  });

  test('a run that throws asks for nothing: the next slot runs the job', async () => {
    const clock = new FakeClock({ startWallMs: W });
    const starts: number[] = [];
    const job: Job = {
      key: 'pusat',
      timeoutMs: 1_000,
      run: async () => {
        starts.push(clock.now() - W);
        throw new Error('probe bug');
      },
    };
    const { scheduler, hooks } = schedulerOf(clock, EVERY_15S, [job]);
    scheduler.start();
    await clock.advance(16_000);
    await stop(clock, scheduler);
    assert.deepEqual(starts, [0, 15_000]);
    assert.deepEqual(hooks, ['pusat: Error: probe bug', 'pusat: Error: probe bug']);
  });
});
