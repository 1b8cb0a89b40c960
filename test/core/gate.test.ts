// The gate's tables: which reasons hold for which state (every reason, every boundary), what overrides
// lift, and the state machine itself (allowed / halted / halted-clearing) as scenario rows.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { VolumeForecast } from '../../src/core/forecast/forecast.js';
import { decideGate, type GateInput, type GatePolicy, type VolumePolicy } from '../../src/core/gate.js';
import type {
  Gate,
  GateStateName,
  Override,
  Reason,
  ReasonCode,
  TargetFailure,
  TargetState,
  TargetStatus,
  VolumeFailure,
  VolumeState,
  VolumeUsage,
} from '../../src/core/types.js';

const NOW = 1_700_000_000_000;
const SEC = 1_000;
const MIN = 60_000;
const HOUR = 3_600_000;
const SIZE = 1_000_000_000; // bytes: ratios below are built from bytes, never typed in

// ---- fixtures: one line per row ----------------------------------------------------------------

interface TargetOpts {
  readonly kind?: TargetState['kind'];
  readonly role?: TargetState['role'];
  readonly failure?: TargetFailure;
  readonly at?: number;
  readonly lastSuccessAt?: number | null;
}

/** A target in `status`; `unknown` has never been probed unless a failure is given. */
function target(name: string, status: TargetStatus, o: TargetOpts = {}): TargetState {
  const at = o.at ?? NOW;
  const failing = status === 'down' || (status === 'unknown' && o.failure !== undefined);
  const last =
    status === 'unknown' && !failing
      ? null
      : failing
        ? { ok: false as const, target: name, at, failure: o.failure ?? 'timeout', durationMs: 5000, phases: {}, detail: 'x' }
        : { ok: true as const, target: name, at, durationMs: 20, phases: {}, detail: '200' };
  return {
    name,
    kind: o.kind ?? 'http',
    role: o.role ?? 'central',
    status,
    statusSince: last === null ? null : at - MIN,
    consecutiveFailures: failing ? 3 : 0,
    consecutiveSuccesses: failing || last === null ? 0 : 3,
    last,
    lastSuccessAt: o.lastSuccessAt !== undefined ? o.lastSuccessAt : status === 'up' ? at : null,
    lastFailureAt: failing ? at : null,
  };
}

const ref = (name: string, kind: TargetState['kind'], status: TargetStatus, o: TargetOpts = {}) =>
  target(name, status, { ...o, kind, role: 'reference' });

interface VolumeOpts {
  readonly used?: number;
  readonly files?: readonly [total: number, used: number];
  /** Forces filesUsedRatio, for filesystems whose counts make no sense. */
  readonly filesUsedRatio?: number;
  /** The fitted fill rate; null (unknown) also means no forecast, as the engine has nothing to go by. */
  readonly rate?: number | null;
  /** Wall-clock seconds until full. */
  readonly eta?: number | null;
  /** Working seconds of recording the room holds (what STORAGE_FILLING and buffering judge); default `eta`. */
  readonly room?: number | null;
  readonly at?: number;
  readonly failure?: VolumeFailure;
  /** Never observed: last and lastUsage null. */
  readonly never?: boolean;
}

function usage(usedBytes: number, [filesTotal, filesUsed]: readonly [number, number] = [1_000_000, 100_000]): VolumeUsage {
  const availBytes = SIZE - usedBytes;
  return {
    sizeBytes: SIZE,
    freeBytes: availBytes,
    availBytes,
    usedBytes,
    usedRatio: usedBytes / (usedBytes + availBytes),
    filesTotal,
    filesFree: filesTotal - filesUsed,
    filesUsedRatio: filesTotal === 0 ? 0 : filesUsed / filesTotal,
  };
}

/**
 * A volume at `used` bytes of 1 GB, observed at `at` (default NOW), flat fill rate unless told. A known
 * rate comes with a linear forecast: full `eta` seconds after `at`, holding `room` working seconds.
 */
function volume(name: string, o: VolumeOpts = {}): VolumeState {
  const at = o.at ?? NOW;
  const rate = o.rate !== undefined ? o.rate : 0;
  const eta = o.eta ?? null;
  const forecast: VolumeForecast | null =
    rate === null
      ? null
      : {
          model: 'linear',
          haltAt: null,
          floorAt: null,
          fullAt: eta === null ? null : at + eta * 1000,
          fillingAt: null,
          bufferEndAt: null,
          roomWorkingSeconds: o.room !== undefined ? o.room : eta,
        };
  const counted = usage(o.used ?? 500_000_000, o.files);
  const lastUsage = o.filesUsedRatio === undefined ? counted : { ...counted, filesUsedRatio: o.filesUsedRatio };
  if (o.never === true) {
    return { name, deviceId: null, last: null, lastUsage: null, samples: [], fillRateBytesPerSecond: null, fullEtaSeconds: null, forecast: null };
  }
  const last =
    o.failure !== undefined
      ? // statfs of the parent filesystem: nearly full, and not ours to judge
        { ok: false as const, volume: name, at, failure: o.failure, durationMs: 1, detail: `${o.failure} detail`, usage: usage(999_000_000) }
      : { ok: true as const, volume: name, at, durationMs: 1, deviceId: 7, ...lastUsage };
  return {
    name,
    deviceId: 7,
    last,
    lastUsage,
    samples: [],
    fillRateBytesPerSecond: rate,
    fullEtaSeconds: eta,
    forecast,
  };
}

function override(id: string, action: Override['action'], o: Partial<Override> = {}): Override {
  return {
    id,
    action,
    reason: `${action} by hand`,
    by: 'kabid',
    createdAt: NOW - HOUR,
    expiresAt: action === 'allow' ? NOW + HOUR : null,
    liftedAt: null,
    liftedBy: null,
    ...o,
  };
}

const reason = (code: ReasonCode, subject: string, since = NOW - 10 * MIN): Reason => ({ code, subject, since, facts: {} });

function prevGate(state: GateStateName, reasons: Reason[] = [], o: Partial<Gate> = {}): Gate {
  return {
    state,
    mode: 'normal',
    buffering: null,
    forecast: null,
    since: NOW - HOUR,
    reasons,
    overridden: [],
    clearSince: null,
    decidedAt: NOW - 15 * SEC,
    validUntil: NOW + 30 * SEC,
    override: null,
    ...o,
  };
}

const volumePolicy = (name: string, o: Partial<VolumePolicy> = {}): VolumePolicy => ({
  name,
  warnRatio: 0.85,
  haltRatio: 0.9,
  resumeRatio: 0.85,
  floorRatio: 0.95,
  minFreeBytes: null,
  haltEtaMs: 4 * HOUR,
  ...o,
});

const POLICY: GatePolicy = {
  downWhen: 'any',
  onCentralDown: 'halt',
  bufferMinHours: 24,
  resumeAfterMs: 2 * MIN,
  validForMs: 45 * SEC,
  staleAfterMs: { central: 45 * SEC, storage: 90 * SEC },
  volumes: ['rekaman', 'arsip', 'alpha', 'zeta'].map((name) => volumePolicy(name)),
  backlogs: [],
  heartbeats: [],
};

/** One decision in a healthy world (one central target up, one volume half full) with changes applied. */
function decide(input: Partial<GateInput> = {}, policy: Partial<GatePolicy> = {}) {
  return decideGate(
    {
      previous: null,
      targets: [target('pusat-api', 'up')],
      volumes: [volume('rekaman')],
      backlogs: [],
      heartbeats: [],
      overrides: [],
      now: NOW,
      ...input,
    },
    { ...POLICY, ...policy },
  );
}

const keys = (reasons: readonly Reason[]) => reasons.map((r) => `${r.code}:${r.subject}`);
const onlyRekaman = (o: Partial<VolumePolicy>) => ({ volumes: [volumePolicy('rekaman', o)] });
const rekaman = (o: VolumeOpts) => ({ volumes: [volume('rekaman', o)] });
const down2 = [target('pusat-api', 'down'), target('pusat-vpn', 'up')];
const critical = [reason('STORAGE_CRITICAL', 'rekaman')];

// ---- which reasons hold ------------------------------------------------------------------------

interface ReasonRow {
  readonly name: string;
  readonly input?: Partial<GateInput>;
  readonly policy?: Partial<GatePolicy>;
  readonly reasons: readonly string[];
  readonly overridden?: readonly string[];
}

const REASON_ROWS: Record<string, readonly ReasonRow[]> = {
  STARTING: [
    { name: 'everything answered: no reason', reasons: [] },
    { name: 'central target never probed', input: { targets: [target('pusat-api', 'unknown')] }, reasons: ['STARTING:startup'] },
    { name: 'central target unknown after one failure', input: { targets: [target('pusat-api', 'unknown', { failure: 'refused' })] }, reasons: ['STARTING:startup'] },
    { name: 'volume never observed', input: rekaman({ never: true }), reasons: ['STARTING:startup'] },
    { name: 'an unknown reference target does not hold', input: { targets: [target('pusat-api', 'up'), ref('router', 'tcp', 'unknown')] }, reasons: [] },
  ],
  CENTRAL_UNREACHABLE: [
    { name: 'any: one of two down', input: { targets: down2 }, reasons: ['CENTRAL_UNREACHABLE:central'] },
    { name: 'all: one of two down is not enough', input: { targets: down2 }, policy: { downWhen: 'all' }, reasons: [] },
    { name: 'all: both down', input: { targets: [target('a', 'down'), target('b', 'down')] }, policy: { downWhen: 'all' }, reasons: ['CENTRAL_UNREACHABLE:central'] },
    { name: 'all: down plus unknown is starting, not unreachable', input: { targets: [target('a', 'down'), target('b', 'unknown')] }, policy: { downWhen: 'all' }, reasons: ['STARTING:startup'] },
    { name: 'a reference down alone is not central', input: { targets: [target('pusat-api', 'up'), ref('router', 'tcp', 'down')] }, reasons: [] },
    { name: 'unknown after failures is not down yet', input: { targets: [target('pusat-api', 'unknown', { failure: 'timeout' })] }, reasons: ['STARTING:startup'] },
  ],
  'CENTRAL_UNREACHABLE under buffer': [
    { name: 'flat fill rate: room, recording goes on', input: { targets: down2 }, policy: { onCentralDown: 'buffer' }, reasons: [] },
    { name: 'filling, 48 working hours of room: room', input: { targets: down2, ...rekaman({ rate: -1, eta: 48 * 3600 }) }, policy: { onCentralDown: 'buffer' }, reasons: [] },
    { name: 'room for exactly bufferMinHours of working time: room', input: { targets: down2, ...rekaman({ rate: -1, eta: 24 * 3600 }) }, policy: { onCentralDown: 'buffer' }, reasons: [] },
    { name: 'room for 1 s less: no room', input: { targets: down2, ...rekaman({ rate: -1, eta: 24 * 3600 - 1 }) }, policy: { onCentralDown: 'buffer' }, reasons: ['CENTRAL_UNREACHABLE:central'] },
    { name: 'full in a week of wall-clock time but 20 working hours of room: no room', input: { targets: down2, ...rekaman({ rate: -1, eta: 7 * 24 * 3600, room: 20 * 3600 }) }, policy: { onCentralDown: 'buffer' }, reasons: ['CENTRAL_UNREACHABLE:central'] },
    { name: 'unknown fill rate (no forecast): no proven room', input: { targets: down2, ...rekaman({ rate: null }) }, policy: { onCentralDown: 'buffer' }, reasons: ['CENTRAL_UNREACHABLE:central'] },
    { name: 'volume never seen: no proven room', input: { targets: down2, ...rekaman({ never: true }) }, policy: { onCentralDown: 'buffer' }, reasons: ['STARTING:startup', 'CENTRAL_UNREACHABLE:central'] },
    { name: 'volume unavailable: no proven room', input: { targets: down2, ...rekaman({ failure: 'statfs_timeout' }) }, policy: { onCentralDown: 'buffer' }, reasons: ['CENTRAL_UNREACHABLE:central', 'VOLUME_UNAVAILABLE:rekaman'] },
    { name: 'one of two volumes without room', input: { targets: down2, volumes: [volume('rekaman'), volume('arsip', { rate: -10, eta: HOUR / 1000 * 5 })] }, policy: { onCentralDown: 'buffer' }, reasons: ['CENTRAL_UNREACHABLE:central'] },
    { name: 'halt policy halts with room', input: { targets: down2 }, policy: { onCentralDown: 'halt' }, reasons: ['CENTRAL_UNREACHABLE:central'] },
  ],
  STORAGE_CRITICAL: [
    { name: 'exactly at haltRatio halts', input: rekaman({ used: 900_000_000 }), reasons: ['STORAGE_CRITICAL:rekaman'] },
    { name: 'one byte under haltRatio does not', input: rekaman({ used: 899_999_999 }), reasons: [] },
    { name: 'one byte over haltRatio halts', input: rekaman({ used: 900_000_001 }), reasons: ['STORAGE_CRITICAL:rekaman'] },
    { name: 'hysteresis: between resume and halt, previously critical, stays', input: { ...rekaman({ used: 870_000_000 }), previous: prevGate('halted', critical) }, reasons: ['STORAGE_CRITICAL:rekaman'] },
    { name: 'hysteresis: between resume and halt, not previously critical, allowed', input: { ...rekaman({ used: 870_000_000 }), previous: prevGate('allowed') }, reasons: [] },
    { name: 'hysteresis: exactly at resumeRatio still critical', input: { ...rekaman({ used: 850_000_000 }), previous: prevGate('halted', critical) }, reasons: ['STORAGE_CRITICAL:rekaman'] },
    { name: 'hysteresis: one byte below resumeRatio resumes', input: { ...rekaman({ used: 849_999_999 }), previous: prevGate('halted', critical) }, reasons: [] },
    { name: 'hysteresis remembers an overridden reason too', input: { ...rekaman({ used: 870_000_000 }), previous: prevGate('allowed', [], { overridden: critical }) }, reasons: ['STORAGE_CRITICAL:rekaman'] },
    { name: 'hysteresis is per volume', input: { ...rekaman({ used: 870_000_000 }), previous: prevGate('halted', [reason('STORAGE_CRITICAL', 'arsip')]) }, reasons: [] },
    { name: 'another reason in the previous gate is no hysteresis', input: { ...rekaman({ used: 870_000_000 }), previous: prevGate('halted', [reason('CENTRAL_UNREACHABLE', 'central')]) }, reasons: [] },
    { name: 'minFreeBytes: exactly that much available, no halt', input: rekaman({ used: 100_000_000 }), policy: onlyRekaman({ minFreeBytes: 900_000_000 }), reasons: [] },
    { name: 'minFreeBytes: one byte less available halts', input: rekaman({ used: 100_000_001 }), policy: onlyRekaman({ minFreeBytes: 900_000_000 }), reasons: ['STORAGE_CRITICAL:rekaman'] },
  ],
  STORAGE_FLOOR: [
    { name: 'exactly at floorRatio', input: rekaman({ used: 950_000_000 }), reasons: ['STORAGE_CRITICAL:rekaman', 'STORAGE_FLOOR:rekaman'] },
    { name: 'one byte under floorRatio', input: rekaman({ used: 949_999_999 }), reasons: ['STORAGE_CRITICAL:rekaman'] },
  ],
  STORAGE_FILLING: [
    { name: 'room for exactly haltEta of working time: no', input: rekaman({ rate: -1, eta: 4 * 3600 }), reasons: [] },
    { name: 'room just under haltEta: yes', input: rekaman({ rate: -1, eta: 4 * 3600 - 0.001 }), reasons: ['STORAGE_FILLING:rekaman'] },
    { name: 'not filling (no room limit): no', input: rekaman({ rate: 5, eta: null }), reasons: [] },
    { name: 'full now (no room): yes', input: rekaman({ rate: -1, eta: 0 }), reasons: ['STORAGE_FILLING:rekaman'] },
    { name: 'full in 16 wall-clock hours (overnight) but 3 working hours of room: yes', input: rekaman({ rate: -1, eta: 16 * 3600, room: 3 * 3600 }), reasons: ['STORAGE_FILLING:rekaman'] },
    { name: 'no forecast yet (unknown rate), whatever the ETA says: no', input: rekaman({ rate: null, eta: 60 }), reasons: [] },
  ],
  INODES_CRITICAL: [
    { name: 'exactly at haltRatio of inodes', input: rekaman({ files: [1000, 900] }), reasons: ['INODES_CRITICAL:rekaman'] },
    { name: 'one inode under', input: rekaman({ files: [1000, 899] }), reasons: [] },
    { name: 'filesystem without inode counts', input: rekaman({ files: [0, 0] }), reasons: [] },
    { name: 'no inode counts, whatever the ratio says', input: rekaman({ files: [0, 0], filesUsedRatio: 1 }), reasons: [] },
    { name: 'hysteresis: exactly at resumeRatio, previously critical', input: { ...rekaman({ files: [1000, 850] }), previous: prevGate('halted', [reason('INODES_CRITICAL', 'rekaman')]) }, reasons: ['INODES_CRITICAL:rekaman'] },
    { name: 'hysteresis: one inode below resumeRatio resumes', input: { ...rekaman({ files: [1000, 849] }), previous: prevGate('halted', [reason('INODES_CRITICAL', 'rekaman')]) }, reasons: [] },
    { name: 'hysteresis: between, not previously critical', input: { ...rekaman({ files: [1000, 870] }), previous: prevGate('allowed') }, reasons: [] },
  ],
  VOLUME_UNAVAILABLE: [
    { name: 'not mounted: the parent numbers are not judged', input: rekaman({ failure: 'not_mounted' }), reasons: ['VOLUME_UNAVAILABLE:rekaman'] },
    { name: 'write failed, last trusted usage over the floor: still only unavailable', input: rekaman({ failure: 'write_failed', used: 990_000_000, eta: 1 }), reasons: ['VOLUME_UNAVAILABLE:rekaman'] },
    { name: 'statfs timeout', input: rekaman({ failure: 'statfs_timeout' }), reasons: ['VOLUME_UNAVAILABLE:rekaman'] },
    { name: 'statfs error on one of two volumes', input: { volumes: [volume('rekaman'), volume('arsip', { failure: 'statfs_error' })] }, reasons: ['VOLUME_UNAVAILABLE:arsip'] },
  ],
  PROBES_STALE: [
    { name: 'central exactly staleAfter old: fresh enough', input: { targets: [target('pusat-api', 'up', { at: NOW - 45 * SEC })] }, reasons: [] },
    { name: 'central 1 ms older: stale', input: { targets: [target('pusat-api', 'up', { at: NOW - 45 * SEC - 1 })] }, reasons: ['PROBES_STALE:probes'] },
    { name: 'volume exactly staleAfter old: fresh enough', input: rekaman({ at: NOW - 90 * SEC }), reasons: [] },
    { name: 'volume 1 ms older: stale', input: rekaman({ at: NOW - 90 * SEC - 1 }), reasons: ['PROBES_STALE:probes'] },
    { name: 'an unavailable volume can be stale too', input: rekaman({ failure: 'statfs_timeout', at: NOW - HOUR }), reasons: ['VOLUME_UNAVAILABLE:rekaman', 'PROBES_STALE:probes'] },
    { name: 'reference targets are not judged for staleness', input: { targets: [target('pusat-api', 'up'), ref('router', 'tcp', 'up', { at: NOW - HOUR })] }, reasons: [] },
  ],
  MANUAL_HALT: [
    { name: 'halt without expiry', input: { overrides: [override('ov-1', 'halt')] }, reasons: ['MANUAL_HALT:ov-1'] },
    { name: 'halt expiring 1 ms from now', input: { overrides: [override('ov-1', 'halt', { expiresAt: NOW + 1 })] }, reasons: ['MANUAL_HALT:ov-1'] },
    { name: 'halt expiring now is over', input: { overrides: [override('ov-1', 'halt', { expiresAt: NOW })] }, reasons: [] },
    { name: 'lifted halt', input: { overrides: [override('ov-1', 'halt', { liftedAt: NOW - MIN, liftedBy: 'it' })] }, reasons: [] },
    { name: 'two halts, two reasons', input: { overrides: [override('ov-2', 'halt'), override('ov-1', 'halt')] }, reasons: ['MANUAL_HALT:ov-1', 'MANUAL_HALT:ov-2'] },
  ],
  'allow override': [
    { name: 'lifts STORAGE_CRITICAL', input: { ...rekaman({ used: 920_000_000 }), overrides: [override('ok', 'allow')] }, reasons: [], overridden: ['STORAGE_CRITICAL:rekaman'] },
    { name: 'does not lift STORAGE_FLOOR', input: { ...rekaman({ used: 960_000_000 }), overrides: [override('ok', 'allow')] }, reasons: ['STORAGE_FLOOR:rekaman'], overridden: ['STORAGE_CRITICAL:rekaman'] },
    { name: 'does not lift INODES_CRITICAL', input: { ...rekaman({ files: [1000, 950] }), overrides: [override('ok', 'allow')] }, reasons: ['INODES_CRITICAL:rekaman'], overridden: [] },
    { name: 'expired (expiresAt === now) lifts nothing', input: { ...rekaman({ used: 920_000_000 }), overrides: [override('ok', 'allow', { expiresAt: NOW })] }, reasons: ['STORAGE_CRITICAL:rekaman'], overridden: [] },
    { name: 'without expiry lifts nothing', input: { ...rekaman({ used: 920_000_000 }), overrides: [override('ok', 'allow', { expiresAt: null })] }, reasons: ['STORAGE_CRITICAL:rekaman'], overridden: [] },
    { name: 'lifted allow lifts nothing', input: { ...rekaman({ used: 920_000_000 }), overrides: [override('ok', 'allow', { liftedAt: NOW - 1, liftedBy: 'it' })] }, reasons: ['STORAGE_CRITICAL:rekaman'], overridden: [] },
    {
      name: 'lifts every other reason',
      input: {
        targets: [target('pusat-api', 'down', { at: NOW - HOUR }), target('pusat-vpn', 'unknown')],
        volumes: [volume('rekaman', { used: 920_000_000, eta: 60 }), volume('arsip', { failure: 'not_mounted' })],
        overrides: [override('ok', 'allow')],
      },
      reasons: [],
      overridden: ['STARTING:startup', 'CENTRAL_UNREACHABLE:central', 'STORAGE_CRITICAL:rekaman', 'STORAGE_FILLING:rekaman', 'VOLUME_UNAVAILABLE:arsip', 'PROBES_STALE:probes'],
    },
    { name: 'a halt override wins: nothing is lifted', input: { ...rekaman({ used: 920_000_000 }), overrides: [override('ok', 'allow'), override('stop', 'halt')] }, reasons: ['STORAGE_CRITICAL:rekaman', 'MANUAL_HALT:stop'], overridden: [] },
  ],
};

for (const [group, rows] of Object.entries(REASON_ROWS)) {
  describe(`reasons: ${group}`, () => {
    for (const row of rows) {
      test(row.name, () => {
        const { gate } = decide(row.input, row.policy);
        assert.deepEqual(keys(gate.reasons), row.reasons);
        assert.deepEqual(keys(gate.overridden), row.overridden ?? []);
        // No reason after a halted gate is "clearing": still halted until resumeAfter has passed.
        const clearing = row.reasons.length === 0 && row.input?.previous?.state === 'halted';
        assert.equal(gate.state, row.reasons.length > 0 || clearing ? 'halted' : 'allowed');
        assert.equal(gate.clearSince, clearing ? NOW : null);
      });
    }
  });
}

describe('reasons: CENTRAL_UNREACHABLE cause', () => {
  const timeoutDown = target('pusat-api', 'down', { failure: 'timeout' });
  const rows: { name: string; targets: TargetState[]; cause: string }[] = [
    { name: 'no references: central', targets: [timeoutDown], cause: 'central' },
    { name: 'references up: central', targets: [timeoutDown, ref('router', 'tcp', 'up'), ref('dns-lokal', 'dns', 'up')], cause: 'central' },
    { name: 'every path reference down: uplink', targets: [timeoutDown, ref('router', 'tcp', 'down'), ref('isp', 'http', 'down')], cause: 'uplink' },
    { name: 'one of two path references down: central', targets: [timeoutDown, ref('router', 'tcp', 'down'), ref('isp', 'http', 'up')], cause: 'central' },
    { name: 'uplink wins over dns', targets: [target('pusat-api', 'down', { failure: 'dns' }), ref('router', 'tcp', 'down'), ref('dns-lokal', 'dns', 'down')], cause: 'uplink' },
    { name: 'central target failing on dns: dns', targets: [target('pusat-api', 'down', { failure: 'dns' }), ref('router', 'tcp', 'up')], cause: 'dns' },
    { name: 'dns reference down: dns', targets: [timeoutDown, ref('router', 'tcp', 'up'), ref('dns-lokal', 'dns', 'down')], cause: 'dns' },
    { name: 'only dns references, all up: they are not a path', targets: [timeoutDown, ref('dns-lokal', 'dns', 'up')], cause: 'central' },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const found = decide({ targets: row.targets }).gate.reasons.find((r) => r.code === 'CENTRAL_UNREACHABLE');
      assert.equal(found?.cause, row.cause);
    });
  }
});

describe('reasons: facts', () => {
  const factOf = (input: Partial<GateInput>, code: ReasonCode, policy: Partial<GatePolicy> = {}) =>
    decide(input, policy).gate.reasons.find((r) => r.code === code)?.facts;
  const rows: { name: string; facts: () => unknown; expected: Record<string, unknown> }[] = [
    {
      name: 'STARTING names what it waits for',
      facts: () => factOf({ targets: [target('pusat-api', 'unknown'), ref('router', 'tcp', 'unknown')], volumes: [volume('rekaman', { never: true }), volume('arsip')] }, 'STARTING'),
      expected: { waitingFor: 'pusat-api,rekaman' },
    },
    {
      name: 'CENTRAL_UNREACHABLE: who is down, last success, first failure',
      facts: () =>
        factOf(
          { targets: [target('a', 'up', { lastSuccessAt: NOW - 5 * MIN }), target('b', 'down', { failure: 'tls', lastSuccessAt: NOW - 2 * MIN }), target('c', 'down', { failure: 'refused', lastSuccessAt: null })] },
          'CENTRAL_UNREACHABLE',
        ),
      expected: { downTargets: 'b,c', lastSuccessAt: NOW - 2 * MIN, failure: 'tls' },
    },
    {
      name: 'CENTRAL_UNREACHABLE: never reached',
      facts: () => factOf({ targets: [target('a', 'down', { lastSuccessAt: null })] }, 'CENTRAL_UNREACHABLE'),
      expected: { downTargets: 'a', lastSuccessAt: null, failure: 'timeout' },
    },
    {
      name: 'STORAGE_CRITICAL',
      facts: () => factOf(rekaman({ used: 920_000_000 }), 'STORAGE_CRITICAL', onlyRekaman({ minFreeBytes: 1000 })),
      expected: { usedRatio: 0.92, availBytes: 80_000_000, sizeBytes: SIZE, haltRatio: 0.9, resumeRatio: 0.85, minFreeBytes: 1000 },
    },
    {
      name: 'STORAGE_FLOOR',
      facts: () => factOf(rekaman({ used: 960_000_000 }), 'STORAGE_FLOOR'),
      expected: { usedRatio: 0.96, availBytes: 40_000_000, sizeBytes: SIZE, floorRatio: 0.95 },
    },
    {
      name: 'STORAGE_FILLING',
      facts: () => factOf(rekaman({ rate: -5000, eta: 5 * 3600, room: 3600 }), 'STORAGE_FILLING'),
      expected: { etaSeconds: 18_000, roomWorkingSeconds: 3600, model: 'linear', rateBytesPerSecond: -5000, haltEtaSeconds: 14_400 },
    },
    {
      name: 'INODES_CRITICAL',
      facts: () => factOf(rekaman({ files: [1000, 950] }), 'INODES_CRITICAL'),
      expected: { filesUsedRatio: 0.95, filesFree: 50, filesTotal: 1000, haltRatio: 0.9, resumeRatio: 0.85 },
    },
    {
      name: 'VOLUME_UNAVAILABLE',
      facts: () => factOf(rekaman({ failure: 'not_mounted' }), 'VOLUME_UNAVAILABLE'),
      expected: { failure: 'not_mounted', detail: 'not_mounted detail' },
    },
    {
      name: 'PROBES_STALE names every stale probe and the oldest age',
      facts: () => factOf({ targets: [target('pusat-api', 'up', { at: NOW - 60 * SEC })], ...rekaman({ at: NOW - 300 * SEC }) }, 'PROBES_STALE'),
      expected: { stale: 'pusat-api,rekaman', oldestAgeSeconds: 300 },
    },
    {
      name: 'MANUAL_HALT says who, why, until when',
      facts: () => factOf({ overrides: [override('ov-1', 'halt', { by: 'kabid', reason: 'audit', expiresAt: NOW + HOUR })] }, 'MANUAL_HALT'),
      expected: { by: 'kabid', reason: 'audit', expiresAt: NOW + HOUR },
    },
  ];
  for (const row of rows) test(row.name, () => assert.deepEqual(row.facts(), row.expected));
});

test('reasons are sorted by code order, then subject', () => {
  const { gate } = decide({
    targets: [target('pusat-api', 'down', { at: NOW - HOUR })],
    volumes: [
      volume('zeta', { used: 960_000_000, files: [1000, 950], eta: 60 }),
      volume('alpha', { used: 920_000_000 }),
      volume('rekaman', { never: true }),
      volume('arsip', { failure: 'statfs_error' }),
    ],
    overrides: [override('b-ov', 'halt'), override('a-ov', 'halt')],
  });
  assert.deepEqual(keys(gate.reasons), [
    'STARTING:startup',
    'CENTRAL_UNREACHABLE:central',
    'STORAGE_CRITICAL:alpha',
    'STORAGE_CRITICAL:zeta',
    'STORAGE_FLOOR:zeta',
    'STORAGE_FILLING:zeta',
    'INODES_CRITICAL:zeta',
    'VOLUME_UNAVAILABLE:arsip',
    'PROBES_STALE:probes',
    'MANUAL_HALT:a-ov',
    'MANUAL_HALT:b-ov',
  ]);
});

test('a volume without a policy is a wiring bug, not a condition', () => {
  assert.throws(() => decide({ volumes: [volume('unknown-volume')] }), /no policy for volume "unknown-volume"/);
});

// ---- the state machine -------------------------------------------------------------------------

/** Worlds the scenarios move through; each is built at the step's time so its probes are fresh. */
const WORLDS = {
  starting: (): Partial<GateInput> => ({ targets: [target('pusat-api', 'unknown')], volumes: [volume('rekaman', { never: true })] }),
  fine: (at: number): Partial<GateInput> => ({ targets: [target('pusat-api', 'up', { at })], volumes: [volume('rekaman', { at })] }),
  full: (at: number): Partial<GateInput> => ({ targets: [target('pusat-api', 'up', { at })], volumes: [volume('rekaman', { at, used: 920_000_000 })] }),
  between: (at: number): Partial<GateInput> => ({ targets: [target('pusat-api', 'up', { at })], volumes: [volume('rekaman', { at, used: 870_000_000 })] }),
  fullAndDown: (at: number): Partial<GateInput> => ({ targets: [target('pusat-api', 'down', { at })], volumes: [volume('rekaman', { at, used: 920_000_000 })] }),
  fullAllowed: (at: number): Partial<GateInput> => ({ ...WORLDS.full(at), overrides: [override('ok', 'allow', { expiresAt: NOW + HOUR })] }),
  floorAllowed: (at: number): Partial<GateInput> => ({ targets: [target('pusat-api', 'up', { at })], volumes: [volume('rekaman', { at, used: 960_000_000 })], overrides: [override('ok', 'allow', { expiresAt: NOW + HOUR })] }),
  manualHalt: (at: number): Partial<GateInput> => ({ ...WORLDS.fine(at), overrides: [override('stop', 'halt')] }),
};
type World = keyof typeof WORLDS;

const R = 2 * MIN; // resumeAfterMs
/** One step: at NOW + t, in `world`, expect state, since (offset), clearSince (offset or null), a transition or not. */
type Step = readonly [t: number, world: World, state: GateStateName, since: number, clearSince: number | null, transition: boolean];

const SCENARIOS: { name: string; policy?: Partial<GatePolicy>; steps: readonly Step[] }[] = [
  { name: 'fresh start, nothing wrong: allowed at once', steps: [[0, 'fine', 'allowed', 0, null, true]] },
  {
    name: 'fresh start waits for probes, then opens at once: STARTING is not a fault to damp',
    steps: [
      [0, 'starting', 'halted', 0, null, true],
      [5 * SEC, 'starting', 'halted', 0, null, false],
      [15 * SEC, 'fine', 'allowed', 15 * SEC, null, true],
    ],
  },
  {
    name: 'a real fault found in the first round still waits resumeAfter once it clears',
    steps: [
      [0, 'starting', 'halted', 0, null, true],
      [15 * SEC, 'full', 'halted', 0, null, true],
      [30 * SEC, 'fine', 'halted', 0, 30 * SEC, true],
      [30 * SEC + R - 1, 'fine', 'halted', 0, 30 * SEC, false],
      [30 * SEC + R, 'fine', 'allowed', 30 * SEC + R, null, true],
    ],
  },
  {
    name: 'allowed stays allowed without transitions',
    steps: [
      [0, 'fine', 'allowed', 0, null, true],
      [15 * SEC, 'fine', 'allowed', 0, null, false],
      [30 * SEC, 'fine', 'allowed', 0, null, false],
    ],
  },
  {
    name: 'allowed -> halted at once -> clearing -> allowed after exactly resumeAfter',
    steps: [
      [0, 'fine', 'allowed', 0, null, true],
      [15 * SEC, 'full', 'halted', 15 * SEC, null, true],
      [30 * SEC, 'full', 'halted', 15 * SEC, null, false],
      [45 * SEC, 'fine', 'halted', 15 * SEC, 45 * SEC, true],
      [45 * SEC + R - 1, 'fine', 'halted', 15 * SEC, 45 * SEC, false],
      [45 * SEC + R, 'fine', 'allowed', 45 * SEC + R, null, true],
    ],
  },
  {
    name: 'a reason reappearing while clearing resets the clock',
    steps: [
      [0, 'full', 'halted', 0, null, true],
      [30 * SEC, 'fine', 'halted', 0, 30 * SEC, true],
      [60 * SEC, 'full', 'halted', 0, null, true],
      [75 * SEC, 'fine', 'halted', 0, 75 * SEC, true],
      [30 * SEC + R, 'fine', 'halted', 0, 75 * SEC, false], // resumeAfter from the first clearing: not enough
      [75 * SEC + R, 'fine', 'allowed', 75 * SEC + R, null, true],
    ],
  },
  {
    name: 'hysteresis falling: between resume and halt keeps the volume critical',
    steps: [
      [0, 'full', 'halted', 0, null, true],
      [15 * SEC, 'between', 'halted', 0, null, false],
      [30 * SEC, 'fine', 'halted', 0, 30 * SEC, true],
    ],
  },
  {
    name: 'hysteresis rising: between resume and halt does not halt',
    steps: [
      [0, 'fine', 'allowed', 0, null, true],
      [15 * SEC, 'between', 'allowed', 0, null, false],
    ],
  },
  {
    name: 'holding reasons changing while halted is a transition; state since stays',
    steps: [
      [0, 'full', 'halted', 0, null, true],
      [15 * SEC, 'fullAndDown', 'halted', 0, null, true],
      [30 * SEC, 'full', 'halted', 0, null, true],
    ],
  },
  {
    name: 'an allow override resumes at once and its end halts at once',
    steps: [
      [0, 'full', 'halted', 0, null, true],
      [15 * SEC, 'fullAllowed', 'allowed', 15 * SEC, null, true],
      [30 * SEC, 'fullAllowed', 'allowed', 15 * SEC, null, false],
      [45 * SEC, 'full', 'halted', 45 * SEC, null, true],
    ],
  },
  {
    name: 'an allow override does not resume past the floor',
    steps: [
      [0, 'full', 'halted', 0, null, true],
      [15 * SEC, 'floorAllowed', 'halted', 0, null, true],
    ],
  },
  {
    name: 'a halt override halts at once; once lifted, resumeAfter applies',
    steps: [
      [0, 'fine', 'allowed', 0, null, true],
      [15 * SEC, 'manualHalt', 'halted', 15 * SEC, null, true],
      [30 * SEC, 'fine', 'halted', 15 * SEC, 30 * SEC, true],
      [30 * SEC + R, 'fine', 'allowed', 30 * SEC + R, null, true],
    ],
  },
  {
    name: 'resumeAfter 0: the first clear decision resumes',
    policy: { resumeAfterMs: 0 },
    steps: [
      [0, 'full', 'halted', 0, null, true],
      [15 * SEC, 'fine', 'allowed', 15 * SEC, null, true],
    ],
  },
];

describe('state machine', () => {
  for (const scenario of SCENARIOS) {
    test(scenario.name, () => {
      let previous: Gate | null = null;
      scenario.steps.forEach(([t, world, state, since, clearSince, transition], i) => {
        const now = NOW + t;
        const decision = decide({ previous, now, overrides: [], ...WORLDS[world](now) }, scenario.policy);
        const where = `step ${i} (t=${t}, ${world})`;
        assert.equal(decision.gate.state, state, `${where}: state`);
        assert.equal(decision.gate.since, NOW + since, `${where}: since`);
        assert.equal(decision.gate.clearSince, clearSince === null ? null : NOW + clearSince, `${where}: clearSince`);
        assert.equal(decision.transition !== null, transition, `${where}: transition`);
        previous = decision.gate;
      });
    });
  }
});

// ---- since, validity, override, transition -----------------------------------------------------

describe('gate fields', () => {
  test('a reason keeps its since across decisions', () => {
    const first = decide({ ...rekaman({ used: 920_000_000 }), now: NOW - MIN });
    const second = decide({ ...rekaman({ used: 930_000_000 }), previous: first.gate });
    assert.equal(second.gate.reasons[0]?.since, NOW - MIN);
  });

  test('a new reason next to an old one starts now', () => {
    const first = decide({ ...rekaman({ used: 920_000_000 }), now: NOW - MIN });
    const second = decide({ ...rekaman({ used: 960_000_000 }), previous: first.gate });
    assert.deepEqual(
      second.gate.reasons.map((r) => [r.code, r.since]),
      [['STORAGE_CRITICAL', NOW - MIN], ['STORAGE_FLOOR', NOW]],
    );
  });

  test('a reason that was overridden keeps its since when the override ends', () => {
    const previous = prevGate('allowed', [], { overridden: [reason('STORAGE_CRITICAL', 'rekaman', NOW - 3 * HOUR)] });
    const { gate } = decide({ ...rekaman({ used: 920_000_000 }), previous });
    assert.equal(gate.reasons[0]?.since, NOW - 3 * HOUR);
  });

  test('decidedAt is now and validUntil is now + validForMs', () => {
    const { gate } = decide({}, { validForMs: 90 * SEC });
    assert.deepEqual([gate.decidedAt, gate.validUntil], [NOW, NOW + 90 * SEC]);
  });

  const overrideRows: { name: string; overrides: Override[]; expected: string | null }[] = [
    { name: 'none', overrides: [], expected: null },
    { name: 'an allow', overrides: [override('ok', 'allow')], expected: 'ok' },
    { name: 'the halt over the allow', overrides: [override('stop', 'halt', { createdAt: NOW - 2 * HOUR }), override('ok', 'allow')], expected: 'stop' },
    { name: 'the newest of two halts', overrides: [override('old', 'halt', { createdAt: NOW - 2 * HOUR }), override('new', 'halt', { createdAt: NOW - MIN })], expected: 'new' },
    { name: 'the newest of two allows', overrides: [override('new', 'allow', { createdAt: NOW - MIN }), override('old', 'allow')], expected: 'new' },
    { name: 'not an expired one', overrides: [override('ok', 'allow', { expiresAt: NOW })], expected: null },
  ];
  for (const row of overrideRows) {
    test(`gate.override: ${row.name}`, () => assert.equal(decide({ overrides: row.overrides }).gate.override?.id ?? null, row.expected));
  }

  test('the transition carries from, to, the new reasons and JSON-safe evidence', () => {
    const previous = decide({ now: NOW - MIN, targets: [target('pusat-api', 'up', { at: NOW - MIN })], ...rekaman({ at: NOW - MIN }) }).gate;
    const { gate, transition } = decide({
      previous,
      targets: [target('pusat-api', 'down', { failure: 'refused', lastSuccessAt: NOW - 2 * MIN }), ref('router', 'tcp', 'up')],
      volumes: [volume('rekaman', { used: 920_000_000, eta: 90_000 }), volume('arsip', { failure: 'not_mounted' })],
      overrides: [override('ok', 'allow', { expiresAt: NOW })],
    });
    assert.ok(transition !== null);
    assert.deepEqual([transition.at, transition.from, transition.to], [NOW, 'allowed', 'halted']);
    assert.equal(transition.reasons, gate.reasons);
    const expected = {
      targets: {
        'pusat-api': { role: 'central', status: 'down', consecutiveFailures: 3, failure: 'refused', lastAt: NOW, lastSuccessAt: NOW - 2 * MIN },
        router: { role: 'reference', status: 'up', consecutiveFailures: 0, failure: null, lastAt: NOW, lastSuccessAt: NOW },
      },
      volumes: {
        rekaman: { usedRatio: 0.92, availBytes: 80_000_000, filesUsedRatio: 0.1, fullEtaSeconds: 90_000, failure: null, lastAt: NOW },
        arsip: { usedRatio: 0.5, availBytes: 500_000_000, filesUsedRatio: 0.1, fullEtaSeconds: null, failure: 'not_mounted', lastAt: NOW },
      },
      central: { unreachable: true, cause: 'central', buffered: false },
      override: null,
    };
    assert.deepEqual(transition.evidence, expected);
    assert.deepEqual(JSON.parse(JSON.stringify(transition.evidence)), expected);
  });

  test('evidence records a buffered outage that holds nothing', () => {
    const { transition } = decide({ targets: down2 }, { onCentralDown: 'buffer' });
    assert.deepEqual(transition?.evidence['central'], { unreachable: true, cause: 'central', buffered: true });
  });

  test('the same inputs give the same decision', () => {
    const input: Partial<GateInput> = { targets: down2, ...rekaman({ used: 960_000_000, eta: 10 }), overrides: [override('ok', 'allow')] };
    assert.deepEqual(decide(input), decide(input));
  });
});
