// The gate-action tables on a real SQLite file: a webhook queue per URL in order, finished rows never
// reopened, pruning that spares pending rows; the state each action handled, across reopen.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
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

const enqueue = (id: string, url: string, createdAt: number) => store.webhookDeliveries.enqueue({ id, url, body: `{"id":"${id}"}`, createdAt });

describe('WebhookDeliveryRepository', () => {
  it('queues per URL in creation order, the head due or not; the same (url, id) once', () => {
    assert.equal(enqueue('t1', A, 100), true);
    assert.equal(enqueue('t1', B, 100), true, 'the same delivery id goes to every URL');
    assert.equal(enqueue('t2', A, 200), true);
    assert.equal(enqueue('t1', A, 300), false);
    store.webhookDeliveries.markRetry(A, 't1', 150, 10_000, 'ECONNREFUSED');
    const head = store.webhookDeliveries.head(A);
    assert.deepEqual(head, {
      id: 't1',
      url: A,
      body: '{"id":"t1"}',
      createdAt: 100,
      status: 'pending',
      attempts: 1,
      nextAttemptAt: 10_000,
      lastAttemptAt: 150,
      lastError: 'ECONNREFUSED',
      finishedAt: null,
    });
    store.webhookDeliveries.markDelivered(A, 't1', 400);
    assert.equal(store.webhookDeliveries.head(A)?.id, 't2');
    assert.equal(store.webhookDeliveries.head(B)?.id, 't1', 'other URLs are not touched');
    assert.deepEqual(store.webhookDeliveries.stats(), { pending: 2, oldestPendingAt: 100 });
  });

  it('never reopens or rewrites a finished delivery', () => {
    enqueue('t1', A, 100);
    store.webhookDeliveries.markExpired(A, 't1', 500, 'too old');
    store.webhookDeliveries.markDelivered(A, 't1', 600);
    store.webhookDeliveries.markRetry(A, 't1', 700, 800, 'x');
    const [row] = store.webhookDeliveries.list(A, 10);
    assert.deepEqual([row?.status, row?.attempts, row?.finishedAt, row?.lastError], ['expired', 0, 500, 'too old']);
    assert.equal(store.webhookDeliveries.head(A), null);
  });

  it('prunes finished rows before a time, never pending ones', () => {
    enqueue('old', A, 100);
    enqueue('new', A, 200);
    enqueue('waiting', A, 50);
    store.webhookDeliveries.markDelivered(A, 'old', 1_000);
    store.webhookDeliveries.markDelivered(A, 'new', 5_000);
    assert.equal(store.webhookDeliveries.pruneFinishedBefore(10_000_000), 2);
    assert.deepEqual(store.webhookDeliveries.list(null, 10).map((d) => d.id), ['waiting']);
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
