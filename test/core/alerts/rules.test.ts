// The alert rules' tables: each rule on both sides of its boundary, the `for` clock, labels, keys,
// values and order. Pure code, a fake `now`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluateAlerts, type AlertInput, type AlertRulesPolicy, type JagaHealth } from '../../../src/core/alerts/rules.js';
import type { Alert, AlertMemory } from '../../../src/core/alerts/types.js';
import type { BacklogPolicy, HeartbeatPolicy } from '../../../src/core/data-at-risk.js';
import { DEFAULT_OFFICE_CALENDAR } from '../../helpers/calendar.js';
import type {
  BacklogFailure,
  BacklogState,
  Gate,
  HeartbeatState,
  Reason,
  ReasonCode,
  TargetFailure,
  TargetState,
  TargetStatus,
  VolumeFailure,
  VolumeState,
} from '../../../src/core/types.js';

/** Wednesday 15 Nov 2023 05.13 WIB, before the office opens. */
const NOW = 1_700_000_000_000;
/** Monday 20 Nov 2023 08.00 WIB: exactly three working days after NOW (Wednesday, Thursday, Friday; the weekend does not count). */
const THREE_WORKING_DAYS_ON = Date.UTC(2023, 10, 20, 1, 0);
const SEC = 1_000;
const MIN = 60_000;
const HOUR = 3_600_000;
const SIZE = 1_000_000_000; // bytes: ratios are built from bytes, never typed in

// ---- builders ----------------------------------------------------------------------------------

interface TargetOpts {
  readonly role?: TargetState['role'];
  readonly kind?: TargetState['kind'];
  readonly failure?: TargetFailure;
  readonly durationMs?: number;
  readonly lastSuccessAt?: number | null;
}

function target(name: string, status: TargetStatus, o: TargetOpts = {}): TargetState {
  const durationMs = o.durationMs ?? 20;
  const last =
    status === 'unknown'
      ? null
      : status === 'down'
        ? { ok: false as const, target: name, at: NOW, failure: o.failure ?? 'timeout', durationMs, phases: {}, detail: 'x' }
        : { ok: true as const, target: name, at: NOW, durationMs, phases: {}, detail: '200' };
  return {
    name,
    kind: o.kind ?? 'http',
    role: o.role ?? 'central',
    status,
    statusSince: NOW - HOUR,
    consecutiveFailures: status === 'down' ? 3 : 0,
    consecutiveSuccesses: status === 'up' ? 3 : 0,
    last,
    lastSuccessAt: o.lastSuccessAt !== undefined ? o.lastSuccessAt : status === 'up' ? NOW : null,
    lastFailureAt: status === 'down' ? NOW : null,
  };
}

interface VolumeOpts {
  readonly used?: number;
  readonly eta?: number | null;
  readonly rate?: number | null;
  readonly failure?: VolumeFailure;
  readonly never?: boolean;
}

/** A volume at `used` bytes of 1 GB. */
function volume(name: string, o: VolumeOpts = {}): VolumeState {
  const used = o.used ?? 500_000_000;
  const usage = {
    sizeBytes: SIZE,
    freeBytes: SIZE - used,
    availBytes: SIZE - used,
    usedBytes: used,
    usedRatio: used / SIZE,
    filesTotal: 1000,
    filesFree: 900,
    filesUsedRatio: 0.1,
  };
  if (o.never === true) {
    return { name, deviceId: null, last: null, lastUsage: null, samples: [], fillRateBytesPerSecond: null, fullEtaSeconds: null, forecast: null };
  }
  const last =
    o.failure !== undefined
      ? { ok: false as const, volume: name, at: NOW, failure: o.failure, durationMs: 1, detail: 'x' }
      : { ok: true as const, volume: name, at: NOW, durationMs: 1, deviceId: 7, ...usage };
  return {
    name,
    deviceId: 7,
    last,
    lastUsage: usage,
    samples: [],
    fillRateBytesPerSecond: o.rate !== undefined ? o.rate : -1000,
    fullEtaSeconds: o.eta ?? null,
    forecast: null,
  };
}

interface BacklogOpts {
  readonly items?: number;
  readonly bytes?: number | null;
  readonly oldestAt?: number | null;
  /** The last read failed this way; the reading before it (if `items` is given) is kept. */
  readonly failure?: BacklogFailure;
  readonly never?: boolean;
}

/** A backlog source as the engine holds it: read at NOW (or failing now, its last reading an hour old). */
function backlog(name: string, o: BacklogOpts = {}): BacklogState {
  if (o.never === true) return { name, last: null, lastReading: null };
  const reading = { items: o.items ?? 10, bytes: o.bytes !== undefined ? o.bytes : 1_000, oldestAt: o.oldestAt !== undefined ? o.oldestAt : NOW - HOUR };
  if (o.failure !== undefined) {
    return {
      name,
      last: { ok: false, failure: o.failure, durationMs: 5, detail: 'ENOENT', source: name, at: NOW },
      lastReading: o.items === undefined ? null : { ...reading, at: NOW - HOUR },
    };
  }
  return { name, last: { ok: true, durationMs: 5, ...reading, source: name, at: NOW }, lastReading: { ...reading, at: NOW } };
}

/** A heartbeat whose last ping was `ago` ms before NOW (null: never, watched for `watched` ms). */
function heartbeat(name: string, ago: number | null, watched = 2 * HOUR): HeartbeatState {
  return { name, lastPingAt: ago === null ? null : NOW - ago, lastItemsSent: null, watchedSince: NOW - watched };
}

const reason = (code: ReasonCode, subject: string, facts: Reason['facts'] = {}): Reason => ({ code, subject, since: NOW - MIN, facts });

function gate(state: Gate['state'], reasons: Reason[] = [], o: Partial<Gate> = {}): Gate {
  return {
    state,
    mode: 'normal',
    buffering: null,
    forecast: null,
    since: NOW - 10 * MIN,
    reasons,
    overridden: [],
    clearSince: null,
    decidedAt: NOW,
    validUntil: NOW + 45 * SEC,
    override: null,
    ...o,
  };
}

const HEALTHY: JagaHealth = { storeFailingSince: null, outboxOldestPendingAt: null, notificationsGivenUp: 0 };

/** spool warns at 1,000 items and 1 day, halts at 2,000 items, 10 GB and 2 days. */
const SPOOL: BacklogPolicy = {
  name: 'spool',
  warn: { items: 1_000, bytes: null, oldest_age: 24 * HOUR },
  halt: { items: 2_000, bytes: 10_000_000_000, oldest_age: 48 * HOUR },
  resumeFraction: 0.8,
  haltWhenUnavailable: false,
};
/** sync has no limits at all: it is only watched. */
const SYNC: BacklogPolicy = {
  name: 'sync',
  warn: { items: null, bytes: null, oldest_age: null },
  halt: { items: null, bytes: null, oldest_age: null },
  resumeFraction: 0.8,
  haltWhenUnavailable: false,
};
const UNGGAH: HeartbeatPolicy = { name: 'unggah', graceMs: 30 * MIN, halt: true };
const CADANGAN: HeartbeatPolicy = { name: 'cadangan', graceMs: 6 * HOUR, halt: false };

/** Every `for` is 0 so a holding condition fires at once; the `for` table sets its own. */
const POLICY: AlertRulesPolicy = {
  site: 'kua-bandung',
  downWhen: 'any',
  centralUnreachableForMs: 0,
  centralSlow: { forMs: 0, latencyMs: 2000 },
  storageWarningForMs: 0,
  storageCriticalForMs: 0,
  storageFilling: { forMs: 0, etaMs: 6 * HOUR },
  // Three working days of Monday-Friday 08:00-16:00 WIB.
  haltForecast: { forMs: 0, withinWorkingMs: 3 * 8 * HOUR, working: DEFAULT_OFFICE_CALENDAR },
  recordingHaltedForMs: 0,
  jagaDegraded: { forMs: 0, outboxAgeMs: 10 * MIN },
  backlogWarningForMs: 0,
  backlogCriticalForMs: 0,
  uploadStalledForMs: 0,
  backlogSourceUnavailableForMs: 0,
  volumes: [
    { name: 'rekaman', warnRatio: 0.8, haltRatio: 0.9 },
    { name: 'arsip', warnRatio: 0.8, haltRatio: 0.9 },
  ],
  backlogs: [SPOOL, SYNC],
  heartbeats: [UNGGAH, CADANGAN],
};

/** A healthy office (one central target up, one volume half full, gate allowed) with changes applied. */
function input(o: Partial<AlertInput> = {}): AlertInput {
  return {
    targets: [target('pusat-api', 'up')],
    volumes: [volume('rekaman')],
    backlogs: [],
    heartbeats: [],
    gate: gate('allowed'),
    health: HEALTHY,
    now: NOW,
    ...o,
  };
}

const evaluate = (i: Partial<AlertInput> = {}, policy: Partial<AlertRulesPolicy> = {}, memory: AlertMemory = {}) =>
  evaluateAlerts(memory, input(i), { ...POLICY, ...policy });
const keys = (alerts: readonly Alert[]) => alerts.map((a) => a.key);
const one = (alerts: readonly Alert[], key: string): Alert => {
  const found = alerts.find((a) => a.key === key);
  assert.ok(found, `${key} not among ${keys(alerts).join(' ')}`);
  return found;
};

// ---- which alerts hold -------------------------------------------------------------------------

interface RuleRow {
  readonly name: string;
  readonly input?: Partial<AlertInput>;
  readonly policy?: Partial<AlertRulesPolicy>;
  readonly alerts: readonly string[];
}

const down2 = [target('pusat-api', 'down', { failure: 'refused' }), target('pusat-vpn', 'up')];
/** An allowed gate whose forecast halt is at `haltAt`. */
const foreseen = (haltAt: number, reason: ReasonCode = 'STORAGE_CRITICAL', subject = 'rekaman'): Gate =>
  gate('allowed', [], { forecast: { haltAt, reason, subject, model: 'office_hours' } });
/** Buffering through a central outage since an hour, to end at `endsAt`. */
const buffering = (endsAt: number | null): Gate =>
  gate('allowed', [], { mode: 'buffering', buffering: { since: NOW - HOUR, roomWorkingSeconds: 30 * 3600, endsAt } });
const at = (ratio: number) => Math.round(ratio * SIZE);

const RULE_ROWS: Record<string, readonly RuleRow[]> = {
  healthy: [{ name: 'nothing holds', alerts: [] }],
  CentralUnreachable: [
    { name: 'one of two down, any', input: { targets: down2 }, alerts: ['CentralUnreachable{}'] },
    { name: 'one of two down, all', input: { targets: down2 }, policy: { downWhen: 'all' }, alerts: [] },
    {
      name: 'both down, all',
      input: { targets: [target('pusat-api', 'down'), target('pusat-vpn', 'down')] },
      policy: { downWhen: 'all' },
      alerts: ['CentralUnreachable{}'],
    },
    { name: 'unknown is not down', input: { targets: [target('pusat-api', 'unknown')] }, alerts: [] },
    { name: 'a reference down is not central', input: { targets: [target('pusat-api', 'up'), target('router', 'down', { role: 'reference' })] }, alerts: [] },
    // the gate let recording go on (buffer): the alert does not look at the gate
    { name: 'fires while the gate is allowed (buffer)', input: { targets: down2, gate: gate('allowed') }, alerts: ['CentralUnreachable{}'] },
  ],
  CentralSlow: [
    { name: 'latency equal to the threshold', input: { targets: [target('pusat-api', 'up', { durationMs: 2000 })] }, alerts: [] },
    { name: '1 ms over', input: { targets: [target('pusat-api', 'up', { durationMs: 2001 })] }, alerts: ['CentralSlow{target=pusat-api}'] },
    { name: 'a slow reference is not central', input: { targets: [target('router', 'up', { role: 'reference', durationMs: 9000 })] }, alerts: [] },
    { name: 'down and slow is unreachable, not slow', input: { targets: [target('pusat-api', 'down', { durationMs: 9000 })] }, alerts: ['CentralUnreachable{}'] },
    {
      name: 'one alert per slow target',
      input: { targets: [target('pusat-vpn', 'up', { durationMs: 3000 }), target('pusat-api', 'up', { durationMs: 3000 })] },
      alerts: ['CentralSlow{target=pusat-api}', 'CentralSlow{target=pusat-vpn}'],
    },
  ],
  StorageWarning: [
    { name: 'just under warn', input: { volumes: [volume('rekaman', { used: at(0.8) - 1 })] }, alerts: [] },
    { name: 'exactly at warn', input: { volumes: [volume('rekaman', { used: at(0.8) })] }, alerts: ['StorageWarning{volume=rekaman}'] },
    { name: 'just under halt', input: { volumes: [volume('rekaman', { used: at(0.9) - 1 })] }, alerts: ['StorageWarning{volume=rekaman}'] },
    { name: 'exactly at halt: not a warning', input: { volumes: [volume('rekaman', { used: at(0.9) })] }, alerts: [] },
    { name: 'no usage yet', input: { volumes: [volume('rekaman', { never: true })] }, alerts: [] },
    { name: 'a volume without thresholds', input: { volumes: [volume('lain', { used: at(0.85) })] }, alerts: [] },
  ],
  StorageCritical: [
    { name: 'STORAGE_CRITICAL', input: { gate: gate('halted', [reason('STORAGE_CRITICAL', 'rekaman')]) }, alerts: ['RecordingHalted{}', 'StorageCritical{volume=rekaman}'] },
    { name: 'STORAGE_FLOOR', input: { gate: gate('halted', [reason('STORAGE_FLOOR', 'rekaman')]) }, alerts: ['RecordingHalted{}', 'StorageCritical{volume=rekaman}'] },
    { name: 'INODES_CRITICAL', input: { gate: gate('halted', [reason('INODES_CRITICAL', 'rekaman')]) }, alerts: ['RecordingHalted{}', 'StorageCritical{volume=rekaman}'] },
    { name: 'VOLUME_UNAVAILABLE', input: { gate: gate('halted', [reason('VOLUME_UNAVAILABLE', 'rekaman')]) }, alerts: ['RecordingHalted{}', 'StorageCritical{volume=rekaman}'] },
    { name: 'STORAGE_FILLING is not critical storage', input: { gate: gate('halted', [reason('STORAGE_FILLING', 'rekaman')]) }, alerts: ['RecordingHalted{}'] },
    // an allow override lets recording go on; the disk is still full
    { name: 'overridden reason still fires', input: { gate: gate('allowed', [], { overridden: [reason('STORAGE_CRITICAL', 'rekaman')] }) }, alerts: ['StorageCritical{volume=rekaman}'] },
    {
      name: 'one alert per volume',
      input: { gate: gate('halted', [reason('STORAGE_CRITICAL', 'rekaman'), reason('VOLUME_UNAVAILABLE', 'arsip')]) },
      alerts: ['RecordingHalted{}', 'StorageCritical{volume=arsip}', 'StorageCritical{volume=rekaman}'],
    },
    // usage under the halt line, but the gate's hysteresis still holds it: the gate is the judge
    {
      name: 'follows the gate, not the ratio',
      input: { volumes: [volume('rekaman', { used: at(0.5) })], gate: gate('halted', [reason('STORAGE_CRITICAL', 'rekaman')]) },
      alerts: ['RecordingHalted{}', 'StorageCritical{volume=rekaman}'],
    },
  ],
  StorageFillingUp: [
    { name: 'ETA exactly at the threshold', input: { volumes: [volume('rekaman', { eta: 6 * 3600 })] }, alerts: [] },
    { name: 'ETA 1 s under', input: { volumes: [volume('rekaman', { eta: 6 * 3600 - 1 })] }, alerts: ['StorageFillingUp{volume=rekaman}'] },
    { name: 'no ETA (not filling)', input: { volumes: [volume('rekaman', { eta: null, rate: 0 })] }, alerts: [] },
  ],
  HaltForecast: [
    { name: 'no halt foreseen', input: { gate: gate('allowed') }, alerts: [] },
    { name: 'exactly three working days ahead (Monday 08.00, over a weekend)', input: { gate: foreseen(THREE_WORKING_DAYS_ON) }, alerts: ['HaltForecast{volume=rekaman}'] },
    { name: 'a second of working time more', input: { gate: foreseen(THREE_WORKING_DAYS_ON + SEC) }, alerts: [] },
    // Wall-clock that is four and a half days: working time is what counts.
    { name: 'Friday 16.00 is within three working days too', input: { gate: foreseen(Date.UTC(2023, 10, 17, 9, 0)) }, alerts: ['HaltForecast{volume=rekaman}'] },
    { name: 'halt now', input: { gate: foreseen(NOW) }, alerts: ['HaltForecast{volume=rekaman}'] },
    { name: 'STORAGE_FILLING of another volume', input: { gate: foreseen(NOW + HOUR, 'STORAGE_FILLING', 'arsip') }, alerts: ['HaltForecast{volume=arsip}'] },
    // the end of buffering is about the central server, not a volume
    { name: 'buffering must end', input: { gate: foreseen(NOW + HOUR, 'CENTRAL_UNREACHABLE', 'central') }, alerts: ['HaltForecast{}'] },
    { name: 'a narrower within, one working day: Thursday 09.00 is 9 working hours ahead', input: { gate: foreseen(Date.UTC(2023, 10, 16, 2, 0)) }, policy: { haltForecast: { ...POLICY.haltForecast, withinWorkingMs: 8 * HOUR } }, alerts: [] },
  ],
  RecordingHalted: [
    { name: 'allowed', input: { gate: gate('allowed') }, alerts: [] },
    { name: 'STARTING only: a first start is not news', input: { gate: gate('halted', [reason('STARTING', 'startup')]) }, alerts: [] },
    { name: 'STARTING and a real reason', input: { gate: gate('halted', [reason('STARTING', 'startup'), reason('MANUAL_HALT', 'ov-1')]) }, alerts: ['RecordingHalted{}'] },
    { name: 'manual halt', input: { gate: gate('halted', [reason('MANUAL_HALT', 'ov-1')]) }, alerts: ['RecordingHalted{}'] },
    { name: 'clearing (no reasons, resume_after counting)', input: { gate: gate('halted', [], { clearSince: NOW - SEC }) }, alerts: ['RecordingHalted{}'] },
  ],
  BacklogWarning: [
    { name: 'one under warn_items', input: { backlogs: [backlog('spool', { items: 999, oldestAt: NOW })] }, alerts: [] },
    { name: 'exactly at warn_items', input: { backlogs: [backlog('spool', { items: 1_000, oldestAt: NOW })] }, alerts: ['BacklogWarning{source=spool}'] },
    { name: 'one under halt_items', input: { backlogs: [backlog('spool', { items: 1_999, oldestAt: NOW })] }, alerts: ['BacklogWarning{source=spool}'] },
    // at a halt limit it is BacklogCritical's, through the gate (not halted here: the gate is its judge)
    { name: 'exactly at halt_items: not a warning', input: { backlogs: [backlog('spool', { items: 2_000, oldestAt: NOW })] }, alerts: [] },
    { name: 'oldest 1 ms under a day', input: { backlogs: [backlog('spool', { items: 1, oldestAt: NOW - 24 * HOUR + 1 })] }, alerts: [] },
    { name: 'oldest exactly a day', input: { backlogs: [backlog('spool', { items: 1, oldestAt: NOW - 24 * HOUR })] }, alerts: ['BacklogWarning{source=spool}'] },
    { name: 'under warn, over halt_bytes: not a warning', input: { backlogs: [backlog('spool', { items: 5, bytes: 10_000_000_000, oldestAt: NOW })] }, alerts: [] },
    { name: 'a source without limits', input: { backlogs: [backlog('sync', { items: 1_000_000, oldestAt: NOW - 90 * 24 * HOUR })] }, alerts: [] },
    { name: 'a source not in the policy', input: { backlogs: [backlog('lain', { items: 1_000_000 })] }, alerts: [] },
    { name: 'not read yet', input: { backlogs: [backlog('spool', { never: true })] }, alerts: [] },
    // the last good reading was over the line, but a source that cannot be read is not judged on old numbers
    { name: 'unreadable now', input: { backlogs: [backlog('spool', { items: 1_500, failure: 'timeout' })] }, alerts: ['BacklogSourceUnavailable{source=spool}'] },
  ],
  BacklogCritical: [
    {
      name: 'the gate holds BACKLOG_CRITICAL',
      input: { backlogs: [backlog('spool', { items: 2_000 })], gate: gate('halted', [reason('BACKLOG_CRITICAL', 'spool')]) },
      alerts: ['BacklogCritical{source=spool}', 'RecordingHalted{}'],
    },
    // an allow override lets recording go on; the recordings are still unsent
    {
      name: 'overridden reason still fires',
      input: { backlogs: [backlog('spool', { items: 2_000 })], gate: gate('allowed', [], { overridden: [reason('BACKLOG_CRITICAL', 'spool')] }) },
      alerts: ['BacklogCritical{source=spool}'],
    },
    // under the halt line, but the gate's hysteresis (resume_fraction) still holds it: the gate is the judge
    {
      name: 'follows the gate, not the count',
      input: { backlogs: [backlog('spool', { items: 1_700, oldestAt: NOW })], gate: gate('halted', [reason('BACKLOG_CRITICAL', 'spool')]) },
      alerts: ['BacklogCritical{source=spool}', 'RecordingHalted{}', 'BacklogWarning{source=spool}'],
    },
    { name: 'over halt_items without the gate saying so', input: { backlogs: [backlog('spool', { items: 5_000 })] }, alerts: [] },
    {
      name: 'one alert per source',
      input: { gate: gate('halted', [reason('BACKLOG_CRITICAL', 'spool'), reason('BACKLOG_CRITICAL', 'sync'), reason('UPLOAD_STALLED', 'unggah')]) },
      alerts: ['BacklogCritical{source=spool}', 'BacklogCritical{source=sync}', 'RecordingHalted{}'],
    },
    { name: 'UPLOAD_STALLED is not a backlog', input: { gate: gate('halted', [reason('UPLOAD_STALLED', 'unggah')]) }, alerts: ['RecordingHalted{}'] },
  ],
  UploadStalled: [
    { name: 'pinged exactly grace ago: not late', input: { heartbeats: [heartbeat('unggah', 30 * MIN)] }, alerts: [] },
    { name: 'late by 1 ms', input: { heartbeats: [heartbeat('unggah', 30 * MIN + 1)] }, alerts: ['UploadStalled{heartbeat=unggah}'] },
    { name: 'never pinged, watched exactly grace', input: { heartbeats: [heartbeat('unggah', null, 30 * MIN)] }, alerts: [] },
    { name: 'never pinged, watched 1 ms longer', input: { heartbeats: [heartbeat('unggah', null, 30 * MIN + 1)] }, alerts: ['UploadStalled{heartbeat=unggah}'] },
    // halting or not: an upload that stopped is news either way
    { name: 'a heartbeat that does not halt, late', input: { heartbeats: [heartbeat('cadangan', 6 * HOUR + 1)] }, alerts: ['UploadStalled{heartbeat=cadangan}'] },
    { name: 'a heartbeat that does not halt, in time', input: { heartbeats: [heartbeat('cadangan', 6 * HOUR)] }, alerts: [] },
    {
      name: 'one alert per late heartbeat',
      input: { heartbeats: [heartbeat('unggah', HOUR), heartbeat('cadangan', 7 * HOUR)] },
      alerts: ['UploadStalled{heartbeat=cadangan}', 'UploadStalled{heartbeat=unggah}'],
    },
    { name: 'a heartbeat not in the policy', input: { heartbeats: [heartbeat('lain', 100 * HOUR)] }, alerts: [] },
  ],
  BacklogSourceUnavailable: [
    { name: 'the last read failed', input: { backlogs: [backlog('sync', { failure: 'bad_output' })] }, alerts: ['BacklogSourceUnavailable{source=sync}'] },
    { name: 'read fine', input: { backlogs: [backlog('sync')] }, alerts: [] },
    { name: 'not read yet', input: { backlogs: [backlog('sync', { never: true })] }, alerts: [] },
    {
      name: 'with halt_when_unavailable the gate halts too',
      input: { backlogs: [backlog('spool', { failure: 'too_many_files' })], gate: gate('halted', [reason('BACKLOG_CRITICAL', 'spool', { unavailable: true })]) },
      alerts: ['BacklogCritical{source=spool}', 'RecordingHalted{}', 'BacklogSourceUnavailable{source=spool}'],
    },
  ],
  JagaDegraded: [
    { name: 'store failing', input: { health: { ...HEALTHY, storeFailingSince: NOW - MIN } }, alerts: ['JagaDegraded{}'] },
    { name: 'outbox exactly at its age: not yet', input: { health: { ...HEALTHY, outboxOldestPendingAt: NOW - 10 * MIN } }, alerts: [] },
    { name: 'outbox 1 ms older', input: { health: { ...HEALTHY, outboxOldestPendingAt: NOW - 10 * MIN - 1 } }, alerts: ['JagaDegraded{}'] },
    { name: 'notifications given up', input: { health: { ...HEALTHY, notificationsGivenUp: 1 } }, alerts: ['JagaDegraded{}'] },
    { name: 'probes stale (holding)', input: { gate: gate('halted', [reason('PROBES_STALE', 'probes')]) }, alerts: ['RecordingHalted{}', 'JagaDegraded{}'] },
    { name: 'probes stale (overridden)', input: { gate: gate('allowed', [], { overridden: [reason('PROBES_STALE', 'probes')] }) }, alerts: ['JagaDegraded{}'] },
  ],
};

describe('which alerts hold', () => {
  for (const [rule, rows] of Object.entries(RULE_ROWS)) {
    describe(rule, () => {
      for (const row of rows) {
        test(row.name, () => {
          assert.deepEqual(keys(evaluate(row.input, row.policy).alerts), row.alerts);
        });
      }
    });
  }
});

// ---- the `for` clock ---------------------------------------------------------------------------

interface ForRow {
  readonly name: string;
  /** Since when the memory says the condition holds; undefined: not remembered. */
  readonly since?: number;
  readonly holds: boolean;
  readonly state: Alert['state'] | null;
  readonly firingSince?: number | null;
  readonly memory: AlertMemory;
}

const FOR = 5 * MIN;
const FOR_ROWS: readonly ForRow[] = [
  { name: 'first seen: pending, clock starts now', holds: true, state: 'pending', firingSince: null, memory: { 'CentralUnreachable{}': NOW } },
  { name: '1 ms before for: pending', since: NOW - FOR + 1, holds: true, state: 'pending', firingSince: null, memory: { 'CentralUnreachable{}': NOW - FOR + 1 } },
  { name: 'for exactly elapsed: firing', since: NOW - FOR, holds: true, state: 'firing', firingSince: NOW, memory: { 'CentralUnreachable{}': NOW - FOR } },
  { name: 'long since: firing since activeSince + for', since: NOW - HOUR, holds: true, state: 'firing', firingSince: NOW - HOUR + FOR, memory: { 'CentralUnreachable{}': NOW - HOUR } },
  { name: 'condition dropped: forgotten', since: NOW - HOUR, holds: false, state: null, memory: {} },
];

describe('the for clock', () => {
  for (const row of FOR_ROWS) {
    test(row.name, () => {
      const memory: AlertMemory = row.since === undefined ? {} : { 'CentralUnreachable{}': row.since };
      const result = evaluate({ targets: row.holds ? down2 : [target('pusat-api', 'up')] }, { centralUnreachableForMs: FOR }, memory);
      assert.deepEqual(result.memory, row.memory);
      const alert = result.alerts.find((a) => a.key === 'CentralUnreachable{}');
      assert.equal(alert?.state ?? null, row.state);
      if (alert !== undefined) {
        assert.equal(alert.activeSince, row.since ?? NOW);
        assert.equal(alert.firingSince, row.firingSince);
      }
    });
  }

  test('for 0 fires at once', () => {
    const [alert] = evaluate({ targets: down2 }).alerts;
    assert.equal(alert?.state, 'firing');
    assert.equal(alert?.firingSince, NOW);
  });

  test('a condition that drops and comes back starts its clock again', () => {
    const policy = { centralUnreachableForMs: FOR };
    const first = evaluateAlerts({}, input({ targets: down2, now: NOW - HOUR }), { ...POLICY, ...policy });
    const gone = evaluateAlerts(first.memory, input({ now: NOW - MIN }), { ...POLICY, ...policy });
    const back = evaluateAlerts(gone.memory, input({ targets: down2 }), { ...POLICY, ...policy });
    assert.deepEqual(gone.memory, {});
    assert.equal(back.alerts[0]?.activeSince, NOW);
    assert.equal(back.alerts[0]?.state, 'pending');
  });

  test('each rule reads its own for', () => {
    const forRows: [Partial<AlertRulesPolicy>, Partial<AlertInput>, string][] = [
      [{ centralSlow: { forMs: 1, latencyMs: 2000 } }, { targets: [target('pusat-api', 'up', { durationMs: 3000 })] }, 'CentralSlow{target=pusat-api}'],
      [{ storageWarningForMs: 1 }, { volumes: [volume('rekaman', { used: at(0.85) })] }, 'StorageWarning{volume=rekaman}'],
      [{ storageCriticalForMs: 1 }, { gate: gate('allowed', [], { overridden: [reason('STORAGE_FLOOR', 'rekaman')] }) }, 'StorageCritical{volume=rekaman}'],
      [{ storageFilling: { forMs: 1, etaMs: HOUR } }, { volumes: [volume('rekaman', { eta: 60 })] }, 'StorageFillingUp{volume=rekaman}'],
      [{ haltForecast: { ...POLICY.haltForecast, forMs: 1 } }, { gate: foreseen(NOW + HOUR) }, 'HaltForecast{volume=rekaman}'],
      [{ recordingHaltedForMs: 1 }, { gate: gate('halted', [reason('MANUAL_HALT', 'ov-1')]) }, 'RecordingHalted{}'],
      [{ jagaDegraded: { forMs: 1, outboxAgeMs: MIN } }, { health: { ...HEALTHY, notificationsGivenUp: 2 } }, 'JagaDegraded{}'],
      [{ centralUnreachableForMs: 1 }, { targets: down2 }, 'CentralUnreachable{}'],
      [{ backlogWarningForMs: 1 }, { backlogs: [backlog('spool', { items: 1_500 })] }, 'BacklogWarning{source=spool}'],
      [{ backlogCriticalForMs: 1 }, { gate: gate('halted', [reason('BACKLOG_CRITICAL', 'spool')]) }, 'BacklogCritical{source=spool}'],
      [{ uploadStalledForMs: 1 }, { heartbeats: [heartbeat('unggah', HOUR)] }, 'UploadStalled{heartbeat=unggah}'],
      [{ backlogSourceUnavailableForMs: 1 }, { backlogs: [backlog('sync', { failure: 'timeout' })] }, 'BacklogSourceUnavailable{source=sync}'],
    ];
    for (const [policy, i, key] of forRows) {
      assert.equal(one(evaluate(i, policy).alerts, key).state, 'pending', key);
    }
  });
});

// ---- labels, values, order ---------------------------------------------------------------------

describe('labels and values', () => {
  test('labels: alertname, severity, site, and the target or volume', () => {
    const { alerts } = evaluate({
      targets: [target('pusat-api', 'up', { durationMs: 2500 })],
      volumes: [volume('rekaman', { used: at(0.85) })],
      gate: gate('halted', [reason('MANUAL_HALT', 'ov-1')]),
    });
    assert.deepEqual(one(alerts, 'CentralSlow{target=pusat-api}').labels, { alertname: 'CentralSlow', severity: 'warning', site: 'kua-bandung', target: 'pusat-api' });
    assert.deepEqual(one(alerts, 'StorageWarning{volume=rekaman}').labels, { alertname: 'StorageWarning', severity: 'warning', site: 'kua-bandung', volume: 'rekaman' });
    assert.deepEqual(one(alerts, 'RecordingHalted{}').labels, { alertname: 'RecordingHalted', severity: 'critical', site: 'kua-bandung' });
  });

  test('CentralUnreachable', () => {
    const targets = [
      target('pusat-api', 'down', { failure: 'dns', lastSuccessAt: NOW - HOUR }),
      target('pusat-vpn', 'down', { failure: 'timeout', lastSuccessAt: NOW - 2 * HOUR }),
      target('pusat-web', 'up', { lastSuccessAt: NOW - 5 * SEC }),
    ];
    const alert = one(evaluate({ targets }).alerts, 'CentralUnreachable{}');
    assert.equal(alert.severity, 'critical');
    assert.deepEqual(alert.values, { cause: 'dns', downTargets: 'pusat-api, pusat-vpn', failure: 'dns', lastSuccessAt: NOW - 5 * SEC });
  });

  test('CentralUnreachable: never reached, cause uplink', () => {
    const targets = [target('pusat-api', 'down', { lastSuccessAt: null }), target('router', 'down', { role: 'reference', kind: 'tcp' })];
    assert.deepEqual(one(evaluate({ targets }).alerts, 'CentralUnreachable{}').values, {
      cause: 'uplink',
      downTargets: 'pusat-api',
      failure: 'timeout',
      lastSuccessAt: null,
    });
  });

  test('HaltForecast: when, why, about what, by which model, the working time left and the line', () => {
    const { alerts } = evaluate({ gate: foreseen(THREE_WORKING_DAYS_ON) });
    assert.deepEqual(one(alerts, 'HaltForecast{volume=rekaman}').values, {
      haltAt: THREE_WORKING_DAYS_ON,
      reason: 'STORAGE_CRITICAL',
      subject: 'rekaman',
      model: 'office_hours',
      workingSeconds: 24 * 3600,
      workingDays: 3,
      withinWorkingSeconds: 24 * 3600,
    });
    assert.equal(one(alerts, 'HaltForecast{volume=rekaman}').severity, 'warning');
  });

  test('CentralUnreachable while buffering: since when, and when buffering must end in working time', () => {
    const friday = Date.UTC(2023, 10, 17, 9, 0); // Friday 16.00 WIB: 3 working days
    const values = one(evaluate({ targets: down2, gate: buffering(friday) }).alerts, 'CentralUnreachable{}').values;
    assert.equal(values.bufferingSince, NOW - HOUR);
    assert.equal(values.bufferingEndsAt, friday);
    assert.equal(values.bufferingEndsWorkingSeconds, 24 * 3600);
    assert.equal(values.bufferingEndsWorkingDays, 3);
    const open = one(evaluate({ targets: down2, gate: buffering(null) }).alerts, 'CentralUnreachable{}').values;
    assert.equal(open.bufferingEndsAt, null);
    assert.equal(open.bufferingEndsWorkingSeconds, null);
    // Halting on central down: nothing about buffering at all.
    assert.ok(!Object.hasOwn(one(evaluate({ targets: down2 }).alerts, 'CentralUnreachable{}').values, 'bufferingSince'));
  });

  test('CentralSlow', () => {
    const alert = one(evaluate({ targets: [target('pusat-api', 'up', { durationMs: 2345.6 })] }).alerts, 'CentralSlow{target=pusat-api}');
    assert.deepEqual(alert.values, { latencyMs: 2346, thresholdMs: 2000 });
  });

  test('StorageWarning', () => {
    const alert = one(evaluate({ volumes: [volume('rekaman', { used: at(0.85), eta: 90_000 })] }).alerts, 'StorageWarning{volume=rekaman}');
    assert.deepEqual(alert.values, { usedRatio: 0.85, availBytes: 150_000_000, sizeBytes: SIZE, warnRatio: 0.8, fullEtaSeconds: 90_000 });
  });

  test('StorageCritical: codes in reason order, numbers from the volume, its failure', () => {
    const g = gate('halted', [reason('VOLUME_UNAVAILABLE', 'rekaman')], { overridden: [reason('STORAGE_CRITICAL', 'rekaman')] });
    const alert = one(evaluate({ volumes: [volume('rekaman', { used: at(0.95), failure: 'not_mounted' })], gate: g }).alerts, 'StorageCritical{volume=rekaman}');
    assert.deepEqual(alert.values, {
      reasons: 'STORAGE_CRITICAL, VOLUME_UNAVAILABLE',
      usedRatio: 0.95,
      availBytes: 50_000_000,
      sizeBytes: SIZE,
      filesUsedRatio: 0.1,
      failure: 'not_mounted',
    });
  });

  test('StorageCritical: a volume with no usage yet still alerts, with nulls', () => {
    const g = gate('halted', [reason('VOLUME_UNAVAILABLE', 'rekaman')]);
    const alert = one(evaluate({ volumes: [volume('rekaman', { never: true })], gate: g }).alerts, 'StorageCritical{volume=rekaman}');
    assert.deepEqual(alert.values, { reasons: 'VOLUME_UNAVAILABLE', usedRatio: null, availBytes: null, sizeBytes: null, filesUsedRatio: null, failure: null });
  });

  test('StorageFillingUp', () => {
    const alert = one(evaluate({ volumes: [volume('rekaman', { eta: 3600, rate: -1234 })] }).alerts, 'StorageFillingUp{volume=rekaman}');
    assert.deepEqual(alert.values, { fullEtaSeconds: 3600, fillRateBytesPerSecond: -1234, availBytes: 500_000_000 });
  });

  test('RecordingHalted', () => {
    const override = { id: 'ov-1', action: 'halt' as const, reason: 'audit', by: 'kabid', createdAt: NOW - HOUR, expiresAt: null, liftedAt: null, liftedBy: null };
    const g = gate('halted', [reason('CENTRAL_UNREACHABLE', 'central'), reason('MANUAL_HALT', 'ov-1')], { override });
    assert.deepEqual(one(evaluate({ gate: g }).alerts, 'RecordingHalted{}').values, {
      reasons: 'CENTRAL_UNREACHABLE, MANUAL_HALT',
      since: NOW - 10 * MIN,
      override: 'ov-1',
      overrideBy: 'kabid',
    });
    assert.deepEqual(one(evaluate({ gate: gate('halted', []) }).alerts, 'RecordingHalted{}').values, {
      reasons: '',
      since: NOW - 10 * MIN,
      override: null,
      overrideBy: null,
    });
  });

  test('JagaDegraded: one cause, then all of them', () => {
    const onlyStore = one(evaluate({ health: { ...HEALTHY, storeFailingSince: NOW - MIN } }).alerts, 'JagaDegraded{}');
    assert.deepEqual(onlyStore.values, { storeFailingSince: NOW - MIN, outboxOldestPendingAgeSeconds: null, notificationsGivenUp: 0, probesStale: false, problems: 'store' });
    const health = { storeFailingSince: NOW - MIN, outboxOldestPendingAt: NOW - HOUR, notificationsGivenUp: 3 };
    const all = one(evaluate({ health, gate: gate('halted', [reason('PROBES_STALE', 'probes')]) }).alerts, 'JagaDegraded{}');
    assert.deepEqual(all.values, { storeFailingSince: NOW - MIN, outboxOldestPendingAgeSeconds: 3600, notificationsGivenUp: 3, probesStale: true, problems: 'store, outbox, delivery, probes' });
  });

  test('labels: source or heartbeat', () => {
    const { alerts } = evaluate({ backlogs: [backlog('sync', { failure: 'timeout' })], heartbeats: [heartbeat('unggah', HOUR)] });
    assert.deepEqual(one(alerts, 'BacklogSourceUnavailable{source=sync}').labels, { alertname: 'BacklogSourceUnavailable', severity: 'warning', site: 'kua-bandung', source: 'sync' });
    assert.deepEqual(one(alerts, 'UploadStalled{heartbeat=unggah}').labels, { alertname: 'UploadStalled', severity: 'critical', site: 'kua-bandung', heartbeat: 'unggah' });
  });

  test('BacklogWarning: the reading, the limit crossed (the age in seconds), the office\'s latest upload', () => {
    const alert = one(
      evaluate({
        backlogs: [backlog('spool', { items: 12, bytes: 5_000, oldestAt: NOW - 30 * HOUR })],
        heartbeats: [heartbeat('unggah', 3 * 24 * HOUR), heartbeat('cadangan', 2 * HOUR)],
      }).alerts,
      'BacklogWarning{source=spool}',
    );
    assert.deepEqual(alert.values, {
      items: 12,
      bytes: 5_000,
      oldestAt: NOW - 30 * HOUR,
      oldestAgeSeconds: 30 * 3600,
      limit: 'warn_oldest_age',
      limitValue: 24 * 3600,
      lastUploadAt: NOW - 2 * HOUR,
    });
  });

  test('BacklogWarning: items before age; no heartbeats, no last upload; none pinged, null', () => {
    const spool = backlog('spool', { items: 1_200, bytes: null, oldestAt: NOW - 30 * HOUR });
    assert.deepEqual(one(evaluate({ backlogs: [spool] }).alerts, 'BacklogWarning{source=spool}').values, {
      items: 1_200,
      bytes: null,
      oldestAt: NOW - 30 * HOUR,
      oldestAgeSeconds: 30 * 3600,
      limit: 'warn_items',
      limitValue: 1_000,
    });
    const never = one(evaluate({ backlogs: [spool], heartbeats: [heartbeat('unggah', null)] }).alerts, 'BacklogWarning{source=spool}');
    assert.equal(never.values.lastUploadAt, null);
  });

  test('BacklogCritical: numbers from the source, the limit from the gate', () => {
    const g = gate('halted', [reason('BACKLOG_CRITICAL', 'spool', { items: 2_500, limit: 'halt_items', limitValue: 2_000, resumeFraction: 0.8 })]);
    const alert = one(
      evaluate({ backlogs: [backlog('spool', { items: 2_600, bytes: null, oldestAt: null })], heartbeats: [heartbeat('unggah', 10 * MIN)], gate: g }).alerts,
      'BacklogCritical{source=spool}',
    );
    assert.deepEqual(alert.values, {
      items: 2_600,
      bytes: null,
      oldestAt: null,
      oldestAgeSeconds: null,
      limit: 'halt_items',
      limitValue: 2_000,
      unavailable: false,
      failure: null,
      lastUploadAt: NOW - 10 * MIN,
    });
  });

  test('BacklogCritical: a source that cannot be read (halt_when_unavailable), its last good numbers', () => {
    const g = gate('halted', [reason('BACKLOG_CRITICAL', 'spool', { unavailable: true, failure: 'timeout', detail: 'x' })]);
    const alert = one(evaluate({ backlogs: [backlog('spool', { items: 40, oldestAt: NOW - 2 * HOUR, failure: 'timeout' })], gate: g }).alerts, 'BacklogCritical{source=spool}');
    assert.deepEqual(alert.values, {
      items: 40,
      bytes: 1_000,
      oldestAt: NOW - 2 * HOUR,
      oldestAgeSeconds: 2 * 3600,
      limit: null,
      limitValue: null,
      unavailable: true,
      failure: 'timeout',
    });
    const unknown = one(evaluate({ gate: g }).alerts, 'BacklogCritical{source=spool}');
    assert.deepEqual(unknown.values, { items: null, bytes: null, oldestAt: null, oldestAgeSeconds: null, limit: null, limitValue: null, unavailable: true, failure: null });
  });

  test('UploadStalled: last ping, grace, what waits across sources and the oldest of it, whether it halts', () => {
    const alert = one(
      evaluate({
        backlogs: [backlog('spool', { items: 12_000, oldestAt: NOW - 50 * HOUR }), backlog('sync', { items: 345, oldestAt: NOW - 3 * HOUR }), backlog('lain', { never: true })],
        heartbeats: [heartbeat('unggah', 3 * 24 * HOUR)],
      }).alerts,
      'UploadStalled{heartbeat=unggah}',
    );
    assert.deepEqual(alert.values, {
      lastPingAt: NOW - 3 * 24 * HOUR,
      watchedSince: NOW - 2 * HOUR,
      graceSeconds: 1800,
      itemsWaiting: 12_345,
      oldestAt: NOW - 50 * HOUR,
      halts: true,
    });
  });

  test('UploadStalled: never pinged, no backlog source, not halting', () => {
    const alert = one(evaluate({ heartbeats: [heartbeat('cadangan', null, 7 * HOUR)] }).alerts, 'UploadStalled{heartbeat=cadangan}');
    assert.deepEqual(alert.values, { lastPingAt: null, watchedSince: NOW - 7 * HOUR, graceSeconds: 6 * 3600, itemsWaiting: null, oldestAt: null, halts: false });
  });

  test('BacklogSourceUnavailable: the failure, its detail, the last good count and when', () => {
    const alert = one(evaluate({ backlogs: [backlog('spool', { items: 77, failure: 'unreadable' })] }).alerts, 'BacklogSourceUnavailable{source=spool}');
    assert.deepEqual(alert.values, { failure: 'unreadable', detail: 'ENOENT', items: 77, lastReadAt: NOW - HOUR });
    const never = one(evaluate({ backlogs: [backlog('spool', { failure: 'failed' })] }).alerts, 'BacklogSourceUnavailable{source=spool}');
    assert.deepEqual(never.values, { failure: 'failed', detail: 'ENOENT', items: null, lastReadAt: null });
  });

  test('a young outbox is reported but is not a problem on its own', () => {
    const alert = one(evaluate({ health: { ...HEALTHY, outboxOldestPendingAt: NOW - MIN, notificationsGivenUp: 1 } }).alerts, 'JagaDegraded{}');
    assert.equal(alert.values.outboxOldestPendingAgeSeconds, 60);
    assert.equal(alert.values.problems, 'delivery');
  });
});

describe('order', () => {
  test('critical first, then by key; memory holds exactly the alerts', () => {
    const result = evaluate({
      targets: [target('pusat-api', 'down'), target('pusat-web', 'up', { durationMs: 5000 })],
      volumes: [volume('rekaman', { used: at(0.85), eta: 60 }), volume('arsip', { used: at(0.85) })],
      gate: gate('halted', [reason('CENTRAL_UNREACHABLE', 'central'), reason('VOLUME_UNAVAILABLE', 'arsip')]),
      health: { ...HEALTHY, notificationsGivenUp: 1 },
    });
    const expected = [
      'CentralUnreachable{}',
      'RecordingHalted{}',
      'StorageCritical{volume=arsip}',
      'CentralSlow{target=pusat-web}',
      'JagaDegraded{}',
      'StorageFillingUp{volume=rekaman}',
      'StorageWarning{volume=arsip}',
      'StorageWarning{volume=rekaman}',
    ];
    assert.deepEqual(keys(result.alerts), expected);
    assert.deepEqual(Object.keys(result.memory).sort(), [...expected].sort());
  });

  test('same input, same output', () => {
    const i = { targets: down2, volumes: [volume('rekaman', { used: at(0.85) })] };
    assert.deepEqual(evaluate(i), evaluate(i));
  });
});
