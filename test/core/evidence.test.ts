// A transition's evidence: whole while it fits, and at most EVIDENCE_MAX_BYTES however many targets and
// volumes there are, keeping the failing ones first and counting what it left out.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EVIDENCE_MAX_BYTES, evidenceOf } from '../../src/core/evidence.js';
import type { Override, TargetState, VolumeState } from '../../src/core/types.js';

const AT = 1_700_000_000_000;
const CENTRAL = { unreachable: true, cause: 'central' as const, buffered: false };

function target(name: string, up: boolean): TargetState {
  return {
    name,
    kind: 'http',
    role: 'central',
    status: up ? 'up' : 'down',
    statusSince: AT,
    consecutiveFailures: up ? 0 : 3,
    consecutiveSuccesses: up ? 3 : 0,
    last: up ? { ok: true, target: name, at: AT, durationMs: 5, phases: {}, detail: '200' } : { ok: false, target: name, at: AT, failure: 'refused', durationMs: 1, phases: {}, detail: 'x' },
    lastSuccessAt: up ? AT : null,
    lastFailureAt: up ? null : AT,
  };
}

function volume(name: string, failing: boolean): VolumeState {
  return {
    name,
    deviceId: 1,
    last: failing ? { ok: false, volume: name, at: AT, failure: 'statfs_timeout', durationMs: 1, detail: 'x' } : null,
    lastUsage: null,
    samples: [],
    fillRateBytesPerSecond: null,
    fullEtaSeconds: null,
    forecast: null,
  };
}

const override: Override = { id: 'ovr-1', action: 'halt', reason: 'r'.repeat(500), by: 'ops', createdAt: AT, expiresAt: null, liftedAt: null, liftedBy: null };
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

describe('evidenceOf', () => {
  test('whole while it fits; the override by id only', () => {
    const evidence = evidenceOf([target('pusat', false)], [volume('rekaman', false)], CENTRAL, override);
    assert.deepEqual(Object.keys(evidence), ['targets', 'volumes', 'central', 'override']);
    assert.equal(evidence.override, 'ovr-1');
    assert.deepEqual(Object.keys(evidence.targets as object), ['pusat']);
  });

  const rows: { name: string; targets: number; down: number[]; volumes: number; failing: number[] }[] = [
    { name: '2,000 targets, two down at the end', targets: 2_000, down: [1_998, 1_999], volumes: 1, failing: [] },
    { name: '500 targets and 500 volumes, a failing volume', targets: 500, down: [], volumes: 500, failing: [499] },
  ];
  for (const row of rows) {
    test(`bounded: ${row.name}`, () => {
      const targets = Array.from({ length: row.targets }, (_, i) => target(`target-${i}-${'ü'.repeat(40)}`, !row.down.includes(i)));
      const volumes = Array.from({ length: row.volumes }, (_, i) => volume(`volume-${i}`, row.failing.includes(i)));
      const evidence = evidenceOf(targets, volumes, CENTRAL, override);
      assert.ok(bytes(evidence) <= EVIDENCE_MAX_BYTES, `${bytes(evidence)} bytes`);
      assert.ok(bytes(evidence) > EVIDENCE_MAX_BYTES * 0.9, 'the room is used');
      const keptTargets = Object.keys(evidence.targets as object);
      const keptVolumes = Object.keys(evidence.volumes as object);
      for (const i of row.down) assert.ok(keptTargets.includes(targets[i]!.name), 'a down target is kept first');
      for (const i of row.failing) assert.ok(keptVolumes.includes(`volume-${i}`), 'a failing volume is kept first');
      assert.deepEqual(evidence.omitted, { targets: row.targets - keptTargets.length, volumes: row.volumes - keptVolumes.length });
      assert.deepEqual(evidence.central, CENTRAL);
      assert.equal(evidence.override, 'ovr-1');
      const order = keptTargets.map((name) => targets.findIndex((t) => t.name === name));
      assert.deepEqual(order, [...order].sort((a, b) => a - b), 'config order kept');
    });
  }
});
