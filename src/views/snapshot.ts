// What every audience (the API, /admin, the status page) renders: one snapshot of jaga's state, read in
// one place (http/status-snapshot.ts). Types only.
import type { BacklogSourceConfig } from '../config/schema.js';
import type { Alert, RecurringSilence, Silence } from '../core/alerts/types.js';
import type { BacklogState, Gate, HeartbeatState, Override, TargetState, VolumeState } from '../core/types.js';
import type { OutboxMessage, OutboxStats } from '../store/outbox.js';

/** The live state, held in memory: cheap enough to read for every public page view. */
export interface StatusSnapshot {
  /** When it was read (wall clock): every time an answer shows is judged against this one instant. */
  readonly at: number;
  readonly ready: boolean;
  readonly gate: Gate;
  readonly targets: readonly TargetState[];
  readonly volumes: readonly VolumeState[];
  readonly backlogs: readonly BacklogSnapshot[];
  readonly heartbeats: readonly HeartbeatSnapshot[];
  /** The overrides in force, by the rule the gate itself uses. */
  readonly overrides: readonly Override[];
  /** Null when the config has no `alerts` section. */
  readonly alerting: AlertingSnapshot | null;
}

/** What the config says of each backlog source and heartbeat: the part their live state does not carry. */
export interface DataAtRiskSetup {
  readonly sources: readonly BacklogSourceSetup[];
  readonly heartbeats: readonly HeartbeatSetup[];
}

export interface BacklogSourceSetup {
  readonly name: string;
  readonly type: BacklogSourceConfig['type'];
  /** A halt_* limit or halt_when_unavailable: the source may halt the gate, not only raise alerts. */
  readonly halting: boolean;
}

export interface HeartbeatSetup {
  readonly name: string;
  readonly graceMs: number;
  /** Late halts recording (UPLOAD_STALLED), not only the alert. */
  readonly halt: boolean;
}

/** A backlog source's live state with its setup. */
export type BacklogSnapshot = BacklogState & Omit<BacklogSourceSetup, 'name'>;

/** A heartbeat's live state with its setup, and whether it is late at the snapshot's `at` (the engine's rule). */
export type HeartbeatSnapshot = HeartbeatState & Omit<HeartbeatSetup, 'name'> & { readonly late: boolean };

export interface AlertingSnapshot {
  /** Pending or firing, each with the silence that mutes it. */
  readonly alerts: readonly (Alert & { readonly silencedBy: string | null })[];
  readonly silences: readonly (Silence | RecurringSilence)[];
  /** Notifications only memory holds while the database refuses writes: pending too, lost on a restart. */
  readonly held: HeldNotifications;
}

export interface HeldNotifications {
  readonly count: number;
  readonly oldestAt: number | null;
}

/** The outbox as operators see it (a permanent rejection must not go unnoticed); read from the store. */
export interface OutboxSnapshot {
  readonly stats: OutboxStats;
  readonly held: HeldNotifications;
  /** Newest first, a page's worth. */
  readonly pending: readonly OutboxMessage[];
  /** Failed and expired together, most recently given up first, a page's worth. */
  readonly givenUp: readonly OutboxMessage[];
}
