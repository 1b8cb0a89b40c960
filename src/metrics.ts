// Every Prometheus metric jaga exposes, defined in one place on an explicit Registry.
// Label values are pre-initialised so each series exists from the first scrape. Does no I/O.
import client from 'prom-client';
import { ALERT_SEVERITY } from './alerting/rules.js';
import type { Alert, AlertName, Severity } from './alerting/types.js';
import { PHASES, REASON_CODES, TARGET_FAILURES, type Gate, type TargetObservation, type TargetState, type VolumeState } from './domain/types.js';

export interface MetricsTopology {
  readonly version: string;
  readonly targets: readonly string[];
  readonly volumes: readonly string[];
  readonly alertmanager: boolean;
  readonly gateActionTypes: readonly string[];
}

/** Each built-in alert with its severity, so every series exists from the first scrape. */
const ALERT_SEVERITIES = Object.entries(ALERT_SEVERITY) as [AlertName, Severity][];

const NOTIFICATION_RESULTS = ['sent', 'retry', 'failed', 'expired'] as const;

/** Buckets in seconds, few on purpose: each one is a series per target and phase on every scrape. */
const PROBE_BUCKETS = [0.005, 0.025, 0.1, 0.5, 2.5];

export class Metrics {
  readonly registry = new client.Registry();

  private readonly targetUp = this.gauge('jaga_target_up', 'Whether the target is up (1) or down/unknown (0), after failure and recovery thresholds.', ['target']);
  private readonly targetConsecutiveFailures = this.gauge('jaga_target_consecutive_failures', 'Consecutive failed probes of the target.', ['target']);
  private readonly probeDuration = new client.Histogram({
    name: 'jaga_probe_duration_seconds',
    help: 'Probe latency by phase (dns, connect, tls, first_byte, transfer, total).',
    labelNames: ['target', 'phase'],
    buckets: PROBE_BUCKETS,
    registers: [this.registry],
  });
  private readonly probeFailures = new client.Counter({
    name: 'jaga_probe_failures_total',
    help: 'Failed probes by failure class.',
    labelNames: ['target', 'reason'],
    registers: [this.registry],
  });
  private readonly probeOverlaps = new client.Counter({
    name: 'jaga_probe_skipped_total',
    help: 'Scheduled probes skipped because the previous run of the same probe had not finished.',
    labelNames: ['target'],
    registers: [this.registry],
  });
  private readonly centralReachable = this.gauge('jaga_central_reachable', 'Whether the central server is reachable (1) or not (0) by central.down_when.', []);
  private readonly volumeSize = this.gauge('jaga_volume_size_bytes', 'Size of the volume\'s filesystem.', ['volume']);
  private readonly volumeAvail = this.gauge('jaga_volume_avail_bytes', 'Bytes available to unprivileged users on the volume.', ['volume']);
  private readonly volumeUsedRatio = this.gauge('jaga_volume_used_ratio', 'Used fraction of the volume, df semantics: used / (used + avail).', ['volume']);
  private readonly volumeFilesFree = this.gauge('jaga_volume_files_free', 'Free inodes on the volume.', ['volume']);
  private readonly volumeFilesUsedRatio = this.gauge('jaga_volume_files_used_ratio', 'Used fraction of the volume\'s inodes (0 when the filesystem has no inode limit).', ['volume']);
  private readonly volumeFullEta = this.gauge('jaga_volume_full_eta_seconds', 'Predicted seconds until the volume is full at its current fill rate; +Inf when not filling.', ['volume']);
  private readonly volumeAvailable = this.gauge('jaga_volume_available', 'Whether the volume can be trusted (1): statfs answers, it is the configured mount, and it is writable.', ['volume']);
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
    client.collectDefaultMetrics({ register: this.registry });
    this.gauge('jaga_build_info', 'jaga build information; always 1.', ['version', 'nodejs']).set(
      { version: topology.version, nodejs: process.version },
      1,
    );
    for (const target of topology.targets) {
      this.targetUp.set({ target }, 0);
      this.targetConsecutiveFailures.set({ target }, 0);
      this.probeOverlaps.inc({ target }, 0);
      for (const reason of TARGET_FAILURES) this.probeFailures.inc({ target, reason }, 0);
      for (const phase of PHASES) this.probeDuration.zero({ target, phase });
    }
    for (const volume of topology.volumes) {
      this.volumeAvailable.set({ volume }, 0);
      this.volumeFullEta.set({ volume }, Number.POSITIVE_INFINITY);
    }
    this.centralReachable.set(0);
    this.recordingAllowed.set(0);
    for (const reason of REASON_CODES) this.haltReason.set({ reason }, 0);
    for (const to of ['allowed', 'halted']) this.gateTransitions.inc({ to }, 0);
    this.storeErrors.inc(0);
    for (const [alertname, severity] of ALERT_SEVERITIES) this.alertsFiring.set({ alertname, severity }, 0);
    for (const result of NOTIFICATION_RESULTS) this.notifications.inc({ channel: 'email', result }, 0);
    if (topology.alertmanager) for (const result of ['sent', 'failed']) this.notifications.inc({ channel: 'alertmanager', result }, 0);
    this.outboxPending.set(0);
    this.outboxOldestAge.set(0);
    for (const type of topology.gateActionTypes) for (const result of ['ok', 'retry', 'failed']) this.gateActions.inc({ type, result }, 0);
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

  recordNotification(channel: 'email' | 'alertmanager', result: string): void {
    this.notifications.inc({ channel, result });
  }

  recordOutbox(pending: number, oldestAgeSeconds: number): void {
    this.outboxPending.set(pending);
    this.outboxOldestAge.set(oldestAgeSeconds);
  }

  recordTargetStatus(state: TargetState): void {
    const target = state.name;
    this.targetUp.set({ target }, state.status === 'up' ? 1 : 0);
    this.targetConsecutiveFailures.set({ target }, state.consecutiveFailures);
  }

  recordProbe(obs: TargetObservation): void {
    const target = obs.target;
    for (const phase of PHASES) {
      const ms = obs.phases[phase];
      if (ms !== undefined) this.probeDuration.observe({ target, phase }, ms / 1000);
    }
    if (!obs.ok) this.probeFailures.inc({ target, reason: obs.failure });
  }

  recordSkippedProbe(target: string): void {
    this.probeOverlaps.inc({ target });
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
  }

  recordGate(gate: Gate, centralReachable: boolean, stateChanged: boolean): void {
    this.recordingAllowed.set(gate.state === 'allowed' ? 1 : 0);
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
