// The data at risk as tables: every boundary of BACKLOG_CRITICAL (equal to a limit, one under, one over,
// each limit, hysteresis by resume_fraction, a source that cannot be read), BacklogWarning's window,
// UPLOAD_STALLED (late by one ms, halting or not), and how both meet the gate: STARTING waits for a
// source that may halt, an allow override lifts both, buffering ends at a halt limit.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assessBacklog,
  backlogReason,
  backlogWarning,
  initialBacklogState,
  isHeartbeatLate,
  itemsWaiting,
  uploadStalledReasons,
  type BacklogLimits,
  type BacklogPolicy,
  type HeartbeatPolicy,
} from '../../src/core/data-at-risk.js';
import { decideGate, type GateInput, type GatePolicy } from '../../src/core/gate.js';
import type { BacklogReading, BacklogState, Gate, HeartbeatState, Override, Reason, TargetState, VolumeState } from '../../src/core/types.js';

const NOW = 1_765_000_000_000;
const SEC = 1_000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NONE: BacklogLimits = { items: null, bytes: null, oldest_age: null };

function policy(o: Partial<BacklogPolicy> = {}): BacklogPolicy {
  return { name: 'spool', warn: NONE, halt: { items: 1_000, bytes: 5_000_000, oldest_age: 2 * DAY }, resumeFraction: 0.8, haltWhenUnavailable: false, ...o };
}

/** A source read at NOW with `reading`; the oldest item's time is given as its age at NOW. */
function read(reading: Partial<BacklogReading> & { ageMs?: number } = {}, name = 'spool'): BacklogState {
  const { ageMs, ...rest } = reading;
  const oldestAt = ageMs === undefined ? null : NOW - ageMs;
  return assessBacklog(initialBacklogState(name), { ok: true, durationMs: 3, items: 0, bytes: null, oldestAt, ...rest, source: name, at: NOW });
}

function unreadable(from: BacklogState = initialBacklogState('spool')): BacklogState {
  return assessBacklog(from, { ok: false, failure: 'unreadable', durationMs: 1, detail: 'ENOENT /srv/spool', source: from.name, at: NOW });
}

/** A previous gate that held BACKLOG_CRITICAL for `spool`: what hysteresis remembers. */
function heldBefore(subject = 'spool'): Gate {
  const reason: Reason = { code: 'BACKLOG_CRITICAL', subject, since: NOW - HOUR, facts: {} };
  return { state: 'halted', mode: 'normal', buffering: null, forecast: null, since: NOW - HOUR, reasons: [reason], overridden: [], clearSince: null, decidedAt: NOW - SEC, validUntil: NOW + MIN, override: null };
}

describe('BACKLOG_CRITICAL: each halt limit at its boundary', () => {
  const rows: { name: string; state: BacklogState; previous?: Gate; policy?: BacklogPolicy; limit: string | null }[] = [
    { name: 'items one under the limit', state: read({ items: 999 }), limit: null },
    { name: 'items equal to the limit', state: read({ items: 1_000 }), limit: 'halt_items' },
    { name: 'items one over', state: read({ items: 1_001 }), limit: 'halt_items' },
    { name: 'bytes one under', state: read({ items: 1, bytes: 4_999_999 }), limit: null },
    { name: 'bytes equal', state: read({ items: 1, bytes: 5_000_000 }), limit: 'halt_bytes' },
    { name: 'oldest one ms younger than the limit', state: read({ items: 1, ageMs: 2 * DAY - 1 }), limit: null },
    { name: 'oldest exactly the limit old', state: read({ items: 1, ageMs: 2 * DAY }), limit: 'halt_oldest_age' },
    { name: 'oldest one ms older', state: read({ items: 1, ageMs: 2 * DAY + 1 }), limit: 'halt_oldest_age' },
    { name: 'an oldest time ahead of now (a skewed clock) is 0 s old', state: read({ items: 1, ageMs: -HOUR }), limit: null },
    { name: 'two limits crossed: the first in order (items) is named', state: read({ items: 5_000, bytes: 9_000_000 }), limit: 'halt_items' },
    { name: 'no halt limits: halting is opt-in', state: read({ items: 10 ** 9 }), policy: policy({ halt: NONE }), limit: null },
    { name: 'a source that does not say bytes is not judged by halt_bytes', state: read({ items: 1, bytes: null }), policy: policy({ halt: { ...NONE, bytes: 1 } }), limit: null },
    // Hysteresis: once critical, held while at or over resume_fraction (0.8) of the limit.
    { name: 'held before, now 800 items (= 0.8 of 1,000): still held', state: read({ items: 800 }), previous: heldBefore(), limit: 'halt_items' },
    { name: 'held before, now 799 items: clears', state: read({ items: 799 }), previous: heldBefore(), limit: null },
    { name: 'not held before, 800 items: nothing', state: read({ items: 800 }), limit: null },
    { name: 'held before, oldest at 0.8 of the age limit: held by the age', state: read({ items: 1, ageMs: 0.8 * 2 * DAY }), previous: heldBefore(), limit: 'halt_oldest_age' },
    { name: 'held before for another source: no hysteresis here', state: read({ items: 900 }), previous: heldBefore('arsip'), limit: null },
    { name: 'a custom resume_fraction of 0.5: 500 holds', state: read({ items: 500 }), previous: heldBefore(), policy: policy({ resumeFraction: 0.5 }), limit: 'halt_items' },
    { name: 'a custom resume_fraction of 0.5: 499 clears', state: read({ items: 499 }), previous: heldBefore(), policy: policy({ resumeFraction: 0.5 }), limit: null },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const reason = backlogReason(row.state, row.policy ?? policy(), row.previous ?? null, NOW);
      assert.equal(reason?.facts.limit ?? null, row.limit);
      if (reason !== null) {
        assert.equal(reason.code, 'BACKLOG_CRITICAL');
        assert.equal(reason.subject, 'spool');
      }
    });
  }

  test('facts: items, bytes, oldest time and age in seconds, the limit crossed in its unit', () => {
    const reason = backlogReason(read({ items: 12_345, bytes: 6_000_000, ageMs: 3 * DAY }), policy({ halt: { ...NONE, oldest_age: 2 * DAY } }), null, NOW);
    assert.deepEqual(reason?.facts, {
      items: 12_345,
      bytes: 6_000_000,
      oldestAt: NOW - 3 * DAY,
      oldestAgeSeconds: 3 * 86_400,
      limit: 'halt_oldest_age',
      limitValue: 2 * 86_400,
      resumeFraction: 0.8,
    });
  });
});

describe('BACKLOG_CRITICAL: a source that cannot be read', () => {
  test('not read yet: nothing here (STARTING is the gate\'s)', () => {
    assert.equal(backlogReason(initialBacklogState('spool'), policy({ haltWhenUnavailable: true }), null, NOW), null);
  });
  test('unreadable without halt_when_unavailable: no reason, only the alert', () => {
    assert.equal(backlogReason(unreadable(), policy(), null, NOW), null);
  });
  test('unreadable with halt_when_unavailable: held, with the failure and the last numbers known', () => {
    const reason = backlogReason(unreadable(read({ items: 7 })), policy({ haltWhenUnavailable: true }), null, NOW);
    assert.equal(reason?.facts.unavailable, true);
    assert.equal(reason?.facts.failure, 'unreadable');
    assert.equal(reason?.facts.items, 7);
  });
  test('an unreadable source keeps its last reading for people to see', () => {
    const state = unreadable(read({ items: 7, bytes: 70 }));
    assert.deepEqual(state.lastReading, { items: 7, bytes: 70, oldestAt: null, at: NOW });
    assert.equal(state.last?.ok, false);
  });
});

describe('BacklogWarning: at or over a warn limit, under every halt limit', () => {
  const warnPolicy = policy({ warn: { items: 100, bytes: null, oldest_age: DAY } });
  const rows: { name: string; state: BacklogState; limit: string | null }[] = [
    { name: '99 items: nothing', state: read({ items: 99 }), limit: null },
    { name: '100 items: warning by items', state: read({ items: 100 }), limit: 'items' },
    { name: 'a day old: warning by age', state: read({ items: 1, ageMs: DAY }), limit: 'oldest_age' },
    { name: 'over the halt limit: critical, not a warning', state: read({ items: 1_000 }), limit: null },
    { name: 'unreadable: BacklogSourceUnavailable\'s, not a warning', state: unreadable(read({ items: 500 })), limit: null },
  ];
  for (const row of rows) {
    test(row.name, () => assert.equal(backlogWarning(row.state, warnPolicy, NOW)?.limit ?? null, row.limit));
  }
});

describe('heartbeats: late after grace, by one ms', () => {
  const grace: HeartbeatPolicy = { name: 'upload', graceMs: 15 * MIN, halt: true };
  const beat = (lastPingAt: number | null, watchedSince = NOW - DAY): HeartbeatState => ({ name: 'upload', lastPingAt, lastItemsSent: null, watchedSince });
  const rows: { name: string; heartbeat: HeartbeatState; late: boolean }[] = [
    { name: 'pinged exactly grace ago: not late', heartbeat: beat(NOW - 15 * MIN), late: false },
    { name: 'pinged grace + 1 ms ago: late', heartbeat: beat(NOW - 15 * MIN - 1), late: true },
    { name: 'pinged just now', heartbeat: beat(NOW), late: false },
    { name: 'never pinged, watched for exactly grace: not late', heartbeat: beat(null, NOW - 15 * MIN), late: false },
    { name: 'never pinged, watched grace + 1 ms: late', heartbeat: beat(null, NOW - 15 * MIN - 1), late: true },
    { name: 'a ping older than the watch start still counts (a restart keeps it)', heartbeat: beat(NOW - 16 * MIN, NOW - MIN), late: true },
  ];
  for (const row of rows) {
    test(row.name, () => assert.equal(isHeartbeatLate(row.heartbeat, grace, NOW), row.late));
  }

  test('UPLOAD_STALLED only for a late heartbeat with halt: true, with its facts and what waits', () => {
    const policies = new Map<string, HeartbeatPolicy>([
      ['upload', grace],
      ['sync', { name: 'sync', graceMs: MIN, halt: false }],
    ]);
    const late = { name: 'upload', lastPingAt: NOW - HOUR, lastItemsSent: 3, watchedSince: NOW - DAY };
    const lateButAlertOnly = { name: 'sync', lastPingAt: NOW - HOUR, lastItemsSent: null, watchedSince: NOW - DAY };
    const reasons = uploadStalledReasons([late, lateButAlertOnly], policies, [read({ items: 40 }), read({ items: 2 }, 'arsip')], NOW);
    assert.deepEqual(reasons, [
      { code: 'UPLOAD_STALLED', subject: 'upload', facts: { lastPingAt: NOW - HOUR, watchedSince: NOW - DAY, graceSeconds: 900, itemsWaiting: 42 } },
    ]);
  });

  test('items waiting: null without a source read, the sum of the last readings otherwise', () => {
    assert.equal(itemsWaiting([initialBacklogState('spool')]), null);
    assert.equal(itemsWaiting([read({ items: 5 }), unreadable(read({ items: 6 }, 'arsip'))]), 11);
  });
});

// ---- with the gate ------------------------------------------------------------------------------

const up: TargetState = {
  name: 'pusat',
  kind: 'http',
  role: 'central',
  status: 'up',
  statusSince: NOW - HOUR,
  consecutiveFailures: 0,
  consecutiveSuccesses: 3,
  last: { ok: true, target: 'pusat', at: NOW, durationMs: 20, phases: {}, detail: '200' },
  lastSuccessAt: NOW,
  lastFailureAt: null,
};
const down: TargetState = { ...up, status: 'down', consecutiveFailures: 3, consecutiveSuccesses: 0, last: { ok: false, target: 'pusat', at: NOW, failure: 'timeout', durationMs: 5_000, phases: {}, detail: 'x' }, lastSuccessAt: NOW - HOUR };
const usage = { sizeBytes: 1e9, freeBytes: 5e8, availBytes: 5e8, usedBytes: 5e8, usedRatio: 0.5, filesTotal: 0, filesFree: 0, filesUsedRatio: 0 };
const roomy: VolumeState = {
  name: 'rekaman',
  deviceId: 1,
  last: { ok: true, volume: 'rekaman', at: NOW, durationMs: 1, deviceId: 1, ...usage },
  lastUsage: usage,
  samples: [],
  fillRateBytesPerSecond: 0,
  fullEtaSeconds: null,
  // Flat: room for any outage, which buffering needs proven by a forecast.
  forecast: { model: 'linear', haltAt: null, floorAt: null, fullAt: null, fillingAt: null, bufferEndAt: null, roomWorkingSeconds: null },
};
const GATE_POLICY: GatePolicy = {
  downWhen: 'any',
  onCentralDown: 'halt',
  bufferMinHours: 24,
  resumeAfterMs: 2 * MIN,
  validForMs: 45 * SEC,
  staleAfterMs: { central: 45 * SEC, storage: 90 * SEC },
  volumes: [{ name: 'rekaman', warnRatio: 0.85, haltRatio: 0.9, resumeRatio: 0.85, floorRatio: 0.95, minFreeBytes: null, haltEtaMs: 4 * HOUR }],
  backlogs: [policy()],
  heartbeats: [{ name: 'upload', graceMs: 15 * MIN, halt: true }],
};
const allowOverride: Override = { id: 'ovr-1', action: 'allow', reason: 'upload by hand tonight', by: 'kabid', createdAt: NOW - MIN, expiresAt: NOW + HOUR, liftedAt: null, liftedBy: null };

function decide(o: Partial<GateInput>, p: Partial<GatePolicy> = {}) {
  const input: GateInput = {
    previous: null,
    targets: [up],
    volumes: [roomy],
    backlogs: [read({ items: 10 })],
    heartbeats: [{ name: 'upload', lastPingAt: NOW - MIN, lastItemsSent: null, watchedSince: NOW - DAY }],
    overrides: [],
    now: NOW,
    ...o,
  };
  return decideGate(input, { ...GATE_POLICY, ...p });
}
const codes = (reasons: readonly Reason[]) => reasons.map((r) => `${r.code}:${r.subject}`);

describe('the gate with the data at risk', () => {
  test('healthy: allowed', () => {
    assert.equal(decide({}).gate.state, 'allowed');
  });

  test('a source that may halt and has not been read yet: STARTING waits for it', () => {
    const { gate } = decide({ backlogs: [initialBacklogState('spool')] });
    assert.deepEqual(codes(gate.reasons), ['STARTING:startup']);
    assert.match(String(gate.reasons[0]?.facts.waitingFor), /spool/);
  });

  test('a source that cannot halt is not waited for', () => {
    const { gate } = decide({ backlogs: [initialBacklogState('spool')] }, { backlogs: [policy({ halt: NONE })] });
    assert.equal(gate.state, 'allowed');
  });

  test('over a halt limit and a late halting heartbeat: both hold the gate, with central up', () => {
    const late = { name: 'upload', lastPingAt: NOW - HOUR, lastItemsSent: null, watchedSince: NOW - DAY };
    const { gate, transition } = decide({ backlogs: [read({ items: 2_000 })], heartbeats: [late] });
    assert.deepEqual(codes(gate.reasons), ['BACKLOG_CRITICAL:spool', 'UPLOAD_STALLED:upload']);
    assert.equal(gate.state, 'halted');
    assert.deepEqual((transition?.evidence as { backlog: unknown }).backlog, { spool: { items: 2_000, bytes: null, oldestAt: null, failure: null, lastAt: NOW } });
  });

  test('an allow override lifts both', () => {
    const late = { name: 'upload', lastPingAt: NOW - HOUR, lastItemsSent: null, watchedSince: NOW - DAY };
    const { gate } = decide({ backlogs: [read({ items: 2_000 })], heartbeats: [late], overrides: [allowOverride] });
    assert.equal(gate.state, 'allowed');
    assert.deepEqual(codes(gate.overridden), ['BACKLOG_CRITICAL:spool', 'UPLOAD_STALLED:upload']);
  });

  test('buffer mode: central down with room buffers; a source over a halt limit ends buffering', () => {
    const buffer = { onCentralDown: 'buffer' as const };
    const buffering = decide({ targets: [down] }, buffer).gate;
    assert.deepEqual([buffering.state, buffering.mode], ['allowed', 'buffering']);
    // Under an allow override only the backlog's reason would be lifted: buffering itself has ended.
    const { gate } = decide({ targets: [down], backlogs: [read({ items: 1_000 })], overrides: [allowOverride] }, buffer);
    assert.deepEqual(codes(gate.overridden), ['CENTRAL_UNREACHABLE:central', 'BACKLOG_CRITICAL:spool']);
  });

  test('buffer mode ends at the limit itself, not at resume_fraction of it', () => {
    const previous = decide({ targets: [down], backlogs: [read({ items: 1_000 })] }, { onCentralDown: 'buffer' }).gate;
    const { gate } = decide({ previous, targets: [down], backlogs: [read({ items: 900 })] }, { onCentralDown: 'buffer' });
    // BACKLOG_CRITICAL holds by hysteresis (900 >= 800); the backlog is under its limit, so buffering is back.
    assert.deepEqual(codes(gate.reasons), ['BACKLOG_CRITICAL:spool']);
  });
});
