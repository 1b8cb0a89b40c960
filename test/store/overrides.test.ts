// OverrideRepository against a real SQLite file: insert, get, lift once, the active filter at its edges.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Override } from '../../src/core/types.js';
import type { Store } from '../../src/store/sqlite.js';
import { tempStore, type TempStore } from '../helpers/temp-store.js';

let temp: TempStore;
let store: Store;
beforeEach(() => {
  temp = tempStore('jaga-overrides-');
  store = temp.store;
});
afterEach(() => temp.remove());

function override(id: string, createdAt: number, expiresAt: number | null, action: Override['action'] = 'halt'): Override {
  return { id, action, reason: `because ${id}`, by: 'ops', createdAt, expiresAt, liftedAt: null, liftedBy: null };
}

describe('OverrideRepository', () => {
  it('gets what was inserted, and null for an unknown id', () => {
    const o = override('a', 10, null);
    store.overrides.insert(o);
    assert.deepEqual(store.overrides.get('a'), o);
    assert.equal(store.overrides.get('nope'), null);
  });

  it('reads an expiry past the Date range (stored before requests had limits) in the safe direction', () => {
    const beyond = 8.64e15 * 2;
    store.overrides.insert(override('halt-for-ever', 10, beyond, 'halt'));
    store.overrides.insert(override('allow-for-ever', 20, beyond, 'allow'));
    assert.equal(store.overrides.get('halt-for-ever')?.expiresAt, null, 'a halt holds until lifted');
    assert.equal(store.overrides.get('allow-for-ever')?.expiresAt, 20, 'an allow is over');
    for (const o of store.overrides.list()) assert.doesNotThrow(() => o.expiresAt === null || new Date(o.expiresAt).toISOString());
  });

  it('refuses a duplicate id', () => {
    store.overrides.insert(override('a', 10, null));
    assert.throws(() => store.overrides.insert(override('a', 11, null)), /UNIQUE|PRIMARY KEY/);
  });

  it('lifts once; the second lift and an unknown id return null', () => {
    store.overrides.insert(override('a', 10, 1_000, 'allow'));
    const lifted = store.overrides.lift('a', 'chief', 50);
    assert.deepEqual(lifted, { ...override('a', 10, 1_000, 'allow'), liftedAt: 50, liftedBy: 'chief' });
    assert.equal(store.overrides.lift('a', 'someone-else', 60), null);
    assert.deepEqual(store.overrides.get('a'), lifted, 'the first lift is kept');
    assert.equal(store.overrides.lift('nope', 'chief', 50), null);
  });

  it('treats an override as inactive from its exact expiry millisecond', () => {
    store.overrides.insert(override('expiring', 10, 1_000));
    const activeIds = (at: number): string[] => store.overrides.list({ activeAt: at }).map((o) => o.id);
    assert.deepEqual(activeIds(999), ['expiring']);
    assert.deepEqual(activeIds(1_000), []);
    assert.deepEqual(activeIds(1_001), []);
  });

  it('lists newest first; activeAt drops lifted and expired ones; limit caps', () => {
    store.overrides.insert(override('old-open', 10, null));
    store.overrides.insert(override('expired', 20, 100));
    store.overrides.insert(override('lifted', 30, null));
    store.overrides.insert(override('newest', 40, 10_000, 'allow'));
    store.overrides.lift('lifted', 'ops', 35);
    const ids = (os: readonly Override[]): string[] => os.map((o) => o.id);
    assert.deepEqual(ids(store.overrides.list()), ['newest', 'lifted', 'expired', 'old-open']);
    assert.deepEqual(ids(store.overrides.list({ activeAt: 500 })), ['newest', 'old-open']);
    assert.deepEqual(ids(store.overrides.list({ limit: 2 })), ['newest', 'lifted']);
    assert.deepEqual(ids(store.overrides.list({ activeAt: 500, limit: 1 })), ['newest']);
  });
});
