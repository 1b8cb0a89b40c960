// The scheduler with real node-cron timers on a 1 s schedule: first round at once, no overlapping
// runs of the same job, other jobs unaffected, and a bounded stop that aborts what is still running.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cronIntervalMs } from '../src/config/cron.js';
import { Scheduler } from '../src/scheduler.js';

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

test('first round at once, a slow job is skipped rather than overlapped, a fast one keeps its cadence', async () => {
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
            run: async () => {
              runs.fast += 1;
            },
          },
        ],
      },
    ],
    { onSkipped: (key) => skipped.push(key), onJobError: (key, error) => assert.fail(`${key}: ${String(error)}`) },
  );
  scheduler.start();
  assert.equal(runs.slow, 1, 'the first round starts synchronously');
  assert.equal(runs.fast, 1);
  await until(() => runs.fast >= 3, 5_000, 'three fast runs');
  assert.equal(runs.slow, 1, 'the slow job never started twice');
  assert.equal(maxSlowInFlight, 1);
  assert.ok(skipped.length >= 2 && skipped.every((key) => key === 'slow'), `skipped: ${skipped.join(',')}`);
  assert.ok(Date.now() - started < 5_000);

  const stopStarted = Date.now();
  await scheduler.stop(200);
  assert.ok(aborted, 'in-flight work is aborted after the grace period');
  assert.ok(Date.now() - stopStarted < 2_000);
  const after = runs.fast;
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  assert.equal(runs.fast, after, 'nothing runs after stop');
});
