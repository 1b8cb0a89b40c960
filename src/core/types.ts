// The words of DESIGN.md as types: observations, per-target and per-volume state, reasons, the gate,
// overrides and transitions. Pure data, shared by probes, the decision, the store and the HTTP layer.
// All times are epoch milliseconds; all sizes are bytes.
import type { VolumeForecast } from './forecast/forecast.js';
import type { ModelName } from './forecast/model.js';

/** Why a reachability probe failed. Stable: it is a metric label and an API value. */
export const TARGET_FAILURES = [
  'timeout',
  'refused',
  'reset',
  'dns',
  'tls',
  'status',
  'body',
  'latency',
  'unreachable',
  'error',
] as const;
export type TargetFailure = (typeof TARGET_FAILURES)[number];

/** Latency phases where undici/net/dns let us see them. `total` is the whole probe. */
export const PHASES = ['dns', 'connect', 'tls', 'first_byte', 'transfer', 'total'] as const;
export type Phase = (typeof PHASES)[number];
export type Phases = Partial<Record<Phase, number>>;

/** What a reachability probe returns. It never throws and never judges beyond its own target. */
export type ProbeResult =
  | { readonly ok: true; readonly durationMs: number; readonly phases: Phases; readonly detail: string }
  | {
      readonly ok: false;
      readonly failure: TargetFailure;
      readonly durationMs: number;
      readonly phases: Phases;
      /** Internal text (host names, error codes): for operators and logs, never for the public. */
      readonly detail: string;
    };

export type TargetObservation = ProbeResult & { readonly target: string; readonly at: number };

/** Why a volume cannot be trusted. Stable: API value. */
export const VOLUME_FAILURES = ['statfs_error', 'statfs_timeout', 'not_mounted', 'write_failed'] as const;
export type VolumeFailure = (typeof VOLUME_FAILURES)[number];

/** df semantics: used = size - free; usedRatio = used / (used + avail). */
export interface VolumeUsage {
  readonly sizeBytes: number;
  readonly freeBytes: number;
  readonly availBytes: number;
  readonly usedBytes: number;
  readonly usedRatio: number;
  /** 0 when the filesystem does not count inodes. */
  readonly filesTotal: number;
  readonly filesFree: number;
  readonly filesUsedRatio: number;
}

export type VolumeResult =
  | ({ readonly ok: true; readonly durationMs: number; readonly deviceId: number } & VolumeUsage)
  | {
      readonly ok: false;
      readonly failure: VolumeFailure;
      readonly durationMs: number;
      readonly detail: string;
      /** Present when statfs answered but the volume is still untrustworthy (not mounted, read-only). */
      readonly usage?: VolumeUsage;
    };

export type VolumeObservation = VolumeResult & { readonly volume: string; readonly at: number };

export type TargetStatus = 'unknown' | 'up' | 'down';
export type TargetRole = 'central' | 'reference';

export interface TargetState {
  readonly name: string;
  readonly kind: 'http' | 'tcp' | 'dns';
  readonly role: TargetRole;
  readonly status: TargetStatus;
  /** When `status` last changed (or the first observation). */
  readonly statusSince: number | null;
  readonly consecutiveFailures: number;
  readonly consecutiveSuccesses: number;
  readonly last: TargetObservation | null;
  readonly lastSuccessAt: number | null;
  readonly lastFailureAt: number | null;
}

export interface FillSample {
  readonly at: number;
  readonly availBytes: number;
}

export interface VolumeState {
  readonly name: string;
  /** The filesystem's device id when first seen healthy; a different id later means "not the same mount". */
  readonly deviceId: number | null;
  readonly last: VolumeObservation | null;
  /** Last trustworthy usage, kept while the volume is unavailable so people still see numbers. */
  readonly lastUsage: VolumeUsage | null;
  /** Samples inside the fill window, oldest first. */
  readonly samples: readonly FillSample[];
  /** Bytes per second; negative while the volume fills. Null until there are enough samples. */
  readonly fillRateBytesPerSecond: number | null;
  /** Seconds until avail reaches 0 (by the forecast's model where there is one); null when not filling or unknown. */
  readonly fullEtaSeconds: number | null;
  /** The forecast by the volume's consumption model; null until there is anything to go by. */
  readonly forecast: VolumeForecast | null;
}

/** Why a backlog source could not be read. Stable: API value and log field. */
export const BACKLOG_FAILURES = ['timeout', 'unreadable', 'too_many_files', 'bad_output', 'failed'] as const;
export type BacklogFailure = (typeof BACKLOG_FAILURES)[number];

/**
 * What waits for upload in one copy only, as a source reported it. `oldestAt` is the oldest item's
 * time (its mtime, or what the application said); its age grows between reads, so it is judged
 * against the decision's `now`, not the read's.
 */
export interface BacklogReading {
  readonly items: number;
  /** Null when the source does not say (an http_json or command source without `bytes`). */
  readonly bytes: number | null;
  /** Null when nothing waits or the source does not say. */
  readonly oldestAt: number | null;
}

/** What a backlog source's reader returns. It never throws and never judges. */
export type BacklogResult =
  | ({ readonly ok: true; readonly durationMs: number } & BacklogReading)
  | { readonly ok: false; readonly failure: BacklogFailure; readonly durationMs: number; readonly detail: string };

export type BacklogObservation = BacklogResult & { readonly source: string; readonly at: number };

export interface BacklogState {
  readonly name: string;
  readonly last: BacklogObservation | null;
  /** The last successful reading and when it was taken, kept while the source cannot be read. */
  readonly lastReading: (BacklogReading & { readonly at: number }) | null;
}

/** A heartbeat pushed by the upload client after each successful upload. */
export interface HeartbeatState {
  readonly name: string;
  /** Null until the first ping ever (a restart keeps it). */
  readonly lastPingAt: number | null;
  /** `items_sent` of the last ping that said it. */
  readonly lastItemsSent: number | null;
  /** When this process began waiting for it: lateness counts from here until the first ping ever. */
  readonly watchedSince: number;
}

export const REASON_CODES = [
  'STARTING',
  'CENTRAL_UNREACHABLE',
  'STORAGE_CRITICAL',
  'STORAGE_FLOOR',
  'STORAGE_FILLING',
  'INODES_CRITICAL',
  'VOLUME_UNAVAILABLE',
  'BACKLOG_CRITICAL',
  'UPLOAD_STALLED',
  'PROBES_STALE',
  'MANUAL_HALT',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** Reasons that no `allow` override lifts: past them data would be lost. */
export const FLOOR_REASONS: ReadonlySet<ReasonCode> = new Set(['STORAGE_FLOOR', 'INODES_CRITICAL']);

export type CentralCause = 'central' | 'uplink' | 'dns';

export type FactValue = number | string | boolean | null;

export interface Reason {
  readonly code: ReasonCode;
  /** What the reason is about ("central", a volume, a backlog source or heartbeat name, an override id). */
  readonly subject: string;
  /** When this reason (same code and subject) became active. */
  readonly since: number;
  readonly cause?: CentralCause;
  /** The numbers behind it, e.g. { usedRatio: 0.93, haltRatio: 0.9, availBytes: 1234 }. */
  readonly facts: Readonly<Record<string, FactValue>>;
}

export type GateStateName = 'allowed' | 'halted';

export interface Override {
  readonly id: string;
  readonly action: 'halt' | 'allow';
  readonly reason: string;
  readonly by: string;
  readonly createdAt: number;
  /** Required for `allow` (at most 24h ahead); optional for `halt`. */
  readonly expiresAt: number | null;
  readonly liftedAt: number | null;
  readonly liftedBy: string | null;
}

/** The earliest halt the forecasts see coming while recording is allowed, and why. */
export interface GateForecast {
  readonly haltAt: number;
  /** The reason that will halt: STORAGE_CRITICAL, STORAGE_FILLING, or CENTRAL_UNREACHABLE when buffering ends. */
  readonly reason: ReasonCode;
  /** The volume, or "central" for the end of buffering. */
  readonly subject: string;
  readonly model: ModelName;
}

/** Recording through a central outage on local disk (`on_central_down: buffer`). */
export interface Buffering {
  readonly since: number;
  /** The least working time of recording any volume's room holds. Null: not filling. */
  readonly roomWorkingSeconds: number | null;
  /** When buffering must end (the room drops under buffer_min_hours of working time); null: not foreseen. */
  readonly endsAt: number | null;
}

export interface Gate {
  readonly state: GateStateName;
  /** `buffering`: central is unreachable and recording goes on on local disk. */
  readonly mode: 'normal' | 'buffering';
  readonly buffering: Buffering | null;
  /** While allowed, the earliest halt the forecasts see; null when none is foreseen (or halted). */
  readonly forecast: GateForecast | null;
  /** When `state` last changed. */
  readonly since: number;
  /** Reasons that hold the gate halted now. */
  readonly reasons: readonly Reason[];
  /** Reasons that are active but lifted by an `allow` override. */
  readonly overridden: readonly Reason[];
  /** While halted: since when no reason has been active (resume_after counts from here). */
  readonly clearSince: number | null;
  readonly decidedAt: number;
  /** After this, a station that has heard nothing newer treats the gate as halted. */
  readonly validUntil: number;
  /** The override in force (a halt override wins over an allow override). */
  readonly override: Override | null;
}

export interface Transition {
  readonly at: number;
  readonly from: GateStateName | null;
  readonly to: GateStateName;
  readonly reasons: readonly Reason[];
  /** The observations behind the decision, as they were. */
  readonly evidence: Readonly<Record<string, unknown>>;
}
