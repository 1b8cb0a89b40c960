// OutboxRepository against a real SQLite file: idempotent enqueue, due order, attempt bookkeeping,
// stats windows, listing and pruning.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { NewOutboxMessage, OutboxMessage } from '../../src/store/outbox.js';
import type { Store } from '../../src/store/sqlite.js';
import { tempStore, type TempStore } from '../helpers/temp-store.js';

const DAY_MS = 24 * 60 * 60 * 1000;

let temp: TempStore;
let store: Store;
beforeEach(() => {
  temp = tempStore('jaga-outbox-');
  store = temp.store;
});
afterEach(() => temp.remove());

function message(id: string, createdAt: number, subject = `subject ${id}`): NewOutboxMessage {
  return {
    id,
    source: 'alerts',
    channel: 'email',
    lane: null,
    recipient: `${id}@dinas.test`,
    recipientName: `Kabid ${id}`,
    subject,
    messageId: `<${id}@jaga.test>`,
    payload: JSON.stringify({ to: `${id}@dinas.test`, toName: `Kabid ${id}` }),
    createdAt,
    expiresAt: createdAt + DAY_MS,
  };
}

const ids = (ms: readonly OutboxMessage[]): string[] => ms.map((m) => m.id);

describe('OutboxRepository', () => {
  it('stores a new message as pending, due at its creation, with no attempts', () => {
    assert.equal(store.outbox.enqueue([message('a', 100)]), 1);
    assert.deepEqual(store.outbox.nextDue({ now: 100 }), {
      ...message('a', 100),
      status: 'pending',
      attempts: 0,
      nextAttemptAt: 100,
      lastAttemptAt: null,
      lastError: null,
      sentAt: null,
      finishedAt: null,
    });
  });

  it('ignores an id it already has: re-enqueueing is a no-op and the first copy wins', () => {
    assert.equal(store.outbox.enqueue([message('a', 100), message('b', 100)]), 2);
    assert.equal(store.outbox.enqueue([message('a', 500, 'changed'), message('c', 500)]), 1);
    assert.equal(store.outbox.enqueue([message('a', 600, 'again')]), 0);
    assert.deepEqual(ids(store.outbox.list({ limit: 10 })), ['c', 'b', 'a']);
    assert.equal(store.outbox.list({ limit: 10 }).find((m) => m.id === 'a')?.subject, 'subject a');
  });

  it('does not re-open a sent message when the same id comes again', () => {
    store.outbox.enqueue([message('a', 100)]);
    store.outbox.markSent('a', 200);
    assert.equal(store.outbox.enqueue([message('a', 300)]), 0);
    assert.equal(store.outbox.nextDue({ now: 1_000 }), null);
  });

  it('enqueues inside a store transaction and rolls back with it', () => {
    assert.throws(() =>
      store.transaction(() => {
        store.outbox.enqueue([message('a', 100)]);
        throw new Error('planning state could not be saved');
      }),
    );
    assert.equal(store.outbox.stats(100).pending, 0);
  });

  it('hands out the oldest due message by created_at, then id, and skips those not yet due', () => {
    store.outbox.enqueue([message('b', 200), message('z', 100), message('a', 200), message('later', 900)]);
    assert.equal(store.outbox.nextDue({ now: 99 }), null);
    assert.equal(store.outbox.nextDue({ now: 100 })?.id, 'z');
    store.outbox.markRetry('z', 1_000, 'ECONNREFUSED', 150);
    assert.equal(store.outbox.nextDue({ now: 300 })?.id, 'a', 'z waits for its next attempt; a sorts before b');
    store.outbox.markSent('a', 300);
    assert.equal(store.outbox.nextDue({ now: 300 })?.id, 'b');
    store.outbox.markFailed('b', '550 no such user', 300);
    assert.equal(store.outbox.nextDue({ now: 899 }), null);
    assert.equal(store.outbox.nextDue({ now: 999 })?.id, 'later');
    assert.equal(store.outbox.nextDue({ now: 1_000 })?.id, 'z', 'due again exactly at next_attempt_at, and older than later');
  });

  it('takes a row due from expiry on, a next attempt beyond the longest backoff, only the channels asked, none of a busy slot', () => {
    store.outbox.enqueue([message('a', 100), { ...message('t', 100), channel: 'telegram' }]);
    store.outbox.markRetry('a', 100_000, 'ECONNREFUSED', 200);
    store.outbox.markRetry('t', 100_000, 'ECONNREFUSED', 200);
    assert.equal(store.outbox.nextDue({ now: 300, horizonMs: 100_000 }), null);
    // The wall clock stepped back after the retry was set: a next attempt further than any backoff is due.
    assert.deepEqual(ids(store.outbox.due({ now: 300, horizonMs: 1_000 }, 10)), ['a', 't']);
    assert.deepEqual(ids(store.outbox.due({ now: 300, horizonMs: 1_000, channels: ['email'] }, 10)), ['a']);
    assert.deepEqual(ids(store.outbox.due({ now: 300, horizonMs: 1_000, busy: ['email'] }, 10)), ['t']);
    store.outbox.markRetry('a', 3 * DAY_MS, 'ECONNREFUSED', 400);
    assert.equal(store.outbox.nextDue({ now: 100 + DAY_MS - 1, channels: ['email'] }), null);
    assert.equal(store.outbox.nextDue({ now: 100 + DAY_MS, channels: ['email'] })?.id, 'a', 'expired: taken to be given up');
  });

  it('counts attempts and records the last error and times', () => {
    store.outbox.enqueue([message('a', 100), message('b', 100), message('c', 100)]);
    store.outbox.markRetry('a', 500, 'ETIMEDOUT', 110);
    store.outbox.markRetry('a', 900, 'ESOCKET', 510);
    let a = store.outbox.list({ limit: 10 }).find((m) => m.id === 'a');
    assert.deepEqual(
      a && { status: a.status, attempts: a.attempts, nextAttemptAt: a.nextAttemptAt, lastAttemptAt: a.lastAttemptAt, lastError: a.lastError },
      { status: 'pending', attempts: 2, nextAttemptAt: 900, lastAttemptAt: 510, lastError: 'ESOCKET' },
    );
    store.outbox.markSent('a', 950);
    store.outbox.markFailed('b', '550 no such user', 120);
    store.outbox.markExpired('c', 'too old', 130);
    const byId = new Map(store.outbox.list({ limit: 10 }).map((m) => [m.id, m]));
    a = byId.get('a');
    assert.deepEqual(
      a && { status: a.status, attempts: a.attempts, sentAt: a.sentAt, finishedAt: a.finishedAt, lastError: a.lastError },
      { status: 'sent', attempts: 3, sentAt: 950, finishedAt: 950, lastError: null },
    );
    const b = byId.get('b');
    assert.deepEqual(
      b && { status: b.status, attempts: b.attempts, sentAt: b.sentAt, finishedAt: b.finishedAt, lastError: b.lastError },
      { status: 'failed', attempts: 1, sentAt: null, finishedAt: 120, lastError: '550 no such user' },
    );
    const c = byId.get('c');
    assert.deepEqual(
      c && { status: c.status, attempts: c.attempts, lastAttemptAt: c.lastAttemptAt, finishedAt: c.finishedAt },
      { status: 'expired', attempts: 0, lastAttemptAt: null, finishedAt: 130 },
      'an expiry is not an attempt',
    );
  });

  it('never rewrites a finished message', () => {
    store.outbox.enqueue([message('a', 100)]);
    store.outbox.markSent('a', 200);
    store.outbox.markRetry('a', 900, 'late timeout', 300);
    store.outbox.markFailed('a', 'late 550', 300);
    store.outbox.markExpired('a', 'late expiry', 300);
    const [a] = store.outbox.list({ limit: 1 });
    assert.deepEqual(a && { status: a.status, attempts: a.attempts, finishedAt: a.finishedAt, lastError: a.lastError }, {
      status: 'sent',
      attempts: 1,
      finishedAt: 200,
      lastError: null,
    });
  });

  it('reports pending depth, the oldest pending creation and what was given up in the last 24 hours', () => {
    const now = 10 * DAY_MS;
    assert.deepEqual(store.outbox.stats(now), { pending: 0, oldestPendingAt: null, failedSince24h: 0, expiredSince24h: 0 });
    store.outbox.enqueue(['p1', 'p2', 'f-old', 'f-edge', 'f-new', 'e-new', 'sent'].map((id, i) => message(id, now - 3 * DAY_MS + i)));
    store.outbox.markFailed('f-old', 'x', now - DAY_MS - 1);
    store.outbox.markFailed('f-edge', 'x', now - DAY_MS);
    store.outbox.markFailed('f-new', 'x', now - 5);
    store.outbox.markExpired('e-new', 'x', now - 5);
    store.outbox.markSent('sent', now - 5);
    assert.deepEqual(store.outbox.stats(now), {
      pending: 2,
      oldestPendingAt: now - 3 * DAY_MS,
      failedSince24h: 2,
      expiredSince24h: 1,
    });
  });

  it('lists newest first, optionally by status, up to the limit', () => {
    store.outbox.enqueue([message('a', 100), message('b', 200), message('c', 300), message('d', 400)]);
    store.outbox.markFailed('a', 'x', 500);
    store.outbox.markFailed('c', 'x', 500);
    assert.deepEqual(ids(store.outbox.list({ limit: 10 })), ['d', 'c', 'b', 'a']);
    assert.deepEqual(ids(store.outbox.list({ limit: 2 })), ['d', 'c']);
    assert.deepEqual(ids(store.outbox.list({ status: 'failed', limit: 10 })), ['c', 'a']);
    assert.deepEqual(ids(store.outbox.list({ status: 'pending', limit: 10 })), ['d', 'b']);
    assert.deepEqual(ids(store.outbox.list({ status: 'expired', limit: 10 })), []);
    assert.throws(() => store.outbox.list({ limit: 0 }), RangeError);
  });

  it('prunes finished messages before the cut-off and never a pending one', () => {
    store.outbox.enqueue([message('sent-old', 1), message('failed-old', 1), message('edge', 1), message('pending-old', 1), message('sent-new', 1)]);
    store.outbox.markSent('sent-old', 100);
    store.outbox.markFailed('failed-old', 'x', 150);
    store.outbox.markExpired('edge', 'x', 200);
    store.outbox.markSent('sent-new', 300);
    assert.equal(store.outbox.pruneFinishedBefore(200), 2);
    assert.deepEqual(ids(store.outbox.list({ limit: 10 })).sort(), ['edge', 'pending-old', 'sent-new']);
    assert.equal(store.outbox.pruneFinishedBefore(200), 0);
    // Documented trade-off: once pruned, the same id is new again.
    assert.equal(store.outbox.enqueue([message('sent-old', 400)]), 1);
  });

  it('keeps pending messages across close and reopen', () => {
    store.outbox.enqueue([message('a', 100)]);
    store.outbox.markRetry('a', 700, 'ECONNREFUSED', 200);
    store = temp.reopen();
    assert.equal(store.outbox.nextDue({ now: 699 }), null);
    assert.equal(store.outbox.nextDue({ now: 700 })?.attempts, 1);
  });
});
