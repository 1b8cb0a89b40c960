// The real Clock's promises: a sleep ends at its time or at once on abort and never rejects; within()
// gives the work's value or onLate's, and calls onLate only when the deadline came first. Real timers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemClock } from '../../src/runtime/clock.js';

test('sleep: at its time, or at once when aborted (before or during)', async () => {
  const started = systemClock.monotonic();
  await systemClock.sleep(30);
  assert.ok(systemClock.monotonic() - started >= 25, 'waited');
  const stop = new AbortController();
  const long = systemClock.sleep(60_000, stop.signal);
  stop.abort();
  await long;
  await systemClock.sleep(60_000, AbortSignal.abort());
});

test('within: the work when it comes first, and onLate is then never called', async () => {
  const late: string[] = [];
  const value = await systemClock.within(Promise.resolve('selesai'), 20, () => late.push('late'));
  assert.equal(value, 'selesai');
  await systemClock.sleep(40);
  assert.deepEqual(late, [], 'onLate ran although the work came first');
});

test('within: onLate when the deadline comes first; the work goes on and its failure passes through otherwise', async () => {
  let finish = (): void => undefined;
  const work = new Promise<string>((resolve) => (finish = () => resolve('nanti')));
  assert.equal(await systemClock.within(work, 10, () => 'terlambat'), 'terlambat');
  finish();
  assert.equal(await work, 'nanti');
  await assert.rejects(systemClock.within(Promise.reject(new Error('gagal')), 1_000, () => 'late'), /gagal/);
});
