// The one shape every gate action has, and what they share: telling a transition from the gate, its
// delivery id, and its event body (webhook body, JAGA_GATE_JSON). Pure (no I/O, no clock).
import type { Logger } from 'pino';
import type { GateActionConfig } from '../config/schema.js';
import type { Gate, GateStateName } from '../core/types.js';
import { gateView } from '../views/views.js';
import type { GateMark } from '../store/gate-action-state.js';
import type { Store } from '../store/sqlite.js';
import type { Clock } from '../runtime/clock.js';

export type GateActionType = GateActionConfig['type'];
export type ActionResult = 'ok' | 'retry' | 'failed';

/** How fast actions poll and retry. Defaults in runner.ts; tests shorten them. */
export interface ActionTuning {
  /** Webhook and command retries: doubling from this, with jitter... */
  readonly retryInitialMs: number;
  /** ...capped at this (webhooks; commands cap at a tenth of it, they retry a few times only). */
  readonly retryMaxMs: number;
  /** How often a webhook queue is looked at when nothing wakes it. */
  readonly pollMs: number;
  /** Between SIGTERM and SIGKILL of a command's process group. */
  readonly killGraceMs: number;
  /** A halt file that could not be written or removed is tried again after this. */
  readonly haltFileRetryMs: number;
  /** A halt file already right is checked again (and put back if someone changed it) this often. */
  readonly haltFileRecheckMs: number;
}

/** What every action shares with the runner that builds it. */
export interface ActionEnvironment {
  readonly store: Store;
  readonly logger: Logger;
  /** Wall-clock stamps, waits, retry jitter; in-flight work is awaited through clock.within. */
  readonly clock: Clock;
  /** JAGA_WEBHOOK_SECRET; the config refuses a webhook without it, so it is null only when none is configured. */
  readonly webhookSecret: string | null;
  /** Wakes the outbox sender: a webhook delivery was just written to the outbox. */
  readonly onQueued: () => void;
  /** Config `site`: in every event and delivery id, so a receiver serving many offices tells them apart. */
  readonly site: string;
  /** gate.resume_after: the events' `resuming_at`. */
  readonly resumeAfterMs: number;
}

/** What one action gets; `onResult` is already bound to the action's type. */
export interface ActionDeps extends ActionEnvironment {
  /** Stable across restarts and config reorders; names the action's row in gate_action_state. */
  readonly key: string;
  readonly tuning: ActionTuning;
  readonly onResult: (result: ActionResult) => void;
}

export interface GateAction {
  /** Called after every decision. Cheap when nothing changed; never throws; never waits for I/O. */
  update(gate: Gate, now: number): void;
  /** Stops retrying; waits up to `graceMs` for work in flight, then abandons or kills it. */
  stop(graceMs: number): Promise<void>;
}

export type ActionFactory<C extends GateActionConfig> = (config: C, deps: ActionDeps) => GateAction;

/** One state change of the gate, as actions hand it on. `from` is null for the first state ever handled. */
export interface GateTransition {
  /** Stable per transition (site, state, since): x-jaga-delivery, so receivers can dedupe. */
  readonly id: string;
  readonly from: GateStateName | null;
  readonly to: GateStateName;
  readonly gate: Gate;
}

export const markOf = (gate: Gate): GateMark => ({ state: gate.state, since: gate.since });

export const deliveryId = (site: string, mark: GateMark): string => `${site}:${mark.state}:${mark.since}`;

/**
 * The transition an action still has to handle, or null. Only a change of state counts: a gate in the
 * state last handled (even with a newer `since`, after it flipped and back unseen) tells nobody anything new.
 */
export function transitionOf(handled: GateMark | null, gate: Gate, site: string): GateTransition | null {
  if (handled !== null && handled.state === gate.state) return null;
  return { id: deliveryId(site, markOf(gate)), from: handled?.state ?? null, to: gate.state, gate };
}

/**
 * The event as JSON text: `{event, id, site, from, to}` followed by the public gate view (the same
 * fields as GET /api/v1/gate, Indonesian messages, no internal details).
 */
export function transitionEvent(t: GateTransition, site: string, resumeAfterMs: number): string {
  return JSON.stringify({
    event: 'gate.transition',
    id: t.id,
    site,
    from: t.from,
    to: t.to,
    ...gateView(t.gate, { language: 'id', internal: false, resumeAfterMs }),
  });
}

/** How a transition appears in logs. */
export const describeTransition = (t: GateTransition): Record<string, unknown> => ({
  id: t.id,
  from: t.from,
  to: t.to,
  since: new Date(t.gate.since).toISOString(),
  reasons: t.gate.reasons.map((r) => r.code),
});
