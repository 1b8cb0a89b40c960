// The engine with backlog sources and heartbeats, on virtual time and a real SQLite file: a ping is
// stored before it counts and survives a restart, lateness counts real time across a wall-clock step,
// a source over its halt limit halts and its reads are kept, and a restart waits for a fresh read of a
// source that may halt while showing its last numbers.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { pino } from 'pino';
import type { GatePolicy } from '../../src/core/gate.js';
import type { BacklogResult, ProbeResult } from '../../src/core/types.js';
import { Metrics } from '../../src/runtime/metrics.js';
import { Engine } from '../../src/shell/engine.js';
import { DEFAULT_OFFICE_CALENDAR } from '../helpers/calendar.js';
import { tempStore, type TempStore } from '../helpers/temp-store.js';
import { FakeClock } from '../sim/fake-clock.js';

const W = Date.UTC(2026, 11, 7, 1);
const MIN = 60_000;
const HOUR = 60 * MIN;
const GRACE = 15 * MIN;

const USAGE = { sizeBytes: 1e9, freeBytes: 5e8, availBytes: 5e8, usedBytes: 5e8, usedRatio: 0.5, filesTotal: 1000, filesFree: 900, filesUsedRatio: 0.1 };
const UP: ProbeResult = { ok: true, durationMs: 12, phases: {}, detail: '200' };
const NONE = { items: null, bytes: null, oldest_age: null };

const POLICY: GatePolicy = {
  downWhen: 'any',
  onCentralDown: 'halt',
  bufferMinHours: 4,
  resumeAfterMs: 60_000,
  validForMs: 45_000,
  staleAfterMs: { central: 3 * HOUR, storage: 3 * HOUR },
  volumes: [{ name: 'rekaman', warnRatio: 0.8, haltRatio: 0.9, resumeRatio: 0.85, floorRatio: 0.97, minFreeBytes: null, haltEtaMs: 3_600_000 }],
  backlogs: [{ name: 'spool', warn: NONE, halt: { ...NONE, items: 1_000 }, resumeFraction: 0.8, haltWhenUnavailable: false }],
  heartbeats: [{ name: 'upload', graceMs: GRACE, halt: true }],
};

let temp: TempStore;
let clock: FakeClock;
let engine: Engine;
let metrics: Metrics;

function newEngine(): Engine {
  metrics = new Metrics({ version: 'test', targets: ['pusat'], volumes: ['rekaman'], alertmanager: false, alertChannels: [], gateActionTypes: [], backlogSources: ['spool'], heartbeats: ['upload'] });
  return new Engine(
    {
      targets: [{ name: 'pusat', kind: 'http', role: 'central' }],
      volumes: [{ name: 'rekaman', fillWindowMs: 600_000 }],
      backlogs: ['spool'],
      heartbeats: ['upload'],
      thresholds: { failureThreshold: 1, recoveryThreshold: 1 },
      policy: POLICY,
      calendar: DEFAULT_OFFICE_CALENDAR,
      sampleRetentionMs: 86_400_000,
      transitionRetentionMs: 30 * 86_400_000,
      snapshotEveryMs: 10_000,
      decisionEveryMs: 1_000,
    },
    { store: temp.store, metrics, logger: pino({ level: 'silent' }), clock },
  );
}

/** A healthy round: central up, the volume half full, the spool holding `items`. */
function round(items: number): void {
  engine.observeTarget('pusat', clock.now(), UP);
  engine.observeVolume({ ok: true, durationMs: 1, deviceId: 7, ...USAGE, volume: 'rekaman', at: clock.now() });
  const result: BacklogResult = { ok: true, durationMs: 2, items, bytes: items * 1_000, oldestAt: clock.now() - HOUR };
  engine.observeBacklog({ ...result, source: 'spool', at: clock.now() });
}

const codes = () => engine.gate.reasons.map((r) => `${r.code}:${r.subject}`);
const scrape = async () => (await metrics.body()).toString();

beforeEach(() => {
  temp = tempStore('jaga-engine-risk-');
  clock = new FakeClock({ startWallMs: W });
  engine = newEngine();
  engine.start();
});
afterEach(() => {
  engine.stop();
  temp.remove();
});

describe('heartbeats', () => {
  test('an unknown name is not recorded; a known one is stored with its items_sent', () => {
    assert.equal(engine.recordHeartbeat('unggah', 5), null);
    const state = engine.recordHeartbeat('upload', 12);
    assert.deepEqual(state, { name: 'upload', lastPingAt: W, lastItemsSent: 12, watchedSince: W });
    assert.deepEqual(temp.store.dataAtRisk.heartbeats(), [{ name: 'upload', lastPingAt: W, itemsSent: 12, pings: 1 }]);
  });

  test('late one ms after grace: UPLOAD_STALLED halts; a ping reopens after resume_after', async () => {
    round(10);
    engine.recordHeartbeat('upload', null);
    await clock.advance(GRACE);
    assert.equal(engine.gate.state, 'allowed', 'exactly grace since the ping');
    assert.match(await scrape(), /^jaga_heartbeat_late\{heartbeat="upload"\} 0$/m);
    round(10);
    await clock.advance(1_000);
    assert.deepEqual(codes(), ['UPLOAD_STALLED:upload']);
    assert.match(await scrape(), /^jaga_heartbeat_late\{heartbeat="upload"\} 1$/m);
    engine.recordHeartbeat('upload', 3);
    await clock.advance(0);
    assert.deepEqual(codes(), []);
    assert.equal(engine.gate.state, 'halted', 'resume_after has not passed');
    await clock.advance(60_000);
    assert.equal(engine.gate.state, 'allowed');
  });

  test('the last ping survives a restart: lateness counts from it, not from the new start', async () => {
    round(10);
    engine.recordHeartbeat('upload', 4);
    engine.stop();
    await clock.advance(10 * MIN);
    engine = newEngine();
    engine.start();
    assert.deepEqual(engine.heartbeatStates[0], { name: 'upload', lastPingAt: W, lastItemsSent: 4, watchedSince: W + 10 * MIN });
    round(10);
    await clock.advance(5 * MIN + 1_000);
    assert.deepEqual(codes(), ['UPLOAD_STALLED:upload'], '15 min since the ping before the restart');
    assert.match(await scrape(), new RegExp(`^jaga_heartbeat_last_timestamp_seconds\\{heartbeat="upload"\\} ${W / 1000}$`, 'm'));
  });

  test('a wall-clock step of two hours forward does not make a heartbeat late', async () => {
    round(10);
    engine.recordHeartbeat('upload', null);
    await clock.advance(MIN);
    clock.stepWall(2 * HOUR);
    round(10);
    await clock.advance(1_000);
    assert.deepEqual(codes(), []);
    assert.equal(engine.heartbeatStates[0]?.lastPingAt, W + 2 * HOUR, 'the ping moved with the step');
  });
});

describe('backlog sources', () => {
  test('over the halt limit: BACKLOG_CRITICAL; every read is stored, failed ones too', async () => {
    engine.recordHeartbeat('upload', null);
    round(1_000);
    await clock.advance(1_000);
    assert.deepEqual(codes(), ['BACKLOG_CRITICAL:spool']);
    engine.observeBacklog({ ok: false, failure: 'unreadable', durationMs: 1, detail: 'EACCES', source: 'spool', at: clock.now() });
    await clock.advance(1_000);
    const samples = [...temp.store.dataAtRisk.backlogSamples(0, Number.MAX_SAFE_INTEGER)];
    assert.deepEqual(
      samples.map((s) => [s.ok, s.items, s.failure]),
      [
        [true, 1_000, null],
        [false, null, 'unreadable'],
      ],
    );
    assert.match(await scrape(), /^jaga_backlog_available\{source="spool"\} 0$/m);
    assert.match(await scrape(), /^jaga_backlog_items\{source="spool"\} 1000$/m, 'the last numbers stay while unreadable');
  });

  test('the oldest age grows between reads', async () => {
    engine.recordHeartbeat('upload', null);
    round(5);
    await clock.advance(10_000);
    assert.match(await scrape(), /^jaga_backlog_oldest_age_seconds\{source="spool"\} 3610$/m);
  });

  test('after a restart: the last numbers are shown, and the gate waits for a fresh read of a source that may halt', async () => {
    engine.recordHeartbeat('upload', null);
    round(20);
    await clock.advance(1_000);
    assert.equal(engine.gate.state, 'allowed');
    engine.stop();
    engine = newEngine();
    engine.start();
    assert.deepEqual(engine.backlogStates[0]?.lastReading, { items: 20, bytes: 20_000, oldestAt: W - HOUR, at: W });
    assert.equal(engine.backlogStates[0]?.last, null);
    engine.observeTarget('pusat', clock.now(), UP);
    engine.observeVolume({ ok: true, durationMs: 1, deviceId: 7, ...USAGE, volume: 'rekaman', at: clock.now() });
    await clock.advance(1_000);
    assert.equal(engine.ready, false, 'the spool has not been read since the start');
    round(20);
    await clock.advance(1_000);
    assert.equal(engine.ready, true);
    assert.equal(engine.gate.state, 'allowed');
  });
});
