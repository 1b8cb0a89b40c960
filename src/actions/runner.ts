// The gate actions of the config, built from one table (config type -> action) when started, handed
// every decision and stopped together. No I/O of its own; the actions do theirs.
import type { GateActionConfig } from '../config/schema.js';
import type { Gate } from '../core/types.js';
import type { ActionEnvironment, ActionFactory, ActionResult, ActionTuning, GateAction, GateActionType } from './action.js';
import { CommandAction } from './command.js';
import { HaltFileAction } from './halt-file.js';
import { WebhookAction } from './webhook.js';

/** The mapped type makes the compiler reject a schema variant without an action, and the reverse. */
export const gateActionKinds: { [K in GateActionType]: ActionFactory<Extract<GateActionConfig, { type: K }>> } = {
  halt_file: (config, deps) => new HaltFileAction(config, deps),
  webhook: (config, deps) => new WebhookAction(config, deps),
  command: (config, deps) => new CommandAction(config, deps),
};

export const DEFAULT_TUNING: ActionTuning = {
  retryInitialMs: 1_000,
  retryMaxMs: 5 * 60_000,
  pollMs: 1_000,
  killGraceMs: 2_000,
  haltFileRetryMs: 5_000,
  haltFileRecheckMs: 60_000,
};

export interface GateActionDeps extends ActionEnvironment {
  readonly onResult: (type: GateActionType, result: ActionResult) => void;
  readonly tuning?: Partial<ActionTuning>;
}

/** Names an action's row in gate_action_state: what it acts on, so reordering the config changes nothing. */
export function actionKey(config: GateActionConfig): string {
  switch (config.type) {
    case 'halt_file':
      return `halt_file ${config.path}`;
    case 'webhook':
      return `webhook ${config.url}`;
    case 'command':
      return `command ${JSON.stringify(config.command)}`;
  }
}

export class GateActions {
  private readonly actions: GateAction[] = [];
  private started = false;
  private stopped = false;

  constructor(
    private readonly configs: readonly GateActionConfig[],
    private readonly deps: GateActionDeps,
  ) {}

  /**
   * Builds the actions, which start acting (a webhook's queue sends what an earlier run left pending).
   * Separate from construction so that the composition root can start them only once jaga listens:
   * a start that fails must not have acted on anything.
   */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    const { configs, deps } = this;
    const tuning = { ...DEFAULT_TUNING, ...deps.tuning };
    if (deps.webhookSecret === null && configs.some((c) => c.type === 'webhook')) {
      deps.logger.warn('JAGA_WEBHOOK_SECRET is not set: webhook deliveries go out without an x-jaga-signature header');
    }
    const keys = new Set<string>();
    for (const config of configs) {
      const key = actionKey(config);
      if (keys.has(key)) {
        // Two equal entries would share one row of state (and a webhook's queue): run it once.
        deps.logger.warn({ action: config.type }, 'the same gate action is configured twice; running it once');
        continue;
      }
      keys.add(key);
      // TypeScript cannot correlate `config.type` with the entry it picks; the table's type guarantees it.
      const build = gateActionKinds[config.type] as ActionFactory<GateActionConfig>;
      this.actions.push(build(config, { ...deps, key, tuning, onResult: (result) => deps.onResult(config.type, result) }));
    }
  }

  /** Hands the gate to every action (none before start()). Called after every decision; cheap when nothing changed. */
  update(view: { readonly gate: Gate }): void {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    for (const action of this.actions) {
      try {
        action.update(view.gate, now);
      } catch (error) {
        // A bug in one action must not stop the decision loop or the other actions.
        this.deps.logger.error({ err: error }, 'gate action failed to take the gate');
      }
    }
  }

  /** Stops every action, each waiting up to `graceMs` for what it has in flight. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    await Promise.all(this.actions.map((a) => a.stop(graceMs)));
  }
}
