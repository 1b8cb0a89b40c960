// The public rate limit: token buckets per client on a fake clock, the bound on clients remembered,
// and which addresses count as one client.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clientKey, RateLimiter } from '../../src/http/rate-limit.js';
import { manualClock } from '../helpers/manual-clock.js';

const policy = { burst: 10, refillPerSecond: 2, maxClients: 3 };

function limiter() {
  const clock = manualClock();
  return { clock, limiter: new RateLimiter(clock, policy) };
}

describe('RateLimiter', () => {
  test('a burst is granted, then the wait for the missing tokens is said in ms', () => {
    const { limiter: l } = limiter();
    assert.equal(l.take('a', 4), 0);
    assert.equal(l.take('a', 6), 0);
    assert.equal(l.take('a', 1), 500, 'one token at 2 per second');
    assert.equal(l.take('a', 5), 2_500);
    assert.equal(l.take('b', 10), 0, 'another client has its own tokens');
  });

  test('tokens come back with time, never past the burst; a refused take costs nothing', () => {
    const { clock, limiter: l } = limiter();
    l.take('a', 10);
    assert.equal(l.take('a', 3), 1_500);
    clock.pass(1_500);
    assert.equal(l.take('a', 3), 0);
    clock.pass(3_600_000);
    assert.equal(l.take('a', 10), 0);
    assert.equal(l.take('a', 1), 500);
  });

  test('a wall-clock step, back or forward, neither refills nor takes', () => {
    const { clock, limiter: l } = limiter();
    l.take('a', 10);
    clock.stepWall(-60_000);
    assert.equal(l.take('a', 1), 500);
    clock.stepWall(3_600_000);
    assert.equal(l.take('a', 1), 500, 'an hour forward on the wall clock is no time passed');
  });

  test('remembers at most maxClients, forgetting the least recently seen', () => {
    const { limiter: l } = limiter();
    for (const client of ['a', 'b', 'c']) l.take(client, 10);
    l.take('a', 1); // a is now the most recently seen
    l.take('d', 10);
    assert.equal(l.size, 3);
    assert.equal(l.take('b', 10), 0, 'b was forgotten: it starts full again');
    assert.notEqual(l.take('a', 1), 0, 'a was kept');
  });

  test('10,000 clients by default, however many come', () => {
    const l = new RateLimiter(manualClock(0));
    for (let i = 0; i < 25_000; i += 1) l.take(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, 1);
    assert.equal(l.size, 10_000);
  });
});

describe('clientKey', () => {
  const rows: [string | undefined, string][] = [
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002::9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    [undefined, 'unknown'],
  ];
  for (const [address, key] of rows) {
    test(`${address} -> ${key}`, () => assert.equal(clientKey(address), key));
  }
});
