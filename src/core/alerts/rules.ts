// The built-in alert rules and their `for` clocks: the world as the gate saw it in, alerts (pending or
// firing) and the remembered clocks out; the backlog and heartbeat rules' conditions are in
// data-at-risk-rules.ts, the halt forecast's in forecast-rules.ts. Pure: `now` is an argument; no timers, no I/O.
import type { BacklogPolicy, HeartbeatPolicy } from '../data-at-risk.js';
import { centralCause, isCentralUnreachable } from '../reasons.js';
import {
  REASON_CODES,
  type BacklogState,
  type Buffering,
  type FactValue,
  type Gate,
  type HeartbeatState,
  type Reason,
  type ReasonCode,
  type TargetState,
  type VolumeState,
} from '../types.js';
import { ALERT_NAMES, SEVERITIES, type Alert, type AlertMemory, type AlertName, type Severity } from './types.js';
import { backlogCritical, backlogSourceUnavailable, backlogWarning, uploadStalled } from './data-at-risk-rules.js';
import { haltForecast, workingLeft, type WorkingTime } from './forecast-rules.js';

export interface AlertRulesPolicy {
  readonly site: string;
  readonly downWhen: 'any' | 'all';
  readonly centralUnreachableForMs: number;
  readonly centralSlow: { readonly forMs: number; readonly latencyMs: number };
  readonly storageWarningForMs: number;
  readonly storageCriticalForMs: number;
  readonly storageFilling: { readonly forMs: number; readonly etaMs: number };
  /**
   * HaltForecast: the forecast halt within `withinWorkingMs` of working time, counted in the office's
   * working week (`working`, shell/policy.ts officeCalendar), which CentralUnreachable's end of buffering is told in too.
   */
  readonly haltForecast: { readonly forMs: number; readonly withinWorkingMs: number; readonly working: WorkingTime };
  readonly recordingHaltedForMs: number;
  readonly jagaDegraded: { readonly forMs: number; readonly outboxAgeMs: number };
  readonly backlogWarningForMs: number;
  readonly backlogCriticalForMs: number;
  readonly uploadStalledForMs: number;
  readonly backlogSourceUnavailableForMs: number;
  readonly volumes: readonly { readonly name: string; readonly warnRatio: number; readonly haltRatio: number }[];
  /** The same limits the gate judges by (shell/policy.ts backlogPolicies). */
  readonly backlogs: readonly BacklogPolicy[];
  readonly heartbeats: readonly HeartbeatPolicy[];
}

export interface JagaHealth {
  /** The last DB write failed and none succeeded since. */
  readonly storeFailingSince: number | null;
  /** createdAt of the oldest unsent notification. */
  readonly outboxOldestPendingAt: number | null;
  /** Notifications expired or permanently rejected in the last 24h. */
  readonly notificationsGivenUp: number;
}

export interface AlertInput {
  readonly targets: readonly TargetState[];
  readonly volumes: readonly VolumeState[];
  readonly backlogs: readonly BacklogState[];
  readonly heartbeats: readonly HeartbeatState[];
  readonly gate: Gate;
  readonly health: JagaHealth;
  readonly now: number;
}

/** One way a rule holds now: the label that tells it from its siblings (target, volume, source, heartbeat) and its numbers. */
export interface Condition {
  readonly labels: Readonly<Record<string, string>>;
  readonly values: Readonly<Record<string, FactValue>>;
}

interface Rule {
  readonly severity: Severity;
  readonly forMs: (policy: AlertRulesPolicy) => number;
  readonly conditions: (input: AlertInput, policy: AlertRulesPolicy) => Condition[];
}

const list = (items: readonly string[]): string => items.join(', ');
const central = (targets: readonly TargetState[]) => targets.filter((t) => t.role === 'central');

/** The reasons that mean "this volume cannot take recordings"; the gate's hysteresis is already in them. */
const VOLUME_CRITICAL_CODES: ReadonlySet<ReasonCode> = new Set([
  'STORAGE_CRITICAL',
  'STORAGE_FLOOR',
  'INODES_CRITICAL',
  'VOLUME_UNAVAILABLE',
]);

function centralUnreachable(input: AlertInput, policy: AlertRulesPolicy): Condition[] {
  // Judged apart from the gate: under `on_central_down: buffer` recording goes on, but people must know.
  if (!isCentralUnreachable(input.targets, policy.downWhen)) return [];
  const all = central(input.targets);
  const down = all.filter((t) => t.status === 'down');
  const firstLast = down[0]?.last ?? null;
  const successes = all.map((t) => t.lastSuccessAt).filter((at): at is number => at !== null);
  const buffering = input.gate.buffering;
  return [
    {
      labels: {},
      values: {
        cause: centralCause(input.targets),
        downTargets: list(down.map((t) => t.name)),
        failure: firstLast !== null && !firstLast.ok ? firstLast.failure : null,
        lastSuccessAt: successes.length === 0 ? null : Math.max(...successes),
        // Recording goes on on local disk (on_central_down: buffer): since when, and when it must stop.
        ...(buffering === null ? {} : bufferingFacts(buffering, input.now, policy.haltForecast.working)),
      },
    },
  ];
}

function bufferingFacts(buffering: Buffering, now: number, working: WorkingTime): Record<string, FactValue> {
  const left = buffering.endsAt === null ? null : workingLeft(buffering.endsAt, now, working);
  return {
    bufferingSince: buffering.since,
    bufferingEndsAt: buffering.endsAt,
    bufferingEndsWorkingSeconds: left?.seconds ?? null,
    bufferingEndsWorkingDays: left?.days ?? null,
  };
}

function centralSlow(input: AlertInput, policy: AlertRulesPolicy): Condition[] {
  const { latencyMs } = policy.centralSlow;
  return central(input.targets).flatMap((t): Condition[] => {
    // Only a probe that succeeded says "slow"; a failed one is CentralUnreachable's business.
    if (t.status !== 'up' || t.last === null || !t.last.ok || !(t.last.durationMs > latencyMs)) return [];
    return [{ labels: { target: t.name }, values: { latencyMs: Math.round(t.last.durationMs), thresholdMs: latencyMs } }];
  });
}

function storageWarning(input: AlertInput, policy: AlertRulesPolicy): Condition[] {
  const thresholds = new Map(policy.volumes.map((v) => [v.name, v]));
  return input.volumes.flatMap((v): Condition[] => {
    const limits = thresholds.get(v.name);
    const usage = v.lastUsage;
    // Above the halt line it is StorageCritical's (or the gate's hysteresis keeps it there).
    if (limits === undefined || usage === null) return [];
    if (!(usage.usedRatio >= limits.warnRatio && usage.usedRatio < limits.haltRatio)) return [];
    return [
      {
        labels: { volume: v.name },
        values: {
          usedRatio: usage.usedRatio,
          availBytes: usage.availBytes,
          sizeBytes: usage.sizeBytes,
          warnRatio: limits.warnRatio,
          fullEtaSeconds: v.fullEtaSeconds,
        },
      },
    ];
  });
}

function storageCritical(input: AlertInput): Condition[] {
  // Read from the gate, reasons and overridden alike: an `allow` override lets recording go on, it does
  // not make the disk any less full.
  const codesBySubject = new Map<string, Set<ReasonCode>>();
  const held: readonly Reason[] = [...input.gate.reasons, ...input.gate.overridden];
  for (const r of held) {
    if (!VOLUME_CRITICAL_CODES.has(r.code)) continue;
    const codes = codesBySubject.get(r.subject) ?? new Set<ReasonCode>();
    codes.add(r.code);
    codesBySubject.set(r.subject, codes);
  }
  const volumes = new Map(input.volumes.map((v) => [v.name, v]));
  return [...codesBySubject].map(([subject, codes]): Condition => {
    const volume = volumes.get(subject);
    const usage = volume?.lastUsage ?? null;
    const last = volume?.last ?? null;
    return {
      labels: { volume: subject },
      values: {
        reasons: list(REASON_CODES.filter((code) => codes.has(code))),
        usedRatio: usage?.usedRatio ?? null,
        availBytes: usage?.availBytes ?? null,
        sizeBytes: usage?.sizeBytes ?? null,
        filesUsedRatio: usage?.filesUsedRatio ?? null,
        failure: last !== null && !last.ok ? last.failure : null,
      },
    };
  });
}

function storageFillingUp(input: AlertInput, policy: AlertRulesPolicy): Condition[] {
  return input.volumes.flatMap((v): Condition[] => {
    if (v.fullEtaSeconds === null || !(v.fullEtaSeconds * 1000 < policy.storageFilling.etaMs)) return [];
    return [
      {
        labels: { volume: v.name },
        values: {
          fullEtaSeconds: v.fullEtaSeconds,
          fillRateBytesPerSecond: v.fillRateBytesPerSecond,
          availBytes: v.lastUsage?.availBytes ?? null,
        },
      },
    ];
  });
}

function recordingHalted(input: AlertInput): Condition[] {
  const { gate } = input;
  if (gate.state !== 'halted') return [];
  // A first start is not news. A halt with no reasons left is still a halt: resume_after is counting.
  const onlyStarting = gate.reasons.length > 0 && gate.reasons.every((r) => r.code === 'STARTING');
  if (onlyStarting) return [];
  return [
    {
      labels: {},
      values: {
        reasons: list(gate.reasons.map((r) => r.code)),
        since: gate.since,
        override: gate.override?.id ?? null,
        overrideBy: gate.override?.by ?? null,
      },
    },
  ];
}

function jagaDegraded(input: AlertInput, policy: AlertRulesPolicy): Condition[] {
  const { health, gate, now } = input;
  const oldest = health.outboxOldestPendingAt;
  const outboxAgeMs = oldest === null ? null : now - oldest;
  const probesStale = [...gate.reasons, ...gate.overridden].some((r) => r.code === 'PROBES_STALE');
  const problems = [
    health.storeFailingSince !== null ? 'store' : null,
    outboxAgeMs !== null && outboxAgeMs > policy.jagaDegraded.outboxAgeMs ? 'outbox' : null,
    health.notificationsGivenUp > 0 ? 'delivery' : null,
    probesStale ? 'probes' : null,
  ].filter((p): p is string => p !== null);
  if (problems.length === 0) return [];
  return [
    {
      labels: {},
      values: {
        storeFailingSince: health.storeFailingSince,
        outboxOldestPendingAgeSeconds: outboxAgeMs === null ? null : Math.round(outboxAgeMs / 1000),
        notificationsGivenUp: health.notificationsGivenUp,
        probesStale,
        problems: list(problems),
      },
    },
  ];
}

/** Every alert name has exactly one rule: the compiler notices when ALERT_NAMES and this table disagree. */
const RULES: { readonly [N in AlertName]: Rule } = {
  CentralUnreachable: { severity: 'critical', forMs: (p) => p.centralUnreachableForMs, conditions: centralUnreachable },
  CentralSlow: { severity: 'warning', forMs: (p) => p.centralSlow.forMs, conditions: centralSlow },
  StorageWarning: { severity: 'warning', forMs: (p) => p.storageWarningForMs, conditions: storageWarning },
  StorageCritical: { severity: 'critical', forMs: (p) => p.storageCriticalForMs, conditions: storageCritical },
  StorageFillingUp: { severity: 'warning', forMs: (p) => p.storageFilling.forMs, conditions: storageFillingUp },
  HaltForecast: { severity: 'warning', forMs: (p) => p.haltForecast.forMs, conditions: haltForecast },
  BacklogWarning: { severity: 'warning', forMs: (p) => p.backlogWarningForMs, conditions: backlogWarning },
  BacklogCritical: { severity: 'critical', forMs: (p) => p.backlogCriticalForMs, conditions: backlogCritical },
  UploadStalled: { severity: 'critical', forMs: (p) => p.uploadStalledForMs, conditions: uploadStalled },
  BacklogSourceUnavailable: { severity: 'warning', forMs: (p) => p.backlogSourceUnavailableForMs, conditions: backlogSourceUnavailable },
  RecordingHalted: { severity: 'critical', forMs: (p) => p.recordingHaltedForMs, conditions: recordingHalted },
  JagaDegraded: { severity: 'warning', forMs: (p) => p.jagaDegraded.forMs, conditions: jagaDegraded },
};

/** Each alert's severity, e.g. for pre-initialising metric series. */
export const ALERT_SEVERITY: { readonly [N in AlertName]: Severity } = Object.fromEntries(
  Object.entries(RULES).map(([name, rule]) => [name, rule.severity]),
) as { readonly [N in AlertName]: Severity };

/** "StorageCritical{volume=rekaman}": the name plus the labels that tell siblings apart, sorted. */
export function alertKey(name: AlertName, labels: Readonly<Record<string, string>>): string {
  const parts = Object.keys(labels)
    .filter((k) => k !== 'alertname' && k !== 'severity' && k !== 'site')
    .sort()
    .map((k) => `${k}=${labels[k] ?? ''}`);
  return `${name}{${parts.join(',')}}`;
}

/** Critical first, then by key: the order alerts are listed in, everywhere. */
export function compareAlerts(a: Alert, b: Alert): number {
  const bySeverity = SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity);
  if (bySeverity !== 0) return bySeverity;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * Every rule's conditions now, each with its `for` clock: a condition seen for the first time starts its
 * clock at `now`; one no longer seen is forgotten, so when it comes back its clock starts again.
 */
export function evaluateAlerts(
  memory: AlertMemory,
  input: AlertInput,
  policy: AlertRulesPolicy,
): { alerts: Alert[]; memory: AlertMemory } {
  const { now } = input;
  const alerts: Alert[] = [];
  const remembered: Record<string, number> = {};
  for (const name of ALERT_NAMES) {
    const rule = RULES[name];
    const forMs = rule.forMs(policy);
    for (const condition of rule.conditions(input, policy)) {
      const key = alertKey(name, condition.labels);
      const activeSince = Object.hasOwn(memory, key) ? (memory[key] as number) : now;
      remembered[key] = activeSince;
      const firing = now - activeSince >= forMs;
      alerts.push({
        key,
        name,
        severity: rule.severity,
        labels: { alertname: name, severity: rule.severity, site: policy.site, ...condition.labels },
        state: firing ? 'firing' : 'pending',
        activeSince,
        firingSince: firing ? activeSince + forMs : null,
        values: condition.values,
      });
    }
  }
  return { alerts: alerts.sort(compareAlerts), memory: remembered };
}
