// Decision quality: the simulated office of quality-office.ts run in a closed loop on virtual time,
// its disk sampled every 30-60 s and each sample fed through jaga's real pure pieces (assessTarget,
// assessVolume, addUsage, withForecast / forecastVolume, decideGate) under `on_central_down: buffer`
// and `halt`. Recordings consume disk only while the gate allows; uploads drain it while central is up.
// Three consumption models decide side by side, each in its own closed loop: jaga's, today's linear
// slope (fitFillRate over a 1 h fill window, projected day and night), and Prometheus's
// predict_linear over 6 h as node-mixin uses it; beside them an oracle that knows what the office will
// record and halts at the last moment the same rules allow. Figures: the floor reached while allowed,
// recording hours lost against the oracle, and the halt forecast's error 72, 24 and 4 hours before the
// oracle's halts. Pure computation: no process, no file, no network, no clock.
import { assessTarget, assessVolume, initialTargetState, initialVolumeState } from '../src/core/assess.js';
import { forecastVolume, withForecast, type VolumeLimits } from '../src/core/forecast/forecast.js';
import type { ConsumptionModel } from '../src/core/forecast/model.js';
import { addUsage, EMPTY_USAGE, type UsageLog } from '../src/core/forecast/usage.js';
import { decideGate, type GatePolicy } from '../src/core/gate.js';
import type { Gate, TargetObservation, TargetState, VolumeObservation, VolumeState } from '../src/core/types.js';
import { makeOffice, sampleTimes, type Office } from './quality-office.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const MODELS = ['jaga', 'linear', 'predict_linear'] as const;
export type ModelId = (typeof MODELS)[number];
export const POLICIES = ['buffer', 'halt'] as const;
export type PolicyId = (typeof POLICIES)[number];
/** How long before the oracle's halt a forecast is judged. */
export const LEADS_HOURS = [72, 24, 4] as const;
export type Lead = (typeof LEADS_HOURS)[number];

export interface QualityPlan {
  /** Weeks of each office's run. */
  readonly weeks: number;
  /** One office per seed: its demand, outages and sample times. */
  readonly seeds: readonly number[];
}

/** The goals. */
export const QUALITY_GOALS = {
  floorHits: 0,
  /** Lost recording hours as a share of the oracle's. */
  lostShare: 0.1,
  /** The 24 h-ahead median error, hours, and how many times better than both linear models. */
  error24Hours: 3,
  betterThanLinear: 2,
} as const;

export interface ModelFigures {
  /** Times the disk reached floor_ratio while this gate allowed recording (each time counted once). */
  readonly floorHits: number;
  readonly recordedHours: number;
  /** Working hours the oracle recorded in and this gate did not. */
  readonly lostHours: number;
  /** Working hours this gate recorded in where the oracle had halted (the reserve eaten into). */
  readonly extraHours: number;
  /** Absolute errors of the halt forecast in hours, per lead; Infinity: no halt foreseen at all. */
  readonly errors: Readonly<Record<Lead, readonly number[]>>;
}

export interface PolicyFigures {
  readonly policy: PolicyId;
  readonly oracle: {
    readonly recordedHours: number;
    readonly floorHits: number;
    /** Its halts that a forecast can see coming (buffering ending, the disk filling). */
    readonly forecastableHalts: number;
    /** Its own forecast's errors: near 0, or the oracle is not one. */
    readonly errors: Readonly<Record<Lead, readonly number[]>>;
  };
  readonly models: Readonly<Record<ModelId, ModelFigures>>;
}

export interface QualityFigures {
  readonly weeks: number;
  readonly seeds: readonly number[];
  readonly samples: number;
  readonly outages: number;
  /** Wall time of the whole computation. */
  readonly durationMs: number;
  readonly policies: readonly PolicyFigures[];
}

const VOLUME = 'rekaman';
const CENTRAL = 'pusat';
/** The config's defaults. */
const THRESHOLDS = { failureThreshold: 3, recoveryThreshold: 3 };
const FILL_WINDOW_MS = HOUR_MS;
/** node-mixin's NodeFilesystemSpaceFillingUp: predict_linear(node_filesystem_avail_bytes[6h], ...). */
const PREDICT_LINEAR_WINDOW_MS = 6 * HOUR_MS;
/** As the engine keeps each volume's usage hours. */
const USAGE_KEPT_MS = 28 * DAY_MS;
const LIMITS: VolumeLimits = { haltRatio: 0.9, floorRatio: 0.95, minFreeBytes: null, haltEtaMs: 4 * HOUR_MS, bufferWorkingMs: 24 * HOUR_MS };

function gatePolicy(onCentralDown: PolicyId): GatePolicy {
  return {
    downWhen: 'any',
    onCentralDown,
    bufferMinHours: LIMITS.bufferWorkingMs / HOUR_MS,
    resumeAfterMs: 2 * 60_000,
    validForMs: 3 * 60_000,
    staleAfterMs: { central: 10 * 60_000, storage: 10 * 60_000 },
    volumes: [
      { name: VOLUME, warnRatio: 0.85, haltRatio: LIMITS.haltRatio, resumeRatio: 0.85, floorRatio: LIMITS.floorRatio, minFreeBytes: null, haltEtaMs: LIMITS.haltEtaMs },
    ],
    backlogs: [],
    heartbeats: [],
  };
}

/** The office's disk and what waits for upload on it. */
interface Disk {
  availBytes: number;
  backlogBytes: number;
}

type Forecast = (volume: VolumeState, now: number) => VolumeState;

/** One gate: a target, a volume and the previous decision, moved by the real pure pieces. */
class Decider {
  private target: TargetState = initialTargetState(CENTRAL, 'http', 'central');
  private volume: VolumeState = initialVolumeState(VOLUME);
  gate: Gate | null = null;

  constructor(
    private readonly policy: GatePolicy,
    private readonly fillWindowMs: number,
    private readonly forecast: Forecast,
  ) {}

  decide(volumeObs: VolumeObservation, targetObs: TargetObservation): Gate {
    this.target = assessTarget(this.target, targetObs, THRESHOLDS);
    this.volume = this.forecast(assessVolume(this.volume, volumeObs, this.fillWindowMs), volumeObs.at);
    const input = { previous: this.gate, targets: [this.target], volumes: [this.volume], backlogs: [], heartbeats: [], overrides: [], now: volumeObs.at };
    this.gate = decideGate(input, this.policy).gate;
    return this.gate;
  }
}

function modelDecider(model: ModelId, office: Office, policy: GatePolicy): Decider {
  const { calendar } = office;
  if (model === 'jaga') {
    let log: UsageLog = EMPTY_USAGE;
    return new Decider(policy, FILL_WINDOW_MS, (volume, now) => {
      // As the engine: only healthy samples of the same volume go into the usage hours.
      if (volume.last?.ok === true) log = addUsage(log, { at: now, availBytes: volume.last.availBytes }, USAGE_KEPT_MS);
      return withForecast(volume, log.hours, calendar, LIMITS, now);
    });
  }
  // No usage hours: the consumption model is always today's line, fitted over the model's window.
  const window = model === 'linear' ? FILL_WINDOW_MS : PREDICT_LINEAR_WINDOW_MS;
  return new Decider(policy, window, (volume, now) => withForecast(volume, [], calendar, LIMITS, now));
}

/** The oracle: the same gate, its forecast made by what the office will really record from now on. */
function oracleDecider(office: Office, policy: GatePolicy, disk: Disk): Decider {
  return new Decider(policy, FILL_WINDOW_MS, (volume, now) => {
    if (volume.lastUsage === null) return volume;
    const forecast = forecastVolume(volume.lastUsage, oracleModel(office, disk.backlogBytes, now), office.calendar, LIMITS, now);
    return { ...volume, forecast, fullEtaSeconds: forecast.fullAt === null ? null : (forecast.fullAt - now) / 1000 };
  });
}

/**
 * Exactly what the office's disk will take hour by hour if recording goes on and central stays as it
 * is now (up: uploads drain what waits; down: nothing is freed). It knows the future recordings, not
 * when an outage ends: nobody can, which is what buffer_min_hours keeps a reserve for. forecastVolume
 * asks for the hours in order, once each, so the backlog is carried from one to the next.
 */
function oracleModel(office: Office, backlogBytes: number, now: number): ConsumptionModel {
  const up = office.isCentralUp(now);
  let waiting = backlogBytes;
  return {
    // The model's name only shows in the gate's forecast, which nobody reads here.
    name: 'weekly',
    rate(at) {
      const to = Math.floor(at / HOUR_MS) * HOUR_MS + HOUR_MS;
      const recorded = office.demandBetween(at, to);
      const freed = up ? Math.min(waiting + recorded, office.uploadBytesPerMs * (to - at)) : 0;
      waiting += recorded - freed;
      return (recorded - freed) / (to - at);
    },
  };
}

function volumeObservation(office: Office, at: number, availBytes: number): VolumeObservation {
  const usedBytes = office.sizeBytes - availBytes;
  return {
    ok: true,
    volume: VOLUME,
    at,
    durationMs: 1,
    deviceId: 1,
    sizeBytes: office.sizeBytes,
    freeBytes: availBytes,
    availBytes,
    usedBytes,
    usedRatio: usedBytes / office.sizeBytes,
    filesTotal: 0,
    filesFree: 0,
    filesUsedRatio: 0,
  };
}

function targetObservation(office: Office, at: number): TargetObservation {
  return office.isCentralUp(at)
    ? { ok: true, target: CENTRAL, at, durationMs: 20, phases: {}, detail: '' }
    : { ok: false, failure: 'timeout', target: CENTRAL, at, durationMs: 2_000, phases: {}, detail: '' };
}

interface Loop {
  /** Whether the gate allowed recording after each sample, until the next. */
  readonly allowed: Uint8Array;
  readonly floorHits: number;
}

/**
 * The closed loop: between two samples the office records what it would if the gate allows it, and
 * uploads free what waits while central is up; at each sample the gate decides again. `after` sees
 * each decision (the oracle's shadows).
 */
function runLoop(office: Office, times: Float64Array, decider: Decider, disk: Disk, after?: (k: number, volumeObs: VolumeObservation, targetObs: TargetObservation, gate: Gate) => void): Loop {
  const allowed = new Uint8Array(times.length);
  let floorHits = 0;
  let atFloor = false;
  for (let k = 0; k < times.length; k += 1) {
    const now = times[k]!;
    if (k > 0) {
      const from = times[k - 1]!;
      const recorded = allowed[k - 1] === 1 ? office.demandBetween(from, now) : 0;
      const freed = office.isCentralUp(from) ? Math.min(disk.backlogBytes + recorded, office.uploadBytesPerMs * (now - from)) : 0;
      disk.backlogBytes += recorded - freed;
      disk.availBytes = Math.max(0, disk.availBytes - recorded + freed);
      const floor = (office.sizeBytes - disk.availBytes) / office.sizeBytes >= LIMITS.floorRatio;
      if (floor && !atFloor && allowed[k - 1] === 1) floorHits += 1;
      atFloor = floor;
    }
    const volumeObs = volumeObservation(office, now, disk.availBytes);
    const targetObs = targetObservation(office, now);
    const gate = decider.decide(volumeObs, targetObs);
    allowed[k] = gate.state === 'allowed' ? 1 : 0;
    after?.(k, volumeObs, targetObs, gate);
  }
  return { allowed, floorHits };
}

const freshDisk = (office: Office): Disk => ({ availBytes: office.sizeBytes - office.baseUsedBytes, backlogBytes: 0 });

/** A forecastable halt of the oracle: when, and since when the condition that ends in it has held. */
interface Halt {
  readonly at: number;
  readonly since: number;
}

function emptyErrors(): Record<Lead, number[]> {
  return { 72: [], 24: [], 4: [] };
}

interface OfficeRun {
  readonly oracleRecordedMs: number;
  readonly oracleFloorHits: number;
  readonly halts: number;
  readonly oracleErrors: Record<Lead, number[]>;
  readonly models: Record<ModelId, { floorHits: number; recordedMs: number; lostMs: number; extraMs: number; errors: Record<Lead, number[]> }>;
}

function runOffice(office: Office, times: Float64Array, policyId: PolicyId): OfficeRun {
  const policy = gatePolicy(policyId);
  // What each model's gate would forecast, fed the oracle's samples: the halt it expects (now if it
  // has halted already), Infinity when it sees none.
  const shadows = MODELS.map((m) => modelDecider(m, office, policy));
  const expected = MODELS.map(() => new Float64Array(times.length));
  const oracleExpected = new Float64Array(times.length);
  const halts: Halt[] = [];
  const disk = freshDisk(office);
  let previous: Gate | null = null;
  const oracle = runLoop(office, times, oracleDecider(office, policy, disk), disk, (k, volumeObs, targetObs, gate) => {
    const now = times[k]!;
    shadows.forEach((shadow, i) => {
      const g = shadow.decide(volumeObs, targetObs);
      expected[i]![k] = g.state === 'halted' ? now : (g.forecast?.haltAt ?? Number.POSITIVE_INFINITY);
    });
    oracleExpected[k] = gate.forecast?.haltAt ?? Number.POSITIVE_INFINITY;
    if (previous !== null && previous.state === 'allowed' && gate.state === 'halted') {
      const storage = gate.reasons.some((r) => r.code === 'STORAGE_CRITICAL' || r.code === 'STORAGE_FILLING');
      // Buffering that ends, or a disk that fills: a forecast can see those coming; an outage under `halt` it cannot.
      if (previous.buffering !== null) halts.push({ at: now, since: previous.buffering.since });
      else if (storage) halts.push({ at: now, since: office.start + DAY_MS });
    }
    previous = gate;
  });
  const working = new Float64Array(times.length);
  for (let k = 0; k < times.length; k += 1) working[k] = office.workingMsBetween(times[k]!, times[k + 1] ?? office.end);
  const oracleRecordedMs = sumWhere(working, (k) => oracle.allowed[k] === 1);
  const errorsOf = (series: Float64Array): Record<Lead, number[]> => {
    const errors = emptyErrors();
    for (const halt of halts) {
      for (const lead of LEADS_HOURS) {
        const at = halt.at - lead * HOUR_MS;
        if (at < halt.since) continue;
        const k = lastSampleAtOrBefore(times, at);
        errors[lead].push(Math.abs(series[k]! - halt.at) / HOUR_MS);
      }
    }
    return errors;
  };
  const models = {} as OfficeRun['models'];
  MODELS.forEach((model, i) => {
    const run = runLoop(office, times, modelDecider(model, office, policy), freshDisk(office));
    models[model] = {
      floorHits: run.floorHits,
      recordedMs: sumWhere(working, (k) => run.allowed[k] === 1),
      lostMs: sumWhere(working, (k) => oracle.allowed[k] === 1 && run.allowed[k] === 0),
      extraMs: sumWhere(working, (k) => oracle.allowed[k] === 0 && run.allowed[k] === 1),
      errors: errorsOf(expected[i]!),
    };
  });
  return { oracleRecordedMs, oracleFloorHits: oracle.floorHits, halts: halts.length, oracleErrors: errorsOf(oracleExpected), models };
}

function sumWhere(values: Float64Array, where: (k: number) => boolean): number {
  let sum = 0;
  for (let k = 0; k < values.length; k += 1) if (where(k)) sum += values[k]!;
  return sum;
}

function lastSampleAtOrBefore(times: Float64Array, at: number): number {
  let low = 0;
  let high = times.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (times[mid]! <= at) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** Every office of the plan under both policies, the models side by side. */
export function measureDecisionQuality(plan: QualityPlan): QualityFigures {
  const started = performance.now();
  const offices = plan.seeds.map((seed) => {
    const office = makeOffice(seed, plan.weeks);
    return { office, times: sampleTimes(seed, office.start, office.end) };
  });
  const policies = POLICIES.map((policy): PolicyFigures => {
    const runs = offices.map(({ office, times }) => runOffice(office, times, policy));
    const hours = (ms: number) => ms / HOUR_MS;
    const merge = (errors: readonly Record<Lead, number[]>[]) => {
      const all = emptyErrors();
      for (const e of errors) for (const lead of LEADS_HOURS) all[lead].push(...e[lead]);
      return all;
    };
    const sum = (pick: (r: OfficeRun) => number) => runs.reduce((total, r) => total + pick(r), 0);
    const models = {} as Record<ModelId, ModelFigures>;
    for (const model of MODELS) {
      models[model] = {
        floorHits: sum((r) => r.models[model].floorHits),
        recordedHours: hours(sum((r) => r.models[model].recordedMs)),
        lostHours: hours(sum((r) => r.models[model].lostMs)),
        extraHours: hours(sum((r) => r.models[model].extraMs)),
        errors: merge(runs.map((r) => r.models[model].errors)),
      };
    }
    return {
      policy,
      oracle: {
        recordedHours: hours(sum((r) => r.oracleRecordedMs)),
        floorHits: sum((r) => r.oracleFloorHits),
        forecastableHalts: sum((r) => r.halts),
        errors: merge(runs.map((r) => r.oracleErrors)),
      },
      models,
    };
  });
  return {
    weeks: plan.weeks,
    seeds: plan.seeds,
    samples: offices.reduce((total, o) => total + o.times.length, 0),
    outages: offices.reduce((total, o) => total + o.office.outages.length, 0),
    durationMs: performance.now() - started,
    policies,
  };
}
