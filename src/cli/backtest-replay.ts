// `jaga backtest`'s replay: a timeline's observations fed through the real decision engine (the one
// `jaga start` runs) on virtual time, with an in-memory store and the config's own policy, and what the
// gate did read back. Builds I/O objects of its own (an in-memory SQLite store); reads no real clock.
import { pino } from 'pino';
import { decideGate, type GatePolicy } from '../core/gate.js';
import type { TimelineEvent } from '../core/timeline.js';
import type { Gate, GateStateName, ReasonCode } from '../core/types.js';
import type { Config } from '../config/schema.js';
import { Metrics } from '../runtime/metrics.js';
import { VERSION } from '../runtime/version.js';
import { VirtualClock } from '../runtime/virtual-clock.js';
import { Engine } from '../shell/engine.js';
import { DECISION_EVERY_MS, engineOptions, gatePolicy } from '../shell/policy.js';
import { cronIntervalMs } from '../config/cron.js';
import { openStore } from '../store/sqlite.js';

export interface BacktestTransition {
  readonly at: number;
  readonly state: GateStateName;
  /** Each code once, in the gate's order. */
  readonly reasons: readonly ReasonCode[];
}

/** The gate's forecast of a halt as it changed; null `haltAt` and `subject` once none is foreseen. */
export interface BacktestForecast {
  readonly at: number;
  readonly haltAt: number | null;
  readonly subject: string | null;
}

export interface BacktestResult {
  readonly startAt: number;
  readonly endAt: number;
  readonly transitions: readonly BacktestTransition[];
  readonly forecasts: readonly BacktestForecast[];
  readonly summary: {
    /** Time halted for a reason other than the first start's STARTING. */
    readonly haltedMs: number;
    /** How often the gate went from open (or STARTING alone) to halted. */
    readonly halts: number;
    readonly firstHaltAt: number | null;
    /** The least avail seen per configured volume; null for a volume the timeline never measured. */
    readonly minAvailBytes: Readonly<Record<string, number | null>>;
  };
}

/**
 * A forecast that moves by less than this since the last one listed is not listed again: it is said
 * to people to the minute, and a line per observation would bury the moves that matter.
 */
const FORECAST_MOVE_MS = 60_000;

/** The engine decides every second (as `jaga start` does); between observations only on this grid. */
/**
 * Between two observations only time moves, and what time alone changes goes one way until the next
 * observation: resume_after runs out, a probe goes stale, a heartbeat turns late, a backlog's oldest
 * item crosses its age limit. So the replay asks the pure decision whether anything would change by
 * the end of the stretch (and every SCAN_MS of a long one), and finds the second by bisection: an idle
 * stretch costs a pure decision or two instead of a tick a second.
 */
const SCAN_MS = 10 * 60_000;

export function replayTimeline(config: Config, events: readonly TimelineEvent[]): BacktestResult {
  const first = events[0];
  const last = events[events.length - 1];
  if (first === undefined || last === undefined) throw new Error('the timeline has no observations');
  const startAt = first.at;
  const clock = new VirtualClock(startAt);
  const store = openStore(':memory:', () => clock.now());
  const policy = replayPolicy(config, events);
  const engine = new Engine(
    {
      ...engineOptions(config, policy),
      // Every transition of the replay is read back at its end, however long the timeline.
      transitionRetentionMs: Number.MAX_SAFE_INTEGER,
      // Snapshots are for a restart, and a replay has none (a transition still writes one).
      snapshotEveryMs: Number.POSITIVE_INFINITY,
    },
    {
    store,
    metrics: new Metrics({
      version: VERSION,
      targets: [...config.central.targets, ...config.central.reference_targets].map((t) => t.name),
      volumes: config.storage.volumes.map((v) => v.name),
      alertmanager: false,
      alertChannels: [],
      gateActionTypes: [],
      backlogSources: config.backlog.sources.map((s) => s.name),
      heartbeats: config.heartbeats.map((h) => h.name),
    }),
    logger: pino({ level: 'silent' }),
    clock,
    },
  );
  // The engine's own coalesced decision after an observation (a sleep of 0) wakes at the next advance
  // and would run only once this synchronous loop yields, after stop(): every decision of the replay
  // is one of the loop's tick() calls, each at its own instant.
  const forecasts: BacktestForecast[] = [];
  const tick = (): void => {
    engine.tick();
    const forecast = forecastOf(engine.gate, clock.now());
    const previous = forecasts[forecasts.length - 1];
    if (previous === undefined ? forecast.haltAt !== null : movedForecast(previous, forecast)) forecasts.push(forecast);
  };
  const decideAt = (at: number): void => {
    clock.advanceTo(at);
    tick();
  };
  let decidedAt = startAt;
  for (let i = 0; i < events.length; ) {
    const at = events[i]!.at;
    for (let next = firstChange(engine, policy, startAt, decidedAt, at); next !== null; next = firstChange(engine, policy, startAt, next, at)) {
      decideAt(next);
    }
    clock.advanceTo(at);
    // Every row of this instant first, then one decision: as the engine coalesces a round's results.
    for (; i < events.length && events[i]!.at === at; i += 1) feed(engine, events[i]!);
    tick();
    decidedAt = at;
  }
  engine.stop();
  const stored = store.transitions.period(startAt, last.at + 1).items;
  store.close();
  const transitions = stored.map((t) => ({ at: t.at, state: t.to, reasons: [...new Set(t.reasons.map((r) => r.code))] }));
  return { startAt, endAt: last.at, transitions, forecasts, summary: { ...haltsOf(transitions, last.at), minAvailBytes: minAvail(config, events) } };
}

/** The engine as main.ts builds it for this config, with the replay's policy. */
/**
 * The config's policy, except that staleness is judged against the timeline's own cadence: a timeline
 * written one row per five minutes would otherwise be "stale" between every two rows, and PROBES_STALE
 * would halt all along. Where the timeline is denser than the schedule, the schedule stands. A real gap
 * in the data (jaga was down, an export skipped an hour) still goes stale, as it would have live.
 */
function replayPolicy(config: Config, events: readonly TimelineEvent[]): GatePolicy {
  const policy = gatePolicy(config);
  const intervals = config.gate.stale_after_intervals;
  const central = new Set(config.central.targets.map((t) => t.name));
  const stretch = (kind: 'target' | 'volume', intervalMs: number): number =>
    intervals * Math.max(0, cadenceMs(events.filter((e) => e.kind === kind && (kind === 'volume' || central.has(e.name)))) - intervalMs);
  return {
    ...policy,
    staleAfterMs: {
      central: policy.staleAfterMs.central + stretch('target', cronIntervalMs(config.central.schedule)),
      storage: policy.staleAfterMs.storage + stretch('volume', cronIntervalMs(config.storage.schedule)),
    },
  };
}

/**
 * The largest of the subjects' typical spacings between two of their observations, 0 with none. Typical:
 * the lower quartile of the gaps, as gaps in the data (jaga was down, a --since cut) are the outliers above
 * it, and a short timeline has few gaps to go by.
 */
function cadenceMs(events: readonly TimelineEvent[]): number {
  const times = new Map<string, number[]>();
  for (const e of events) {
    const list = times.get(e.name);
    if (list === undefined) times.set(e.name, [e.at]);
    else if (list[list.length - 1] !== e.at) list.push(e.at);
  }
  let widest = 0;
  for (const list of times.values()) {
    const gaps = list.slice(1).map((at, index) => at - (list[index] as number)).sort((a, b) => a - b);
    if (gaps.length > 0) widest = Math.max(widest, gaps[Math.floor((gaps.length - 1) / 4)] as number);
  }
  return widest;
}

function feed(engine: Engine, event: TimelineEvent): void {
  switch (event.kind) {
    case 'target': {
      const r = event.result;
      engine.observeTarget(event.name, event.at, r.ok ? { ok: true, durationMs: r.durationMs, phases: {}, detail: '' } : { ok: false, failure: r.failure, durationMs: r.durationMs, phases: {}, detail: '' });
      return;
    }
    case 'volume': {
      const r = event.result;
      // One device throughout: a timeline says nothing of mounts.
      engine.observeVolume(r.ok ? { ok: true, durationMs: 0, deviceId: 0, ...r.usage, volume: event.name, at: event.at } : { ok: false, failure: r.failure, durationMs: 0, detail: '', volume: event.name, at: event.at });
      return;
    }
    case 'backlog': {
      const r = event.result;
      engine.observeBacklog(
        r.ok
          ? { ok: true, durationMs: 0, items: r.items, bytes: r.bytes, oldestAt: r.oldestAt, source: event.name, at: event.at }
          : { ok: false, failure: r.failure, durationMs: 0, detail: '', source: event.name, at: event.at },
      );
      return;
    }
    case 'heartbeat':
      engine.recordHeartbeat(event.name, event.itemsSent);
      return;
  }
}

/**
 * The first instant of the decision grid (each second from `origin`, the replay's start) strictly
 * between `after` and `before` where deciding would change the gate, or null. Asks the pure decision
 * (what the engine's tick runs) over the engine's state: nothing is decided for real until the replay
 * ticks there.
 */
function firstChange(engine: Engine, policy: GatePolicy, origin: number, after: number, before: number): number | null {
  const grid = (index: number): number => origin + index * DECISION_EVERY_MS;
  const lowest = Math.floor((after - origin) / DECISION_EVERY_MS) + 1;
  const highest = Math.ceil((before - origin) / DECISION_EVERY_MS) - 1;
  if (lowest > highest) return null;
  const gate = engine.gate;
  const changesAt = (index: number): boolean => {
    const { gate: next } = decideGate(
      {
        previous: gate,
        targets: engine.targetStates,
        volumes: engine.volumeStates,
        backlogs: engine.backlogStates,
        heartbeats: engine.heartbeatStates,
        overrides: engine.activeOverrides,
        now: grid(index),
      },
      policy,
    );
    return differs(gate, next);
  };
  const step = SCAN_MS / DECISION_EVERY_MS;
  let clear = lowest - 1;
  for (let index = Math.min(lowest + step - 1, highest); ; index = Math.min(index + step, highest)) {
    if (changesAt(index)) {
      let changed = index;
      while (changed - clear > 1) {
        const middle = Math.floor((clear + changed) / 2);
        if (changesAt(middle)) changed = middle;
        else clear = middle;
      }
      return grid(changed);
    }
    if (index === highest) return null;
    clear = index;
  }
}

function forecastOf(gate: Gate, at: number): BacktestForecast {
  const f = gate.forecast;
  return { at, haltAt: f?.haltAt ?? null, subject: f?.subject ?? null };
}

function movedForecast(previous: BacktestForecast, next: BacktestForecast): boolean {
  if (previous.haltAt === null || next.haltAt === null) return previous.haltAt !== next.haltAt;
  return previous.subject !== next.subject || Math.abs(next.haltAt - previous.haltAt) >= FORECAST_MOVE_MS;
}

/** Whether a decision moved the gate: its state, what holds or is lifted, or whether it is clearing. */
function differs(a: Gate, b: Gate): boolean {
  const keys = (g: Gate) => [...g.reasons.map((r) => `${r.code}/${r.subject}`), 'lifted:', ...g.overridden.map((r) => `${r.code}/${r.subject}`)].join(' ');
  return a.state !== b.state || (a.clearSince === null) !== (b.clearSince === null) || keys(a) !== keys(b);
}

/** Halted time, halts and the first halt, leaving out the first start's STARTING (no decision, only no data yet). */
function haltsOf(transitions: readonly BacktestTransition[], endAt: number): Omit<BacktestResult['summary'], 'minAvailBytes'> {
  let haltedMs = 0;
  let halts = 0;
  let firstHaltAt: number | null = null;
  let haltedSince: number | null = null;
  for (const t of transitions) {
    const halted = t.state === 'halted' && !(t.reasons.length > 0 && t.reasons.every((code) => code === 'STARTING'));
    if (halted && haltedSince === null) {
      haltedSince = t.at;
      halts += 1;
      firstHaltAt ??= t.at;
    } else if (!halted && haltedSince !== null) {
      haltedMs += t.at - haltedSince;
      haltedSince = null;
    }
  }
  if (haltedSince !== null) haltedMs += endAt - haltedSince;
  return { haltedMs, halts, firstHaltAt };
}

function minAvail(config: Config, events: readonly TimelineEvent[]): Record<string, number | null> {
  const least: Record<string, number | null> = Object.fromEntries(config.storage.volumes.map((v) => [v.name, null]));
  for (const e of events) {
    if (e.kind !== 'volume' || !e.result.ok) continue;
    const seen = least[e.name];
    least[e.name] = seen === null || seen === undefined ? e.result.usage.availBytes : Math.min(seen, e.result.usage.availBytes);
  }
  return least;
}
