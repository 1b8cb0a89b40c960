// DataAtRiskRepository on a real SQLite file: backlog reads in and out, the newest successful reading
// for a restart, heartbeat pings (the last one always, the history at most every 10 s), the ping before
// a day for the report, pruning, and all of it across a reopen.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { PING_ROW_EVERY_MS } from '../../src/store/data-at-risk.js';
import { tempStore, type TempStore } from '../helpers/temp-store.js';

const T = Date.UTC(2026, 11, 7, 1);
let temp: TempStore;
beforeEach(() => {
  temp = tempStore('jaga-risk-store-');
});
afterEach(() => temp.remove());

describe('backlog samples', () => {
  test('reads in order, failed ones without numbers; the newest successful reading survives a reopen', () => {
    temp.store.dataAtRisk.appendBacklogs([
      { ok: true, durationMs: 1, items: 5, bytes: 50, oldestAt: T - 1_000, source: 'spool', at: T },
      { ok: true, durationMs: 1, items: 9, bytes: null, oldestAt: null, source: 'spool', at: T + 30_000 },
      { ok: false, failure: 'timeout', durationMs: 10_000, detail: 'slow', source: 'spool', at: T + 60_000 },
      { ok: true, durationMs: 1, items: 1, bytes: 1, oldestAt: null, source: 'arsip', at: T + 60_000 },
    ]);
    const store = temp.reopen();
    assert.deepEqual(store.dataAtRisk.lastReading('spool'), { items: 9, bytes: null, oldestAt: null, at: T + 30_000 });
    assert.equal(store.dataAtRisk.lastReading('unknown'), null);
    const samples = [...store.dataAtRisk.backlogSamples(T, T + 60_000)];
    assert.deepEqual(
      samples.map((s) => [s.source, s.at - T, s.ok, s.items]),
      [
        ['spool', 0, true, 5],
        ['spool', 30_000, true, 9],
      ],
      'until is exclusive',
    );
  });
});

describe('heartbeat pings', () => {
  test('the last ping and a count always; the history at most one row per 10 s', () => {
    const { dataAtRisk } = temp.store;
    dataAtRisk.ping('upload', T, 3);
    dataAtRisk.ping('upload', T + 1_000, null);
    dataAtRisk.ping('upload', T + PING_ROW_EVERY_MS - 1, 2);
    dataAtRisk.ping('upload', T + PING_ROW_EVERY_MS, 7);
    const store = temp.reopen();
    assert.deepEqual(store.dataAtRisk.heartbeats(), [{ name: 'upload', lastPingAt: T + PING_ROW_EVERY_MS, itemsSent: 7, pings: 4 }]);
    assert.deepEqual(store.dataAtRisk.pings(T, T + PING_ROW_EVERY_MS + 1), [
      { name: 'upload', at: T, itemsSent: 3 },
      { name: 'upload', at: T + PING_ROW_EVERY_MS, itemsSent: 7 },
    ]);
    assert.equal(store.dataAtRisk.lastPingBefore('upload', T + 1), T);
    assert.equal(store.dataAtRisk.lastPingBefore('upload', T), null);
  });

  test('a clock stepped back still records its ping in the history', () => {
    temp.store.dataAtRisk.ping('upload', T, null);
    temp.store.dataAtRisk.ping('upload', T - 60_000, null);
    assert.equal(temp.store.dataAtRisk.pings(0, T + 1).length, 2);
  });

  test('a thousand pings in a second leave one history row', () => {
    for (let i = 0; i < 1_000; i += 1) temp.store.dataAtRisk.ping('upload', T + i, null);
    assert.equal(temp.store.dataAtRisk.pings(0, T + 10_000).length, 1);
    assert.equal(temp.store.dataAtRisk.heartbeats()[0]?.pings, 1_000);
  });
});

test('pruning drops samples and pings older than the cut, keeping each heartbeat\'s last ping', () => {
  const { dataAtRisk } = temp.store;
  dataAtRisk.appendBacklogs([
    { ok: true, durationMs: 1, items: 1, bytes: null, oldestAt: null, source: 'spool', at: T },
    { ok: true, durationMs: 1, items: 2, bytes: null, oldestAt: null, source: 'spool', at: T + 100_000 },
  ]);
  dataAtRisk.ping('upload', T, null);
  dataAtRisk.ping('upload', T + 100_000, null);
  assert.equal(dataAtRisk.pruneOlderThan(T + 50_000), 2);
  assert.equal([...dataAtRisk.backlogSamples(0, T + 200_000)].length, 1);
  assert.equal(dataAtRisk.pings(0, T + 200_000).length, 1);
  assert.equal(dataAtRisk.heartbeats()[0]?.lastPingAt, T + 100_000);
});
