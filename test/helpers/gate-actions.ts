// Fixtures for gate-action tests: gates in a given state, a logger whose lines the test can read, and
// GateActions on a real SQLite file with short retry timings, with the outbox sender that sends their webhooks. File I/O (SQLite).
import { pino, type Logger } from 'pino';
import type { ActionResult, ActionTuning, GateActionType } from '../../src/actions/action.js';
import { GateActions, type GateActionDeps } from '../../src/actions/runner.js';
import { createWebhookNotifier, WEBHOOK_CHANNEL } from '../../src/actions/webhook.js';
import { OutboxSender } from '../../src/outbox/sender.js';
import type { GateActionConfig } from '../../src/config/schema.js';
import type { Gate, GateStateName, ReasonCode } from '../../src/core/types.js';
import { systemClock, type Clock } from '../../src/runtime/clock.js';
import type { Store } from '../../src/store/sqlite.js';

export const SECRET = 'rahasia-uji-0123456789';
export const SITE = 'palangkaraya';

export const FAST: ActionTuning = {
  retryInitialMs: 50,
  retryMaxMs: 400,
  pollMs: 25,
  killGraceMs: 300,
  haltFileRetryMs: 100,
  haltFileRecheckMs: 200,
};

/** Real time (actions run real processes and files), with the retry jitter pinned to its middle. */
export const ACTIONS_CLOCK: Clock = { ...systemClock, random: () => 0.5 };

export function gateAt(state: GateStateName, since: number, codes: readonly ReasonCode[] = state === 'halted' ? ['CENTRAL_UNREACHABLE'] : []): { gate: Gate } {
  return {
    gate: {
      state,
      mode: 'normal',
      buffering: null,
      forecast: null,
      since,
      reasons: codes.map((code) => ({ code, subject: 'central', since, facts: { detail: '10.1.2.3:443 refused' } })),
      overridden: [],
      clearSince: null,
      decidedAt: since,
      validUntil: since + 45_000,
      override: null,
    },
  };
}

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

export function captureLogs(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

export interface Harness {
  readonly actions: WiredActions;
  readonly logs: LogLine[];
  readonly results: { type: GateActionType; result: ActionResult }[];
  count(type: GateActionType, result: ActionResult): number;
}

/** GateActions with FAST timings on `store`, started; `deps` overrides (clock, secret, tuning, ...). */
export function startActions(configs: readonly GateActionConfig[], store: Store, deps: Partial<GateActionDeps> = {}): Harness {
  const harness = buildActions(configs, store, deps);
  harness.actions.start();
  return harness;
}

/** GateActions and, wired as main.ts wires them, the outbox sender that sends their webhooks. */
export interface WiredActions {
  start(): void;
  update(view: { readonly gate: Gate }): void;
  stop(graceMs: number): Promise<void>;
}

/** As startActions, but not started yet: nothing acts until `actions.start()`. */
export function buildActions(configs: readonly GateActionConfig[], store: Store, deps: Partial<GateActionDeps> = {}): Harness {
  const { logger, lines } = captureLogs();
  const results: Harness['results'] = [];
  const clock = deps.clock ?? ACTIONS_CLOCK;
  const tuning = { ...FAST, ...deps.tuning };
  const webhooks = createWebhookNotifier({
    secret: deps.webhookSecret === undefined ? SECRET : deps.webhookSecret,
    backoff: { retryInitialMs: tuning.retryInitialMs, retryMaxMs: tuning.retryMaxMs },
    clock,
  });
  const sender = new OutboxSender(store.outbox, { [WEBHOOK_CHANNEL]: webhooks }, {
    clock,
    logger,
    pollMs: tuning.pollMs,
    onResult: (_channel, result) => results.push({ type: 'webhook', result: result as ActionResult }),
  });
  const gateActions = new GateActions(configs, {
    store,
    logger,
    clock,
    webhookSecret: SECRET,
    site: SITE,
    resumeAfterMs: 120_000,
    onResult: (type, result) => results.push({ type, result }),
    onQueued: () => sender.kick(),
    ...deps,
    tuning,
  });
  const actions: WiredActions = {
    start() {
      gateActions.start();
      sender.start();
    },
    update: (view) => gateActions.update(view),
    async stop(graceMs) {
      await gateActions.stop(graceMs);
      await sender.stop(graceMs);
      await webhooks.close();
    },
  };
  return {
    actions,
    logs: lines,
    results,
    count: (type, result) => results.filter((r) => r.type === type && r.result === result).length,
  };
}
