// Gate actions' rows on a real SQLite file: webhook rows in the outbox, one lane per URL in order,
// finished rows never reopened, pruning that spares pending rows; the state each action handled, across reopen.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { NewOutboxMessage } from '../../src/store/outbox.js';
import type { Store } from '../../src/store/sqlite.js';
import { tempStore, type TempStore } from '../helpers/temp-store.js';

const A = 'http://127.0.0.1:1/a';
const B = 'http://127.0.0.1:1/b';

let temp: TempStore;
let store: Store;
beforeEach(() => {
  temp = tempStore('jaga-gate-actions-');
  store = temp.store;
});
afterEach(() => temp.remove());

/** A webhook row as actions/webhook.ts writes it: lane per URL, the transition id as message id. */
function row(id: string, url: string, createdAt: number): NewOutboxMessage {
  const lane = `webhook ${url}`;
  return {
    id: `${lane}#${id}`,
    source: 'gate_actions',
    channel: 'webhook',
    lane,
    recipient: url,
    recipientName: url,
    subject: 'allowed -> halted',
    messageId: id,
    payload: JSON.stringify({ url, body: `{"id":"${id}"}`, timeoutMs: 1_000 }),
    createdAt,
    expiresAt: createdAt + 60_000,
  };
}
const enqueue = (id: string, url: string, createdAt: number) => store.outbox.enqueue([row(id, url, createdAt)]) === 1;
/** Heads the sender may take at `now`, by message id and URL. */
const heads = (now: number, busy: readonly string[] = []) => store.outbox.due({ now, busy }, 10).map((m) => `${m.messageId} ${m.recipient}`);
const stored = (id: string, url: string) => store.outbox.list({ source: 'gate_actions', limit: 50 }).find((m) => m.id === `webhook ${url}#${id}`);

describe('webhook rows in the outbox', () => {
  it('a lane per URL in creation order: only its head may go, due or not; the same (url, id) once', () => {
    assert.equal(enqueue('t1', A, 100), true);
    assert.equal(enqueue('t1', B, 100), true, 'the same delivery id goes to every URL');
    assert.equal(enqueue('t2', A, 200), true);
    assert.equal(enqueue('t1', A, 300), false);
    assert.deepEqual(heads(1_000), [`t1 ${A}`, `t1 ${B}`]);
    store.outbox.markRetry(`webhook ${A}#t1`, 10_000, 'ECONNREFUSED', 150);
    assert.deepEqual(heads(1_000), [`t1 ${B}`], 'A waits for its head to be due again; t2 does not overtake it');
    assert.deepEqual(heads(1_000, [`webhook ${B}`]), [], 'a lane with a send in flight gives nothing more');
    assert.deepEqual(
      [stored('t1', A)?.attempts, stored('t1', A)?.nextAttemptAt, stored('t1', A)?.lastError, stored('t1', A)?.lastAttemptAt],
      [1, 10_000, 'ECONNREFUSED', 150],
    );
    store.outbox.markSent(`webhook ${A}#t1`, 400);
    assert.deepEqual(heads(1_000), [`t1 ${B}`, `t2 ${A}`]);
    assert.deepEqual(store.outbox.stats(0, 'gate_actions'), { pending: 2, oldestPendingAt: 100, failedSince24h: 0, expiredSince24h: 0 });
    assert.equal(store.outbox.stats(0).pending, 0, 'webhook rows are not alert notifications');
  });

  it('two rows written in the same millisecond go in the order written', () => {
    enqueue('palangkaraya:halted:2000', A, 100);
    enqueue('palangkaraya:allowed:3000', A, 100);
    assert.deepEqual(heads(1_000), [`palangkaraya:halted:2000 ${A}`]);
  });

  it('an expired head is taken even before its next attempt, so that it can be given up', () => {
    enqueue('t1', A, 100);
    store.outbox.markRetry(`webhook ${A}#t1`, 100_000, 'ECONNREFUSED', 150);
    assert.deepEqual(heads(60_099), []);
    assert.deepEqual(heads(60_100), [`t1 ${A}`]);
  });

  it('never reopens or rewrites a finished delivery', () => {
    enqueue('t1', A, 100);
    store.outbox.markExpired(`webhook ${A}#t1`, 'too old', 500);
    store.outbox.markSent(`webhook ${A}#t1`, 600);
    store.outbox.markRetry(`webhook ${A}#t1`, 800, 'x', 700);
    const r = stored('t1', A);
    assert.deepEqual([r?.status, r?.attempts, r?.finishedAt, r?.lastError], ['expired', 0, 500, 'too old']);
    assert.deepEqual(heads(1_000), []);
  });

  it('prunes finished rows of gate actions before a time, never pending ones nor alert notifications', () => {
    enqueue('old', A, 100);
    enqueue('new', A, 200);
    enqueue('waiting', A, 50);
    store.outbox.markSent(`webhook ${A}#old`, 1_000);
    store.outbox.markSent(`webhook ${A}#new`, 5_000);
    assert.equal(store.outbox.pruneFinishedBefore(10_000_000, 'alerts'), 0);
    assert.equal(store.outbox.pruneFinishedBefore(10_000_000, 'gate_actions'), 2);
    assert.deepEqual(store.outbox.list({ source: 'gate_actions', limit: 10 }).map((d) => d.messageId), ['waiting']);
  });
});

describe('GateActionStateRepository', () => {
  it('keeps the last state each action handled, across reopen', () => {
    assert.equal(store.gateActionState.load('webhook x'), null);
    store.gateActionState.save('webhook x', { state: 'halted', since: 10 }, 11);
    store.gateActionState.save('webhook x', { state: 'allowed', since: 20 }, 21);
    store.gateActionState.save('command ["y"]', { state: 'halted', since: 30 }, 31);
    store = temp.reopen();
    assert.deepEqual(store.gateActionState.load('webhook x'), { state: 'allowed', since: 20 });
    assert.deepEqual(store.gateActionState.load('command ["y"]'), { state: 'halted', since: 30 });
  });
});
