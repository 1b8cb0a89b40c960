// One place where observations meet the decision: it keeps the latest state, runs the pure
// assessment and decideGate, and applies the effects (metrics, SQLite, logs). The HTTP layer only
// reads its snapshot. I/O happens here but no judgement: that lives in core/. Time: the Clock only.
import type { NewOverride } from '../core/requests.js';
import type { Logger } from 'pino';
import { assessTarget, assessVolume, initialTargetState, initialVolumeState, restoreVolumeState } from '../core/assess.js';
import { assessBacklog, canHalt, initialBacklogState, isHeartbeatLate, oldestAgeMs } from '../core/data-at-risk.js';
import type { OfficeCalendar } from '../core/forecast/calendar.js';
import { withForecast, type VolumeLimits } from '../core/forecast/forecast.js';
import { addUsage, EMPTY_USAGE, usageFromSamples, type UsageLog } from '../core/forecast/usage.js';
import { decideGate, type GatePolicy } from '../core/gate.js';
import { describeReasons, isCentralUnreachable, isOverrideActive, LOG_REASONS_MAX, MAX_ACTIVE_OVERRIDES } from '../core/reasons.js';
import type {
  BacklogObservation,
  BacklogState,
  Gate,
  HeartbeatState,
  Override,
  ProbeResult,
  TargetObservation,
  TargetState,
  Transition,
  VolumeObservation,
  VolumeState,
} from '../core/types.js';
import type { Clock } from '../runtime/clock.js';
import type { Metrics } from '../runtime/metrics.js';
import type { Store } from '../store/sqlite.js';
import { WriteFailures } from '../store/write-failures.js';
import { ClockSteps } from './clock-steps.js';
import { isChoreDue, pruneEveryMs } from '../core/housekeeping.js';
import { shiftGateTimers } from '../core/clock-step.js';

export interface EngineTarget {
  readonly name: string;
  readonly kind: TargetState['kind'];
  readonly role: TargetState['role'];
}

export interface EngineOptions {
  readonly targets: readonly EngineTarget[];
  readonly volumes: readonly { readonly name: string; readonly fillWindowMs: number }[];
  /** Backlog sources and heartbeats by name; their limits and grace are in `policy`. */
  readonly backlogs: readonly string[];
  readonly heartbeats: readonly string[];
  readonly thresholds: { readonly failureThreshold: number; readonly recoveryThreshold: number };
  readonly policy: GatePolicy;
  /** The office's working week: volumes' forecasts count recording time in it. */
  readonly calendar: OfficeCalendar;
  readonly sampleRetentionMs: number;
  readonly transitionRetentionMs: number;
  /** How often target and volume state is written for the next restart. */
  readonly snapshotEveryMs: number;
  /** How often the decision runs without new results (staleness, resume_after, override expiry). */
  readonly decisionEveryMs: number;
}

export interface EngineDeps {
  readonly store: Store;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Wall-clock time for what is stored and decided, monotonic time for clock steps, random draws for ids. */
  readonly clock: Clock;
  /** Runs after every decision (alert evaluation); gets what the decision saw. */
  readonly afterDecision?: (view: DecisionView) => void;
}

export interface DecisionView {
  readonly targets: readonly TargetState[];
  readonly volumes: readonly VolumeState[];
  readonly backlogs: readonly BacklogState[];
  readonly heartbeats: readonly HeartbeatState[];
  readonly gate: Gate;
  /** Since when writes to the state database fail (null while they succeed). */
  readonly storeFailingSince: number | null;
  /**
   * How far the wall clock stepped since the previous decision beyond the time that really passed
   * (positive: forward); 0 when it did not. Timers kept as wall-clock instants shift by it.
   */
  readonly clockStepMs: number;
}

/**
 * Why a person's override was not taken; nothing was stored and nothing changed. `too_many_overrides`:
 * MAX_ACTIVE_OVERRIDES are active already. `store_unavailable`: the state database refused the write (a
 * full disk), and an override the next restart would not know must not decide the gate now.
 */
/** How much of each volume's history its forecast model learns from: four weeks of the working week. */
const USAGE_KEPT_MS = 28 * 86_400_000;

export class OverrideRefused extends Error {
  constructor(
    readonly code: 'too_many_overrides' | 'store_unavailable',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class Engine {
  private readonly targets = new Map<string, TargetState>();
  private readonly volumes = new Map<string, VolumeState>();
  private readonly fillWindows = new Map<string, number>();
  /** Each volume's consumption hour by hour, what its forecast model learns from. */
  private readonly usage = new Map<string, UsageLog>();
  private readonly limits = new Map<string, VolumeLimits>();
  private readonly backlogs = new Map<string, BacklogState>();
  private readonly heartbeats = new Map<string, HeartbeatState>();
  /** Sources that may halt the gate: the gate waits for their first read like for a volume's. */
  private readonly haltingSources: ReadonlySet<string>;
  private readonly observedBacklogs = new Set<string>();
  private readonly observedTargets = new Set<string>();
  private readonly observedVolumes = new Set<string>();
  private readonly previousDeviceIds = new Map<string, number | null>();
  private overrides: Override[] = [];
  private gateNow: Gate;
  private readonly restoredGate: boolean;
  private readonly startedAt: number;
  private pendingTargetSamples: TargetObservation[] = [];
  private pendingVolumeSamples: VolumeObservation[] = [];
  private pendingBacklogSamples: BacklogObservation[] = [];
  private pendingTransitions: Transition[] = [];
  private decisionScheduled = false;
  private stopped = false;
  /** Ends the periodic decisions and a pending coalesced one. */
  private readonly stopping = new AbortController();
  private lastSnapshotAt = 0;
  private lastPruneAt = 0;
  private readonly writeFailures: WriteFailures;
  private readonly clockSteps: ClockSteps;
  private version = 0;

  constructor(
    private readonly options: EngineOptions,
    private readonly deps: EngineDeps,
  ) {
    this.startedAt = deps.clock.now();
    this.clockSteps = new ClockSteps(deps.clock);
    this.writeFailures = new WriteFailures('the state database', { logger: deps.logger, onFailure: () => deps.metrics.recordStoreError() });
    for (const t of options.targets) this.targets.set(t.name, initialTargetState(t.name, t.kind, t.role));
    for (const v of options.volumes) {
      this.volumes.set(v.name, initialVolumeState(v.name));
      this.fillWindows.set(v.name, v.fillWindowMs);
    }
    for (const v of options.policy.volumes) {
      const bufferWorkingMs = options.policy.bufferMinHours * 3_600_000;
      this.limits.set(v.name, { haltRatio: v.haltRatio, floorRatio: v.floorRatio, minFreeBytes: v.minFreeBytes, haltEtaMs: v.haltEtaMs, bufferWorkingMs });
    }
    for (const name of options.backlogs) this.backlogs.set(name, initialBacklogState(name));
    for (const name of options.heartbeats) this.heartbeats.set(name, { name, lastPingAt: null, lastItemsSent: null, watchedSince: this.startedAt });
    this.haltingSources = new Set(options.policy.backlogs.filter(canHalt).map((p) => p.name));
    this.restore();
    // Before the first full round, the gate is what was stored (a restart while halted stays halted),
    // or, on a first start, the decision over empty state: halted, STARTING.
    const stored = deps.store.snapshot.loadGate();
    this.restoredGate = stored !== null;
    this.gateNow = stored ?? this.decide(this.startedAt, { persist: false });
    deps.metrics.recordGate(this.gateNow, this.centralReachable(), false);
  }

  get gate(): Gate {
    return this.gateNow;
  }

  /**
   * Whether the gate came from the store (a restart), not from a first decision over empty state:
   * a restored gate is a decision the gate actions must match at once; a first start's STARTING is not.
   */
  get restored(): boolean {
    return this.restoredGate;
  }

  /** Bumps on every decision; lets readers cache what they serialise from the gate. */
  get gateVersion(): number {
    return this.version;
  }

  /** True once every target and volume has been observed since this process started. */
  get ready(): boolean {
    return (
      this.observedTargets.size === this.targets.size &&
      this.observedVolumes.size === this.volumes.size &&
      [...this.haltingSources].every((name) => this.observedBacklogs.has(name))
    );
  }

  get targetStates(): readonly TargetState[] {
    return [...this.targets.values()];
  }

  get volumeStates(): readonly VolumeState[] {
    return [...this.volumes.values()];
  }

  get backlogStates(): readonly BacklogState[] {
    return [...this.backlogs.values()];
  }

  get heartbeatStates(): readonly HeartbeatState[] {
    return [...this.heartbeats.values()];
  }

  get activeOverrides(): readonly Override[] {
    const now = this.deps.clock.now();
    return this.overrides.filter((o) => isOverrideActive(o, now));
  }

  /** A target's probe `result`, started at `at` (wall clock); its new state (undefined: no such target). */
  observeTarget(target: string, at: number, result: ProbeResult): TargetState | undefined {
    const previous = this.targets.get(target);
    if (!previous) return undefined;
    // Field by field rather than a spread: one object shape per outcome, hundreds of times a second.
    const obs: TargetObservation = result.ok
      ? { ok: true, durationMs: result.durationMs, phases: result.phases, detail: result.detail, target, at }
      : { ok: false, failure: result.failure, durationMs: result.durationMs, phases: result.phases, detail: result.detail, target, at };
    const next = assessTarget(previous, obs, this.options.thresholds);
    this.targets.set(obs.target, next);
    const firstSinceStart = !this.observedTargets.has(obs.target);
    if (firstSinceStart) this.observedTargets.add(obs.target);
    this.clockSteps.arrived('target', obs.target, obs.at);
    this.deps.metrics.recordProbe(next, obs);
    this.pendingTargetSamples.push(obs);
    if (next.status === previous.status && !firstSinceStart) return next;
    // Only a change of status (or a first result) can move the gate now; anything else a result
    // changes (staleness, the facts of a failure) waits for the periodic decision, at most a second.
    // Deciding after every result would cost O(targets) per probe: most of jaga's CPU at 1,000 targets.
    if (next.status !== previous.status) {
      this.deps.logger.info({ target: obs.target, from: previous.status, to: next.status, failure: obs.ok ? undefined : obs.failure, detail: obs.detail }, 'target status changed');
    }
    this.scheduleDecision();
    return next;
  }

  observeVolume(obs: VolumeObservation): void {
    const previous = this.volumes.get(obs.volume);
    if (!previous) return;
    const assessed = assessVolume(previous, obs, this.fillWindows.get(obs.volume) ?? 0);
    if (assessed.last?.ok === true && obs.ok) {
      this.usage.set(obs.volume, addUsage(this.usage.get(obs.volume) ?? EMPTY_USAGE, { at: obs.at, availBytes: obs.availBytes }, USAGE_KEPT_MS));
    }
    const next = this.forecast(assessed, obs.at);
    this.volumes.set(obs.volume, next);
    this.observedVolumes.add(obs.volume);
    this.clockSteps.arrived('volume', obs.volume, obs.at);
    this.deps.metrics.recordVolume(next);
    const before = this.previousDeviceIds.get(obs.volume);
    if (obs.ok && before !== undefined) {
      this.previousDeviceIds.delete(obs.volume);
      if (before !== null && before !== obs.deviceId) {
        this.deps.logger.warn({ volume: obs.volume, before, now: obs.deviceId }, 'the volume is on a different device than before the restart');
      }
    }
    if (!obs.ok && (previous.last === null || previous.last.ok)) {
      this.deps.logger.warn({ volume: obs.volume, failure: obs.failure, detail: obs.detail }, 'volume unavailable');
    }
    this.pendingVolumeSamples.push(obs);
    this.scheduleDecision();
  }

  observeBacklog(obs: BacklogObservation): void {
    const previous = this.backlogs.get(obs.source);
    if (!previous) return;
    const next = assessBacklog(previous, obs);
    this.backlogs.set(obs.source, next);
    this.observedBacklogs.add(obs.source);
    if (!obs.ok && (previous.last === null || previous.last.ok)) {
      this.deps.logger.warn({ source: obs.source, failure: obs.failure, detail: obs.detail }, 'backlog source cannot be read');
    }
    this.pendingBacklogSamples.push(obs);
    this.recordDataAtRisk(obs.at);
    this.scheduleDecision();
  }

  /**
   * A ping from the upload client: stored before it counts (a restart keeps it), then decided on, so a
   * stalled upload that resumes reopens the gate without waiting for a probe. Null for an unknown name.
   * A database that refuses the write does not refuse the ping: the gate judges from memory, as for probes.
   */
  recordHeartbeat(name: string, itemsSent: number | null): HeartbeatState | null {
    const previous = this.heartbeats.get(name);
    if (previous === undefined) return null;
    const now = this.deps.clock.now();
    try {
      this.deps.store.dataAtRisk.ping(name, now, itemsSent);
      this.writeFailures.succeeded(now);
    } catch (error) {
      this.writeFailures.failed(error, now);
    }
    const next: HeartbeatState = { ...previous, lastPingAt: now, lastItemsSent: itemsSent ?? previous.lastItemsSent };
    this.heartbeats.set(name, next);
    this.recordDataAtRisk(now);
    this.scheduleDecision();
    return next;
  }

  /** The volume with a fresh forecast from its usage hours. */
  private forecast(volume: VolumeState, now: number): VolumeState {
    const limits = this.limits.get(volume.name);
    // Volumes and policy come from one config: a miss is a wiring bug, not a condition.
    if (limits === undefined) throw new Error(`no policy for volume "${volume.name}"`);
    return withForecast(volume, this.usage.get(volume.name)?.hours ?? [], this.options.calendar, limits, now);
  }

  /** Whether the heartbeat is late now, by its grace. */
  isLate(heartbeat: HeartbeatState, now: number): boolean {
    const policy = this.options.policy.heartbeats.find((h) => h.name === heartbeat.name);
    return policy !== undefined && isHeartbeatLate(heartbeat, policy, now);
  }

  /** The backlog and heartbeat series: the oldest item's age and lateness move with time, not only with reads. */
  private recordDataAtRisk(now: number): void {
    for (const b of this.backlogs.values()) {
      const reading = b.lastReading;
      this.deps.metrics.recordBacklog(b.name, reading, reading === null ? null : oldestAgeMs(reading, now), b.last?.ok === true);
    }
    for (const h of this.heartbeats.values()) this.deps.metrics.recordHeartbeat(h.name, h.lastPingAt, this.isLate(h, now));
  }

  /**
   * Decides every `decisionEveryMs` until stop(), so that staleness, resume_after and override expiry
   * take effect without new probe results, and samples are written in batches.
   */
  start(): void {
    void this.decideEvery(this.options.decisionEveryMs);
  }

  private async decideEvery(everyMs: number): Promise<void> {
    const { signal } = this.stopping;
    while (!signal.aborted) {
      await this.deps.clock.sleep(everyMs, signal);
      this.tick();
    }
  }

  /**
   * Decides now, then writes what is pending in one transaction. Called after observations that can
   * move the gate (coalesced per turn) and every `decisionEveryMs` (start()).
   */
  tick(): void {
    if (this.stopped) return;
    this.decideNow();
    this.flush();
  }

  private decideNow(): void {
    const now = this.deps.clock.now();
    if (!this.ready && now - this.startedAt < this.options.policy.staleAfterMs.central) return;
    this.overrides = this.overrides.filter((o) => isOverrideActive(o, now));
    const clockStepMs = this.clockStep(now);
    this.gateNow = this.decide(now, { persist: true });
    this.recordDataAtRisk(now);
    this.deps.afterDecision?.({
      targets: this.targetStates,
      volumes: this.volumeStates,
      backlogs: this.backlogStates,
      heartbeats: this.heartbeatStates,
      gate: this.gateNow,
      storeFailingSince: this.writeFailures.since,
      clockStepMs,
    });
  }

  /** Stores the override, then decides with it. Throws OverrideRefused when it is not taken. */
  createOverride(input: NewOverride, by: string): Override {
    const now = this.deps.clock.now();
    const active = this.overrides.filter((o) => isOverrideActive(o, now)).length;
    if (active >= MAX_ACTIVE_OVERRIDES) {
      throw new OverrideRefused('too_many_overrides', `${active} overrides are active, the most allowed at once is ${MAX_ACTIVE_OVERRIDES}: lift one first`);
    }
    const override: Override = {
      id: `ovr-${now.toString(36)}-${Math.floor(this.deps.clock.random() * 36 ** 4).toString(36).padStart(4, '0')}`,
      action: input.action,
      reason: input.reason,
      by,
      createdAt: now,
      expiresAt: input.expiresAt,
      liftedAt: null,
      liftedBy: null,
    };
    this.storeByHand(now, () => {
      this.deps.store.overrides.insert(override);
      this.deps.store.audit.append({ at: now, actor: by, action: 'override.create', detail: { ...override } });
    });
    this.overrides = [override, ...this.overrides];
    this.deps.logger.info({ override }, 'override created');
    this.decideByHand(now);
    return override;
  }

  /** Stores the lift, then decides without it; null when no such override is active. Throws OverrideRefused (store_unavailable). */
  liftOverride(id: string, by: string): Override | null {
    const now = this.deps.clock.now();
    const lifted = this.storeByHand(now, () => {
      const result = this.deps.store.overrides.lift(id, by, now);
      if (result) this.deps.store.audit.append({ at: now, actor: by, action: 'override.lift', detail: { id } });
      return result;
    });
    if (!lifted) return null;
    this.overrides = this.overrides.filter((o) => o.id !== id);
    this.deps.logger.info({ override: lifted }, 'override lifted');
    this.decideByHand(now);
    return lifted;
  }

  /**
   * A person's change, written before it takes effect (the README's promise: the decision is written before
   * the answer). A refused write changes nothing and says so; the failure counts like any store failure.
   */
  private storeByHand<T>(now: number, write: () => T): T {
    try {
      return this.deps.store.transaction(write);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      // A constraint error is a bug of ours, not the disk's: it stays a 500.
      if (typeof code !== 'string' || !code.startsWith('SQLITE_') || code.startsWith('SQLITE_CONSTRAINT')) throw error;
      this.writeFailures.failed(error, now);
      throw new OverrideRefused('store_unavailable', `the state database refused the write (${code}); nothing was changed`, { cause: error });
    }
  }

  /**
   * The decision after a person's override, written before they hear back: a crash right after the
   * answer must not bring back the gate as it was before (the override itself is already stored).
   */
  private decideByHand(now: number): void {
    this.gateNow = this.decide(now, { persist: true });
    if (!this.stopped) this.flush();
  }

  /**
   * Stops deciding, writes everything still pending and stops writing: the database is about to close,
   * and a probe that finishes during shutdown must not write to it.
   */
  stop(): void {
    this.stopping.abort();
    this.flush();
    this.stopped = true;
  }

  /** Writes everything still pending in one transaction. */
  flush(): void {
    const now = this.deps.clock.now();
    const targetSamples = this.pendingTargetSamples;
    const volumeSamples = this.pendingVolumeSamples;
    const backlogSamples = this.pendingBacklogSamples;
    const transitions = this.pendingTransitions;
    this.pendingTargetSamples = [];
    this.pendingVolumeSamples = [];
    this.pendingBacklogSamples = [];
    const snapshotDue = now - this.lastSnapshotAt >= this.options.snapshotEveryMs || transitions.length > 0;
    const pruneDue = isChoreDue(now, this.lastPruneAt, pruneEveryMs(this.options.sampleRetentionMs, this.options.transitionRetentionMs));
    if (targetSamples.length + volumeSamples.length + backlogSamples.length === 0 && !snapshotDue && !pruneDue) return;
    try {
      this.deps.store.transaction(() => {
        const { store } = this.deps;
        store.samples.appendTargets(targetSamples);
        store.samples.appendVolumes(volumeSamples);
        store.dataAtRisk.appendBacklogs(backlogSamples);
        for (const transition of transitions) store.transitions.append(transition);
        if (snapshotDue) {
          store.snapshot.saveGate(this.gateNow);
          store.snapshot.saveTargets(this.targetStates);
          store.snapshot.saveVolumes(this.volumeStates);
        }
        if (pruneDue) {
          store.samples.pruneOlderThan(now - this.options.sampleRetentionMs);
          store.dataAtRisk.pruneOlderThan(now - this.options.sampleRetentionMs);
          store.transitions.pruneOlderThan(now - this.options.transitionRetentionMs);
        }
      });
      this.pendingTransitions = [];
      this.writeFailures.succeeded(now);
      if (snapshotDue) this.lastSnapshotAt = now;
      if (pruneDue) this.lastPruneAt = now;
    } catch (error) {
      // The gate keeps answering from memory; transitions wait for the next flush, samples are dropped.
      this.writeFailures.failed(error, now, { pendingTransitions: this.pendingTransitions.length });
    }
  }

  private scheduleDecision(): void {
    if (this.decisionScheduled) return;
    this.decisionScheduled = true;
    // One decision and one SQLite transaction for all observations that complete in the same turn:
    // a sleep of 0 ends after the I/O callbacks of this turn (a microtask would end after each one).
    void this.deps.clock.sleep(0, this.stopping.signal).then(() => {
      this.decisionScheduled = false;
      this.tick();
    });
  }

  private decide(now: number, { persist }: { persist: boolean }): Gate {
    const previous = persist ? this.gateNow : null;
    const { gate, transition } = decideGate(
      // Judged by how old each result really is: a step of the wall clock makes nothing stale or fresh.
      {
        previous,
        targets: this.clockSteps.aged('target', this.targetStates, now),
        volumes: this.clockSteps.aged('volume', this.volumeStates, now),
        backlogs: this.backlogStates,
        heartbeats: this.heartbeatStates,
        overrides: this.overrides,
        now,
      },
      this.options.policy,
    );
    this.version += 1;
    const stateChanged = transition !== null && transition.from !== transition.to;
    if (persist) this.deps.metrics.recordGate(gate, this.centralReachable(), stateChanged);
    if (transition && persist) {
      // Written by the caller's flush: tick() and decideByHand() flush right after deciding.
      this.pendingTransitions.push(transition);
      // Bounded: one line must not list every override of a busy day.
      const reasons = describeReasons(transition.reasons);
      this.deps.logger[transition.to === 'halted' ? 'warn' : 'info'](
        { from: transition.from, to: transition.to, reasons: transition.reasons.slice(0, LOG_REASONS_MAX), reasonCount: transition.reasons.length },
        stateChanged ? `gate ${transition.to}: ${reasons || 'no reasons'}` : `gate reasons changed: ${reasons || 'clearing'}`,
      );
    }
    return gate;
  }

  /**
   * How far the wall clock stepped since the previous decision (0: it did not). The gate's timers move
   * with the step (core/clock-step.ts), so that they still last as long.
   */
  private clockStep(now: number): number {
    const stepMs = this.clockSteps.step(now);
    if (stepMs === 0) return 0;
    this.deps.logger.warn({ stepMs: Math.round(stepMs) }, `the wall clock stepped ${stepMs > 0 ? 'forward' : 'back'}; timers keep their real length`);
    this.gateNow = shiftGateTimers(this.gateNow, stepMs);
    // A heartbeat is late after `grace` of real time: its times move with the step like the gate's timers.
    for (const h of this.heartbeats.values()) {
      this.heartbeats.set(h.name, { ...h, lastPingAt: h.lastPingAt === null ? null : h.lastPingAt + stepMs, watchedSince: h.watchedSince + stepMs });
    }
    return stepMs;
  }

  private centralReachable(): boolean {
    return !isCentralUnreachable(this.targetStates, this.options.policy.downWhen);
  }

  private restore(): void {
    const { store } = this.deps;
    const now = this.deps.clock.now();
    for (const saved of store.snapshot.loadTargets()) {
      if (this.targets.has(saved.name)) this.targets.set(saved.name, { ...this.targets.get(saved.name)!, ...saved });
    }
    for (const saved of store.snapshot.loadVolumes()) {
      const windowMs = this.fillWindows.get(saved.name);
      if (windowMs === undefined) continue;
      // The device id is learnt again: a disk replaced while jaga was down must not read as "not
      // mounted" forever. require_mount_point catches an unmount that happened meanwhile.
      this.previousDeviceIds.set(saved.name, saved.deviceId);
      // One read of the weeks the model learns from; the fill window is the newest part of it.
      const history = store.samples.volumeFillSamples(saved.name, now - USAGE_KEPT_MS);
      this.usage.set(saved.name, usageFromSamples(history, USAGE_KEPT_MS));
      const restored = restoreVolumeState({ name: saved.name, deviceId: null, samples: history.filter((s) => s.at >= now - windowMs), lastUsage: saved.lastUsage });
      this.volumes.set(saved.name, this.forecast(restored, now));
    }
    for (const saved of store.dataAtRisk.heartbeats()) {
      const known = this.heartbeats.get(saved.name);
      if (known !== undefined) this.heartbeats.set(saved.name, { ...known, lastPingAt: saved.lastPingAt, lastItemsSent: saved.itemsSent });
    }
    // Numbers to show until the first read; `last` stays null, so the gate waits for a fresh one.
    for (const name of this.backlogs.keys()) this.backlogs.set(name, { name, last: null, lastReading: store.dataAtRisk.lastReading(name) });
    this.overrides = store.overrides.list({ activeAt: now });
    for (const t of this.targets.values()) this.deps.metrics.recordTargetStatus(t);
    for (const v of this.volumes.values()) this.deps.metrics.recordVolume(v);
  }
}
