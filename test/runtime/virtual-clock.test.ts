// The backtest's clock (runtime/virtual-clock.ts): time moves only when advanced, sleeps wake in due
// order, an abort ends a sleep, `within` by virtual deadlines, the same draws for the same seed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VirtualClock } from '../../src/runtime/virtual-clock.js';

const START = Date.UTC(2026, 11, 7, 1);

/** Lets the promise reactions of woken sleeps run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('time stands still until advanced; monotonic counts from the start; it never goes back', () => {
  const clock = new VirtualClock(START);
  assert.equal(clock.now(), START);
  assert.equal(clock.monotonic(), 0);
  clock.advanceTo(START + 1_500);
  assert.equal(clock.now(), START + 1_500);
  assert.equal(clock.monotonic(), 1_500);
  clock.advanceTo(START + 1_500);
  assert.throws(() => clock.advanceTo(START + 1_499), /before now/);
  assert.throws(() => clock.advanceTo(Number.NaN), /before now/);
});

test('sleeps wake once time reaches them, in due order (ties in call order), not before', async () => {
  const clock = new VirtualClock(START);
  const woke: string[] = [];
  void clock.sleep(2_000).then(() => woke.push('2s'));
  void clock.sleep(1_000).then(() => woke.push('1s-a'));
  void clock.sleep(1_000).then(() => woke.push('1s-b'));
  void clock.sleep(0).then(() => woke.push('0'));
  await settle();
  assert.deepEqual(woke, [], 'nothing wakes without an advance, not even a sleep of 0');
  clock.advanceTo(START);
  await settle();
  assert.deepEqual(woke, ['0']);
  clock.advanceTo(START + 999);
  await settle();
  assert.deepEqual(woke, ['0']);
  clock.advanceTo(START + 5_000);
  await settle();
  assert.deepEqual(woke, ['0', '1s-a', '1s-b', '2s']);
});

test('an abort ends a sleep at once and it never wakes again; an aborted signal does not sleep', async () => {
  const clock = new VirtualClock(START);
  const stop = new AbortController();
  let woke = 0;
  const sleeping = clock.sleep(60_000, stop.signal).then(() => (woke += 1));
  stop.abort();
  await sleeping;
  clock.advanceTo(START + 120_000);
  await settle();
  assert.equal(woke, 1);
  await clock.sleep(60_000, stop.signal);
});

test('within: the work when it settles first, onLate once the virtual deadline passes first', async () => {
  const clock = new VirtualClock(START);
  assert.equal(await clock.within(Promise.resolve('done'), 1_000, () => 'late'), 'done');
  let lateCalls = 0;
  const never = new Promise<string>(() => undefined);
  const answer = clock.within(never, 1_000, () => {
    lateCalls += 1;
    return 'late';
  });
  clock.advanceTo(START + 1_000);
  assert.equal(await answer, 'late');
  assert.equal(lateCalls, 1);
  await assert.rejects(clock.within(Promise.reject(new Error('boom')), 1_000, () => 'late'), /boom/);
});

test('random: in [0, 1), the same draws for the same seed, others for another', () => {
  const draws = (seed: number) => {
    const clock = new VirtualClock(START, seed);
    return Array.from({ length: 5 }, () => clock.random());
  };
  assert.deepEqual(draws(7), draws(7));
  assert.notDeepEqual(draws(7), draws(8));
  for (const x of draws(1)) assert.ok(x >= 0 && x < 1);
});
