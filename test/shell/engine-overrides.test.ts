// The engine under many overrides, on a real SQLite file and a clock moved by hand: the cap on active overrides,
// what a transition stores (override ids, not copies), bounded log lines, and the database's size.
import assert from 'node:assert/strict';
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Engine, OverrideRefused } from '../../src/shell/engine.js';
import { MAX_ACTIVE_OVERRIDES } from '../../src/core/reasons.js';
import { Metrics } from '../../src/runtime/metrics.js';
import type { GatePolicy } from '../../src/core/gate.js';
import { openStore, type Store } from '../../src/store/sqlite.js';
import { captureLogs, type LogLine } from '../helpers/gate-actions.js';
import { DEFAULT_OFFICE_CALENDAR } from '../helpers/calendar.js';
import { tempStore, type TempStore } from '../helpers/temp-store.js';
import { mountTmpfs } from '../helpers/tmpfs.js';
import { ManualClock } from '../helpers/manual-clock.js';

const T0 = Date.UTC(2026, 0, 5, 8);
const USAGE = { sizeBytes: 1e9, freeBytes: 5e8, availBytes: 5e8, usedBytes: 5e8, usedRatio: 0.5, filesTotal: 1000, filesFree: 900, filesUsedRatio: 0.1 };

const POLICY: GatePolicy = {
  downWhen: 'any',
  onCentralDown: 'halt',
  bufferMinHours: 4,
  resumeAfterMs: 60_000,
  validForMs: 45_000,
  staleAfterMs: { central: 3_600_000, storage: 3_600_000 },
  volumes: [{ name: 'rekaman', warnRatio: 0.8, haltRatio: 0.9, resumeRatio: 0.85, floorRatio: 0.97, minFreeBytes: null, haltEtaMs: 3_600_000 }],
  backlogs: [],
  heartbeats: [],
};

let temp: TempStore;
let store: Store;
let engine: Engine;
let logs: LogLine[];
let clock: ManualClock;

/** An engine on `opened`, with one central target and one volume, both fine. */
function openEngine(opened: Store): void {
  store = opened;
  clock = new ManualClock(T0);
  const captured = captureLogs();
  logs = captured.lines;
  engine = new Engine(
    {
      targets: [{ name: 'pusat', kind: 'http', role: 'central' }],
      volumes: [{ name: 'rekaman', fillWindowMs: 600_000 }],
      backlogs: [],
      heartbeats: [],
      thresholds: { failureThreshold: 1, recoveryThreshold: 1 },
      policy: POLICY,
      calendar: DEFAULT_OFFICE_CALENDAR,
      sampleRetentionMs: 86_400_000,
      transitionRetentionMs: 30 * 86_400_000,
      snapshotEveryMs: 10_000,
      decisionEveryMs: 1_000,
    },
    { store, metrics: new Metrics({ version: 'test', targets: ['pusat'], volumes: ['rekaman'], alertmanager: false, alertChannels: ['email'], gateActionTypes: [], backlogSources: [], heartbeats: [] }), logger: captured.logger, clock },
  );
  observe(true);
  engine.tick();
}

beforeEach(() => {
  temp = tempStore('jaga-engine-overrides-');
  openEngine(temp.store);
});
afterEach(() => {
  engine.stop();
  temp.remove();
});

/** One round of results: the central target up or down, the volume fine. */
function observe(centralUp: boolean): void {
  const now = clock.now();
  engine.observeTarget('pusat', now, centralUp ? { ok: true, durationMs: 12, phases: {}, detail: '200' } : { ok: false, failure: 'refused', durationMs: 3, phases: {}, detail: '10.1.2.3:443 refused' });
  engine.observeVolume({ ok: true, durationMs: 1, deviceId: 7, ...USAGE, volume: 'rekaman', at: now });
}

const REASON = 'pemeliharaan server pusat, tiket '.padEnd(500, 'x');

/** `n` halt overrides, then `flips` changes of the central target (each one a transition while halted). */
function churn(n: number, flips: number): void {
  for (let i = 0; i < n; i++) {
    clock.pass(1_000);
    engine.createOverride({ action: 'halt', reason: REASON, expiresAt: null }, `operator-${i}`);
  }
  for (let i = 0; i < flips; i++) {
    clock.pass(1_000);
    observe(i % 2 === 1);
    engine.tick();
  }
}

function databaseBytes(): number {
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  return statSync(temp.file).size;
}

const active = (): number => engine.activeOverrides.length;

describe('the engine under many overrides', () => {
  test(`at most ${MAX_ACTIVE_OVERRIDES} active at once: the next is refused and not stored; lifted or expired ones make room`, () => {
    churn(MAX_ACTIVE_OVERRIDES - 1, 0);
    clock.pass(1_000);
    const expiring = engine.createOverride({ action: 'allow', reason: 'uji', expiresAt: clock.now() + 60_000 }, 'kabid');
    assert.equal(active(), MAX_ACTIVE_OVERRIDES);
    const stored = store.overrides.list().length;
    const audited = store.audit.list(1_000).length;
    assert.throws(
      () => engine.createOverride({ action: 'halt', reason: 'satu lagi', expiresAt: null }, 'ops'),
      (error: unknown) => error instanceof OverrideRefused && error.code === 'too_many_overrides' && /20 overrides are active/.test(error.message),
    );
    assert.equal(store.overrides.list().length, stored, 'nothing stored');
    assert.equal(store.audit.list(1_000).length, audited, 'nothing audited');
    assert.equal(active(), MAX_ACTIVE_OVERRIDES);

    const first = engine.activeOverrides.find((o) => o.action === 'halt');
    assert.ok(first);
    engine.liftOverride(first.id, 'ops');
    engine.createOverride({ action: 'halt', reason: 'setelah dicabut', expiresAt: null }, 'ops');
    assert.throws(() => engine.createOverride({ action: 'halt', reason: 'lagi', expiresAt: null }, 'ops'), OverrideRefused);
    clock.pass(expiring.expiresAt! - clock.now()); // expiry is exclusive: at this instant the allow override is over
    engine.createOverride({ action: 'halt', reason: 'setelah berakhir', expiresAt: null }, 'ops');
    assert.equal(active(), MAX_ACTIVE_OVERRIDES);
  });

  test('a transition stores override ids, not copies, and reads back with the same facts', () => {
    churn(MAX_ACTIVE_OVERRIDES, 2);
    const row = store.db.prepare('SELECT reasons_json FROM transitions ORDER BY id DESC LIMIT 1').pluck().get() as string;
    assert.ok(!row.includes('pemeliharaan'), 'no override reason text in the stored row');
    assert.ok(row.length < 2_500, `${row.length} bytes for ${MAX_ACTIVE_OVERRIDES} manual halts and a central outage`);
    const [latest] = store.transitions.list({ limit: 1 }).items;
    const manual = latest?.reasons.filter((r) => r.code === 'MANUAL_HALT') ?? [];
    assert.equal(manual.length, MAX_ACTIVE_OVERRIDES);
    assert.deepEqual(
      manual.map((r) => r.facts),
      engine.gate.reasons.filter((r) => r.code === 'MANUAL_HALT').map((r) => r.facts),
      'the history shows what the gate showed',
    );
    assert.deepEqual(manual.find((r) => r.facts.by === 'operator-19')?.facts, { by: 'operator-19', reason: REASON, expiresAt: null });
  });

  test(`${MAX_ACTIVE_OVERRIDES} overrides and 200 transitions keep the database small and every log line short`, () => {
    churn(MAX_ACTIVE_OVERRIDES, 200);
    assert.ok(store.transitions.list({ limit: 1000 }).items.length >= 200);
    const bytes = databaseBytes();
    // 3.0 MB before overrides were stored by id; about 0.65 MB after.
    assert.ok(bytes < 1024 * 1024, `${bytes} bytes`);
    const longest = Math.max(...logs.map((l) => JSON.stringify(l).length));
    // 13.6 KB before (every reason with its facts); each line now lists at most 10 reasons.
    assert.ok(longest < 8 * 1024, `${longest} bytes in the longest log line`);
    const long = logs.filter((l) => /^gate (halted|reasons changed)/.test(l.msg) && Number(l.reasonCount) > 10);
    assert.ok(long.length >= 200, `${long.length} transitions with more than 10 reasons`);
    for (const line of long) {
      assert.match(line.msg, new RegExp(` and ${Number(line.reasonCount) - 10} more$`));
      assert.equal((line.reasons as unknown[]).length, 10);
    }
  });
});

/** Writes files of each size in turn until the filesystem says ENOSPC. */
function fill(into: string, sizes: readonly number[]): void {
  let count = 0;
  for (const size of sizes) {
    for (;;) {
      try {
        writeFileSync(join(into, `filler-${count++}`), Buffer.alloc(size, 1));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        break;
      }
    }
  }
}

describe('an override on a full state disk', () => {
  test('is refused (store_unavailable), not applied, counted; once there is room it is taken', () => {
    // Needs root, like every tmpfs test: where mount is refused this fails loudly, it never skips.
    const disk = mountTmpfs('size=2m');
    const previous = { engine, store };
    try {
      openEngine(openStore(join(disk.dir, 'jaga.db')));
      churn(1, 4); // the database has pages and a WAL in use
      const stored = store.overrides.list().length;
      fill(disk.dir, [64 * 1024, 4 * 1024, 512]);
      let refusal: unknown;
      // SQLite reuses free pages of the WAL: a few writes may still fit; a full disk refuses within a few.
      for (let i = 0; i < 50 && refusal === undefined; i++) {
        try {
          clock.pass(1_000);
          engine.createOverride({ action: 'halt', reason: `penuh ${i}`, expiresAt: null }, 'ops');
        } catch (error) {
          refusal = error;
        }
      }
      assert.ok(refusal instanceof OverrideRefused, String(refusal));
      assert.equal(refusal.code, 'store_unavailable');
      assert.match(refusal.message, /SQLITE_FULL/);
      const taken = store.overrides.list().length - stored;
      assert.equal(engine.activeOverrides.length, 1 + taken, 'the refused override is not in force');
      assert.ok(!engine.gate.reasons.some((r) => r.facts.reason === `penuh ${taken}`), 'and not in the gate');
      assert.ok(logs.some((l) => l.level === 50 && /cannot write the state database/.test(l.msg)), 'logged like any store failure');

      for (const name of readdirSync(disk.dir)) if (name.startsWith('filler-')) rmSync(join(disk.dir, name));
      clock.pass(1_000);
      const override = engine.createOverride({ action: 'halt', reason: 'ada ruang lagi', expiresAt: null }, 'ops');
      assert.equal(store.overrides.get(override.id)?.reason, 'ada ruang lagi');
    } finally {
      engine.stop();
      store.close();
      disk.remove();
      ({ engine, store } = previous);
    }
  });
});
