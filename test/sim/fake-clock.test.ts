// The fake clock's contract (test/sim/fake-clock.ts): sleeps at their instants in due order, wall steps
// that leave monotonic time alone, waiting for real I/O registered through within(), seeded draws.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { FakeClock } from './fake-clock.js';

const realDelay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sleeps fire in due order, each at its own instant', () => {
  const cases: { name: string; sleeps: number[]; advanceMs: number; fired: { index: number; at: number }[] }[] = [
    { name: 'out of order', sleeps: [300, 100, 200], advanceMs: 1_000, fired: [{ index: 1, at: 100 }, { index: 2, at: 200 }, { index: 0, at: 300 }] },
    { name: 'same instant: in the order they were asked for', sleeps: [50, 50, 10], advanceMs: 60, fired: [{ index: 2, at: 10 }, { index: 0, at: 50 }, { index: 1, at: 50 }] },
    { name: 'only those due by the end', sleeps: [100, 400, 250], advanceMs: 250, fired: [{ index: 0, at: 100 }, { index: 2, at: 250 }] },
    { name: 'zero and negative: due now', sleeps: [0, -5, 1], advanceMs: 0, fired: [{ index: 0, at: 0 }, { index: 1, at: 0 }] },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const clock = new FakeClock();
      const fired: { index: number; at: number }[] = [];
      c.sleeps.forEach((ms, index) => void clock.sleep(ms).then(() => fired.push({ index, at: clock.monotonic() })));
      await clock.advance(c.advanceMs);
      assert.deepEqual(fired, c.fired);
      assert.equal(clock.monotonic(), c.advanceMs);
    });
  }

  test('a loop that sleeps again is woken at each of its instants within one advance', async () => {
    const clock = new FakeClock();
    const seen: number[] = [];
    const loop = (async () => {
      while (seen.length < 5) {
        await clock.sleep(300);
        seen.push(clock.monotonic());
      }
    })();
    await clock.advance(1_000);
    assert.deepEqual(seen, [300, 600, 900]);
    await clock.advance(1_000);
    assert.deepEqual(seen, [300, 600, 900, 1_200, 1_500]);
    await loop;
  });

  test('an abort ends the sleep at once, and it never fires later', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    let ended = false;
    const sleeping = clock.sleep(1_000, controller.signal).then(() => (ended = true));
    controller.abort();
    await sleeping;
    assert.equal(clock.monotonic(), 0);
    assert.equal(ended, true);
    await clock.sleep(5, AbortSignal.abort());
  });

  test('a loop spinning on sleep(0) is named instead of hanging', async () => {
    const clock = new FakeClock();
    let spinning = true;
    const loop = (async () => {
      while (spinning) await clock.sleep(0);
    })();
    await assert.rejects(clock.advance(10), /sleeps fired at virtual 0 ms without time moving; a loop spins on sleep\(0\) at .*fake-clock\.test\.ts/);
    spinning = false;
    await clock.advance(0);
    await loop;
  });
});

describe('wall clock and monotonic clock', () => {
  const cases: { name: string; steps: { advanceMs?: number; wallMs?: number }[]; now: number; monotonic: number }[] = [
    { name: 'time passing moves both', steps: [{ advanceMs: 1_500 }], now: 1_001_500, monotonic: 1_500 },
    { name: 'a step forward moves only the wall', steps: [{ wallMs: 7_200_000 }], now: 8_200_000, monotonic: 0 },
    { name: 'a step back moves only the wall', steps: [{ advanceMs: 2_000 }, { wallMs: -300_000 }, { advanceMs: 1_000 }], now: 703_000, monotonic: 3_000 },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const clock = new FakeClock({ startWallMs: 1_000_000 });
      for (const step of c.steps) {
        if (step.advanceMs !== undefined) await clock.advance(step.advanceMs);
        if (step.wallMs !== undefined) clock.stepWall(step.wallMs);
      }
      assert.deepEqual([clock.now(), clock.monotonic()], [c.now, c.monotonic]);
    });
  }

  test('monotonic time never goes back: a negative or endless advance is refused', async () => {
    const clock = new FakeClock();
    for (const ms of [-1, Number.POSITIVE_INFINITY, Number.NaN]) await assert.rejects(clock.advance(ms), /give a finite, non-negative number of ms/);
    assert.equal(clock.monotonic(), 0);
  });

  test('a wall step fires no sleep: sleeps wait on monotonic time', async () => {
    const clock = new FakeClock();
    let fired = false;
    void clock.sleep(1_000).then(() => (fired = true));
    clock.stepWall(3_600_000);
    await clock.advance(999);
    assert.equal(fired, false);
    await clock.advance(1);
    assert.equal(fired, true);
  });
});

describe('within: real work settles before virtual time moves on', () => {
  test('a job woken by a sleep does real I/O; the clock waits for it, so its next sleep starts at the same instant', async () => {
    const server = createServer((_req, res) => setTimeout(() => res.end('ok'), 30));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const clock = new FakeClock();
      const answers: { body: string; at: number }[] = [];
      const job = (async () => {
        for (let i = 0; i < 3; i += 1) {
          await clock.sleep(1_000);
          const body = await clock.within(fetch(url).then((r) => r.text()), 5_000, () => 'late');
          answers.push({ body, at: clock.monotonic() });
        }
      })();
      await clock.advance(3_000);
      assert.deepEqual(answers, [
        { body: 'ok', at: 1_000 },
        { body: 'ok', at: 2_000 },
        { body: 'ok', at: 3_000 },
      ]);
      await job;
    } finally {
      server.close();
    }
  });

  test("work's value, or its rejection, is what within gives", async () => {
    const clock = new FakeClock();
    assert.equal(await clock.within(realDelay(5).then(() => 7), 100, () => 'late'), 7);
    await assert.rejects(clock.within(Promise.reject(new Error('refused')), 100, () => 'late'), /refused/);
  });

  test('work that never settles stops the clock with an error naming where it was awaited', async () => {
    const clock = new FakeClock({ settleDeadlineMs: 200 });
    void clock.within(new Promise(() => undefined), 1_000, () => 'late');
    await assert.rejects(clock.advance(5_000), /cannot move on at 0 ms: still busy after 200 ms of real time\n {2}work awaited through within\(\) for \d+ ms, from .*fake-clock\.test\.ts/);
  });
});

describe('until', () => {
  test('returns the virtual time it took, checking at every instant something fires', async () => {
    const clock = new FakeClock();
    let ticks = 0;
    void (async () => {
      for (;;) {
        await clock.sleep(250);
        ticks += 1;
      }
    })();
    assert.equal(await clock.until(() => ticks >= 3, { virtualMs: 10_000, what: 'three ticks' }), 750);
    assert.equal(await clock.until(() => ticks >= 7, { virtualMs: 10_000, what: 'seven ticks', stepMs: 600 }), 1_200);
  });

  test('fails after virtualMs with what was awaited and what was last seen', async () => {
    const clock = new FakeClock();
    await assert.rejects(
      clock.until(() => false, { virtualMs: 5_000, what: 'the halt', describe: () => 'allowed' }),
      /^Error: the halt: not within 5000 ms of virtual time; last: allowed$/,
    );
    assert.equal(clock.monotonic(), 5_000);
  });
});

describe('lives: a crash', () => {
  test("an ended life's sleeps never fire and its work is not waited for; other lives go on", async () => {
    const clock = new FakeClock({ settleDeadlineMs: 200 });
    const first = clock.life();
    const second = clock.life();
    const woke: string[] = [];
    void first.sleep(100).then(() => woke.push('first'));
    void second.sleep(100).then(() => woke.push('second'));
    void first.within(new Promise(() => undefined), 1_000, () => 'late');
    first.end();
    void first.sleep(50).then(() => woke.push('first, after its end'));
    await clock.advance(1_000);
    assert.deepEqual(woke, ['second']);
  });
});

describe('random', () => {
  const draws = (seed: number) => {
    const clock = new FakeClock({ seed });
    return Array.from({ length: 1_000 }, () => clock.random());
  };
  test('the same seed gives the same draws, another seed others, all in [0, 1)', () => {
    assert.deepEqual(draws(42), draws(42));
    assert.notDeepEqual(draws(42), draws(43));
    const all = draws(7);
    assert.ok(all.every((x) => x >= 0 && x < 1));
    // Spread over the interval, not stuck in a corner.
    assert.ok(all.filter((x) => x < 0.5).length > 400 && all.filter((x) => x < 0.5).length < 600);
  });
});
