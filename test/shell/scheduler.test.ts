// The scheduler on the real clock and a 1 s schedule: a first round at start, no overlapping runs of
// the same job, other jobs unaffected, and a bounded stop that aborts what is still running. On
// virtual time: wall-clock steps, and overdue runs (scheduler-virtual.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cronIntervalMs } from '../../src/config/cron.js';
import { systemClock } from '../../src/runtime/clock.js';
import { Scheduler } from '../../src/shell/scheduler.js';

async function until(check: () => boolean, deadlineMs: number, what: string): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('cronIntervalMs is the longest gap between runs', () => {
  assert.equal(cronIntervalMs('* * * * * *'), 1_000);
  assert.equal(cronIntervalMs('*/15 * * * * *'), 15_000);
  assert.equal(cronIntervalMs('0,10 * * * * *'), 50_000);
  assert.equal(cronIntervalMs('0 */5 * * * *'), 300_000);
});

test('a first round at start within the jitter, a slow job is skipped rather than overlapped, a fast one keeps its cadence', async () => {
  const skipped: string[] = [];
  const runs = { slow: 0, fast: 0 };
  let slowInFlight = 0;
  let maxSlowInFlight = 0;
  let aborted = false;
  const started = Date.now();
  const scheduler = new Scheduler(
    [
      {
        name: 'group',
        expression: '* * * * * *',
        jitterMs: 50,
        jobs: [
          {
            key: 'slow',
            timeoutMs: 60_000,
            run: (signal) =>
              new Promise<void>((resolve) => {
                runs.slow += 1;
                slowInFlight += 1;
                maxSlowInFlight = Math.max(maxSlowInFlight, slowInFlight);
                // Runs until aborted: longer than any interval.
                signal.addEventListener('abort', () => {
                  aborted = true;
                  slowInFlight -= 1;
                  resolve();
                });
              }),
          },
          {
            key: 'fast',
            timeoutMs: 1_000,
            run: async () => {
              runs.fast += 1;
            },
          },
        ],
      },
    ],
    { onSkipped: (key) => skipped.push(key), onJobError: (key, error) => assert.fail(`${key}: ${String(error)}`), onOverdue: () => undefined },
    systemClock,
  );
  scheduler.start();
  await until(() => runs.slow === 1 && runs.fast >= 1, 50 + 500, 'the start-up round, within the 50 ms jitter');
  // The first tick is covered by the start-up round (see the next test); the two after it are skips.
  await until(() => runs.fast >= 4, 6_000, 'four fast runs');
  assert.equal(runs.slow, 1, 'the slow job never started twice');
  assert.equal(maxSlowInFlight, 1);
  assert.ok(skipped.length >= 2 && skipped.every((key) => key === 'slow'), `skipped: ${skipped.join(',')}`);
  assert.ok(Date.now() - started < 6_000);

  const stopStarted = Date.now();
  await scheduler.stop(200);
  assert.ok(aborted, 'in-flight work is aborted after the grace period');
  assert.ok(Date.now() - stopStarted < 2_000);
  const after = runs.fast;
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  assert.equal(runs.fast, after, 'nothing runs after stop');
});

test('a start-up round still running at the first tick is not counted as skipped; later overlaps are', async () => {
  // Start 600 ms into a second, with a 700 ms job: the first tick (at the next second) finds the
  // start-up run in flight, although the job is shorter than the interval.
  await until(() => Date.now() % 1_000 >= 600 && Date.now() % 1_000 < 650, 2_000, 'the right moment in the second');
  const skipped: string[] = [];
  let runs = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let hang = false;
  const scheduler = new Scheduler(
    [
      {
        name: 'group',
        expression: '* * * * * *',
        jitterMs: 0,
        jobs: [
          {
            key: 'probe',
            timeoutMs: 60_000,
            run: (signal) =>
              new Promise<void>((resolve) => {
                runs += 1;
                inFlight += 1;
                maxInFlight = Math.max(maxInFlight, inFlight);
                const done = () => {
                  inFlight -= 1;
                  resolve();
                };
                if (hang) signal.addEventListener('abort', done, { once: true });
                else setTimeout(done, 700);
              }),
          },
        ],
      },
    ],
    { onSkipped: (key) => skipped.push(key), onJobError: (key, error) => assert.fail(`${key}: ${String(error)}`), onOverdue: () => undefined },
    systemClock,
  );
  scheduler.start();
  try {
    await until(() => runs >= 3, 5_000, 'two scheduled runs after the start-up round');
    assert.deepEqual(skipped, [], 'the start-up round covered the first tick');
    assert.equal(maxInFlight, 1);
    // A run that hangs past the next ticks is an overlap the hook must hear about.
    hang = true;
    const before = runs;
    await until(() => runs > before, 2_000, 'a hanging run');
    await until(() => skipped.length >= 1, 3_000, 'a skip');
    assert.equal(maxInFlight, 1);
  } finally {
    await scheduler.stop(0);
  }
});

test('hundreds of jobs running at once listen for shutdown without a listener-leak warning', async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.name);
  process.on('warning', onWarning);
  const running = new Set<string>();
  const jobs = Array.from({ length: 200 }, (_, index) => ({
    key: `job-${index}`,
    timeoutMs: 60_000,
    run: (signal: AbortSignal) =>
      new Promise<void>((resolve) => {
        running.add(`job-${index}`);
        signal.addEventListener('abort', () => resolve(), { once: true });
      }),
  }));
  const scheduler = new Scheduler(
    [{ name: 'many', expression: '0 0 0 1 1 *', jitterMs: 0, jobs }],
    { onSkipped: () => undefined, onJobError: (key, error) => assert.fail(`${key}: ${String(error)}`), onOverdue: () => undefined },
    systemClock,
  );
  try {
    scheduler.start();
    await until(() => running.size === jobs.length, 5_000, 'every job to start');
    await scheduler.stop(0);
    // A process warning is emitted on the next tick: give it one before looking.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(warnings, []);
  } finally {
    process.off('warning', onWarning);
  }
});
