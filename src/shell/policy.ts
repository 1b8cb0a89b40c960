// Translates the validated config into the pure decision's policy (milliseconds, intervals). Pure
// apart from reading the cron expressions' next run times.
import type { PipelineOptions } from './alert-pipeline.js';
import type { AlertsConfig, Config } from '../config/schema.js';
import { recipientAddresses } from '../notifiers/registry.js';
import type { GatePolicy } from '../core/gate.js';
import type { EngineOptions } from './engine.js';
import type { BacklogPolicy, HeartbeatPolicy } from '../core/data-at-risk.js';
import { minuteOfDay, OfficeCalendar } from '../core/forecast/calendar.js';
import { workingSpanMs } from '../core/alerts/forecast-rules.js';
import { cronIntervalMs } from '../config/cron.js';
import { retryIntervalMs } from '../core/retry-plan.js';

export function gatePolicy(config: Config): GatePolicy {
  const centralMs = cronIntervalMs(config.central.schedule);
  const storageMs = cronIntervalMs(config.storage.schedule);
  const intervals = config.gate.stale_after_intervals;
  return {
    downWhen: config.central.down_when,
    onCentralDown: config.gate.on_central_down,
    bufferMinHours: config.gate.buffer_min_hours,
    resumeAfterMs: config.gate.resume_after,
    validForMs: intervals * Math.min(centralMs, storageMs),
    // A probe's own timeout adds to its interval before it can report.
    staleAfterMs: {
      central: intervals * centralMs + config.central.timeout,
      storage: intervals * storageMs + config.storage.timeout,
    },
    volumes: config.storage.volumes.map((v) => ({
      name: v.name,
      warnRatio: v.warn_ratio,
      haltRatio: v.halt_ratio,
      resumeRatio: v.resume_ratio,
      floorRatio: v.floor_ratio,
      minFreeBytes: v.min_free_bytes ?? null,
      haltEtaMs: v.halt_eta,
    })),
    backlogs: backlogPolicies(config),
    heartbeats: heartbeatPolicies(config),
  };
}

/** Each backlog source's limits (ages in ms, unset ones null), as the gate and the alert rules judge them. */
export function backlogPolicies(config: Config): BacklogPolicy[] {
  return config.backlog.sources.map((s) => ({
    name: s.name,
    warn: { items: s.warn_items ?? null, bytes: s.warn_bytes ?? null, oldest_age: s.warn_oldest_age ?? null },
    halt: { items: s.halt_items ?? null, bytes: s.halt_bytes ?? null, oldest_age: s.halt_oldest_age ?? null },
    resumeFraction: s.resume_fraction,
    haltWhenUnavailable: s.halt_when_unavailable,
  }));
}

/** How often the engine decides without new results (staleness, resume_after, override expiry). */
export const DECISION_EVERY_MS = 1_000;

/** The engine's options from the config: what `jaga start` runs, and what `jaga backtest` replays through. */
export function engineOptions(config: Config, policy: GatePolicy): EngineOptions {
  return {
    targets: [
      ...config.central.targets.map((t) => ({ name: t.name, kind: t.type, role: 'central' as const })),
      ...config.central.reference_targets.map((t) => ({ name: t.name, kind: t.type, role: 'reference' as const })),
    ],
    volumes: config.storage.volumes.map((v) => ({ name: v.name, fillWindowMs: v.fill_window })),
    backlogs: config.backlog.sources.map((s) => s.name),
    heartbeats: config.heartbeats.map((h) => h.name),
    thresholds: { failureThreshold: config.central.failure_threshold, recoveryThreshold: config.central.recovery_threshold },
    policy,
    calendar: officeCalendar(config),
    sampleRetentionMs: config.store.sample_retention,
    transitionRetentionMs: config.store.transition_retention,
    snapshotEveryMs: 10_000,
    decisionEveryMs: DECISION_EVERY_MS,
  };
}

/** The office's working week, in the config's time zone: what forecasts count recording time in. */
export function officeCalendar(config: Config): OfficeCalendar {
  const hours = config.office_hours;
  return new OfficeCalendar({
    days: hours.days,
    startMinute: minuteOfDay(hours.start) ?? 0,
    endMinute: minuteOfDay(hours.end) ?? 24 * 60,
    holidays: hours.holidays,
    timeZone: config.time_zone,
  });
}

export function heartbeatPolicies(config: Config): HeartbeatPolicy[] {
  return config.heartbeats.map((h) => ({ name: h.name, graceMs: h.grace, halt: h.halt }));
}

/**
 * The upper bound of the random delay before each probe of a group starts in a round: spread over the
 * slack between the probe's timeout and its next run, at most a second (none when there is no slack).
 */
export function probeJitterMs(expression: string, timeoutMs: number): number {
  return Math.max(0, Math.min(1_000, (cronIntervalMs(expression) - timeoutMs) / 2));
}

/** Alerting's rules, recipients, timing and silences from the `alerts` section. */
export function alertPipelineOptions(config: Config, alerts: AlertsConfig): PipelineOptions {
  const { rules } = alerts;
  const calendar = officeCalendar(config);
  return {
    rules: {
      site: config.site,
      downWhen: config.central.down_when,
      centralUnreachableForMs: rules.central_unreachable.for,
      centralSlow: { forMs: rules.central_slow.for, latencyMs: rules.central_slow.latency },
      storageWarningForMs: rules.storage_warning.for,
      storageCriticalForMs: rules.storage_critical.for,
      storageFilling: { forMs: rules.storage_filling.for, etaMs: rules.storage_filling.eta },
      haltForecast: { forMs: rules.halt_forecast.for, withinWorkingMs: workingSpanMs(rules.halt_forecast.within, calendar.dayMs), working: calendar },
      recordingHaltedForMs: rules.recording_halted.for,
      jagaDegraded: { forMs: rules.jaga_degraded.for, outboxAgeMs: rules.jaga_degraded.outbox_age },
      backlogWarningForMs: rules.backlog_warning.for,
      backlogCriticalForMs: rules.backlog_critical.for,
      uploadStalledForMs: rules.upload_stalled.for,
      backlogSourceUnavailableForMs: rules.backlog_source_unavailable.for,
      volumes: config.storage.volumes.map((v) => ({ name: v.name, warnRatio: v.warn_ratio, haltRatio: v.halt_ratio })),
      backlogs: backlogPolicies(config),
      heartbeats: heartbeatPolicies(config),
    },
    recipients: alerts.recipients.flatMap((r) =>
      recipientAddresses(r).map(({ id, channel, address }) => ({
        id,
        name: r.name,
        channel,
        address,
        role: r.role,
        // Department heads hear about what stops recording; everyone else about everything.
        minSeverity: r.min_severity ?? (r.role === 'department_head' ? 'critical' : 'info'),
        language: r.language ?? alerts.language,
        alertnames: r.alertnames ?? null,
      })),
    ),
    timing: {
      groupWaitMs: alerts.group_wait,
      groupIntervalMs: alerts.group_interval,
      repeatIntervalMs: alerts.repeat_interval,
      sendResolved: alerts.send_resolved,
    },
    recurringSilences: alerts.silences.flatMap((s, index) =>
      'cron' in s ? [{ id: `config-${index}`, matchers: s.match, cron: s.cron, durationMs: s.duration, comment: s.comment }] : [],
    ),
    configSilences: alerts.silences.flatMap((s, index) =>
      'starts_at' in s
        ? [{ id: `config-${index}`, matchers: s.match, startsAt: Date.parse(s.starts_at), endsAt: Date.parse(s.ends_at), createdBy: 'config', comment: s.comment }]
        : [],
    ),
    outboxRetentionMs: config.store.sample_retention,
    outboxMaxAgeMs: alerts.outbox.max_age,
    render: {
      site: config.site,
      timeZone: alerts.time_zone ?? config.time_zone,
      publicUrl: config.public_url ?? null,
      contacts: alerts.contacts,
    },
  };
}

/**
 * How soon a target is probed again after a result that leaves its status undecided: `retry_interval`,
 * or the central schedule's interval where that is shorter.
 */
export function targetRetryMs(config: Config): number {
  return retryIntervalMs(config.central.retry_interval, cronIntervalMs(config.central.schedule));
}
