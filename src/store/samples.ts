// Owns `target_samples`, `target_buckets` and `volume_samples`: raw probe results kept for a retention
// window, with each target's hourly summary kept up to date as they are written (for availability
// reports), and volume samples read back to rebuild fill-rate history after a restart. Does I/O (SQLite).
import { addProbe, BUCKET_MS, bucketSamples, bucketStart, foldSamples, type ProbeBucket, type ProbeSample } from '../core/probe-buckets.js';
import type { FillSample, TargetFailure, TargetObservation, VolumeObservation } from '../core/types.js';
import type { Database } from './sqlite.js';

export interface TargetSample {
  readonly target: string;
  readonly at: number;
  readonly ok: boolean;
  readonly failure: TargetFailure | null;
  readonly durationMs: number;
}

export interface SampleCounts {
  readonly targetSamples: number;
  readonly volumeSamples: number;
}

interface TargetRow {
  target: string;
  at: number;
  ok: number;
  failure: string | null;
  duration_ms: number;
}

interface BucketRow {
  start: number;
  target: string;
  probes: number;
  ok: number;
  first_at: number;
  last_at: number;
  first_ok_at: number | null;
  failing_since: number | null;
  longest_start: number | null;
  longest_end: number | null;
}

type BucketParams = [number, string, number, number, number, number, number | null, number | null, number | null, number | null];

export class SampleRepository {
  private readonly insertTargetStmt;
  private readonly insertVolumeStmt;
  private readonly fillStmt;
  private readonly targetRangeStmt;
  private readonly pruneTargetsStmt;
  private readonly pruneVolumesStmt;
  private readonly countsStmt;
  private readonly bucketStmt;
  private readonly saveBucketStmt;
  private readonly bucketRangeStmt;
  private readonly pruneBucketsStmt;
  private readonly insertTargets;
  private readonly insertVolumes;

  constructor(db: Database) {
    this.insertTargetStmt = db.prepare<[number, string, number, string | null, number]>(
      'INSERT INTO target_samples (at, target, ok, failure, duration_ms) VALUES (?, ?, ?, ?, ?)',
    );
    this.insertVolumeStmt = db.prepare<[number, string, number, string | null, number | null, number | null, number | null]>(
      `INSERT INTO volume_samples (at, volume, ok, failure, avail_bytes, used_ratio, files_used_ratio)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.fillStmt = db.prepare<[string, number], FillSample>(
      `SELECT at, avail_bytes AS availBytes FROM volume_samples
       WHERE volume = ? AND at >= ? AND ok = 1 AND avail_bytes IS NOT NULL ORDER BY at, rowid`,
    );
    this.targetRangeStmt = db.prepare<[number, number], TargetRow>(
      `SELECT target, at, ok, failure, duration_ms FROM target_samples
       WHERE at >= ? AND at < ? ORDER BY at, rowid`,
    );
    this.pruneTargetsStmt = db.prepare<[number]>('DELETE FROM target_samples WHERE at < ?');
    this.pruneVolumesStmt = db.prepare<[number]>('DELETE FROM volume_samples WHERE at < ?');
    this.countsStmt = db.prepare<[], SampleCounts>(
      `SELECT (SELECT count(*) FROM target_samples) AS targetSamples,
              (SELECT count(*) FROM volume_samples) AS volumeSamples`,
    );
    this.bucketStmt = db.prepare<[number, string], BucketRow>('SELECT * FROM target_buckets WHERE start = ? AND target = ?');
    this.saveBucketStmt = db.prepare<BucketParams>(
      `INSERT OR REPLACE INTO target_buckets
         (start, target, probes, ok, first_at, last_at, first_ok_at, failing_since, longest_start, longest_end)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.bucketRangeStmt = db.prepare<[number, number, string], BucketRow>(
      `SELECT * FROM target_buckets WHERE start >= ? AND start < ? AND target IN (SELECT value FROM json_each(?))
       ORDER BY start, target`,
    );
    this.pruneBucketsStmt = db.prepare<[number]>('DELETE FROM target_buckets WHERE start <= ?');
    // Each call is atomic; inside a caller's transaction it becomes a savepoint, so batching still works.
    this.insertTargets = db.transaction((obs: readonly TargetObservation[]) => {
      for (const o of obs) {
        this.insertTargetStmt.run(o.at, o.target, o.ok ? 1 : 0, o.ok ? null : o.failure, o.durationMs);
      }
      this.addToBuckets(obs);
    });
    this.insertVolumes = db.transaction((obs: readonly VolumeObservation[]) => {
      for (const o of obs) {
        // A failed volume may still carry the usage statfs reported; keep it, ok = 0 marks it untrusted.
        const usage = o.ok ? o : o.usage;
        this.insertVolumeStmt.run(
          o.at,
          o.volume,
          o.ok ? 1 : 0,
          o.ok ? null : o.failure,
          usage?.availBytes ?? null,
          usage?.usedRatio ?? null,
          usage?.filesUsedRatio ?? null,
        );
      }
    });
    // A database from before target_buckets: summarise the samples it has, once, in one transaction.
    const unsummarised = db.prepare('SELECT EXISTS (SELECT 1 FROM target_samples) AND NOT EXISTS (SELECT 1 FROM target_buckets) AS yes').pluck().get();
    if (unsummarised === 1) db.transaction(() => this.summariseAll(db))();
  }

  appendTargets(obs: readonly TargetObservation[]): void {
    this.insertTargets(obs);
  }

  appendVolumes(obs: readonly VolumeObservation[]): void {
    this.insertVolumes(obs);
  }

  /** Healthy samples of `volume` at or after `since`, oldest first: the fill-rate history. */
  volumeFillSamples(volume: string, since: number): FillSample[] {
    return this.fillStmt.all(volume, since);
  }

  /**
   * Samples of the given targets with since <= at < until, oldest first (targets interleaved),
   * streamed: a month is many rows, read in one pass by time.
   */
  *targetSamples(targets: readonly string[], since: number, until: number): Generator<TargetSample> {
    const wanted = new Set(targets);
    for (const r of this.targetRangeStmt.iterate(since, until)) {
      if (!wanted.has(r.target)) continue;
      yield { target: r.target, at: r.at, ok: r.ok === 1, failure: r.failure as TargetFailure | null, durationMs: r.duration_ms };
    }
  }

  /**
   * The given targets' probes with since <= at < until as hourly buckets, oldest first: whole hours from
   * their summaries, an hour cut by `since` or `until` folded from its samples (at most two hours of them).
   */
  targetBuckets(targets: readonly string[], since: number, until: number): ProbeBucket[] {
    const whole = this.bucketRangeStmt.all(bucketStart(since), until, JSON.stringify(targets)).map(toBucket);
    const ragged = new Set(whole.filter((b) => b.firstAt < since || b.lastAt >= until).map((b) => b.start));
    const cut = [...ragged].flatMap((start) =>
      bucketSamples(this.targetSamples(targets, Math.max(since, start), Math.min(until, start + BUCKET_MS))),
    );
    return [...whole.filter((b) => !ragged.has(b.start)), ...cut].sort((a, b) => a.start - b.start);
  }

  /** Deletes samples of both tables before `at` (epoch ms), and the summaries of hours ended by then. Returns samples deleted. */
  pruneOlderThan(at: number): number {
    this.pruneBucketsStmt.run(at - BUCKET_MS);
    return this.pruneTargetsStmt.run(at).changes + this.pruneVolumesStmt.run(at).changes;
  }

  counts(): SampleCounts {
    return this.countsStmt.get() ?? { targetSamples: 0, volumeSamples: 0 };
  }

  /** Folds just-inserted samples into their hours' summaries; an hour that gets an older sample than it has is folded again from its samples. */
  private addToBuckets(obs: readonly TargetObservation[]): void {
    const groups = new Map<string, TargetObservation[]>();
    for (const o of obs) {
      const key = `${bucketStart(o.at)}/${o.target}`;
      const group = groups.get(key);
      if (group) group.push(o);
      else groups.set(key, [o]);
    }
    for (const group of groups.values()) {
      const sorted = [...group].sort((a, b) => a.at - b.at);
      const first = sorted[0] as TargetObservation;
      const start = bucketStart(first.at);
      const row = this.bucketStmt.get(start, first.target);
      const stored = row ? toBucket(row) : null;
      const bucket =
        stored !== null && first.at < stored.lastAt
          ? bucketSamples(this.targetSamples([first.target], start, start + BUCKET_MS))[0]
          : sorted.reduce<ProbeBucket | null>((b, o) => addProbe(b, o), stored);
      if (bucket) this.saveBucket(bucket);
    }
  }

  /** Summarises every stored sample, read a page at a time: SQLite cannot write while a read is open. */
  private summariseAll(db: Database): void {
    const page = db.prepare<[number, number], { id: number; target: string; at: number; ok: number }>(
      'SELECT rowid AS id, target, at, ok FROM target_samples WHERE (at, rowid) > (?, ?) ORDER BY at, rowid LIMIT 10000',
    );
    function* all(): Generator<ProbeSample> {
      let after = { at: Number.MIN_SAFE_INTEGER, id: 0 };
      for (let rows = page.all(after.at, after.id); rows.length > 0; rows = page.all(after.at, after.id)) {
        for (const r of rows) yield { target: r.target, at: r.at, ok: r.ok === 1 };
        const last = rows[rows.length - 1] as { at: number; id: number };
        after = { at: last.at, id: last.id };
      }
    }
    for (const bucket of foldSamples(all())) this.saveBucket(bucket);
  }

  private saveBucket(b: ProbeBucket): void {
    this.saveBucketStmt.run(b.start, b.target, b.probes, b.ok, b.firstAt, b.lastAt, b.firstOkAt, b.failingSince, b.longest?.start ?? null, b.longest?.end ?? null);
  }
}

function toBucket(r: BucketRow): ProbeBucket {
  return {
    target: r.target,
    start: r.start,
    probes: r.probes,
    ok: r.ok,
    firstAt: r.first_at,
    lastAt: r.last_at,
    firstOkAt: r.first_ok_at,
    failingSince: r.failing_since,
    longest: r.longest_start === null || r.longest_end === null ? null : { target: r.target, start: r.longest_start, end: r.longest_end },
  };
}
