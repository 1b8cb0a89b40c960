// The halt-recording decision: state, overrides, policy and the time in; the gate and, when it changed,
// a transition with its evidence out. Pure: same input, same output; no clock, no I/O.
import { backlogReason, canHalt, isOverHaltLimit, uploadStalledReasons, type BacklogPolicy, type HeartbeatPolicy } from './data-at-risk.js';
import { evidenceOf } from './evidence.js';
import {
  centralCause,
  centralReason,
  everyVolumeHasRoom,
  findActiveOverrides,
  isCentralUnreachable,
  manualHaltReasons,
  staleReason,
  startingReason,
  volumeReasons,
  type ActiveOverrides,
  type ReasonDraft,
} from './reasons.js';
import {
  FLOOR_REASONS,
  REASON_CODES,
  type BacklogState,
  type Buffering,
  type CentralCause,
  type Gate,
  type GateForecast,
  type GateStateName,
  type HeartbeatState,
  type Override,
  type Reason,
  type ReasonCode,
  type TargetState,
  type Transition,
  type VolumeState,
} from './types.js';

export interface VolumePolicy {
  readonly name: string;
  readonly warnRatio: number;
  readonly haltRatio: number;
  readonly resumeRatio: number;
  readonly floorRatio: number;
  readonly minFreeBytes: number | null;
  readonly haltEtaMs: number;
}

export interface GatePolicy {
  readonly downWhen: 'any' | 'all';
  readonly onCentralDown: 'halt' | 'buffer';
  readonly bufferMinHours: number;
  readonly resumeAfterMs: number;
  /** validUntil = now + validForMs. */
  readonly validForMs: number;
  readonly staleAfterMs: { readonly central: number; readonly storage: number };
  /** By name, same names as the VolumeStates. */
  readonly volumes: readonly VolumePolicy[];
  /** By name, same names as the BacklogStates and HeartbeatStates. */
  readonly backlogs: readonly BacklogPolicy[];
  readonly heartbeats: readonly HeartbeatPolicy[];
}

export interface GateInput {
  /** Null on a fresh start. */
  readonly previous: Gate | null;
  /** Role 'central' and role 'reference'. */
  readonly targets: readonly TargetState[];
  readonly volumes: readonly VolumeState[];
  readonly backlogs: readonly BacklogState[];
  readonly heartbeats: readonly HeartbeatState[];
  /** Any overrides; the decision keeps those active at `now`. */
  readonly overrides: readonly Override[];
  readonly now: number;
}

export interface GateDecision {
  readonly gate: Gate;
  readonly transition: Transition | null;
}

export function decideGate(input: GateInput, policy: GatePolicy): GateDecision {
  const { previous, now } = input;
  const active = findActiveOverrides(input.overrides, now);
  const central = judgeCentral(input, policy);
  const all = collectReasons(input, policy, active, central.holds)
    .map((draft): Reason => ({ ...draft, since: sinceOf(previous, draft) ?? now }))
    .sort(byCodeThenSubject);

  // A halt override wins: while one is active the allow override is not in force and lifts nothing,
  // which is also why MANUAL_HALT never needs lifting. Floor reasons stay whatever a person says.
  const allow = active.halts.length === 0 ? active.allow : null;
  const liftable = (r: Reason) => allow !== null && !FLOOR_REASONS.has(r.code);
  const reasons = all.filter((r) => !liftable(r));
  const overridden = all.filter(liftable);

  const next = nextState(previous, reasons.length > 0, allow !== null, now, policy.resumeAfterMs);
  const override = active.halts[0] ?? allow;
  const buffering = next.state === 'allowed' && central.buffered ? bufferingOf(previous, input.volumes, now) : null;
  const gate: Gate = {
    ...next,
    mode: buffering === null ? 'normal' : 'buffering',
    buffering,
    forecast: next.state === 'allowed' ? forecastOf(input.volumes, buffering, now) : null,
    reasons,
    overridden,
    decidedAt: now,
    validUntil: now + policy.validForMs,
    override,
  };

  const changed =
    previous === null ||
    previous.state !== gate.state ||
    (gate.state === 'halted' && reasonKeys(previous.reasons) !== reasonKeys(gate.reasons));
  const transition: Transition | null = changed
    ? {
        at: now,
        from: previous?.state ?? null,
        to: gate.state,
        reasons: gate.reasons,
        evidence: evidenceOf(input.targets, input.volumes, central, override, undefined, input),
      }
    : null;
  return { gate, transition };
}

interface CentralJudgement {
  readonly unreachable: boolean;
  readonly cause: CentralCause | null;
  /** Unreachable, but `buffer` policy lets recording go on because every volume has room. */
  readonly buffered: boolean;
  readonly holds: boolean;
}

function judgeCentral(input: GateInput, policy: GatePolicy): CentralJudgement {
  const unreachable = isCentralUnreachable(input.targets, policy.downWhen);
  // Buffering piles recordings up in one copy: it ends where the disk or the backlog says enough.
  const backlogs = policyOf(policy.backlogs, 'backlog source');
  const backlogOver = input.backlogs.some((b) => isOverHaltLimit(b, backlogs(b.name), input.now));
  const buffered =
    unreachable &&
    policy.onCentralDown === 'buffer' &&
    everyVolumeHasRoom(input.volumes, policy.bufferMinHours, input.previous) &&
    !backlogOver;
  const cause = unreachable ? centralCause(input.targets) : null;
  return { unreachable, cause, buffered, holds: unreachable && !buffered };
}

function collectReasons(
  input: GateInput,
  policy: GatePolicy,
  active: ActiveOverrides,
  centralHolds: boolean,
): ReasonDraft[] {
  const drafts: ReasonDraft[] = [];
  const volumes = policyOf(policy.volumes, 'volume');
  const backlogs = policyOf(policy.backlogs, 'backlog source');
  // A source that may halt is waited for like a volume: a restart must not open the gate before it is read.
  const unreadSources = input.backlogs.filter((b) => b.last === null && canHalt(backlogs(b.name))).map((b) => b.name);
  const starting = startingReason(input.targets, input.volumes, unreadSources);
  if (starting !== null) drafts.push(starting);
  if (centralHolds) drafts.push(centralReason(input.targets));
  for (const volume of input.volumes) drafts.push(...volumeReasons(volume, volumes(volume.name), input.previous));
  for (const backlog of input.backlogs) {
    const reason = backlogReason(backlog, backlogs(backlog.name), input.previous, input.now);
    if (reason !== null) drafts.push(reason);
  }
  drafts.push(...uploadStalledReasons(input.heartbeats, new Map(policy.heartbeats.map((p) => [p.name, p])), input.backlogs, input.now));
  const stale = staleReason(input.targets, input.volumes, input.now, policy.staleAfterMs);
  if (stale !== null) drafts.push(stale);
  drafts.push(...manualHaltReasons(active.halts));
  return drafts;
}

/** Buffering since it began (kept across decisions), the least room any volume has, and when it must end. */
function bufferingOf(previous: Gate | null, volumes: readonly VolumeState[], now: number): Buffering {
  const rooms = volumes.map((v) => v.forecast?.roomWorkingSeconds ?? null).filter((r): r is number => r !== null);
  const ends = volumes.map((v) => v.forecast?.bufferEndAt ?? null).filter((at): at is number => at !== null);
  return {
    since: previous?.buffering?.since ?? now,
    roomWorkingSeconds: rooms.length === 0 ? null : Math.min(...rooms),
    endsAt: ends.length === 0 ? null : Math.min(...ends),
  };
}

/**
 * The earliest halt the volumes' forecasts see: a volume reaching halt_ratio (STORAGE_CRITICAL), its room
 * dropping under halt_eta (STORAGE_FILLING), or, while buffering, under buffer_min_hours (the outage halts).
 */
function forecastOf(volumes: readonly VolumeState[], buffering: Buffering | null, now: number): GateForecast | null {
  let earliest: GateForecast | null = null;
  const consider = (at: number | null, reason: ReasonCode, subject: string, model: GateForecast['model']) => {
    if (at !== null && at >= now && (earliest === null || at < earliest.haltAt)) earliest = { haltAt: at, reason, subject, model };
  };
  for (const v of volumes) {
    const f = v.forecast;
    if (f === null) continue;
    consider(f.haltAt, 'STORAGE_CRITICAL', v.name, f.model);
    consider(f.fillingAt, 'STORAGE_FILLING', v.name, f.model);
    if (buffering !== null) consider(f.bufferEndAt, 'CENTRAL_UNREACHABLE', 'central', f.model);
  }
  return earliest;
}

/** Looks a policy up by name. State and policy come from one config: a miss is a wiring bug, not a condition. */
function policyOf<P extends { readonly name: string }>(policies: readonly P[], kind: string): (name: string) => P {
  const byName = new Map(policies.map((p) => [p.name, p]));
  return (name) => {
    const found = byName.get(name);
    if (found === undefined) throw new Error(`no policy for ${kind} "${name}"`);
    return found;
  };
}

/** A reason keeps the `since` it had in the previous gate, whether it held the gate or was overridden. */
function sinceOf(previous: Gate | null, draft: ReasonDraft): number | null {
  if (previous === null) return null;
  const same = (r: Reason) => r.code === draft.code && r.subject === draft.subject;
  return (previous.reasons.find(same) ?? previous.overridden.find(same))?.since ?? null;
}

function byCodeThenSubject(a: Reason, b: Reason): number {
  const byCode = REASON_CODES.indexOf(a.code) - REASON_CODES.indexOf(b.code);
  if (byCode !== 0) return byCode;
  return a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0;
}

function reasonKeys(reasons: readonly Reason[]): string {
  return reasons
    .map((r) => `${r.code}\u0000${r.subject}`)
    .sort()
    .join('\u0001');
}

type GateStateFields = Pick<Gate, 'state' | 'since' | 'clearSince'>;

/**
 * The gate's state machine (its table lives in test/core/gate.test.ts). Halting is immediate; resuming
 * waits until no reason has held for `resumeAfterMs`, unless a person allowed it, or the only reason
 * was STARTING: resume_after damps flapping faults, and a first probe round is not one.
 */
function nextState(
  previous: Gate | null,
  hasReasons: boolean,
  allowInForce: boolean,
  now: number,
  resumeAfterMs: number,
): GateStateFields {
  const stay = (state: GateStateName): number => (previous?.state === state ? previous.since : now);
  if (hasReasons) return { state: 'halted', since: stay('halted'), clearSince: null };
  if (previous === null || previous.state === 'allowed') return { state: 'allowed', since: stay('allowed'), clearSince: null };
  const onlyStarting = previous.reasons.length > 0 && previous.reasons.every((r) => r.code === 'STARTING');
  if (allowInForce || onlyStarting) return { state: 'allowed', since: now, clearSince: null };
  const clearSince = previous.clearSince ?? now;
  if (now - clearSince >= resumeAfterMs) return { state: 'allowed', since: now, clearSince: null };
  return { state: 'halted', since: previous.since, clearSince };
}
