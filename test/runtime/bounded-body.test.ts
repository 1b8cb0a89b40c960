// readAtMost, drainAtMost and readAnswerExcerpt on in-memory bodies: the limit is exact, an answer of
// exactly the limit is whole, and the source is left (its iterator returned) as soon as the limit is
// passed. Pure apart from async iteration.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drainAtMost, readAnswerExcerpt, readAtMost } from '../../src/runtime/bounded-body.js';

/** Yields `chunks`, then endless 1 KiB chunks when `endless`; counts what was pulled and whether it was closed. */
function source(chunks: readonly string[], endless = false) {
  const seen = { pulled: 0, closed: false };
  async function* body(): AsyncGenerator<Uint8Array> {
    try {
      for (const chunk of chunks) {
        seen.pulled += 1;
        yield Buffer.from(chunk);
      }
      while (endless) {
        seen.pulled += 1;
        yield Buffer.alloc(1024, 'x');
      }
    } finally {
      seen.closed = true;
    }
  }
  return { body: body(), seen };
}

test('a short answer is read whole', async () => {
  const { body } = source(['ab', 'cd']);
  const read = await readAtMost(body, 10);
  assert.deepEqual([read.bytes.toString(), read.whole], ['abcd', true]);
});

test('an answer of exactly the limit is whole; one byte more is not', async () => {
  assert.equal((await readAtMost(source(['abc', 'de']).body, 5)).whole, true);
  const over = await readAtMost(source(['abc', 'def']).body, 5);
  assert.deepEqual([over.bytes.toString(), over.whole], ['abcde', false]);
});

test('an endless answer: stops one chunk past the limit and closes the source', async () => {
  const { body, seen } = source([], true);
  const read = await readAtMost(body, 10_000);
  assert.equal(read.bytes.length, 10_000);
  assert.equal(read.whole, false);
  assert.equal(seen.pulled, 10);
  assert.equal(seen.closed, true);
});

test('drainAtMost reads an endless answer as far as readAtMost does, then closes the source', async () => {
  const { body, seen } = source([], true);
  await drainAtMost(body, 10_000);
  assert.equal(seen.pulled, 10);
  assert.equal(seen.closed, true);
  const short = source(['ab', 'cd']);
  await drainAtMost(short.body, 10_000);
  assert.deepEqual(short.seen, { pulled: 2, closed: true });
});

// The one rule for answers jaga only quotes in an error (webhook receivers, Alertmanager).
test('readAnswerExcerpt: 200 characters at most, marked when cut, from at most 4 KiB read', async () => {
  assert.equal(await readAnswerExcerpt(source(['short']).body), 'short');
  assert.equal(await readAnswerExcerpt(source(['x'.repeat(200)]).body), 'x'.repeat(200));
  assert.equal(await readAnswerExcerpt(source(['y'.repeat(201)]).body), `${'y'.repeat(200)}…`);
  const { body, seen } = source(['ab'], true);
  assert.equal(await readAnswerExcerpt(body), `ab${'x'.repeat(198)}…`);
  // 'ab' and three 1 KiB chunks fit in 4 KiB; the fourth passes it, and the source is closed.
  assert.deepEqual(seen, { pulled: 5, closed: true });
});
