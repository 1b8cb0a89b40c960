// OutboxFallback on a real SQLite outbox whose writes can be made to fail: held messages go first by age,
// outcomes SQLite refused are kept (a sent message is never handed out again), and all of it is written
// once writes work.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { systemClock } from '../../src/runtime/clock.js';
import { OutboxFallback } from '../../src/notifiers/outbox-fallback.js';
import type { NewOutboxMessage, OutboxRepository } from '../../src/store/outbox.js';
import type { Store } from '../../src/store/sqlite.js';
import { WriteFailures } from '../../src/store/write-failures.js';
import { tempStore, type TempStore } from '../helpers/temp-store.js';

const T = 1_800_000_000_000;
let temp: TempStore;
let store: Store;
let failing: boolean;
let errors: number;
let fallback: OutboxFallback;

const message = (id: string, createdAt: number): NewOutboxMessage => ({
  id,
  source: 'alerts',
  channel: 'email',
  lane: null,
  recipient: `${id}@dinas.test`,
  recipientName: id,
  subject: id,
  messageId: `<${id}@jaga.test>`,
  payload: '{}',
  createdAt,
  expiresAt: createdAt + 86_400_000,
});

/** The real repository, whose updates throw SQLITE_FULL-like errors while `failing`. */
function flaky(repo: OutboxRepository): OutboxRepository {
  const fail = () => {
    if (failing) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
  };
  return Object.assign(Object.create(repo) as OutboxRepository, {
    markSent: (id: string, at: number) => (fail(), repo.markSent(id, at)),
    markRetry: (id: string, next: number, error: string, at: number) => (fail(), repo.markRetry(id, next, error, at)),
  });
}

const rows = () => store.outbox.list({ limit: 100 }).map((m) => [m.id, m.status, m.attempts]).sort();

beforeEach(() => {
  temp = tempStore('jaga-fallback-');
  store = temp.store;
  failing = false;
  errors = 0;
  const logger = pino({ level: 'silent' });
  fallback = new OutboxFallback(flaky(store.outbox), 3, {
    logger,
    failures: new WriteFailures('to the outbox', { logger, onFailure: () => (errors += 1) }),
    clock: { ...systemClock, now: () => T },
  });
});
afterEach(() => temp.remove());

describe('OutboxFallback', () => {
  it('hands out held and stored messages together, oldest first', () => {
    store.outbox.enqueue([message('stored', T - 2)]);
    fallback.hold([message('held-old', T - 3), message('held-new', T - 1)]);
    assert.equal(fallback.nextDue({ now: T })?.id, 'held-old');
    fallback.markSent('held-old', T);
    assert.equal(fallback.nextDue({ now: T })?.id, 'stored');
    store.outbox.markSent('stored', T);
    assert.equal(fallback.nextDue({ now: T })?.id, 'held-new');
    assert.deepEqual(fallback.pending, { count: 1, oldestAt: T - 1 });
  });

  it('keeps an outcome SQLite refused, never hands that message out again, and writes it later', () => {
    store.outbox.enqueue([message('a', T - 2), message('b', T - 1)]);
    failing = true;
    fallback.markSent('a', T);
    fallback.markRetry('b', T + 1_000, '450 busy', T);
    assert.equal(errors, 2);
    assert.equal(fallback.nextDue({ now: T }), null, 'a is sent, b waits for its retry');
    assert.equal(fallback.nextDue({ now: T + 1_000 })?.attempts, 1, 'b is due again, with its attempt counted');
    failing = false;
    store.transaction(() => fallback.write());
    fallback.written();
    assert.equal(fallback.unwritten, false);
    assert.deepEqual(rows(), [['a', 'sent', 1], ['b', 'pending', 1]]);
  });

  it('writes held messages with their status, once, and is empty afterwards', () => {
    fallback.hold([message('a', T - 2), message('b', T - 1)]);
    fallback.markSent('a', T);
    store.transaction(() => fallback.write());
    fallback.written();
    fallback.hold([message('a', T - 2)]); // the id is in SQLite now: written again it stays as it was
    store.transaction(() => fallback.write());
    fallback.written();
    assert.deepEqual(rows(), [['a', 'sent', 1], ['b', 'pending', 0]]);
  });

  it('holds at most its bound, dropping finished messages before pending ones', () => {
    fallback.hold([message('a', T - 4), message('b', T - 3), message('c', T - 2)]);
    fallback.markSent('b', T);
    fallback.hold([message('d', T - 1)]);
    assert.deepEqual(fallback.pending, { count: 3, oldestAt: T - 4 });
    fallback.hold([message('e', T)]);
    assert.deepEqual(fallback.pending, { count: 3, oldestAt: T - 2 }, 'then the oldest pending');
  });

  it('treats a next attempt further ahead than any backoff as due (the clock stepped back)', () => {
    store.outbox.enqueue([message('a', T - 1)]);
    store.outbox.markRetry('a', T + 3_600_000, 'timeout', T);
    assert.equal(fallback.nextDue({ now: T, horizonMs: 60_000 })?.id, 'a');
    assert.equal(fallback.nextDue({ now: T }), null, 'without a bound it waits');
  });
});
