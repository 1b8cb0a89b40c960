// SampleRepository against a real SQLite file: batching, fill history, target ranges, retention.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { BUCKET_MS, bucketSamples, type ProbeBucket } from '../../src/core/probe-buckets.js';
import type { TargetObservation, VolumeObservation, VolumeUsage } from '../../src/core/types.js';
import { MIGRATIONS, openStore, type Store } from '../../src/store/sqlite.js';
import { tempStore, type TempStore } from '../helpers/temp-store.js';

let temp: TempStore;
let store: Store;
beforeEach(() => {
  temp = tempStore('jaga-samples-');
  store = temp.store;
});
afterEach(() => temp.remove());

function usage(availBytes: number): VolumeUsage {
  return {
    sizeBytes: 1_000,
    freeBytes: availBytes + 50,
    availBytes,
    usedBytes: 950 - availBytes,
    usedRatio: (950 - availBytes) / 950,
    filesTotal: 100,
    filesFree: 40,
    filesUsedRatio: 0.6,
  };
}
const healthy = (volume: string, at: number, avail: number): VolumeObservation => ({
  ok: true,
  durationMs: 1,
  deviceId: 7,
  ...usage(avail),
  volume,
  at,
});
const up = (target: string, at: number): TargetObservation => ({ ok: true, durationMs: 12.5, phases: {}, detail: '', target, at });
const down = (target: string, at: number): TargetObservation => ({
  ok: false,
  failure: 'refused',
  durationMs: 3,
  phases: { connect: 3 },
  detail: 'ECONNREFUSED',
  target,
  at,
});

describe('SampleRepository', () => {
  it('appends 1,000 target samples inside one store transaction', () => {
    const obs = Array.from({ length: 1_000 }, (_, i) => (i % 10 === 0 ? down('central', i) : up('central', i)));
    store.transaction(() => store.samples.appendTargets(obs));
    assert.deepEqual(store.samples.counts(), { targetSamples: 1_000, volumeSamples: 0 });
    const all = [...store.samples.targetSamples(['central'], 0, 1_000)];
    assert.equal(all.length, 1_000);
    assert.equal(all.filter((s) => !s.ok).length, 100);
  });

  it('writes nothing of a batch when the surrounding transaction fails', () => {
    assert.throws(() =>
      store.transaction(() => {
        store.samples.appendTargets([up('central', 1), up('central', 2)]);
        throw new Error('engine failed later in the tick');
      }),
    );
    assert.deepEqual(store.samples.counts(), { targetSamples: 0, volumeSamples: 0 });
  });

  it('returns the samples of the targets asked for in [since, until), oldest first, with failure classes', () => {
    store.samples.appendTargets([up('central', 30), down('central', 10), up('central', 20), up('other', 15), up('central', 40)]);
    assert.deepEqual([...store.samples.targetSamples(['central'], 10, 40)], [
      { target: 'central', at: 10, ok: false, failure: 'refused', durationMs: 3 },
      { target: 'central', at: 20, ok: true, failure: null, durationMs: 12.5 },
      { target: 'central', at: 30, ok: true, failure: null, durationMs: 12.5 },
    ]);
    assert.deepEqual(
      [...store.samples.targetSamples(['central', 'other'], 10, 40)].map((s) => `${s.target}@${s.at}`),
      ['central@10', 'other@15', 'central@20', 'central@30'],
    );
    assert.deepEqual([...store.samples.targetSamples(['nobody'], 0, 100)], []);
  });

  it('reads a period and prunes by the time index alone (no index by target to update on every insert)', () => {
    const plan = (sql: string, ...params: number[]) =>
      (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((row) => row.detail).join('; ');
    assert.match(plan('SELECT target, at, ok FROM target_samples WHERE at >= ? AND at < ? ORDER BY at, rowid', 0, 100), /USING INDEX target_samples_at/);
    assert.match(plan('DELETE FROM target_samples WHERE at < ?', 100), /target_samples_at/);
    const indexes = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'target_samples'").all();
    assert.deepEqual(indexes, [{ name: 'target_samples_at' }]);
  });

  it('volumeFillSamples returns only ok rows of that volume at or after since, oldest first', () => {
    const failedWithUsage: VolumeObservation = {
      ok: false,
      failure: 'write_failed',
      durationMs: 1,
      detail: 'EROFS',
      usage: usage(111),
      volume: 'records',
      at: 250,
    };
    const failedWithout: VolumeObservation = { ok: false, failure: 'statfs_timeout', durationMs: 5000, detail: '', volume: 'records', at: 260 };
    store.samples.appendVolumes([
      healthy('records', 300, 700),
      healthy('records', 100, 900),
      failedWithUsage,
      healthy('records', 200, 800),
      failedWithout,
      healthy('scans', 250, 5),
      healthy('records', 50, 950),
    ]);
    assert.deepEqual(store.samples.volumeFillSamples('records', 100), [
      { at: 100, availBytes: 900 },
      { at: 200, availBytes: 800 },
      { at: 300, availBytes: 700 },
    ]);
    assert.deepEqual(store.samples.volumeFillSamples('records', 301), []);
    assert.equal(store.samples.counts().volumeSamples, 7);
  });

  it('keeps the usage of a failed volume observation in the row, marked not ok', () => {
    store.samples.appendVolumes([
      { ok: false, failure: 'not_mounted', durationMs: 1, detail: '', usage: usage(123), volume: 'v', at: 1 },
    ]);
    const row = store.db.prepare('SELECT ok, failure, avail_bytes, used_ratio, files_used_ratio FROM volume_samples').get();
    assert.deepEqual(row, { ok: 0, failure: 'not_mounted', avail_bytes: 123, used_ratio: (950 - 123) / 950, files_used_ratio: 0.6 });
  });

  it('prunes both tables before the retention cut-off and reports the total', () => {
    store.samples.appendTargets([up('central', 10), up('central', 20), up('central', 30)]);
    store.samples.appendVolumes([healthy('records', 10, 1), healthy('records', 25, 1)]);
    assert.equal(store.samples.pruneOlderThan(20), 2); // at 10 in each table; 20 is kept
    assert.deepEqual(store.samples.counts(), { targetSamples: 2, volumeSamples: 1 });
    assert.deepEqual(
      [...store.samples.targetSamples(['central'], 0, 100)].map((s) => s.at),
      [20, 30],
    );
    assert.equal(store.samples.pruneOlderThan(20), 0);
  });

  it('rejects a non-integer timestamp instead of storing it (STRICT tables)', () => {
    assert.throws(() => store.samples.appendTargets([up('central', 1.5)]), /INTEGER/);
    assert.equal(store.samples.counts().targetSamples, 0);
  });

  describe('hourly buckets', () => {
    const H = BUCKET_MS;
    /** Three hours of two targets probed every 10 minutes; `pusat` fails from 0:40 to 1:20 and at 2:10. */
    const threeHours = (): TargetObservation[] =>
      Array.from({ length: 18 }, (_, i) => [
        (i >= 4 && i < 8) || i === 13 ? down('pusat', i * 600_000) : up('pusat', i * 600_000),
        up('lain', i * 600_000 + 1),
      ]).flat();
    /** Within an hour, targets may come in any order. */
    const byHour = (buckets: readonly ProbeBucket[]) => [...buckets].sort((a, b) => a.start - b.start || a.target.localeCompare(b.target));
    const fromSamples = (targets: string[], since: number, until: number) => byHour(bucketSamples(store.samples.targetSamples(targets, since, until)));
    const buckets = (targets: string[], since: number, until: number) => byHour(store.samples.targetBuckets(targets, since, until));

    it('are kept as samples are written, batch by batch, and equal folding the samples', () => {
      const obs = threeHours();
      for (let i = 0; i < obs.length; i += 5) store.transaction(() => store.samples.appendTargets(obs.slice(i, i + 5)));
      assert.deepEqual(buckets(['pusat', 'lain'], 0, 3 * H), fromSamples(['pusat', 'lain'], 0, 3 * H));
      assert.deepEqual(
        store.samples.targetBuckets(['pusat'], 0, 3 * H).map((b) => [b.start / H, b.probes, b.ok]),
        [
          [0, 6, 4],
          [1, 6, 4],
          [2, 6, 5],
        ],
      );
      assert.equal(store.db.prepare('SELECT count(*) AS n FROM target_buckets').pluck().get(), 6);
    });

    it('a period cut inside an hour reads that hour from its samples', () => {
      store.samples.appendTargets(threeHours());
      for (const [since, until] of [
        [0, 3 * H],
        [1_500_000, 3 * H],
        [0, H + 1_000_000],
        [2_000_000, 2_400_000],
        [H, 2 * H],
        [H + 1, 2 * H - 1],
      ] as const) {
        assert.deepEqual(buckets(['pusat'], since, until), fromSamples(['pusat'], since, until), `[${since}, ${until})`);
      }
    });

    it('a sample older than its hour has seen folds the hour again from its samples', () => {
      store.samples.appendTargets([up('pusat', 1_000), up('pusat', 3_000)]);
      store.samples.appendTargets([down('pusat', 2_000)]);
      assert.deepEqual(buckets(['pusat'], 0, H), fromSamples(['pusat'], 0, H));
      assert.deepEqual(store.samples.targetBuckets(['pusat'], 0, H)[0]?.longest, { target: 'pusat', start: 2_000, end: 3_000 });
    });

    it('nothing of a batch reaches the buckets when the surrounding transaction fails', () => {
      store.samples.appendTargets([up('pusat', 1_000)]);
      assert.throws(() =>
        store.transaction(() => {
          store.samples.appendTargets([down('pusat', 2_000)]);
          throw new Error('later in the tick');
        }),
      );
      assert.deepEqual(store.samples.targetBuckets(['pusat'], 0, H).map((b) => [b.probes, b.ok]), [[1, 1]]);
    });

    it('are pruned with the samples once their hour is over', () => {
      store.samples.appendTargets(threeHours());
      store.samples.pruneOlderThan(H + 1);
      assert.deepEqual(store.samples.targetBuckets(['pusat'], 0, 3 * H).map((b) => b.start / H), [1, 2]);
    });

    it('are made from the samples of a database written before buckets existed', () => {
      const file = join(temp.dir, 'old.db');
      const old = new BetterSqlite3(file);
      MIGRATIONS.slice(0, 4).forEach((sql, i) => {
        old.exec(sql);
        old.pragma(`user_version = ${i + 1}`);
      });
      const insert = old.prepare('INSERT INTO target_samples (at, target, ok, failure, duration_ms) VALUES (?, ?, ?, ?, 1)');
      for (const o of threeHours()) insert.run(o.at, o.target, o.ok ? 1 : 0, o.ok ? null : 'refused');
      old.close();
      const reopened = openStore(file);
      try {
        assert.deepEqual(byHour(reopened.samples.targetBuckets(['pusat', 'lain'], 0, 3 * H)), byHour(bucketSamples(reopened.samples.targetSamples(['pusat', 'lain'], 0, 3 * H))));
        assert.equal(reopened.db.prepare('SELECT count(*) AS n FROM target_buckets').pluck().get(), 6);
      } finally {
        reopened.close();
      }
    });
  });
});
