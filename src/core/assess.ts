// Folds one observation into a target's or a volume's state: counters, up/down status, fill samples,
// fill rate and ETA. Pure: the observation carries its own time; nothing here reads a clock.
import { fitFillRate, fullEtaSeconds } from './eta.js';
import type {
  FillSample,
  TargetObservation,
  TargetRole,
  TargetState,
  TargetStatus,
  VolumeObservation,
  VolumeState,
  VolumeUsage,
} from './types.js';

export interface TargetThresholds {
  /** Consecutive failures that take a target down (from `unknown` or `up`). */
  readonly failureThreshold: number;
  /** Consecutive successes that bring a `down` target back up. */
  readonly recoveryThreshold: number;
}

export function initialTargetState(name: string, kind: TargetState['kind'], role: TargetRole): TargetState {
  return {
    name,
    kind,
    role,
    status: 'unknown',
    statusSince: null,
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    last: null,
    lastSuccessAt: null,
    lastFailureAt: null,
  };
}

/**
 * The next state of a target after one observation. One success is enough to leave `unknown` (a fresh
 * start should not wait three rounds to say "up"), but once `down` it takes `recoveryThreshold` successes,
 * so a flapping link does not flap the gate.
 */
export function assessTarget(state: TargetState, obs: TargetObservation, t: TargetThresholds): TargetState {
  const consecutiveSuccesses = obs.ok ? state.consecutiveSuccesses + 1 : 0;
  const consecutiveFailures = obs.ok ? 0 : state.consecutiveFailures + 1;
  const status = nextStatus(state.status, consecutiveSuccesses, consecutiveFailures, t);
  return {
    ...state,
    status,
    // Also set on the very first observation, so a target that is still `unknown` after one failure
    // says since when it has been tried.
    statusSince: status !== state.status || state.statusSince === null ? obs.at : state.statusSince,
    consecutiveFailures,
    consecutiveSuccesses,
    last: obs,
    lastSuccessAt: obs.ok ? obs.at : state.lastSuccessAt,
    lastFailureAt: obs.ok ? state.lastFailureAt : obs.at,
  };
}

function nextStatus(status: TargetStatus, successes: number, failures: number, t: TargetThresholds): TargetStatus {
  switch (status) {
    case 'unknown':
      if (successes >= 1) return 'up';
      return failures >= t.failureThreshold ? 'down' : 'unknown';
    case 'up':
      return failures >= t.failureThreshold ? 'down' : 'up';
    case 'down':
      return successes >= t.recoveryThreshold ? 'up' : 'down';
  }
}

export function initialVolumeState(name: string): VolumeState {
  return {
    name,
    deviceId: null,
    last: null,
    lastUsage: null,
    samples: [],
    fillRateBytesPerSecond: null,
    fullEtaSeconds: null,
    forecast: null,
  };
}

/**
 * The next state of a volume after one observation. Only an ok observation moves the numbers: a failed
 * one may carry usage, but for `not_mounted` that is the parent filesystem's, and for `write_failed` it
 * is a volume we no longer trust; it only replaces `last`, which is what the gate judges.
 */
export function assessVolume(state: VolumeState, obs: VolumeObservation, fillWindowMs: number): VolumeState {
  if (!obs.ok) return { ...state, last: obs };
  if (state.deviceId !== null && obs.deviceId !== state.deviceId) return { ...state, last: deviceChanged(obs, state.deviceId) };
  const cutoff = obs.at - fillWindowMs;
  // Samples "from the future" only exist if the clock stepped back; they would bend the line, so drop them.
  const samples = [...state.samples, { at: obs.at, availBytes: obs.availBytes }].filter(
    (s) => s.at >= cutoff && s.at <= obs.at,
  );
  const rate = fitFillRate(samples);
  return {
    ...state,
    deviceId: state.deviceId ?? obs.deviceId,
    last: obs,
    lastUsage: usageOf(obs),
    samples,
    fillRateBytesPerSecond: rate,
    fullEtaSeconds: fullEtaSeconds(obs.availBytes, rate),
    // The engine forecasts again right after (it holds the volume's usage history); until then the last one stands.
    forecast: state.forecast,
  };
}

/**
 * The path answers from another device than the one seen first: after an unmount the directory shows
 * the parent filesystem's numbers, healthy-looking and wrong. Its numbers are kept for the log only.
 */
function deviceChanged(obs: Extract<VolumeObservation, { ok: true }>, seen: number): VolumeObservation {
  return {
    ok: false,
    volume: obs.volume,
    at: obs.at,
    durationMs: obs.durationMs,
    failure: 'not_mounted',
    detail: `device changed from ${seen} to ${obs.deviceId}: not the filesystem seen before`,
    usage: usageOf(obs),
  };
}

/** Picks only the usage fields, so lastUsage does not drag the whole observation along. */
function usageOf(u: VolumeUsage): VolumeUsage {
  return {
    sizeBytes: u.sizeBytes,
    freeBytes: u.freeBytes,
    availBytes: u.availBytes,
    usedBytes: u.usedBytes,
    usedRatio: u.usedRatio,
    filesTotal: u.filesTotal,
    filesFree: u.filesFree,
    filesUsedRatio: u.filesUsedRatio,
  };
}

export interface StoredVolume {
  readonly name: string;
  readonly deviceId: number | null;
  /** Samples read back from the store, already limited to the fill window; any order. */
  readonly samples: readonly FillSample[];
  readonly lastUsage: VolumeUsage | null;
}

/**
 * A volume's state after a restart, from what the store kept. `last` stays null on purpose: a stored
 * observation says nothing about the volume now, so the gate keeps STARTING until a fresh probe answers.
 * The fill history survives, so the rate is known again as soon as that probe lands.
 */
export function restoreVolumeState(stored: StoredVolume): VolumeState {
  const samples = [...stored.samples].sort((a, b) => a.at - b.at);
  const rate = fitFillRate(samples);
  return {
    name: stored.name,
    deviceId: stored.deviceId,
    last: null,
    lastUsage: stored.lastUsage,
    samples,
    fillRateBytesPerSecond: rate,
    fullEtaSeconds: stored.lastUsage === null ? null : fullEtaSeconds(stored.lastUsage.availBytes, rate),
    forecast: null,
  };
}
