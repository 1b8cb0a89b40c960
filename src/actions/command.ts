// The command gate action: on each transition, runs a program (no shell) with the gate in JAGA_GATE_* env,
// retried with backoff; a newer transition cancels an older run. I/O: processes, SQLite, logs; waits on the Clock.
import type { Logger } from 'pino';
import { retryDelayMs } from '../core/backoff.js';
import type { GateActionConfig } from '../config/schema.js';
import type { Gate } from '../core/types.js';
import type { GateMark } from '../store/gate-action-state.js';
import { describeTransition, markOf, transitionEvent, transitionOf, type ActionDeps, type GateAction, type GateTransition } from './action.js';
import { processBoundMs, startProcess, type ProcessOutcome, type RunningProcess } from '../runtime/process.js';
import { Wakeable } from '../runtime/wakeable.js';

type CommandConfig = Extract<GateActionConfig, { type: 'command' }>;

/** At shutdown, after the kill grace, how long to wait for a killed command's group to be gone. */
const STOP_REAP_MS = 2_000;

/** What the program finds in its environment, besides jaga's own (inherited as spawn does by default). */
export function gateEnvironment(t: GateTransition, site: string, resumeAfterMs: number): Record<string, string> {
  return {
    JAGA_GATE_STATE: t.to,
    JAGA_GATE_SINCE: new Date(t.gate.since).toISOString(),
    JAGA_GATE_REASONS: [...new Set(t.gate.reasons.map((r) => r.code))].join(','),
    /** The same JSON a webhook receives. */
    JAGA_GATE_JSON: transitionEvent(t, site, resumeAfterMs),
  };
}

export class CommandAction implements GateAction {
  private readonly logger: Logger;
  private readonly attempts: number;
  /** The state last asked for: being applied, or applied (loaded from the store on start). */
  private wanted: GateMark | null;
  private generation = 0;
  private chain: Promise<void> = Promise.resolve();
  private running: RunningProcess | null = null;
  /** The wait between attempts; a newer transition or stop() ends it early. */
  private readonly backoff: Wakeable;
  private stopping = false;

  constructor(
    private readonly config: CommandConfig,
    private readonly deps: ActionDeps,
  ) {
    this.logger = deps.logger.child({ action: 'command', command: config.command[0] });
    this.attempts = 1 + config.retries;
    this.wanted = deps.store.gateActionState.load(this.deps.key);
    this.backoff = new Wakeable(deps.clock);
  }

  update(gate: Gate, _now: number): void {
    if (this.stopping) return;
    const transition = transitionOf(this.wanted, gate, this.deps.site);
    if (transition === null) return;
    this.wanted = markOf(gate);
    const generation = ++this.generation;
    // Only the latest state matters: end the older run (or its backoff) before this one starts.
    this.running?.cancel();
    this.backoff.interrupt();
    this.chain = this.chain
      .then(() => this.apply(transition, generation))
      .catch((error: unknown) => this.logger.error({ err: error, transition: describeTransition(transition) }, 'command could not be run'));
  }

  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.backoff.interrupt();
    const settled = (ms: number): Promise<boolean> => this.deps.clock.within(this.chain.then(() => true), ms, () => false);
    if (await settled(graceMs)) return;
    this.running?.cancel();
    // Killing takes the SIGTERM grace; a process stuck in the kernel may not even die then: do not hang shutdown on it.
    if (!(await settled(this.deps.tuning.killGraceMs + STOP_REAP_MS))) {
      this.logger.warn('a command did not end at shutdown even after SIGKILL; leaving it');
    }
  }

  private async apply(t: GateTransition, generation: number): Promise<void> {
    const env = { ...process.env, ...gateEnvironment(t, this.deps.site, this.deps.resumeAfterMs) };
    for (let attempt = 1; ; attempt++) {
      if (generation !== this.generation || this.stopping) return;
      const spec = {
        command: [this.config.command[0] ?? '', ...this.config.command.slice(1)] as const,
        env,
        timeoutMs: this.config.timeout,
        killGraceMs: this.deps.tuning.killGraceMs,
      };
      const run = startProcess(spec);
      this.running = run;
      // The process bounds itself (its timeout, the kill grace): past that bound something is badly wrong.
      const outcome = await this.deps.clock.within(run.done, processBoundMs(spec), () => {
        this.logger.error({ transition: describeTransition(t), attempt }, 'command still running past its timeout and kill grace; waiting for it');
        return run.done;
      });
      this.running = null;
      const log = { transition: describeTransition(t), attempt, attempts: this.attempts, ...outcomeLog(outcome) };
      if (outcome.cancelled) {
        const why = generation !== this.generation ? 'a newer transition came' : 'jaga is stopping';
        this.logger.info({ ...log, result: 'cancelled' }, `command cancelled: ${why}`);
        return;
      }
      if (outcome.ok) {
        this.logger.info({ ...log, result: 'ok' }, 'command succeeded');
        this.deps.onResult('ok');
        this.handled(t);
        return;
      }
      const what = outcome.timedOut ? `command timed out after ${this.config.timeout} ms and was killed` : 'command failed';
      if (attempt >= this.attempts) {
        this.logger.error({ ...log, result: 'failed' }, `${what}; giving up`);
        this.deps.onResult('failed');
        this.handled(t);
        return;
      }
      const { retryInitialMs, retryMaxMs } = this.deps.tuning;
      const delayMs = retryDelayMs(attempt - 1, { retryInitialMs, retryMaxMs: Math.max(retryInitialMs, retryMaxMs / 10) }, this.deps.clock.random());
      this.logger.warn({ ...log, result: 'retry', retryInMs: delayMs }, `${what}; will retry`);
      this.deps.onResult('retry');
      await this.backoff.sleep(delayMs);
    }
  }

  /** Done with `t` (succeeded or given up): a restart need not run it again. */
  private handled(t: GateTransition): void {
    try {
      this.deps.store.gateActionState.save(this.deps.key, markOf(t.gate), this.deps.clock.now());
    } catch (error) {
      this.logger.error({ err: error }, 'cannot record the command as done; it runs again after a restart');
    }
  }
}

function outcomeLog(outcome: ProcessOutcome): Record<string, unknown> {
  return {
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    timedOut: outcome.timedOut,
    durationMs: outcome.durationMs,
    ...(outcome.error === null ? {} : { error: outcome.error }),
    ...(outcome.stderr === '' ? {} : { stderr: outcome.stderr }),
  };
}
