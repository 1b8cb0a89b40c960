// Owns the `state` key/value table: the gate, target and volume state, and alerting's memory, that
// must survive a restart.
// Does I/O (SQLite). Values are JSON: nulls survive, `undefined` properties are dropped.
import type { AlertMemory, GroupState } from '../core/alerts/types.js';
import type { Gate, TargetState, VolumeState } from '../core/types.js';
import type { Database } from './sqlite.js';

/** A volume's state without its fill samples; those come back from `volume_samples`. */
export type VolumeSnapshot = Omit<VolumeState, 'samples'>;

const GATE = 'gate';
const TARGETS = 'targets';
const VOLUMES = 'volumes';
const ALERTING = 'alerting';

/** What alerting must remember across restarts so nobody gets the same email twice. */
export interface AlertingSnapshot {
  readonly memory: AlertMemory;
  readonly groups: Readonly<Record<string, GroupState>>;
}

export class SnapshotRepository {
  private readonly putStmt;
  private readonly getStmt;

  /** `now` stamps `updated_at`, which is only for people reading the database. */
  constructor(
    db: Database,
    private readonly now: () => number = Date.now,
  ) {
    this.putStmt = db.prepare<[string, string, number]>(
      `INSERT INTO state (key, json, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at`,
    );
    this.getStmt = db.prepare<[string], string>('SELECT json FROM state WHERE key = ?').pluck();
  }

  saveGate(g: Gate): void {
    this.put(GATE, g);
  }

  /** The stored gate; one stored before forecasts (issue 19) reads as a normal-mode gate without one. */
  loadGate(): Gate | null {
    const stored = this.get<Partial<Gate> & Omit<Gate, 'mode' | 'buffering' | 'forecast'>>(GATE);
    return stored === null ? null : { ...stored, mode: stored.mode ?? 'normal', buffering: stored.buffering ?? null, forecast: stored.forecast ?? null };
  }

  saveTargets(states: readonly TargetState[]): void {
    this.put(TARGETS, states);
  }

  loadTargets(): TargetState[] {
    return this.get<TargetState[]>(TARGETS) ?? [];
  }

  saveVolumes(states: readonly VolumeState[]): void {
    this.put(
      VOLUMES,
      states.map(({ samples: _samples, ...rest }): VolumeSnapshot => rest),
    );
  }

  loadVolumes(): VolumeSnapshot[] {
    return this.get<VolumeSnapshot[]>(VOLUMES) ?? [];
  }

  saveAlerting(snapshot: AlertingSnapshot): void {
    this.put(ALERTING, snapshot);
  }

  loadAlerting(): AlertingSnapshot | null {
    return this.get<AlertingSnapshot>(ALERTING);
  }

  private put(key: string, value: unknown): void {
    this.putStmt.run(key, JSON.stringify(value), this.now());
  }

  private get<T>(key: string): T | null {
    const json = this.getStmt.get(key);
    return json === undefined ? null : (JSON.parse(json) as T);
  }
}
