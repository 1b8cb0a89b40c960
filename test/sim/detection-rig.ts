// Detection on virtual time, timeouts included: the real Scheduler, the real Engine and the real target
// job (shell/retries.ts) wired from a parsed config as main.ts wires them, with one simulated central
// target whose blackholed probe takes its whole timeout in virtual time (in the in-process world a
// probe's timeout runs on real timers, so it takes no virtual time there). Does file I/O (a temp store).
import { pino } from 'pino';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import type { ProbeResult } from '../../src/core/types.js';
import { Metrics } from '../../src/runtime/metrics.js';
import { Engine } from '../../src/shell/engine.js';
import { gatePolicy, officeCalendar, probeJitterMs, targetRetryMs } from '../../src/shell/policy.js';
import { targetJob } from '../../src/shell/retries.js';
import { Scheduler } from '../../src/shell/scheduler.js';
import { tempStore, type TempStore } from '../helpers/temp-store.js';
import { FakeClock } from './fake-clock.js';
import { virtualWorkClock } from './virtual-work.js';

export type CentralAnswer = 'ok' | 'refused' | 'blackhole';

export const TARGET = 'pusat';
/** How long a good answer and a refusal take, in virtual ms. */
export const OK_MS = 40;
export const REFUSED_MS = 2;

/** What a probe of the simulated central does, by the answer set when it starts. */
function simulatedProbe(clock: FakeClock, answer: () => CentralAnswer, timeoutMs: number, starts: number[]): (signal: AbortSignal) => Promise<ProbeResult> {
  return async (signal) => {
    const started = clock.monotonic();
    starts.push(started);
    const mode = answer();
    const tookMs = mode === 'ok' ? OK_MS : mode === 'refused' ? REFUSED_MS : timeoutMs;
    await clock.sleep(tookMs, signal);
    const durationMs = clock.monotonic() - started;
    if (mode === 'ok') return { ok: true, durationMs, phases: {}, detail: 'HTTP 200' };
    if (mode === 'refused') return { ok: false, failure: 'refused', durationMs, phases: {}, detail: '127.0.0.1:443 refused' };
    return { ok: false, failure: 'timeout', durationMs, phases: {}, detail: `no answer within ${timeoutMs} ms` };
  };
}

export class DetectionRig {
  private answerNow: CentralAnswer = 'ok';
  /** Virtual (monotonic) start of every probe of the target. */
  readonly probeStarts: number[] = [];
  /** What the scheduler's hooks reported: nothing, in every scenario here. */
  readonly problems: string[] = [];
  readonly engine: Engine;
  private readonly scheduler: Scheduler;

  private constructor(
    readonly clock: FakeClock,
    readonly config: Config,
    private readonly temp: TempStore,
  ) {
    const clockOf = virtualWorkClock(clock);
    const timeoutMs = config.central.timeout;
    this.engine = new Engine(
      {
        targets: [{ name: TARGET, kind: 'http', role: 'central' }],
        volumes: [],
        backlogs: [],
        heartbeats: [],
        thresholds: { failureThreshold: config.central.failure_threshold, recoveryThreshold: config.central.recovery_threshold },
        // The gate on the central target alone: the volume the config must name is not measured here.
        policy: { ...gatePolicy(config), volumes: [] },
        sampleRetentionMs: config.store.sample_retention,
        transitionRetentionMs: config.store.transition_retention,
        snapshotEveryMs: 10_000,
        decisionEveryMs: 1_000,
        calendar: officeCalendar(config),
      },
      {
        store: temp.store,
        metrics: new Metrics({ version: 'test', targets: [TARGET], volumes: [], alertmanager: false, alertChannels: [], gateActionTypes: [], backlogSources: [], heartbeats: [] }),
        logger: pino({ level: 'silent' }),
        clock: clockOf,
      },
    );
    const job = targetJob(
      {
        name: TARGET,
        timeoutMs,
        retryMs: targetRetryMs(config),
        probe: simulatedProbe(clock, () => this.answerNow, timeoutMs, this.probeStarts),
        observe: (at, result) => this.engine.observeTarget(TARGET, at, result),
      },
      clockOf,
    );
    this.scheduler = new Scheduler(
      [{ name: 'central', expression: config.central.schedule, jobs: [job], jitterMs: probeJitterMs(config.central.schedule, timeoutMs) }],
      {
        onSkipped: (key) => this.problems.push(`${key} skipped`),
        onJobError: (key, error) => this.problems.push(`${key}: ${String(error)}`),
        onOverdue: (key) => this.problems.push(`${key} overdue`),
      },
      clockOf,
    );
  }

  /** A rig on the `central` keys given (the rest defaults), started at a whole minute of wall time. */
  static create(central: Record<string, unknown> = {}, seed = 1): DetectionRig {
    const raw = {
      data_dir: '/var/lib/jaga',
      central: { targets: [{ name: TARGET, type: 'http', url: 'http://127.0.0.1:9/health' }], ...central },
      storage: { volumes: [{ name: 'rekaman', path: '/srv/rekaman' }] },
    };
    const config = parseConfig(stringify(raw), 'jaga.yaml', {});
    const clock = new FakeClock({ startWallMs: Date.UTC(2026, 0, 5, 8), seed });
    return new DetectionRig(clock, config, tempStore('jaga-detection-'));
  }

  start(): void {
    this.scheduler.start();
    this.engine.start();
  }

  answer(mode: CentralAnswer): void {
    this.answerNow = mode;
  }

  get status(): string {
    return this.engine.targetStates.find((t) => t.name === TARGET)?.status ?? 'missing';
  }

  /** Advances virtual time until `predicate` holds, checked at every instant something fires; the ms it took. */
  until(predicate: () => boolean, virtualMs: number, what: string): Promise<number> {
    return this.clock.until(predicate, { virtualMs, what, describe: () => `target ${this.status}, gate ${this.engine.gate.state}` });
  }

  async stop(): Promise<void> {
    const stopping = this.scheduler.stop(0);
    // The grace of 0 ms is a sleep on virtual time.
    await this.clock.advance(0);
    await stopping;
    this.engine.stop();
    this.temp.remove();
  }
}
