// Reads the one status snapshot (views/snapshot.ts) that the API, /admin and the status page render:
// the only place that gathers the gate, targets, volumes, backlog sources, heartbeats, overrides in
// force, alerts, silences and the outbox. Reads the engine, the alert pipeline and the store (I/O).
import type { Config } from '../config/schema.js';
import { canHalt } from '../core/data-at-risk.js';
import type { Clock } from '../runtime/clock.js';
import type { AlertPipeline } from '../shell/alert-pipeline.js';
import type { Engine } from '../shell/engine.js';
import { backlogPolicies } from '../shell/policy.js';
import type { Store } from '../store/sqlite.js';
import type { DataAtRiskSetup, HeldNotifications, OutboxSnapshot, StatusSnapshot } from '../views/snapshot.js';

/** Messages listed per kind (pending, given up): what a page shows, not the whole table. */
const OUTBOX_LISTED = 20;

const NOTHING_HELD: HeldNotifications = { count: 0, oldestAt: null };

export interface StatusSource {
  readonly engine: Pick<Engine, 'ready' | 'gate' | 'targetStates' | 'volumeStates' | 'backlogStates' | 'heartbeatStates' | 'isLate' | 'activeOverrides'>;
  /** The sources' types and what halts: config the engine's state does not carry (dataAtRiskSetup). */
  readonly dataAtRisk: DataAtRiskSetup;
  /** Null when the config has no `alerts` section. */
  readonly alerting: Pick<AlertPipeline, 'alerts' | 'silences' | 'heldInMemory'> | null;
  readonly store: Pick<Store, 'outbox'>;
  readonly clock: Pick<Clock, 'now'>;
}

/** The one way the audiences read jaga's state. */
export interface StatusReader {
  /** The live state, from memory only: cheap enough for every public page view. */
  status(): StatusSnapshot;
  /** The outbox as of `status`, with what the pipeline holds in memory: SQLite reads, for those who show it. */
  outbox(status: StatusSnapshot): OutboxSnapshot;
}

/** From the config: each backlog source's type and whether it may halt, each heartbeat's grace and halt. */
export function dataAtRiskSetup(config: Config): DataAtRiskSetup {
  const halting = new Set(backlogPolicies(config).filter(canHalt).map((p) => p.name));
  return {
    sources: config.backlog.sources.map((s) => ({ name: s.name, type: s.type, halting: halting.has(s.name) })),
    heartbeats: config.heartbeats.map((h) => ({ name: h.name, graceMs: h.grace, halt: h.halt })),
  };
}

/** The entry for `name`; the engine and the setup come from one config, so a missing one is a bug. */
function setupOf<T extends { readonly name: string }>(entries: readonly T[], name: string, what: string): Omit<T, 'name'> {
  const found = entries.find((e) => e.name === name);
  if (found === undefined) throw new Error(`no setup for ${what} "${name}"`);
  const { name: _name, ...setup } = found;
  return setup;
}

export function statusReader(source: StatusSource): StatusReader {
  const { engine, alerting, store, clock } = source;
  return {
    status: () => {
      const at = clock.now();
      return {
        at,
        ready: engine.ready,
        gate: engine.gate,
        targets: engine.targetStates,
        volumes: engine.volumeStates,
        backlogs: engine.backlogStates.map((b) => ({ ...b, ...setupOf(source.dataAtRisk.sources, b.name, 'backlog source') })),
        heartbeats: engine.heartbeatStates.map((h) => ({ ...h, ...setupOf(source.dataAtRisk.heartbeats, h.name, 'heartbeat'), late: engine.isLate(h, at) })),
        overrides: engine.activeOverrides,
        alerting: alerting ? { alerts: alerting.alerts, silences: alerting.silences, held: alerting.heldInMemory } : null,
      };
    },
    outbox(status) {
      const outbox = store.outbox;
      const givenUp = [...outbox.list({ status: 'failed', limit: OUTBOX_LISTED }), ...outbox.list({ status: 'expired', limit: OUTBOX_LISTED })];
      return {
        stats: outbox.stats(status.at),
        held: status.alerting?.held ?? NOTHING_HELD,
        pending: outbox.list({ status: 'pending', limit: OUTBOX_LISTED }),
        givenUp: givenUp.sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0)).slice(0, OUTBOX_LISTED),
      };
    },
  };
}
