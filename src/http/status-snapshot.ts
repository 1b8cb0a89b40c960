// Reads the one status snapshot (views/snapshot.ts) that the API, /admin and the status page render:
// the only place that gathers the gate, targets, volumes, overrides in force, alerts, silences and the
// outbox. Reads the engine, the alert pipeline and the store (I/O).
import type { Clock } from '../runtime/clock.js';
import type { AlertPipeline } from '../shell/alert-pipeline.js';
import type { Engine } from '../shell/engine.js';
import type { Store } from '../store/sqlite.js';
import type { HeldNotifications, OutboxSnapshot, StatusSnapshot } from '../views/snapshot.js';

/** Messages listed per kind (pending, given up): what a page shows, not the whole table. */
const OUTBOX_LISTED = 20;

const NOTHING_HELD: HeldNotifications = { count: 0, oldestAt: null };

export interface StatusSource {
  readonly engine: Pick<Engine, 'ready' | 'gate' | 'targetStates' | 'volumeStates' | 'activeOverrides'>;
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

export function statusReader(source: StatusSource): StatusReader {
  const { engine, alerting, store, clock } = source;
  return {
    status: () => ({
      at: clock.now(),
      ready: engine.ready,
      gate: engine.gate,
      targets: engine.targetStates,
      volumes: engine.volumeStates,
      overrides: engine.activeOverrides,
      alerting: alerting ? { alerts: alerting.alerts, silences: alerting.silences, held: alerting.heldInMemory } : null,
    }),
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
