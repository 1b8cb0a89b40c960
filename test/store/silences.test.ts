// SilenceRepository against a real SQLite file: insert, get, expire once, active and current filters at
// their edges.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Silence } from '../../src/core/alerts/types.js';
import type { Store } from '../../src/store/sqlite.js';
import type { StoredSilence } from '../../src/store/silences.js';
import { tempStore, type TempStore } from '../helpers/temp-store.js';

let temp: TempStore;
let store: Store;
beforeEach(() => {
  temp = tempStore('jaga-silences-');
  store = temp.store;
});
afterEach(() => temp.remove());

function silence(id: string, startsAt: number, endsAt: number): Silence {
  return { id, matchers: { alertname: 'CentralUnreachable', target: '~central-.*' }, startsAt, endsAt, createdBy: 'kabid', comment: `window ${id}` };
}

const ids = (ss: readonly StoredSilence[]): string[] => ss.map((s) => s.id);

describe('SilenceRepository', () => {
  it('gets what was inserted, matchers included, and null for an unknown id', () => {
    store.silences.insert({ ...silence('a', 100, 200), createdAt: 50 });
    assert.deepEqual(store.silences.get('a'), { ...silence('a', 100, 200), createdAt: 50, expiredAt: null, expiredBy: null });
    assert.equal(store.silences.get('nope'), null);
  });

  it('reads a window past the Date range (stored before requests had limits) as over', () => {
    store.silences.insert({ ...silence('far', 100, 8.64e15 * 2), createdAt: 50 });
    const far = store.silences.get('far');
    assert.deepEqual([far?.startsAt, far?.endsAt], [50, 50]);
    assert.doesNotThrow(() => new Date(far?.endsAt ?? 0).toISOString());
  });

  it('refuses a duplicate id and a silence that ends before it starts', () => {
    store.silences.insert({ ...silence('a', 100, 200), createdAt: 50 });
    assert.throws(() => store.silences.insert({ ...silence('a', 300, 400), createdAt: 60 }), /UNIQUE|PRIMARY KEY/);
    assert.throws(() => store.silences.insert({ ...silence('b', 200, 200), createdAt: 60 }), RangeError);
  });

  it('is active from its first millisecond up to, not including, its end', () => {
    store.silences.insert({ ...silence('w', 100, 200), createdAt: 50 });
    const active = (at: number): string[] => ids(store.silences.list({ activeAt: at, limit: 10 }));
    assert.deepEqual(active(99), []);
    assert.deepEqual(active(100), ['w']);
    assert.deepEqual(active(199), ['w']);
    assert.deepEqual(active(200), []);
  });

  it('lists as current what is active or still to come, and drops it at its end', () => {
    store.silences.insert({ ...silence('ended', 10, 100), createdAt: 1 });
    store.silences.insert({ ...silence('active', 50, 300), createdAt: 2 });
    store.silences.insert({ ...silence('upcoming', 500, 600), createdAt: 3 });
    assert.deepEqual(ids(store.silences.list({ current: 100, limit: 10 })), ['upcoming', 'active']);
    assert.deepEqual(ids(store.silences.list({ current: 99, limit: 10 })), ['upcoming', 'active', 'ended']);
    assert.deepEqual(ids(store.silences.list({ current: 600, limit: 10 })), []);
    assert.deepEqual(ids(store.silences.list({ activeAt: 100, limit: 10 })), ['active']);
    assert.deepEqual(ids(store.silences.list({ limit: 10 })), ['upcoming', 'active', 'ended'], 'no filter: all, newest first');
    assert.deepEqual(ids(store.silences.list({ limit: 1 })), ['upcoming']);
    assert.throws(() => store.silences.list({ limit: 0 }), RangeError);
  });

  it('expires an active silence at that instant, once', () => {
    store.silences.insert({ ...silence('a', 100, 1_000), createdAt: 50 });
    const expired = store.silences.expire('a', 'operator', 400);
    assert.deepEqual(expired, { ...silence('a', 100, 400), createdAt: 50, expiredAt: 400, expiredBy: 'operator' });
    assert.deepEqual(store.silences.get('a'), expired);
    assert.deepEqual(ids(store.silences.list({ activeAt: 399, limit: 10 })), [], 'expired is never active, even before its cut end');
    assert.deepEqual(ids(store.silences.list({ current: 300, limit: 10 })), []);
    assert.equal(store.silences.expire('a', 'someone-else', 500), null);
    assert.equal(store.silences.get('a')?.expiredBy, 'operator', 'the first expiry is kept');
  });

  it('expires an upcoming silence so it never starts', () => {
    store.silences.insert({ ...silence('later', 500, 600), createdAt: 50 });
    const expired = store.silences.expire('later', 'operator', 100);
    assert.equal(expired?.endsAt, 100);
    assert.equal(expired?.startsAt, 500);
    assert.deepEqual(ids(store.silences.list({ current: 100, limit: 10 })), []);
    assert.deepEqual(ids(store.silences.list({ activeAt: 550, limit: 10 })), []);
  });

  it('returns null for an unknown id or a silence that has already ended', () => {
    store.silences.insert({ ...silence('done', 100, 200), createdAt: 50 });
    assert.equal(store.silences.expire('nope', 'operator', 150), null);
    assert.equal(store.silences.expire('done', 'operator', 200), null, 'ended exactly now');
    assert.equal(store.silences.expire('done', 'operator', 300), null);
    assert.equal(store.silences.get('done')?.expiredAt, null);
  });
});
