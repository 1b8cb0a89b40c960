// How the domain looks on the wire: snake_case JSON with ISO times and messages from the language
// catalogue. Public views leave out internal text (error details, paths). Pure.
import { cronSchedule } from '../config/cron.js';
import type { Alert, RecurringSilence, Silence } from '../core/alerts/types.js';
import { isRecurringActive } from '../core/alerts/silences.js';
import { oldestAgeMs } from '../core/data-at-risk.js';
import type { Gate, Override, Reason, TargetState, Transition, VolumeState } from '../core/types.js';
import type { Report, ReportRow } from '../core/report.js';
import { catalogue, type Language } from '../i18n/catalogue.js';
import type { BacklogSnapshot, HeartbeatSnapshot, OutboxSnapshot } from './snapshot.js';
import { bufferingView, gateForecastView, volumeForecastView, type ForecastContext } from './forecast.js';

export interface ViewOptions {
  readonly language: Language;
  /** False for unauthenticated readers: no error details, host names or paths. */
  readonly internal: boolean;
  readonly resumeAfterMs: number;
  /** The office's working week, zone and volumes, where the caller has them (the HTTP API): the forecast then carries `message`. */
  readonly forecast?: ForecastContext;
}

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** Facts that may carry host names, addresses or paths (`detail`), or a person's free text (an override's `reason`). */
const INTERNAL_FACTS = new Set(['detail', 'reason']);

export function reasonView(reason: Reason, options: ViewOptions): Record<string, unknown> {
  const facts = options.internal
    ? reason.facts
    : Object.fromEntries(Object.entries(reason.facts).filter(([key]) => !INTERNAL_FACTS.has(key)));
  const shown = options.internal ? reason : { ...reason, facts };
  return {
    code: reason.code,
    subject: reason.subject,
    message: catalogue(options.language).reason(shown),
    since: iso(reason.since),
    ...(reason.cause ? { cause: reason.cause } : {}),
    facts,
  };
}

/** The reason is free text a person typed (a ticket, a name, a password by mistake): token holders only. */
export function overrideView(override: Override, internal: boolean): Record<string, unknown> {
  return {
    id: override.id,
    action: override.action,
    ...(internal ? { reason: override.reason } : {}),
    by: override.by,
    created_at: iso(override.createdAt),
    expires_at: iso(override.expiresAt),
    lifted_at: iso(override.liftedAt),
    lifted_by: override.liftedBy,
  };
}

export function gateView(gate: Gate, options: ViewOptions): Record<string, unknown> {
  return {
    state: gate.state,
    mode: gate.mode,
    buffering: bufferingView(gate.buffering),
    forecast: gateForecastView(gate, options.language, options.forecast),
    reasons: gate.reasons.map((r) => reasonView(r, options)),
    overridden: gate.overridden.map((r) => reasonView(r, options)),
    since: iso(gate.since),
    decided_at: iso(gate.decidedAt),
    valid_until: iso(gate.validUntil),
    resuming_at: gate.state === 'halted' && gate.clearSince !== null ? iso(gate.clearSince + options.resumeAfterMs) : null,
    override: gate.override ? overrideView(gate.override, options.internal) : null,
  };
}

export function targetView(target: TargetState, internal: boolean): Record<string, unknown> {
  const last = target.last;
  return {
    name: target.name,
    kind: target.kind,
    role: target.role,
    status: target.status,
    status_since: iso(target.statusSince),
    consecutive_failures: target.consecutiveFailures,
    consecutive_successes: target.consecutiveSuccesses,
    last_success_at: iso(target.lastSuccessAt),
    last_failure_at: iso(target.lastFailureAt),
    last_probe: last
      ? {
          at: iso(last.at),
          ok: last.ok,
          failure: last.ok ? null : last.failure,
          duration_ms: Math.round(last.durationMs * 10) / 10,
          phases_ms: last.phases,
          ...(internal ? { detail: last.detail } : {}),
        }
      : null,
  };
}

export function volumeView(volume: VolumeState, internal: boolean): Record<string, unknown> {
  const last = volume.last;
  const usage = volume.lastUsage;
  return {
    name: volume.name,
    available: last?.ok ?? false,
    failure: last && !last.ok ? last.failure : null,
    ...(internal && last && !last.ok ? { detail: last.detail } : {}),
    last_probe_at: iso(last?.at),
    size_bytes: usage?.sizeBytes ?? null,
    avail_bytes: usage?.availBytes ?? null,
    used_bytes: usage?.usedBytes ?? null,
    used_ratio: usage?.usedRatio ?? null,
    files_total: usage?.filesTotal ?? null,
    files_free: usage?.filesFree ?? null,
    files_used_ratio: usage?.filesUsedRatio ?? null,
    fill_rate_bytes_per_second: volume.fillRateBytesPerSecond,
    full_eta_seconds: volume.fullEtaSeconds,
    forecast: volumeForecastView(volume.forecast),
  };
}

/**
 * A backlog source: the numbers of its last successful read (kept while it cannot be read, as a volume
 * keeps its usage, so `last_read_at` says how old they are) and, when the last read failed, why. The
 * oldest item's age is judged at `now`: it grows between reads. `detail` (paths, URLs, error text) is internal.
 */
export function backlogView(backlog: BacklogSnapshot, now: number, internal: boolean): Record<string, unknown> {
  const last = backlog.last;
  const reading = backlog.lastReading;
  const age = reading === null ? null : oldestAgeMs(reading, now);
  return {
    name: backlog.name,
    type: backlog.type,
    available: last?.ok ?? false,
    items: reading?.items ?? null,
    bytes: reading?.bytes ?? null,
    oldest_at: iso(reading?.oldestAt),
    oldest_age_seconds: age === null ? null : age / 1000,
    last_read_at: iso(reading?.at),
    failure: last && !last.ok ? last.failure : null,
    ...(internal && last && !last.ok ? { detail: last.detail } : {}),
    halting: backlog.halting,
  };
}

/** A heartbeat: nothing in it is internal. `grace` in seconds, as the heartbeat's own GET answers it. */
export function heartbeatView(heartbeat: HeartbeatSnapshot): Record<string, unknown> {
  return {
    name: heartbeat.name,
    grace: heartbeat.graceMs / 1000,
    halt: heartbeat.halt,
    last_ping_at: iso(heartbeat.lastPingAt),
    late: heartbeat.late,
    last_items_sent: heartbeat.lastItemsSent,
  };
}

export function transitionView(transition: Transition & { readonly id: number }, options: ViewOptions): Record<string, unknown> {
  return {
    id: transition.id,
    at: iso(transition.at),
    from: transition.from,
    to: transition.to,
    reasons: transition.reasons.map((r) => reasonView(r, options)),
    ...(options.internal ? { evidence: transition.evidence } : {}),
  };
}

export function alertView(alert: Alert & { readonly silencedBy: string | null }, internal: boolean): Record<string, unknown> {
  return {
    name: alert.name,
    severity: alert.severity,
    state: alert.state,
    labels: alert.labels,
    active_since: iso(alert.activeSince),
    firing_since: iso(alert.firingSince),
    silenced_by: alert.silencedBy,
    ...(internal ? { values: alert.values } : {}),
  };
}

export function silenceView(silence: Silence | RecurringSilence, now: number): Record<string, unknown> {
  if ('cron' in silence) {
    return {
      id: silence.id,
      matchers: silence.matchers,
      cron: silence.cron,
      duration_seconds: silence.durationMs / 1000,
      comment: silence.comment,
      source: 'config',
      active: isRecurringActive(silence, now, cronSchedule),
    };
  }
  return {
    id: silence.id,
    matchers: silence.matchers,
    starts_at: iso(silence.startsAt),
    ends_at: iso(silence.endsAt),
    created_by: silence.createdBy,
    comment: silence.comment,
    source: silence.createdBy === 'config' ? 'config' : 'api',
    active: silence.startsAt <= now && now < silence.endsAt,
  };
}

/**
 * Outbox depth, and what was given up: a permanent rejection must not go unnoticed. Notifications only
 * memory holds while the database refuses writes count as pending too (they are lost on a restart).
 */
export function outboxView(outbox: OutboxSnapshot, internal: boolean): Record<string, unknown> {
  const { stats, held } = outbox;
  const oldest = [stats.oldestPendingAt, held.oldestAt].filter((at): at is number => at !== null);
  return {
    pending: stats.pending + held.count,
    oldest_pending_at: iso(oldest.length === 0 ? null : Math.min(...oldest)),
    held_in_memory: held.count,
    failed_24h: stats.failedSince24h,
    expired_24h: stats.expiredSince24h,
    given_up: outbox.givenUp.map((m) => ({
      status: m.status,
      subject: m.subject,
      at: iso(m.finishedAt),
      attempts: m.attempts,
      // The id is made from the recipient's address.
      ...(internal ? { id: m.id, recipient: m.recipient, error: m.lastError } : {}),
    })),
  };
}

const wholeSeconds = (seconds: number | null): number | null => (seconds === null ? null : Math.round(seconds));

function reportRowView(row: ReportRow): Record<string, unknown> {
  return {
    period: row.period,
    start: iso(row.start),
    end: iso(row.end),
    halted_seconds: Math.round(row.haltedSeconds),
    halted_percent: Math.round(row.haltedRatio * 10_000) / 100,
    halts: row.halts,
    reason_seconds: Object.fromEntries(Object.entries(row.reasonSeconds).map(([code, seconds]) => [code, Math.round(seconds)])),
    longest_central_outage_seconds: Math.round(row.longestCentralOutageSeconds),
    central_availability_percent: row.centralAvailability === null ? null : Math.round(row.centralAvailability * 10_000) / 100,
    peak_backlog_items: row.backlogPeakItems,
    peak_backlog_items_by_source: row.backlogPeakItemsBySource,
    longest_without_upload_seconds: wholeSeconds(row.longestWithoutUploadSeconds),
    longest_without_upload_seconds_by_heartbeat: Object.fromEntries(
      Object.entries(row.longestWithoutUploadSecondsByHeartbeat).map(([name, seconds]) => [name, wholeSeconds(seconds)]),
    ),
  };
}

export function reportView(report: Report): Record<string, unknown> {
  const longest = report.longestCentralOutage;
  return {
    total: reportRowView(report.total),
    longest_central_outage: longest ? { target: longest.target, start: iso(longest.start), end: iso(longest.end), seconds: Math.round((longest.end - longest.start) / 1000) } : null,
    days: report.days.map(reportRowView),
  };
}
