// Owns `backlog_samples`, `heartbeats` and `heartbeat_pings`: each read of a backlog source, each
// heartbeat's last ping (kept across restarts) and its pings over time, for the report and for what a
// restart shows before the first read. Does I/O (SQLite).
import type { BacklogFailure, BacklogObservation, BacklogReading } from '../core/types.js';
import type { Database } from './sqlite.js';

/** A heartbeat's ping history keeps at most one row per this long: a client pinging in a loop cannot fill the disk. */
export const PING_ROW_EVERY_MS = 10_000;

export interface BacklogSample {
  readonly source: string;
  readonly at: number;
  readonly ok: boolean;
  readonly failure: BacklogFailure | null;
  readonly items: number | null;
  readonly bytes: number | null;
  readonly oldestAt: number | null;
}

export interface StoredHeartbeat {
  readonly name: string;
  readonly lastPingAt: number;
  readonly itemsSent: number | null;
  /** Every ping since the heartbeat was first seen, counted. */
  readonly pings: number;
}

export interface HeartbeatPing {
  readonly name: string;
  readonly at: number;
  readonly itemsSent: number | null;
}

interface SampleRow {
  source: string;
  at: number;
  ok: number;
  failure: string | null;
  items: number | null;
  bytes: number | null;
  oldest_at: number | null;
}

export class DataAtRiskRepository {
  private readonly insertSampleStmt;
  private readonly lastReadingStmt;
  private readonly samplesStmt;
  private readonly upsertHeartbeatStmt;
  private readonly heartbeatsStmt;
  private readonly lastPingRowStmt;
  private readonly insertPingStmt;
  private readonly pingsStmt;
  private readonly lastPingBeforeStmt;
  private readonly pruneSamplesStmt;
  private readonly prunePingsStmt;

  constructor(private readonly db: Database) {
    this.insertSampleStmt = db.prepare<[number, string, number, string | null, number | null, number | null, number | null]>(
      'INSERT INTO backlog_samples (at, source, ok, failure, items, bytes, oldest_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.lastReadingStmt = db.prepare<[string], SampleRow>(
      'SELECT * FROM backlog_samples WHERE source = ? AND ok = 1 ORDER BY at DESC LIMIT 1',
    );
    this.samplesStmt = db.prepare<[number, number], SampleRow>('SELECT * FROM backlog_samples WHERE at >= ? AND at < ? ORDER BY at');
    this.upsertHeartbeatStmt = db.prepare<[string, number, number | null]>(
      `INSERT INTO heartbeats (name, last_ping_at, items_sent, pings) VALUES (?, ?, ?, 1)
       ON CONFLICT (name) DO UPDATE SET last_ping_at = excluded.last_ping_at, items_sent = excluded.items_sent, pings = pings + 1`,
    );
    this.heartbeatsStmt = db.prepare<[], { name: string; last_ping_at: number; items_sent: number | null; pings: number }>(
      'SELECT name, last_ping_at, items_sent, pings FROM heartbeats ORDER BY name',
    );
    this.lastPingRowStmt = db.prepare<[string], number>('SELECT MAX(at) FROM heartbeat_pings WHERE name = ?').pluck();
    this.insertPingStmt = db.prepare<[number, string, number | null]>('INSERT INTO heartbeat_pings (at, name, items_sent) VALUES (?, ?, ?)');
    this.pingsStmt = db.prepare<[number, number], { name: string; at: number; items_sent: number | null }>(
      'SELECT name, at, items_sent FROM heartbeat_pings WHERE at >= ? AND at < ? ORDER BY at',
    );
    this.lastPingBeforeStmt = db.prepare<[string, number], number | null>('SELECT MAX(at) FROM heartbeat_pings WHERE name = ? AND at < ?').pluck();
    this.pruneSamplesStmt = db.prepare<[number]>('DELETE FROM backlog_samples WHERE at < ?');
    this.prunePingsStmt = db.prepare<[number]>('DELETE FROM heartbeat_pings WHERE at < ?');
  }

  appendBacklogs(obs: readonly BacklogObservation[]): void {
    for (const o of obs) {
      if (o.ok) this.insertSampleStmt.run(o.at, o.source, 1, null, o.items, o.bytes, o.oldestAt);
      else this.insertSampleStmt.run(o.at, o.source, 0, o.failure, null, null, null);
    }
  }

  /** The newest successful reading of `source`, or null: what people see after a restart until the first read. */
  lastReading(source: string): (BacklogReading & { readonly at: number }) | null {
    const row = this.lastReadingStmt.get(source);
    return row === undefined ? null : { items: row.items ?? 0, bytes: row.bytes, oldestAt: row.oldest_at, at: row.at };
  }

  /** Samples with since <= at < until, oldest first, streamed. */
  *backlogSamples(since: number, until: number): Generator<BacklogSample> {
    for (const r of this.samplesStmt.iterate(since, until)) {
      yield { source: r.source, at: r.at, ok: r.ok === 1, failure: r.failure as BacklogFailure | null, items: r.items, bytes: r.bytes, oldestAt: r.oldest_at };
    }
  }

  /** Records a ping: the last one always, the history at most every PING_ROW_EVERY_MS. One transaction. */
  ping(name: string, at: number, itemsSent: number | null): void {
    this.db.transaction(() => {
      this.upsertHeartbeatStmt.run(name, at, itemsSent);
      const lastRow = this.lastPingRowStmt.get(name) ?? null;
      if (lastRow === null || at - lastRow >= PING_ROW_EVERY_MS || at < lastRow) this.insertPingStmt.run(at, name, itemsSent);
    })();
  }

  heartbeats(): StoredHeartbeat[] {
    return this.heartbeatsStmt.all().map((r) => ({ name: r.name, lastPingAt: r.last_ping_at, itemsSent: r.items_sent, pings: r.pings }));
  }

  /** Pings with since <= at < until, oldest first. */
  pings(since: number, until: number): HeartbeatPing[] {
    return this.pingsStmt.all(since, until).map((r) => ({ name: r.name, at: r.at, itemsSent: r.items_sent }));
  }

  /** The last recorded ping of `name` before `at`, or null: where a day's first gap starts. */
  lastPingBefore(name: string, at: number): number | null {
    return this.lastPingBeforeStmt.get(name, at) ?? null;
  }

  pruneOlderThan(at: number): number {
    return this.pruneSamplesStmt.run(at).changes + this.prunePingsStmt.run(at).changes;
  }
}
