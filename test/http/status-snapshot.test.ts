// The one status snapshot every audience reads: the live state taken at one clock reading, and the
// outbox read from a real SQLite store (the given-up list merges failed and expired rows, most recent
// first, a page's worth; memory-held notifications ride along); backlog sources and heartbeats joined
// with what the config says of them. File I/O (a temporary store).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import type { BacklogState, Gate, HeartbeatState } from '../../src/core/types.js';
import { dataAtRiskSetup, statusReader, type StatusSource } from '../../src/http/status-snapshot.js';
import type { DataAtRiskSetup } from '../../src/views/snapshot.js';
import type { NewOutboxMessage } from '../../src/store/outbox.js';
import { tempStore, type TempStore } from '../helpers/temp-store.js';
import { manualClock } from '../helpers/manual-clock.js';

const T = Date.UTC(2026, 10, 30, 8);
const MIN = 60_000;
const DAY = 24 * 60 * MIN;

const gate: Gate = { state: 'allowed', mode: 'normal', buffering: null, forecast: null, since: T - MIN, reasons: [], overridden: [], clearSince: null, decidedAt: T, validUntil: T + MIN, override: null };

const engine: StatusSource['engine'] = {
  ready: true,
  gate,
  targetStates: [],
  volumeStates: [],
  backlogStates: [],
  heartbeatStates: [],
  isLate: () => false,
  activeOverrides: [{ id: 'ovr-1', action: 'halt', reason: 'r', by: 'it', createdAt: T - MIN, expiresAt: null, liftedAt: null, liftedBy: null }],
};

const NOTHING_WATCHED: DataAtRiskSetup = { sources: [], heartbeats: [] };

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
    const reader = statusReader({ engine, alerting, store: temp.store, clock, dataAtRisk: NOTHING_WATCHED });
    const status = reader.status();
    assert.equal(status.at, T);
    assert.equal(status.gate, gate);
    assert.deepEqual(status.overrides.map((o) => o.id), ['ovr-1']);
    assert.deepEqual(status.alerting?.held, { count: 2, oldestAt: T - 5 * MIN });
    clock.pass(MIN);
    assert.equal(reader.status().at, T + MIN, 'read anew on every call: the latest state, never a cached one');
    assert.equal(statusReader({ engine, alerting: null, store: temp.store, clock, dataAtRisk: NOTHING_WATCHED }).status().alerting, null);
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
    const reader = statusReader({ engine, alerting, store: temp.store, clock: manualClock(T), dataAtRisk: NOTHING_WATCHED });
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

  test('backlog sources and heartbeats: the live state with the config\'s type, halting, grace and halt; late by the engine at the snapshot\'s instant', () => {
    const spool: BacklogState = { name: 'spool', last: null, lastReading: { items: 7, bytes: 70, oldestAt: T - DAY, at: T - 10 * MIN } };
    const upload: HeartbeatState = { name: 'unggah', lastPingAt: T - 20 * MIN, lastItemsSent: 3, watchedSince: T - DAY };
    const asked: number[] = [];
    const watching: StatusSource['engine'] = {
      ...engine,
      backlogStates: [spool],
      heartbeatStates: [upload],
      isLate: (heartbeat, now) => {
        asked.push(now);
        return now - (heartbeat.lastPingAt ?? 0) > 15 * MIN;
      },
    };
    const setup: DataAtRiskSetup = { sources: [{ name: 'spool', type: 'directory', halting: true }], heartbeats: [{ name: 'unggah', graceMs: 15 * MIN, halt: false }] };
    const clock = manualClock(T);
    const status = statusReader({ engine: watching, alerting: null, store: temp.store, clock, dataAtRisk: setup }).status();
    assert.deepEqual(status.backlogs, [{ ...spool, type: 'directory', halting: true }]);
    assert.deepEqual(status.heartbeats, [{ ...upload, graceMs: 15 * MIN, halt: false, late: true }]);
    assert.deepEqual(asked, [T], 'judged at the instant the snapshot was read');
    const unknown = statusReader({ engine: watching, alerting: null, store: temp.store, clock, dataAtRisk: NOTHING_WATCHED });
    assert.throws(() => unknown.status(), /no setup for backlog source "spool"/, 'engine and setup come from one config: a gap is a bug, not a blank');
  });

  test('dataAtRiskSetup: a source halts with any halt_* limit or halt_when_unavailable, not with warn_* limits alone', () => {
    const config = parseConfig(
      [
        'central:',
        '  targets: [{ name: pusat, type: tcp, host: 127.0.0.1, port: 1 }]',
        'storage:',
        '  volumes: [{ name: rekaman, path: /srv }]',
        'backlog:',
        '  sources:',
        '    - { name: spool, type: directory, path: /srv/spool, warn_items: 10 }',
        '    - { name: app, type: http_json, url: "http://127.0.0.1:1/q", items: queue.size, halt_oldest_age: 2d }',
        '    - { name: script, type: command, command: [/bin/true], halt_when_unavailable: true }',
        'heartbeats:',
        '  - { name: unggah, grace: 15m, halt: true }',
        '  - { name: sinkron, grace: 1h }',
      ].join('\n'),
      'jaga.yaml',
      {},
    );
    assert.deepEqual(dataAtRiskSetup(config), {
      sources: [
        { name: 'spool', type: 'directory', halting: false },
        { name: 'app', type: 'http_json', halting: true },
        { name: 'script', type: 'command', halting: true },
      ],
      heartbeats: [
        { name: 'unggah', graceMs: 15 * MIN, halt: true },
        { name: 'sinkron', graceMs: 60 * MIN, halt: false },
      ],
    });
  });
});
