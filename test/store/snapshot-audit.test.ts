// SnapshotRepository and AuditRepository against a real SQLite file.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Gate, VolumeState } from '../../src/core/types.js';
import type { Store } from '../../src/store/sqlite.js';
import { tempStore, type TempStore } from '../helpers/temp-store.js';

let temp: TempStore;
let store: Store;
let clock: number;
beforeEach(() => {
  clock = 1_000;
  temp = tempStore('jaga-snapshot-', () => clock);
  store = temp.store;
});
afterEach(() => temp.remove());

const gate = (state: Gate['state'], since: number): Gate => ({
  state,
  mode: 'normal',
  buffering: null,
  forecast: null,
  since,
  reasons: [],
  overridden: [],
  clearSince: null,
  decidedAt: since,
  validUntil: since + 60_000,
  override: null,
});

describe('SnapshotRepository', () => {
  it('loads null / empty before anything was saved', () => {
    assert.equal(store.snapshot.loadGate(), null);
    assert.deepEqual(store.snapshot.loadTargets(), []);
    assert.deepEqual(store.snapshot.loadVolumes(), []);
  });

  it('overwrites the gate and stamps updated_at from the clock', () => {
    store.snapshot.saveGate(gate('halted', 1));
    clock = 2_000;
    store.snapshot.saveGate(gate('allowed', 2));
    assert.deepEqual(store.snapshot.loadGate(), gate('allowed', 2));
    assert.deepEqual(store.db.prepare("SELECT updated_at FROM state WHERE key = 'gate'").pluck().all(), [2_000]);
  });

  it('reads a gate stored before forecasts as a normal-mode gate without one', () => {
    const { mode: _m, buffering: _b, forecast: _f, ...before } = gate('halted', 1);
    store.db.prepare("INSERT INTO state (key, json, updated_at) VALUES ('gate', ?, 1)").run(JSON.stringify(before));
    assert.deepEqual(store.snapshot.loadGate(), gate('halted', 1));
  });

  it('keeps a buffering gate with its forecast', () => {
    const buffering: Gate = {
      ...gate('allowed', 1),
      mode: 'buffering',
      buffering: { since: 1, roomWorkingSeconds: 90_000, endsAt: 5_000_000 },
      forecast: { haltAt: 5_000_000, reason: 'CENTRAL_UNREACHABLE', subject: 'central', model: 'office_hours' },
    };
    store.snapshot.saveGate(buffering);
    assert.deepEqual(store.snapshot.loadGate(), buffering);
  });

  it('stores volumes without their samples and keeps nulls', () => {
    const v: VolumeState = {
      name: 'records',
      deviceId: null,
      last: null,
      lastUsage: null,
      samples: [{ at: 1, availBytes: 2 }],
      fillRateBytesPerSecond: null,
      fullEtaSeconds: null,
      forecast: null,
    };
    store.snapshot.saveVolumes([v]);
    const [loaded] = store.snapshot.loadVolumes();
    assert.deepEqual(loaded, {
      name: 'records',
      deviceId: null,
      last: null,
      lastUsage: null,
      fillRateBytesPerSecond: null,
      fullEtaSeconds: null,
      forecast: null,
    });
    assert.ok(loaded && !('samples' in loaded));
  });
});

describe('AuditRepository', () => {
  it('appends with increasing ids and lists newest first, up to the limit', () => {
    const first = store.audit.append({ at: 10, actor: 'ops', action: 'override.create', detail: { id: 'a', expiresAt: null } });
    const second = store.audit.append({ at: 20, actor: 'chief', action: 'override.lift', detail: { id: 'a' } });
    assert.equal(second, first + 1);
    assert.deepEqual(store.audit.list(10), [
      { id: second, at: 20, actor: 'chief', action: 'override.lift', detail: { id: 'a' } },
      { id: first, at: 10, actor: 'ops', action: 'override.create', detail: { id: 'a', expiresAt: null } },
    ]);
    assert.deepEqual(
      store.audit.list(1).map((e) => e.id),
      [second],
    );
  });
});
