// Owns `target_samples` and `volume_samples`: raw probe results kept for a retention window, read back
// for availability reports and to rebuild fill-rate history after a restart. Does I/O (SQLite).
import type { FillSample, TargetFailure, TargetObservation, VolumeObservation } from '../domain/types.js';
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

export class SampleRepository {
  private readonly insertTargetStmt;
  private readonly insertVolumeStmt;
  private readonly fillStmt;
  private readonly targetRangeStmt;
  private readonly pruneTargetsStmt;
  private readonly pruneVolumesStmt;
  private readonly countsStmt;
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
    // Each call is atomic; inside a caller's transaction it becomes a savepoint, so batching still works.
    this.insertTargets = db.transaction((obs: readonly TargetObservation[]) => {
      for (const o of obs) {
        this.insertTargetStmt.run(o.at, o.target, o.ok ? 1 : 0, o.ok ? null : o.failure, o.durationMs);
      }
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

  /** Deletes samples of both tables before `at` (epoch ms). Returns rows deleted in total. */
  pruneOlderThan(at: number): number {
    return this.pruneTargetsStmt.run(at).changes + this.pruneVolumesStmt.run(at).changes;
  }

  counts(): SampleCounts {
    return this.countsStmt.get() ?? { targetSamples: 0, volumeSamples: 0 };
  }
}
