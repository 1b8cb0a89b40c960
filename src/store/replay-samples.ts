// What `jaga backtest --from-db` replays, read from a data_dir's jaga.db opened read-only: a backtest
// must never change the office's own database, nor migrate it under a running jaga. Target samples,
// backlog samples and heartbeat pings come through their repositories; volume samples whole (the
// sample repository reads back only their fill history). Does I/O (SQLite).
import BetterSqlite3 from 'better-sqlite3';
import type { VolumeFailure } from '../core/types.js';
import { DataAtRiskRepository } from './data-at-risk.js';
import { SampleRepository } from './samples.js';
import { SCHEMA_VERSION, type Database } from './sqlite.js';

export interface StoredVolumeSample {
  readonly volume: string;
  readonly at: number;
  readonly ok: boolean;
  readonly failure: VolumeFailure | null;
  /** What statfs reported; null when it did not answer. */
  readonly availBytes: number | null;
  readonly usedRatio: number | null;
  readonly filesUsedRatio: number | null;
}

interface VolumeRow {
  volume: string;
  at: number;
  ok: number;
  failure: string | null;
  avail_bytes: number | null;
  used_ratio: number | null;
  files_used_ratio: number | null;
}

export class ReplaySamples {
  readonly samples: SampleRepository;
  readonly dataAtRisk: DataAtRiskRepository;
  private readonly volumeStmt;

  private constructor(private readonly db: Database) {
    this.samples = new SampleRepository(db);
    this.dataAtRisk = new DataAtRiskRepository(db);
    this.volumeStmt = db.prepare<[number, number], VolumeRow>(
      'SELECT volume, at, ok, failure, avail_bytes, used_ratio, files_used_ratio FROM volume_samples WHERE at >= ? AND at < ? ORDER BY at, rowid',
    );
  }

  /**
   * Opens `file` read-only. Throws with what to do when it is missing or of another schema version
   * than this jaga's (an older one is brought up to date by starting this jaga on it once).
   */
  static open(file: string): ReplaySamples {
    let db: Database;
    try {
      db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    } catch (error) {
      throw new Error(`${file}: cannot be opened read-only (${(error as Error).message}); is data_dir right?`, { cause: error });
    }
    try {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version !== SCHEMA_VERSION) {
        throw new Error(
          `${file}: database schema version ${version}, this jaga reads version ${SCHEMA_VERSION}: ` +
            (version < SCHEMA_VERSION ? 'start this jaga on the data_dir once (it migrates the database), then replay.' : 'replay it with the jaga that wrote it.'),
        );
      }
      return new ReplaySamples(db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Volume samples with since <= at < until, oldest first, streamed. */
  *volumeSamples(since: number, until: number): Generator<StoredVolumeSample> {
    for (const r of this.volumeStmt.iterate(since, until)) {
      yield {
        volume: r.volume,
        at: r.at,
        ok: r.ok === 1,
        failure: r.failure as VolumeFailure | null,
        availBytes: r.avail_bytes,
        usedRatio: r.used_ratio,
        filesUsedRatio: r.files_used_ratio,
      };
    }
  }

  close(): void {
    this.db.close();
  }
}
