// The one status snapshot every audience reads: the live state taken at one clock reading, and the
// outbox read from a real SQLite store (the given-up list merges failed and expired rows, most recent
// first, a page's worth; memory-held notifications ride along). File I/O (a temporary store).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Gate } from '../../src/core/types.js';
import { statusReader, type StatusSource } from '../../src/http/status-snapshot.js';
import type { NewOutboxMessage } from '../../src/store/outbox.js';
import { tempStore, type TempStore } from '../helpers/temp-store.js';
import { manualClock } from '../helpers/manual-clock.js';

const T = Date.UTC(2026, 10, 30, 8);
const MIN = 60_000;
const DAY = 24 * 60 * MIN;

const gate: Gate = { state: 'allowed', since: T - MIN, reasons: [], overridden: [], clearSince: null, decidedAt: T, validUntil: T + MIN, override: null };

const engine: StatusSource['engine'] = {
  ready: true,
  gate,
  targetStates: [],
  volumeStates: [],
  activeOverrides: [{ id: 'ovr-1', action: 'halt', reason: 'r', by: 'it', createdAt: T - MIN, expiresAt: null, liftedAt: null, liftedBy: null }],
};

const alerting: NonNullable<StatusSource['alerting']> = { alerts: [], silences: [], heldInMemory: { count: 2, oldestAt: T - 5 * MIN } };

const message = (id: string, createdAt: number): NewOutboxMessage => ({
  id,
  source: 'alerts',
  channel: 'email',
  lane: null,
  recipient: 'kabid',
  recipientName: 'Kabid',
  subject: `subject ${id}`,
  messageId: `<${id}@jaga.test>`,
  payload: '{}',
  createdAt,
  expiresAt: createdAt + DAY,
});

describe('statusReader', () => {
  let temp: TempStore;
  before(() => {
    temp = tempStore('jaga-snapshot-');
  });
  after(() => temp.remove());

  test('the live state is read at one instant, and says so; no alerts section, no alerting part', () => {
    const clock = manualClock(T);
    const reader = statusReader({ engine, alerting, store: temp.store, clock });
    const status = reader.status();
    assert.equal(status.at, T);
    assert.equal(status.gate, gate);
    assert.deepEqual(status.overrides.map((o) => o.id), ['ovr-1']);
    assert.deepEqual(status.alerting?.held, { count: 2, oldestAt: T - 5 * MIN });
    clock.pass(MIN);
    assert.equal(reader.status().at, T + MIN, 'read anew on every call: the latest state, never a cached one');
    assert.equal(statusReader({ engine, alerting: null, store: temp.store, clock }).status().alerting, null);
  });

  test('the outbox: given up is failed and expired together, most recently given up first, 20 at most', () => {
    const { outbox } = temp.store;
    // 15 failed and 15 expired, given up in alternating order a minute apart (the oldest 2 days ago).
    const rows = Array.from({ length: 30 }, (_, i) => message(`m${String(i).padStart(2, '0')}`, T - 3 * DAY));
    outbox.enqueue([...rows, message('waiting', T - 10 * MIN)]);
    rows.forEach((row, i) => {
      const at = T - 2 * DAY + i * MIN + (i >= 28 ? DAY + DAY / 2 : 0);
      if (i % 2 === 0) outbox.markFailed(row.id, 'rejected', at);
      else outbox.markExpired(row.id, 'too old', at);
    });
    const reader = statusReader({ engine, alerting, store: temp.store, clock: manualClock(T) });
    const status = reader.status();
    const snapshot = reader.outbox(status);
    assert.deepEqual(
      snapshot.givenUp.map((m) => m.id),
      Array.from({ length: 20 }, (_, i) => `m${String(29 - i).padStart(2, '0')}`),
    );
    assert.deepEqual(snapshot.pending.map((m) => m.id), ['waiting']);
    assert.deepEqual(snapshot.held, { count: 2, oldestAt: T - 5 * MIN });
    assert.deepEqual(
      [snapshot.stats.pending, snapshot.stats.failedSince24h, snapshot.stats.expiredSince24h],
      [1, 1, 1],
      'only m28 and m29 were given up in the 24 hours up to the snapshot',
    );
    assert.deepEqual(reader.outbox({ ...status, alerting: null }).held, { count: 0, oldestAt: null }, 'no pipeline, nothing held');
  });
});
