// After every gate decision: evaluate the alert rules, plan notifications per recipient (grouping,
// repeats, resolutions, silences), have each recipient's channel compose its outbox row (it renders
// when it sends) and write them in one transaction with the memory that prevents duplicates (held in
// memory while SQLite refuses writes: outbox-fallback.ts). Sending is the OutboxSender's job. I/O: SQLite and logs.
import type { NewSilence } from '../core/requests.js';
import { cronSchedule } from '../config/cron.js';
import type { Logger } from 'pino';
import type { BacklogState, Gate, HeartbeatState, TargetState, VolumeState } from '../core/types.js';
import type { Clock } from '../runtime/clock.js';
import type { Metrics } from '../runtime/metrics.js';
import type { Store } from '../store/sqlite.js';
import type { WriteFailures } from '../store/write-failures.js';
import { planNotifications } from '../core/alerts/grouping.js';
import { hasUnusableRegex } from '../core/alerts/matchers.js';
import type { OutboxFallback } from '../notifiers/outbox-fallback.js';
import type { AlertChannel, RenderSettings } from '../notifiers/channel.js';
import { alertChannel } from '../notifiers/registry.js';
import type { NewOutboxMessage } from '../store/outbox.js';
import { evaluateAlerts, type AlertRulesPolicy, type JagaHealth } from '../core/alerts/rules.js';
import { activeSilenceFor, MAX_ACTIVE_SILENCES, prepareRecurringSilence, prepareSilence, type PreparedRecurringSilence, type PreparedSilence } from '../core/alerts/silences.js';
import type { Alert, AlertMemory, GroupState, Recipient, RecurringSilence, Silence, Timing } from '../core/alerts/types.js';
import { isChoreDue, pruneEveryMs } from '../core/housekeeping.js';
import { shiftAlertTimers } from '../core/clock-step.js';

/** A silence that was not taken: too many are current or upcoming already. */
export class SilenceRefused extends Error {
  readonly code = 'too_many_silences';
}

export interface PipelineOptions {
  readonly rules: AlertRulesPolicy;
  readonly recipients: readonly Recipient[];
  readonly timing: Timing;
  readonly recurringSilences: readonly RecurringSilence[];
  /** Fixed windows from the config file; API-made silences live in the database. */
  readonly configSilences: readonly Silence[];
  readonly render: RenderSettings;
  /** A notification not sent within this (alerts.outbox.max_age) is given up. */
  readonly outboxMaxAgeMs: number;
  /** Sent, failed and expired notifications are deleted this long after they finished (store.sample_retention). */
  readonly outboxRetentionMs: number;
}

export interface PipelineDeps {
  readonly store: Store;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Wall-clock time for evaluations and stored rows; random draws for silence ids. */
  readonly clock: Clock;
  /** Holds notifications in memory while SQLite refuses them; the sender reads through it. */
  readonly fallback: OutboxFallback;
  /** Counts and logs (sparingly) failed writes to the outbox. */
  readonly writeFailures: WriteFailures;
  /** Wakes the sender after new notifications are written. */
  readonly onEnqueued: () => void;
  /** Every evaluation's alerts, for a second channel (Alertmanager); silences do not apply there. */
  readonly onEvaluated?: (alerts: readonly Alert[]) => void;
}

export interface WorldView {
  readonly targets: readonly TargetState[];
  readonly volumes: readonly VolumeState[];
  readonly backlogs: readonly BacklogState[];
  readonly heartbeats: readonly HeartbeatState[];
  readonly gate: Gate;
  /** How far the wall clock stepped since the previous update (0 or absent: it did not). */
  readonly clockStepMs?: number;
}

/** How often outbox depth is read back for metrics and JagaDegraded. */
const OUTBOX_STATS_EVERY_MS = 5_000;

export class AlertPipeline {
  private memory: AlertMemory;
  private groups: Readonly<Record<string, GroupState>>;
  private alertsNow: readonly Alert[] = [];
  private savedJson: string;
  // Matchers compiled once, here at start (config, stored) and at creation (API): never while matching.
  private readonly configSilences: readonly PreparedSilence[];
  private readonly recurringSilences: readonly PreparedRecurringSilence[];
  private apiSilences: PreparedSilence[];
  private outboxStatsAt = 0;
  private outboxPrunedAt = 0;
  private outboxOldestPendingAt: number | null = null;
  private notificationsGivenUp = 0;

  constructor(
    private readonly options: PipelineOptions,
    private readonly deps: PipelineDeps,
  ) {
    const saved = deps.store.snapshot.loadAlerting();
    this.memory = saved?.memory ?? {};
    this.groups = saved?.groups ?? {};
    this.savedJson = JSON.stringify({ memory: this.memory, groups: this.groups });
    this.configSilences = options.configSilences.map(prepareSilence);
    this.recurringSilences = options.recurringSilences.map((silence) => prepareRecurringSilence(silence, cronSchedule));
    this.apiSilences = deps.store.silences.list({ current: deps.clock.now(), limit: 1000 }).map(prepareSilence);
    // Stored before matchers were RE2 (lookaheads, backreferences): they match nothing; said once here.
    const unusable = this.apiSilences.filter((s) => hasUnusableRegex(s.matchers)).map((s) => s.silence.id);
    if (unusable.length > 0) {
      deps.logger.warn({ silences: unusable.slice(0, 10), count: unusable.length }, 'stored silences with a regex RE2 cannot compile match nothing; expire them and create them again');
    }
  }

  /** Alerts pending or firing after the last evaluation, each with the silence that mutes it. */
  get alerts(): readonly (Alert & { readonly silencedBy: string | null })[] {
    const now = this.deps.clock.now();
    return this.alertsNow.map((alert) => ({ ...alert, silencedBy: this.silenceFor(alert, now)?.id ?? null }));
  }

  /** Notifications not yet sent that only memory holds (the database refused them), and the oldest's time. */
  get heldInMemory(): { readonly count: number; readonly oldestAt: number | null } {
    return this.deps.fallback.pending;
  }

  get silences(): readonly (Silence | RecurringSilence)[] {
    const now = this.deps.clock.now();
    const fixed = [...this.configSilences, ...this.apiSilences].map((s) => s.silence).filter((s) => s.endsAt > now);
    return [...fixed, ...this.options.recurringSilences];
  }

  update(world: WorldView, storeFailingSince: number | null): void {
    const now = this.deps.clock.now();
    if (world.clockStepMs) this.shiftClocks(world.clockStepMs);
    this.pruneOutbox(now);
    this.refreshOutboxStats(now);
    const health: JagaHealth = {
      storeFailingSince,
      outboxOldestPendingAt: this.outboxOldestPendingAt,
      notificationsGivenUp: this.notificationsGivenUp,
    };
    const evaluated = evaluateAlerts(this.memory, { ...world, health, now }, this.options.rules);
    this.alertsNow = evaluated.alerts;
    this.deps.metrics.recordAlerts(evaluated.alerts);
    this.deps.onEvaluated?.(evaluated.alerts);
    const planned = planNotifications(
      this.groups,
      evaluated.alerts,
      this.options.recipients,
      (alert) => this.silenceFor(alert, now) !== null,
      this.options.timing,
      now,
    );
    const json = JSON.stringify({ memory: evaluated.memory, groups: planned.groups });
    if (json === this.savedJson && planned.notifications.length === 0 && !this.deps.fallback.unwritten) {
      this.memory = evaluated.memory;
      return;
    }
    const recipients = new Map(this.options.recipients.map((r) => [r.id, r]));
    // Each recipient's channel writes its part of the row; it renders the message itself when it sends.
    const messages = planned.notifications.map((n): NewOutboxMessage => {
      const recipient = recipients.get(n.recipient) as Recipient;
      const channel = alertChannel(recipient.channel) as AlertChannel;
      return {
        id: n.id,
        source: 'alerts',
        channel: recipient.channel,
        lane: null,
        recipient: recipient.id,
        recipientName: recipient.name,
        ...channel.compose({ notification: n, recipient, gate: world.gate, render: this.options.render }),
        createdAt: now,
        expiresAt: now + this.options.outboxMaxAgeMs,
      };
    });
    const { fallback, writeFailures } = this.deps;
    try {
      // Planning state and the messages it produced are written together: after a crash either both
      // are there (the sender will send them) or neither (the next evaluation plans them again).
      // Whatever memory held while writes failed goes in first.
      this.deps.store.transaction(() => {
        fallback.write();
        if (messages.length > 0) this.deps.store.outbox.enqueue(messages);
        this.deps.store.snapshot.saveAlerting({ memory: evaluated.memory, groups: planned.groups });
      });
      fallback.written();
      writeFailures.succeeded(now);
      this.savedJson = json;
    } catch (error) {
      // The database refuses writes (disk full?). Silence would be worse than a copy that only lives in
      // memory: hold the messages there (the sender sends them now) and move on as if written, so the
      // next evaluation does not plan them again. Every tick tries to write them until it works. A
      // restart before then forgets them, and the last stored planning state may plan them again.
      writeFailures.failed(error, now, { notifications: messages.length });
      fallback.hold(messages);
    }
    this.memory = evaluated.memory;
    this.groups = planned.groups;
    for (const n of planned.notifications) {
      this.deps.logger.info({ notification: n.id, recipient: n.recipient, kind: n.kind, firing: n.firing.map((a) => a.key), resolved: n.resolved.map((a) => a.key) }, 'notification queued');
    }
    if (messages.length > 0) this.deps.onEnqueued();
  }

  /** Stores the silence, then applies it. Throws SilenceRefused past MAX_ACTIVE_SILENCES. */
  createSilence(input: NewSilence, by: string): Silence {
    const now = this.deps.clock.now();
    const current = this.apiSilences.filter((s) => s.silence.endsAt > now).length;
    if (current >= MAX_ACTIVE_SILENCES) {
      throw new SilenceRefused(`${current} silences are current or upcoming, the most allowed at once is ${MAX_ACTIVE_SILENCES}: expire one first`);
    }
    const silence: Silence = {
      id: `sil-${now.toString(36)}-${Math.floor(this.deps.clock.random() * 36 ** 4).toString(36).padStart(4, '0')}`,
      matchers: input.matchers,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      createdBy: by,
      comment: input.comment,
    };
    this.deps.store.transaction(() => {
      this.deps.store.silences.insert({ ...silence, createdAt: now });
      this.deps.store.audit.append({ at: now, actor: by, action: 'silence.create', detail: { ...silence } });
    });
    this.apiSilences = [...this.apiSilences, prepareSilence(silence)];
    this.deps.logger.info({ silence }, 'silence created');
    return silence;
  }

  expireSilence(id: string, by: string): Silence | null {
    const now = this.deps.clock.now();
    const expired = this.deps.store.transaction(() => {
      const result = this.deps.store.silences.expire(id, by, now);
      if (result) this.deps.store.audit.append({ at: now, actor: by, action: 'silence.expire', detail: { id } });
      return result;
    });
    if (!expired) return null;
    this.apiSilences = this.apiSilences.filter((s) => s.silence.id !== id);
    this.deps.logger.info({ silence: id, by }, 'silence expired');
    return expired;
  }

  /** After a step of the wall clock, `for` clocks and group timers keep their real length (core/clock-step.ts). */
  private shiftClocks(stepMs: number): void {
    ({ memory: this.memory, groups: this.groups } = shiftAlertTimers(this.memory, this.groups, stepMs));
    this.deps.logger.warn({ stepMs: Math.round(stepMs) }, 'alert timers moved with the wall clock step');
  }

  private silenceFor(alert: Alert, now: number): Silence | RecurringSilence | null {
    return activeSilenceFor(alert.labels, [...this.configSilences, ...this.apiSilences], this.recurringSilences, now);
  }

  /** Without it the outbox keeps every message ever sent, bodies and all. */
  private pruneOutbox(now: number): void {
    if (!isChoreDue(now, this.outboxPrunedAt, pruneEveryMs(this.options.outboxRetentionMs))) return;
    this.outboxPrunedAt = now;
    try {
      const deleted = this.deps.store.outbox.pruneFinishedBefore(now - this.options.outboxRetentionMs);
      if (deleted > 0) this.deps.logger.debug({ deleted }, 'old notifications pruned from the outbox');
    } catch (error) {
      this.deps.writeFailures.failed(error, now, { during: 'outbox prune' });
    }
  }

  private refreshOutboxStats(now: number): void {
    if (now - this.outboxStatsAt < OUTBOX_STATS_EVERY_MS) return;
    this.outboxStatsAt = now;
    try {
      const stats = this.deps.store.outbox.stats(now);
      const held = this.deps.fallback.pending;
      const oldest = [stats.oldestPendingAt, held.oldestAt].filter((at): at is number => at !== null);
      this.outboxOldestPendingAt = oldest.length === 0 ? null : Math.min(...oldest);
      this.notificationsGivenUp = stats.failedSince24h + stats.expiredSince24h;
      this.deps.metrics.recordOutbox(stats.pending + held.count, this.outboxOldestPendingAt === null ? 0 : (now - this.outboxOldestPendingAt) / 1000);
    } catch (error) {
      this.deps.logger.error({ err: error }, 'cannot read the outbox');
    }
  }
}
