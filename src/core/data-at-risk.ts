// The data at risk: recordings that exist in one copy only (the upload backlog) and whether uploads
// still succeed (heartbeats). Folds a backlog reading into its state and says which reasons hold:
// BACKLOG_CRITICAL (a halt_* limit, with hysteresis) and UPLOAD_STALLED (a late heartbeat that halts).
// Pure: `now` is an argument.
import { hadReason, type ReasonDraft } from './reasons.js';
import type { BacklogObservation, BacklogReading, BacklogState, Gate, HeartbeatState } from './types.js';

/** The limits a source may set, in the order a reason names the one crossed. */
export const BACKLOG_LIMITS = ['items', 'bytes', 'oldest_age'] as const;
export type BacklogLimit = (typeof BACKLOG_LIMITS)[number];

/** Items, bytes, and the oldest item's age in milliseconds; null where unset or unknown. */
export type BacklogLimits = Readonly<Record<BacklogLimit, number | null>>;

export interface BacklogPolicy {
  readonly name: string;
  readonly warn: BacklogLimits;
  readonly halt: BacklogLimits;
  /** A halt by a limit clears only below this fraction of it. */
  readonly resumeFraction: number;
  readonly haltWhenUnavailable: boolean;
}

export interface HeartbeatPolicy {
  readonly name: string;
  readonly graceMs: number;
  /** Late halts recording (UPLOAD_STALLED); otherwise only the alert. */
  readonly halt: boolean;
}

export function initialBacklogState(name: string): BacklogState {
  return { name, last: null, lastReading: null };
}

/** The next state of a source after one read: a failed read keeps the last numbers for people to see. */
export function assessBacklog(state: BacklogState, obs: BacklogObservation): BacklogState {
  if (!obs.ok) return { ...state, last: obs };
  return { ...state, last: obs, lastReading: { items: obs.items, bytes: obs.bytes, oldestAt: obs.oldestAt, at: obs.at } };
}

/** How long the oldest item has waited at `now`; a time ahead of `now` (a skewed clock) counts as 0. */
export function oldestAgeMs(reading: BacklogReading, now: number): number | null {
  return reading.oldestAt === null ? null : Math.max(0, now - reading.oldestAt);
}

function valueOf(reading: BacklogReading, limit: BacklogLimit, now: number): number | null {
  switch (limit) {
    case 'items':
      return reading.items;
    case 'bytes':
      return reading.bytes;
    case 'oldest_age':
      return oldestAgeMs(reading, now);
  }
}

export interface CrossedLimit {
  readonly limit: BacklogLimit;
  readonly value: number;
  readonly threshold: number;
}

/** The first limit whose value is at or over `fraction` of it (1: the limit itself), or null. */
export function crossedLimit(reading: BacklogReading, limits: BacklogLimits, now: number, fraction = 1): CrossedLimit | null {
  for (const limit of BACKLOG_LIMITS) {
    const threshold = limits[limit];
    const value = valueOf(reading, limit, now);
    if (threshold !== null && value !== null && value >= threshold * fraction) return { limit, value, threshold };
  }
  return null;
}

/** Whether the source may halt the gate at all: a halt_* limit, or halt_when_unavailable. */
export function canHalt(policy: BacklogPolicy): boolean {
  return policy.haltWhenUnavailable || BACKLOG_LIMITS.some((limit) => policy.halt[limit] !== null);
}

/** The source was read, and its reading is at or over a halt_* limit now (no hysteresis): buffering ends here. */
export function isOverHaltLimit(state: BacklogState, policy: BacklogPolicy, now: number): boolean {
  return state.last !== null && state.last.ok && crossedLimit(state.last, policy.halt, now) !== null;
}

/** A limit in the unit people read: seconds for the age, as every other fact of jaga's. */
const inFactUnits = (limit: BacklogLimit, ms: number): number => (limit === 'oldest_age' ? ms / 1000 : ms);

/** The numbers of a reading as facts: items, bytes, the oldest item's time and age in seconds. */
export function readingFacts(reading: BacklogReading, now: number): Record<string, number | null> {
  const age = oldestAgeMs(reading, now);
  return { items: reading.items, bytes: reading.bytes, oldestAt: reading.oldestAt, oldestAgeSeconds: age === null ? null : age / 1000 };
}

/**
 * BACKLOG_CRITICAL for one source, or null. Hysteresis as the volumes have it: once critical, it holds
 * while any halt limit is at or over `resumeFraction` of itself. A source that cannot be read holds it
 * only with `halt_when_unavailable`; one not yet read is STARTING's.
 */
export function backlogReason(state: BacklogState, policy: BacklogPolicy, previous: Gate | null, now: number): ReasonDraft | null {
  const last = state.last;
  if (last === null) return null;
  const subject = state.name;
  if (!last.ok) {
    if (!policy.haltWhenUnavailable) return null;
    const known = state.lastReading === null ? {} : readingFacts(state.lastReading, now);
    return { code: 'BACKLOG_CRITICAL', subject, facts: { ...known, unavailable: true, failure: last.failure, detail: last.detail } };
  }
  const crossed =
    crossedLimit(last, policy.halt, now) ??
    (hadReason(previous, 'BACKLOG_CRITICAL', subject) ? crossedLimit(last, policy.halt, now, policy.resumeFraction) : null);
  if (crossed === null) return null;
  return {
    code: 'BACKLOG_CRITICAL',
    subject,
    facts: {
      ...readingFacts(last, now),
      limit: `halt_${crossed.limit}`,
      limitValue: inFactUnits(crossed.limit, crossed.threshold),
      resumeFraction: policy.resumeFraction,
    },
  };
}

/** The first warn_* limit a readable source is at or over, while no halt limit is: BacklogWarning's. */
export function backlogWarning(state: BacklogState, policy: BacklogPolicy, now: number): CrossedLimit | null {
  if (state.last === null || !state.last.ok || crossedLimit(state.last, policy.halt, now) !== null) return null;
  return crossedLimit(state.last, policy.warn, now);
}

/** Late: no ping for longer than `grace` since the last one, or since jaga began waiting for the first. */
export function isHeartbeatLate(heartbeat: HeartbeatState, policy: HeartbeatPolicy, now: number): boolean {
  return now - (heartbeat.lastPingAt ?? heartbeat.watchedSince) > policy.graceMs;
}

/** Items waiting in one copy across the sources read so far; null when no source has been read. */
export function itemsWaiting(backlogs: readonly BacklogState[]): number | null {
  const readings = backlogs.flatMap((b) => (b.lastReading === null ? [] : [b.lastReading.items]));
  return readings.length === 0 ? null : readings.reduce((sum, n) => sum + n, 0);
}

/** A late heartbeat's facts: its last ping, its grace, and what waits meanwhile where a source says. */
export function heartbeatFacts(heartbeat: HeartbeatState, policy: HeartbeatPolicy, backlogs: readonly BacklogState[]): Record<string, number | null> {
  return { lastPingAt: heartbeat.lastPingAt, watchedSince: heartbeat.watchedSince, graceSeconds: policy.graceMs / 1000, itemsWaiting: itemsWaiting(backlogs) };
}

/** UPLOAD_STALLED for each late heartbeat with `halt: true`. */
export function uploadStalledReasons(
  heartbeats: readonly HeartbeatState[],
  policies: ReadonlyMap<string, HeartbeatPolicy>,
  backlogs: readonly BacklogState[],
  now: number,
): ReasonDraft[] {
  return heartbeats.flatMap((heartbeat): ReasonDraft[] => {
    const policy = policies.get(heartbeat.name);
    if (policy === undefined) throw new Error(`no policy for heartbeat "${heartbeat.name}"`);
    if (!policy.halt || !isHeartbeatLate(heartbeat, policy, now)) return [];
    return [{ code: 'UPLOAD_STALLED', subject: heartbeat.name, facts: heartbeatFacts(heartbeat, policy, backlogs) }];
  });
}
