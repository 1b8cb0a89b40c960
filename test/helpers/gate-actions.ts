// Fixtures for gate-action tests: gates in a given state, a logger whose lines the test can read, and
// GateActions on a real SQLite file with short retry timings. File I/O (SQLite).
import { pino, type Logger } from 'pino';
import type { ActionResult, ActionTuning, GateActionType } from '../../src/actions/action.js';
import { GateActions, type GateActionDeps } from '../../src/actions/runner.js';
import type { GateActionConfig } from '../../src/config/schema.js';
import type { Gate, GateStateName, ReasonCode } from '../../src/core/types.js';
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

export function gateAt(state: GateStateName, since: number, codes: readonly ReasonCode[] = state === 'halted' ? ['CENTRAL_UNREACHABLE'] : []): { gate: Gate } {
  return {
    gate: {
      state,
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
  readonly actions: GateActions;
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

/** As startActions, but not started yet: nothing acts until `actions.start()`. */
export function buildActions(configs: readonly GateActionConfig[], store: Store, deps: Partial<GateActionDeps> = {}): Harness {
  const { logger, lines } = captureLogs();
  const results: Harness['results'] = [];
  const actions = new GateActions(configs, {
    store,
    logger,
    clock: Date.now,
    random: () => 0.5,
    webhookSecret: SECRET,
    site: SITE,
    resumeAfterMs: 120_000,
    onResult: (type, result) => results.push({ type, result }),
    tuning: FAST,
    ...deps,
  });
  return {
    actions,
    logs: lines,
    results,
    count: (type, result) => results.filter((r) => r.type === type && r.result === result).length,
  };
}
