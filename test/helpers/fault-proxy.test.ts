// The fault proxy does what its modes say, seen from a raw client socket: bytes, timing, RST vs FIN,
// refuse and re-listen on the same port, queued modes, seeded loss. Loopback network I/O.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { FaultProxy, PASS, seededRandom } from './fault-proxy.js';
import { FakeHttpsCentral } from './https-central.js';
import { waitFor } from './wait.js';

interface Exchange {
  readonly data: string;
  /** ms from connect to the first byte, or null when none came. */
  readonly firstByteMs: number | null;
  readonly totalMs: number;
  /** 'end' for a FIN, an error code (ECONNRESET, ECONNREFUSED) or 'timeout' when we gave up. */
  readonly outcome: string;
}

/** One request through a raw socket; gives up after `limitMs`. */
function exchange(port: number, limitMs = 2_000): Promise<Exchange> {
  return new Promise((resolve) => {
    const started = performance.now();
    let data = '';
    let firstByteMs: number | null = null;
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write('GET /health HTTP/1.1\r\nhost: x\r\n\r\n'));
    const done = (outcome: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ data, firstByteMs, totalMs: performance.now() - started, outcome });
    };
    const timer = setTimeout(() => done('timeout'), limitMs);
    socket.on('data', (chunk: Buffer) => {
      firstByteMs ??= performance.now() - started;
      data += chunk.toString('latin1');
    });
    socket.on('end', () => done('end'));
    socket.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'error'));
  });
}

describe('FaultProxy', () => {
  let upstream: FakeHttpsCentral;
  let proxy: FaultProxy;
  let full: string;

  before(async () => {
    upstream = await FakeHttpsCentral.start({ fallback: { status: 200, body: 'status ok' } });
    proxy = await FaultProxy.start(upstream.port);
    const { head, body } = upstream.response('/health');
    full = head + body;
  });
  after(async () => {
    await proxy.close();
    await upstream.close();
  });

  test('pass forwards the answer untouched', async () => {
    await proxy.set(PASS);
    assert.deepEqual(await exchange(proxy.port).then((e) => [e.data, e.outcome]), [full, 'end']);
  });

  test('refuse closes the listener; switching back listens again on the same port', async () => {
    const port = proxy.port;
    await proxy.set({ mode: 'refuse' });
    assert.equal((await exchange(port)).outcome, 'ECONNREFUSED');
    await proxy.set(PASS);
    assert.equal(proxy.port, port);
    assert.equal((await exchange(port)).data, full);
  });

  test('silent accepts and never answers', async () => {
    await proxy.set({ mode: 'silent' });
    const e = await exchange(proxy.port, 500);
    assert.deepEqual([e.data, e.outcome], ['', 'timeout']);
  });

  test('delay holds the first byte back, then everything flows', async () => {
    await proxy.set({ mode: 'delay', ms: 300 });
    const e = await exchange(proxy.port);
    assert.equal(e.data, full);
    assert.ok((e.firstByteMs ?? 0) >= 290, `first byte after ${e.firstByteMs} ms`);
  });

  test('drip sends a burst, then one byte per interval', async () => {
    await proxy.set({ mode: 'drip', everyMs: 50, afterBytes: full.length - 4 });
    const e = await exchange(proxy.port);
    assert.equal(e.data, full);
    assert.ok(e.totalMs >= 4 * 50 - 10, `took ${e.totalMs} ms for 4 dripped bytes`);
    await proxy.set({ mode: 'drip', everyMs: 50, afterBytes: 10 });
    const slow = await exchange(proxy.port, 300);
    assert.equal(slow.outcome, 'timeout');
    assert.ok(slow.data.length > 10 && slow.data.length <= 10 + 300 / 50, `${slow.data.length} bytes in 300 ms`);
  });

  for (const [mode, outcome] of [['reset', 'ECONNRESET'], ['close', 'end']] as const) {
    test(`${mode} after N bytes: exactly N bytes, then ${outcome}`, async () => {
      await proxy.set({ mode, afterBytes: 20 });
      const e = await exchange(proxy.port);
      assert.deepEqual([e.data, e.outcome], [full.slice(0, 20), outcome]);
    });
  }

  test('queued modes go first, one connection each; counts and open connections are kept', async () => {
    await proxy.set(PASS);
    await waitFor(() => proxy.open === 0, 2_000, 'earlier clients to leave');
    proxy.resetStats();
    const before = proxy.connections;
    proxy.queue({ mode: 'reset', afterBytes: 0 }, { mode: 'close', afterBytes: 5 });
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push((await exchange(proxy.port)).outcome);
    assert.deepEqual(outcomes, ['ECONNRESET', 'end', 'end']);
    assert.deepEqual(proxy.log.slice(before).map((r) => r.mode), ['reset', 'close', 'pass']);
    await waitFor(() => proxy.open === 0, 2_000, 'the proxy to see every client leave');
    assert.equal(proxy.maxOpen, 1, 'one at a time');
    assert.ok(proxy.counts.pass !== undefined && proxy.counts.pass >= 1);
  });

  test('loss drops with the seeded probability, the same connections on every run', async () => {
    const seed = 7;
    const expected = Array.from({ length: 20 }, seededRandom(seed)).map((x) => x < 0.3);
    await proxy.set({ mode: 'loss', p: 0.3, seed, drop: 'reset' });
    const before = proxy.connections;
    const outcomes = [];
    for (let i = 0; i < 20; i++) outcomes.push((await exchange(proxy.port)).outcome);
    assert.deepEqual(outcomes.map((o) => o === 'ECONNRESET'), expected);
    assert.deepEqual(proxy.log.slice(before).map((r) => r.dropped), expected);
    assert.ok(expected.some(Boolean) && !expected.every(Boolean), 'the seed gives both fates');
    await proxy.set(PASS);
  });
});
