// Every Prometheus metric jaga exposes, defined in one place: most on an explicit prom-client
// Registry, the per-target families in arrays written as text by TargetSeries (below). Label values
// are pre-initialised so each series exists from the first scrape. Does no I/O.
import client from 'prom-client';
import { ALERT_SEVERITY } from '../core/alerts/rules.js';
import type { Alert, AlertName, Severity } from '../core/alerts/types.js';
import { PHASES, REASON_CODES, TARGET_FAILURES, type BacklogReading, type Gate, type TargetObservation, type TargetState, type VolumeState } from '../core/types.js';
import { ChunkedText, familyHeader, labelPair, sampleValue, type Family } from './exposition.js';

export interface MetricsTopology {
  readonly version: string;
  readonly targets: readonly string[];
  readonly volumes: readonly string[];
  readonly alertmanager: boolean;
  /** The outbox's alert channels (notifiers/registry.ts): their series exist from the first scrape. */
  readonly alertChannels: readonly string[];
  readonly gateActionTypes: readonly string[];
  readonly backlogSources: readonly string[];
  readonly heartbeats: readonly string[];
}

/** Each built-in alert with its severity, so every series exists from the first scrape. */
const ALERT_SEVERITIES = Object.entries(ALERT_SEVERITY) as [AlertName, Severity][];

const NOTIFICATION_RESULTS = ['sent', 'retry', 'failed', 'expired'] as const;

/**
 * Buckets in seconds of the whole probe's latency, few on purpose: each is a series per target on
 * every scrape. The phases are last values (jaga_probe_phase_seconds), as blackbox_exporter has them.
 */
const PROBE_BUCKETS = [0.005, 0.025, 0.1, 0.5, 2.5];

/**
 * How often prom-client's event-loop histogram samples, in milliseconds. Its default of 10 wakes the
 * process 100 times a second: 7 ms of CPU a second, two thirds of what jaga spends with 1,000 targets
 * and nothing to probe. As in prom-client, the `nodejs_eventloop_lag_*` percentiles include this
 * interval (an idle loop reads 0.1 s), so the dashboard and the benchmark subtract it.
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

/**
 * prom-client's gauges whose names end in `_total`, which the naming rules keep for counters:
 * `promtool check metrics` fails on them (exit 3), and with it any CI that lints a scrape. Each is the
 * sum of the same family without the suffix (`nodejs_active_handles` by type), so nothing is lost.
 */
const GAUGES_NAMED_AS_COUNTERS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** What /metrics serves: prom-client's registry followed by the per-target families. */
export interface MetricsExposition {
  readonly contentType: string;
  body(): Promise<Buffer>;
}

export class Metrics implements MetricsExposition {
  readonly registry = new client.Registry();
  readonly contentType = this.registry.contentType;

  private readonly targetSeries: TargetSeries;
  private readonly centralReachable = this.gauge('jaga_central_reachable', 'Whether the central server is reachable (1) or not (0) by central.down_when.', []);
  private readonly volumeSize = this.gauge('jaga_volume_size_bytes', 'Size of the volume\'s filesystem.', ['volume']);
  private readonly volumeAvail = this.gauge('jaga_volume_avail_bytes', 'Bytes available to unprivileged users on the volume.', ['volume']);
  private readonly volumeUsedRatio = this.gauge('jaga_volume_used_ratio', 'Used fraction of the volume, df semantics: used / (used + avail).', ['volume']);
  private readonly volumeFilesFree = this.gauge('jaga_volume_files_free', 'Free inodes on the volume.', ['volume']);
  private readonly volumeFilesUsedRatio = this.gauge('jaga_volume_files_used_ratio', 'Used fraction of the volume\'s inodes (0 when the filesystem has no inode limit).', ['volume']);
  private readonly volumeFullEta = this.gauge('jaga_volume_full_eta_seconds', 'Predicted seconds until the volume is full at its current fill rate; +Inf when not filling.', ['volume']);
  private readonly volumeHaltForecast = this.gauge('jaga_volume_halt_forecast_timestamp_seconds', 'When the volume is forecast to halt recording (halt_ratio reached, or its room under halt_eta of working time), Unix time; +Inf when not foreseen.', ['volume']);
  private readonly gateHaltForecast = this.gauge('jaga_gate_halt_forecast_timestamp_seconds', 'While recording is allowed, the earliest forecast halt (Unix time); +Inf when none is foreseen.', []);
  private readonly recordingBuffering = this.gauge('jaga_recording_buffering', 'Whether recording goes on through a central outage on local disk (1, on_central_down: buffer) or not (0).', []);
  private readonly volumeAvailable = this.gauge('jaga_volume_available', 'Whether the volume can be trusted (1): statfs answers, it is the configured mount, and it is writable.', ['volume']);
  private readonly backlogItems = this.gauge('jaga_backlog_items', 'Recordings waiting for upload (in one copy only) by the source\'s last successful read; NaN before the first.', ['source']);
  private readonly backlogBytes = this.gauge('jaga_backlog_bytes', 'Bytes waiting for upload by the source\'s last successful read; NaN before the first or when the source does not say.', ['source']);
  private readonly backlogOldestAge = this.gauge('jaga_backlog_oldest_age_seconds', 'How long the oldest waiting recording has waited (0 when none waits; NaN when unknown).', ['source']);
  private readonly backlogAvailable = this.gauge('jaga_backlog_available', 'Whether the backlog source\'s last read succeeded (1) or not (0).', ['source']);
  private readonly heartbeatLast = this.gauge('jaga_heartbeat_last_timestamp_seconds', 'When the upload client last pinged the heartbeat (Unix time); 0 before the first ping ever.', ['heartbeat']);
  private readonly heartbeatLate = this.gauge('jaga_heartbeat_late', 'Whether the heartbeat is late (1): no ping for longer than its grace.', ['heartbeat']);
  private readonly recordingAllowed = this.gauge('jaga_recording_allowed', 'The gate: 1 when recording is allowed, 0 when halted.', []);
  private readonly haltReason = this.gauge('jaga_recording_halt_reason', 'Reasons holding the gate halted now (1 active, 0 not).', ['reason']);
  private readonly gateTransitions = new client.Counter({
    name: 'jaga_gate_transitions_total',
    help: 'Gate state changes by the state entered.',
    labelNames: ['to'],
    registers: [this.registry],
  });
  private readonly alertsFiring = this.gauge('jaga_alerts_firing', 'Alerts firing now (1) by name and severity; 0 when not firing.', ['alertname', 'severity']);
  private readonly notifications = new client.Counter({
    name: 'jaga_notifications_total',
    help: 'Notification attempts by channel and result (sent, retry, failed = permanently rejected, expired = given up after max_age).',
    labelNames: ['channel', 'result'],
    registers: [this.registry],
  });
  private readonly outboxPending = this.gauge('jaga_outbox_pending', 'Notifications written to the outbox and not yet accepted by the mail server.', []);
  private readonly outboxOldestAge = this.gauge('jaga_outbox_oldest_age_seconds', 'Age of the oldest pending notification; 0 when none is pending.', []);
  private readonly gateActions = new client.Counter({
    name: 'jaga_gate_actions_total',
    help: 'Gate actions run on transitions, by type (halt_file, webhook, command) and result (ok, retry, failed).',
    labelNames: ['type', 'result'],
    registers: [this.registry],
  });
  private readonly storeErrors = new client.Counter({
    name: 'jaga_store_errors_total',
    help: 'Failed writes to jaga\'s own state database (the gate keeps working from memory).',
    registers: [this.registry],
  });

  constructor(topology: MetricsTopology) {
    this.targetSeries = new TargetSeries(topology.targets);
    client.collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    for (const name of GAUGES_NAMED_AS_COUNTERS) this.registry.removeSingleMetric(name);
    this.gauge('jaga_build_info', 'jaga build information; always 1.', ['version', 'nodejs']).set(
      { version: topology.version, nodejs: process.version },
      1,
    );
    for (const volume of topology.volumes) {
      this.volumeAvailable.set({ volume }, 0);
      this.volumeFullEta.set({ volume }, Number.POSITIVE_INFINITY);
      this.volumeHaltForecast.set({ volume }, Number.POSITIVE_INFINITY);
    }
    this.gateHaltForecast.set(Number.POSITIVE_INFINITY);
    this.recordingBuffering.set(0);
    for (const source of topology.backlogSources) this.recordBacklog(source, null, null, false);
    for (const heartbeat of topology.heartbeats) this.recordHeartbeat(heartbeat, null, false);
    this.centralReachable.set(0);
    this.recordingAllowed.set(0);
    for (const reason of REASON_CODES) this.haltReason.set({ reason }, 0);
    for (const to of ['allowed', 'halted']) this.gateTransitions.inc({ to }, 0);
    this.storeErrors.inc(0);
    for (const [alertname, severity] of ALERT_SEVERITIES) this.alertsFiring.set({ alertname, severity }, 0);
    for (const channel of topology.alertChannels) for (const result of NOTIFICATION_RESULTS) this.notifications.inc({ channel, result }, 0);
    if (topology.alertmanager) for (const result of ['sent', 'failed']) this.notifications.inc({ channel: 'alertmanager', result }, 0);
    this.outboxPending.set(0);
    this.outboxOldestAge.set(0);
    for (const type of topology.gateActionTypes) for (const result of ['ok', 'retry', 'failed']) this.gateActions.inc({ type, result }, 0);
  }

  async body(): Promise<Buffer> {
    const out = new ChunkedText();
    out.add(`${await this.registry.metrics()}\n`);
    this.targetSeries.render(out);
    return out.toBuffer();
  }

  recordGateAction(type: string, result: string): void {
    this.gateActions.inc({ type, result });
  }

  /** Firing alerts by name and severity; each series is 1 while at least one such alert fires. */
  recordAlerts(alerts: readonly Alert[]): void {
    const firing = new Set(alerts.filter((a) => a.state === 'firing').map((a) => `${a.name}\u0000${a.severity}`));
    for (const [alertname, severity] of ALERT_SEVERITIES) {
      this.alertsFiring.set({ alertname, severity }, firing.has(`${alertname}\u0000${severity}`) ? 1 : 0);
    }
  }

  recordNotification(channel: string, result: string): void {
    this.notifications.inc({ channel, result });
  }

  recordOutbox(pending: number, oldestAgeSeconds: number): void {
    this.outboxPending.set(pending);
    this.outboxOldestAge.set(oldestAgeSeconds);
  }

  recordTargetStatus(state: TargetState): void {
    this.targetSeries.recordStatus(state);
  }

  /** One probe's result and the target's state after it. */
  recordProbe(state: TargetState, obs: TargetObservation): void {
    this.targetSeries.recordProbe(state, obs);
  }

  recordSkippedProbe(target: string): void {
    this.targetSeries.recordSkipped(target);
  }

  recordVolume(state: VolumeState): void {
    const volume = state.name;
    this.volumeAvailable.set({ volume }, state.last?.ok ? 1 : 0);
    const usage = state.lastUsage;
    if (usage) {
      this.volumeSize.set({ volume }, usage.sizeBytes);
      this.volumeAvail.set({ volume }, usage.availBytes);
      this.volumeUsedRatio.set({ volume }, usage.usedRatio);
      this.volumeFilesFree.set({ volume }, usage.filesFree);
      this.volumeFilesUsedRatio.set({ volume }, usage.filesUsedRatio);
    }
    this.volumeFullEta.set({ volume }, state.fullEtaSeconds ?? Number.POSITIVE_INFINITY);
    const halts = [state.forecast?.haltAt ?? null, state.forecast?.fillingAt ?? null].filter((at): at is number => at !== null);
    this.volumeHaltForecast.set({ volume }, halts.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...halts) / 1000);
  }

  /** A source's last successful reading (kept while it cannot be read), its oldest item's age now, and whether the last read succeeded. */
  recordBacklog(source: string, reading: BacklogReading | null, oldestAgeMs: number | null, available: boolean): void {
    this.backlogAvailable.set({ source }, available ? 1 : 0);
    this.backlogItems.set({ source }, reading?.items ?? Number.NaN);
    this.backlogBytes.set({ source }, reading?.bytes ?? Number.NaN);
    const age = reading === null ? Number.NaN : oldestAgeMs !== null ? oldestAgeMs / 1000 : reading.items === 0 ? 0 : Number.NaN;
    this.backlogOldestAge.set({ source }, age);
  }

  recordHeartbeat(heartbeat: string, lastPingAt: number | null, late: boolean): void {
    this.heartbeatLast.set({ heartbeat }, lastPingAt === null ? 0 : lastPingAt / 1000);
    this.heartbeatLate.set({ heartbeat }, late ? 1 : 0);
  }

  recordGate(gate: Gate, centralReachable: boolean, stateChanged: boolean): void {
    this.recordingAllowed.set(gate.state === 'allowed' ? 1 : 0);
    this.recordingBuffering.set(gate.mode === 'buffering' ? 1 : 0);
    this.gateHaltForecast.set(gate.forecast === null ? Number.POSITIVE_INFINITY : gate.forecast.haltAt / 1000);
    this.centralReachable.set(centralReachable ? 1 : 0);
    const active = new Set(gate.reasons.map((r) => r.code));
    for (const reason of REASON_CODES) this.haltReason.set({ reason }, active.has(reason) ? 1 : 0);
    if (stateChanged) this.gateTransitions.inc({ to: gate.state });
  }

  recordStoreError(): void {
    this.storeErrors.inc();
  }

  private gauge<L extends string>(name: string, help: string, labelNames: L[]): client.Gauge<L> {
    return new client.Gauge({ name, help, labelNames, registers: [this.registry] });
  }
}

const FAMILY = {
  up: ['jaga_target_up', 'gauge', 'Whether the target is up (1) or down/unknown (0), after failure and recovery thresholds.'],
  consecutiveFailures: ['jaga_target_consecutive_failures', 'gauge', 'Consecutive failed probes of the target.'],
  duration: ['jaga_probe_duration_seconds', 'histogram', 'Latency of the whole probe (every phase, failed probes included).'],
  phase: ['jaga_probe_phase_seconds', 'gauge', 'Latency of each phase (dns, connect, tls, first_byte, transfer) in the last probe that had it.'],
  failures: ['jaga_probe_failures_total', 'counter', 'Failed probes by failure class.'],
  skipped: ['jaga_probe_skipped_total', 'counter', 'Scheduled probes skipped because the previous run of the same probe had not finished.'],
} as const satisfies Record<string, Family>;

/** The phases a probe reports besides `total` (which is the histogram's). */
const PART_PHASES = PHASES.filter((phase) => phase !== 'total');

/**
 * The per-target families, kept in typed arrays by target index and written as text with label
 * strings built once. prom-client formats every label set on every scrape (about 1.4 µs a line):
 * with 1,000 targets that alone was over 100 ms; this writes the same text in a few. Recording is an
 * array store, not a label lookup.
 */
class TargetSeries {
  private readonly indexOf = new Map<string, number>();
  /** `target="name"` per target. */
  private readonly labels: readonly string[];
  private readonly up: Float64Array;
  private readonly consecutiveFailures: Float64Array;
  private readonly skipped: Float64Array;
  /** Per target, TARGET_FAILURES.length counters. */
  private readonly failures: Float64Array;
  /** Per target, PROBE_BUCKETS.length cumulative counts (+Inf is the count). */
  private readonly buckets: Float64Array;
  private readonly durationSum: Float64Array;
  private readonly durationCount: Float64Array;
  /** Per target, PART_PHASES.length last values; NaN until a probe had the phase. */
  private readonly phases: Float64Array;
  private readonly bucketLabels = PROBE_BUCKETS.map((le) => labelPair('le', sampleValue(le)));
  private readonly failureLabels = TARGET_FAILURES.map((reason) => labelPair('reason', reason));
  private readonly phaseLabels = PART_PHASES.map((phase) => labelPair('phase', phase));

  constructor(targets: readonly string[]) {
    const n = targets.length;
    targets.forEach((target, i) => this.indexOf.set(target, i));
    this.labels = targets.map((target) => labelPair('target', target));
    this.up = new Float64Array(n);
    this.consecutiveFailures = new Float64Array(n);
    this.skipped = new Float64Array(n);
    this.failures = new Float64Array(n * TARGET_FAILURES.length);
    this.buckets = new Float64Array(n * PROBE_BUCKETS.length);
    this.durationSum = new Float64Array(n);
    this.durationCount = new Float64Array(n);
    this.phases = new Float64Array(n * PART_PHASES.length).fill(Number.NaN);
  }

  recordStatus(state: TargetState): void {
    const i = this.indexOf.get(state.name);
    if (i !== undefined) this.setStatus(i, state);
  }

  recordProbe(state: TargetState, obs: TargetObservation): void {
    const i = this.indexOf.get(obs.target);
    if (i === undefined) return;
    this.setStatus(i, state);
    const seconds = obs.durationMs / 1000;
    this.durationSum[i]! += seconds;
    this.durationCount[i]! += 1;
    const bucketsAt = i * PROBE_BUCKETS.length;
    for (let b = 0; b < PROBE_BUCKETS.length; b += 1) if (seconds <= PROBE_BUCKETS[b]!) this.buckets[bucketsAt + b]! += 1;
    const phasesAt = i * PART_PHASES.length;
    for (let p = 0; p < PART_PHASES.length; p += 1) {
      const ms = obs.phases[PART_PHASES[p]!];
      if (ms !== undefined) this.phases[phasesAt + p] = ms / 1000;
    }
    if (!obs.ok) this.failures[i * TARGET_FAILURES.length + TARGET_FAILURES.indexOf(obs.failure)]! += 1;
  }

  recordSkipped(target: string): void {
    const i = this.indexOf.get(target);
    if (i !== undefined) this.skipped[i]! += 1;
  }

  render(out: ChunkedText): void {
    const n = this.labels.length;
    for (const [family, values] of [
      [FAMILY.up, this.up],
      [FAMILY.consecutiveFailures, this.consecutiveFailures],
      [FAMILY.skipped, this.skipped],
    ] as const) {
      const [name] = family;
      out.add(`${familyHeader(family)}\n`);
      for (let i = 0; i < n; i += 1) out.add(`${name}{${this.labels[i]}} ${sampleValue(values[i]!)}\n`);
    }

    const [failures] = FAMILY.failures;
    out.add(`${familyHeader(FAMILY.failures)}\n`);
    for (let i = 0; i < n; i += 1) {
      const prefix = `${failures}{${this.labels[i]},`;
      for (let f = 0; f < TARGET_FAILURES.length; f += 1) {
        out.add(`${prefix}${this.failureLabels[f]}} ${sampleValue(this.failures[i * TARGET_FAILURES.length + f]!)}\n`);
      }
    }

    const [duration] = FAMILY.duration;
    out.add(`${familyHeader(FAMILY.duration)}\n`);
    for (let i = 0; i < n; i += 1) {
      const target = this.labels[i]!;
      const bucket = `${duration}_bucket{${target},`;
      for (let b = 0; b < PROBE_BUCKETS.length; b += 1) {
        out.add(`${bucket}${this.bucketLabels[b]}} ${sampleValue(this.buckets[i * PROBE_BUCKETS.length + b]!)}\n`);
      }
      const count = sampleValue(this.durationCount[i]!);
      out.add(`${bucket}le="+Inf"} ${count}\n${duration}_sum{${target}} ${sampleValue(this.durationSum[i]!)}\n${duration}_count{${target}} ${count}\n`);
    }

    const [phase] = FAMILY.phase;
    out.add(`${familyHeader(FAMILY.phase)}\n`);
    for (let i = 0; i < n; i += 1) {
      for (let p = 0; p < PART_PHASES.length; p += 1) {
        const value = this.phases[i * PART_PHASES.length + p]!;
        // A phase the target's probes never had (tls over http, dns for an IP address) has no series.
        if (!Number.isNaN(value)) out.add(`${phase}{${this.labels[i]},${this.phaseLabels[p]}} ${sampleValue(value)}\n`);
      }
    }
  }

  private setStatus(i: number, state: TargetState): void {
    this.up[i] = state.status === 'up' ? 1 : 0;
    this.consecutiveFailures[i] = state.consecutiveFailures;
  }
}
