// Tables for folding observations into state: the target status machine (unknown/up/down with counters)
// and the volume's samples, fill rate and ETA, including what a failed observation must not touch.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assessTarget,
  assessVolume,
  initialTargetState,
  initialVolumeState,
  restoreVolumeState,
} from '../../src/core/assess.js';
import type {
  TargetFailure,
  TargetObservation,
  TargetState,
  TargetStatus,
  VolumeFailure,
  VolumeObservation,
  VolumeState,
  VolumeUsage,
} from '../../src/core/types.js';

const T0 = 1_700_000_000_000;
const STEP = 15_000;
const SIZE = 1_000_000_000;
const HOUR = 3_600_000;

function targetObs(ok: boolean, at: number, failure: TargetFailure = 'timeout'): TargetObservation {
  return ok
    ? { ok: true, target: 'pusat-api', at, durationMs: 12, phases: {}, detail: '200' }
    : { ok: false, target: 'pusat-api', at, failure, durationMs: 5000, phases: {}, detail: failure };
}

/** Runs a string of observations ('S' success, 'F' failure), one every STEP, and returns every state. */
function runTarget(steps: string, failureThreshold = 3, recoveryThreshold = 3): TargetState[] {
  const states: TargetState[] = [];
  let state = initialTargetState('pusat-api', 'http', 'central');
  [...steps].forEach((step, i) => {
    state = assessTarget(state, targetObs(step === 'S', T0 + i * STEP), { failureThreshold, recoveryThreshold });
    states.push(state);
  });
  return states;
}

const u = 'unknown';
const U = 'up';
const D = 'down';

describe('assessTarget: the status table', () => {
  const cases: { name: string; steps: string; thresholds?: [number, number]; expect: TargetStatus[] }[] = [
    { name: 'unknown -> up on the first success', steps: 'S', expect: [U] },
    { name: 'unknown stays unknown before the threshold, then down', steps: 'FFF', expect: [u, u, D] },
    { name: 'unknown -> up even after failures below the threshold', steps: 'FFS', expect: [u, u, U] },
    { name: 'up stays up below the threshold', steps: 'SFF', expect: [U, U, U] },
    { name: 'up -> down after failureThreshold failures', steps: 'SFFF', expect: [U, U, U, D] },
    { name: 'a success resets the failure count', steps: 'SFFSFFF', expect: [U, U, U, U, U, U, D] },
    { name: 'down -> up after recoveryThreshold successes', steps: 'FFFSSS', expect: [u, u, D, D, D, U] },
    { name: 'a failure resets the success count', steps: 'FFFSSFSSS', expect: [u, u, D, D, D, D, D, D, U] },
    { name: 'down stays down while failing', steps: 'FFFFF', expect: [u, u, D, D, D] },
    { name: 'thresholds of 1 flip on every change', steps: 'SFSF', thresholds: [1, 1], expect: [U, D, U, D] },
    { name: 'recovery threshold differs from failure threshold', steps: 'FSS', thresholds: [1, 2], expect: [D, D, U] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const [failureThreshold, recoveryThreshold] = c.thresholds ?? [3, 3];
      assert.deepEqual(
        runTarget(c.steps, failureThreshold, recoveryThreshold).map((s) => s.status),
        c.expect,
      );
    });
  }
});

describe('assessTarget: counters and times', () => {
  const cases: {
    name: string;
    steps: string;
    expect: Partial<Pick<TargetState, 'consecutiveFailures' | 'consecutiveSuccesses' | 'statusSince' | 'lastSuccessAt' | 'lastFailureAt'>>;
  }[] = [
    { name: 'successes count up, failures zero', steps: 'FSS', expect: { consecutiveSuccesses: 2, consecutiveFailures: 0 } },
    { name: 'failures count up, successes zero', steps: 'SSFF', expect: { consecutiveSuccesses: 0, consecutiveFailures: 2 } },
    { name: 'statusSince is the first success (unknown -> up)', steps: 'SS', expect: { statusSince: T0 } },
    { name: 'statusSince is the first observation while unknown', steps: 'FF', expect: { statusSince: T0 } },
    { name: 'statusSince moves when unknown -> down', steps: 'FFF', expect: { statusSince: T0 + 2 * STEP } },
    { name: 'statusSince moves when up -> down', steps: 'SFFFF', expect: { statusSince: T0 + 3 * STEP } },
    { name: 'statusSince moves when down -> up', steps: 'FFFSSSS', expect: { statusSince: T0 + 5 * STEP } },
    { name: 'lastSuccessAt and lastFailureAt', steps: 'SFSF', expect: { lastSuccessAt: T0 + 2 * STEP, lastFailureAt: T0 + 3 * STEP } },
    { name: 'never failed', steps: 'SS', expect: { lastFailureAt: null, lastSuccessAt: T0 + STEP } },
    { name: 'never succeeded', steps: 'FF', expect: { lastSuccessAt: null, lastFailureAt: T0 + STEP } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const last = runTarget(c.steps).at(-1) as TargetState;
      for (const [key, value] of Object.entries(c.expect)) {
        assert.equal(last[key as keyof TargetState], value, key);
      }
    });
  }

  test('last is the observation itself; identity fields are kept', () => {
    const obs = targetObs(false, T0, 'dns');
    const state = assessTarget(initialTargetState('dns-lokal', 'dns', 'reference'), obs, {
      failureThreshold: 3,
      recoveryThreshold: 3,
    });
    assert.equal(state.last, obs);
    assert.deepEqual([state.name, state.kind, state.role], ['dns-lokal', 'dns', 'reference']);
  });

  test('the initial state is unknown with nothing seen', () => {
    assert.deepEqual(initialTargetState('a', 'tcp', 'central'), {
      name: 'a',
      kind: 'tcp',
      role: 'central',
      status: 'unknown',
      statusSince: null,
      consecutiveFailures: 0,
      consecutiveSuccesses: 0,
      last: null,
      lastSuccessAt: null,
      lastFailureAt: null,
    });
  });
});

function usage(availBytes: number, sizeBytes = SIZE): VolumeUsage {
  const usedBytes = sizeBytes - availBytes;
  return {
    sizeBytes,
    freeBytes: availBytes,
    availBytes,
    usedBytes,
    usedRatio: usedBytes / (usedBytes + availBytes),
    filesTotal: 1000,
    filesFree: 400,
    filesUsedRatio: 0.6,
  };
}

function okObs(at: number, availBytes: number, deviceId = 42): VolumeObservation {
  return { ok: true, volume: 'rekaman', at, durationMs: 3, deviceId, ...usage(availBytes) };
}

function failedObs(at: number, failure: VolumeFailure, withUsage?: VolumeUsage): VolumeObservation {
  return { ok: false, volume: 'rekaman', at, failure, durationMs: 3, detail: failure, usage: withUsage };
}

/** Feeds observations into a fresh volume with a 1h window. */
function feed(observations: VolumeObservation[], windowMs = HOUR): VolumeState {
  return observations.reduce((state, obs) => assessVolume(state, obs, windowMs), initialVolumeState('rekaman'));
}

/** One ok observation a minute, avail falling `perMinute` bytes a minute from `start`. */
function filling(minutes: number, start: number, perMinute: number, from = T0): VolumeObservation[] {
  return Array.from({ length: minutes }, (_, i) => okObs(from + i * 60_000, start - i * perMinute));
}

describe('assessVolume', () => {
  test('an ok observation sets last, lastUsage and the first sample', () => {
    const obs = okObs(T0, 400_000_000);
    const state = feed([obs]);
    assert.equal(state.last, obs);
    assert.deepEqual(state.lastUsage, usage(400_000_000));
    assert.deepEqual(state.samples, [{ at: T0, availBytes: 400_000_000 }]);
    assert.equal(state.deviceId, 42);
  });

  test('another device than the one seen first is not_mounted: its numbers only go to the log', () => {
    const before = feed([okObs(T0, 500, 42)]);
    const after = assessVolume(before, okObs(T0 + 60_000, 5, 99), HOUR);
    assert.deepEqual(after.last, {
      ok: false,
      volume: 'rekaman',
      at: T0 + 60_000,
      durationMs: 3,
      failure: 'not_mounted',
      detail: 'device changed from 42 to 99: not the filesystem seen before',
      usage: usage(5),
    });
    assert.deepEqual({ ...after, last: null }, { ...before, last: null }, 'the trusted numbers and the device stay');
    assert.equal(assessVolume(after, okObs(T0 + 120_000, 480, 42), HOUR).last?.ok, true, 'the device seen first is trusted again');
  });

  test('rate and ETA need three samples', () => {
    const two = feed(filling(2, 600_000_000, 60_000));
    assert.deepEqual([two.fillRateBytesPerSecond, two.fullEtaSeconds], [null, null]);
    const three = feed(filling(3, 600_000_000, 60_000));
    assert.ok(Math.abs((three.fillRateBytesPerSecond as number) + 1000) < 1e-6);
    // 600 MB - 120 kB left at 1 kB/s
    assert.ok(Math.abs((three.fullEtaSeconds as number) - 599_880) < 1e-3);
  });

  test('rising avail: a rate but no ETA', () => {
    const state = feed(filling(5, 100_000_000, -60_000));
    assert.ok((state.fillRateBytesPerSecond as number) > 0);
    assert.equal(state.fullEtaSeconds, null);
  });

  const windowCases: { name: string; firstAgeMs: number; kept: number }[] = [
    { name: 'a sample exactly at the window edge is kept', firstAgeMs: HOUR, kept: 3 },
    { name: 'a sample 1 ms older than the window is dropped', firstAgeMs: HOUR + 1, kept: 2 },
  ];
  for (const c of windowCases) {
    test(c.name, () => {
      const now = T0 + 2 * HOUR;
      const state = feed([okObs(now - c.firstAgeMs, 900), okObs(now - 60_000, 800), okObs(now, 700)]);
      assert.equal(state.samples.length, c.kept);
      assert.equal(state.samples.at(-1)?.at, now);
    });
  }

  test('pruning forgets an old trend: the rate follows the window', () => {
    // An hour of fast filling, then an hour flat: with a 1h window only the flat part counts.
    const fast = filling(61, 900_000_000, 1_000_000);
    const flatFrom = T0 + 61 * 60_000;
    const flat = Array.from({ length: 61 }, (_, i) => okObs(flatFrom + i * 60_000, 100_000_000));
    const state = feed([...fast, ...flat]);
    assert.equal(state.fillRateBytesPerSecond, 0);
    assert.equal(state.fullEtaSeconds, null);
    assert.ok(state.samples.every((s) => s.at >= flatFrom));
  });

  test('samples from before a clock step back are dropped', () => {
    const state = feed([okObs(T0 + 60_000, 900), okObs(T0 + 120_000, 800), okObs(T0, 700)]);
    assert.deepEqual(state.samples, [{ at: T0, availBytes: 700 }]);
  });

  const failures: { name: string; failure: VolumeFailure; withUsage?: VolumeUsage }[] = [
    { name: 'not_mounted with the parent filesystem numbers', failure: 'not_mounted', withUsage: usage(1) },
    { name: 'write_failed on a read-only remount', failure: 'write_failed', withUsage: usage(999_000_000) },
    { name: 'statfs_timeout without numbers', failure: 'statfs_timeout' },
    { name: 'statfs_error without numbers', failure: 'statfs_error' },
  ];
  for (const c of failures) {
    test(`a failed observation (${c.name}) only replaces last`, () => {
      const before = feed(filling(4, 600_000_000, 60_000));
      const obs = failedObs(T0 + 10 * 60_000, c.failure, c.withUsage);
      const after = assessVolume(before, obs, HOUR);
      assert.equal(after.last, obs);
      assert.deepEqual({ ...after, last: null }, { ...before, last: null });
    });
  }

  test('restoreVolumeState: history back, last null so the gate waits for a fresh probe', () => {
    const samples = [
      { at: T0 + 120_000, availBytes: 880_000 },
      { at: T0, availBytes: 1_000_000 },
      { at: T0 + 60_000, availBytes: 940_000 },
    ];
    const state = restoreVolumeState({ name: 'rekaman', deviceId: 42, samples, lastUsage: usage(880_000) });
    assert.equal(state.last, null);
    assert.equal(state.deviceId, 42);
    assert.deepEqual(state.samples.map((s) => s.at), [T0, T0 + 60_000, T0 + 120_000]);
    assert.ok(Math.abs((state.fillRateBytesPerSecond as number) + 1000) < 1e-9);
    assert.ok(Math.abs((state.fullEtaSeconds as number) - 880) < 1e-9);
    const empty = restoreVolumeState({ name: 'rekaman', deviceId: null, samples: [], lastUsage: null });
    assert.deepEqual(empty, initialVolumeState('rekaman'));
  });
});
