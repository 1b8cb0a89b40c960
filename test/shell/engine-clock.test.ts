// The engine on virtual time (test/sim/fake-clock.ts): it decides every second on the clock, one decision
// for all results of one turn, and after a wall-clock step its resume_after countdown keeps its real length.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { pino } from 'pino';
import type { GatePolicy } from '../../src/core/gate.js';
import type { ProbeResult } from '../../src/core/types.js';
import { Metrics } from '../../src/runtime/metrics.js';
import { Engine, type DecisionView } from '../../src/shell/engine.js';
import { DEFAULT_OFFICE_CALENDAR } from '../helpers/calendar.js';
import { tempStore, type TempStore } from '../helpers/temp-store.js';
import { FakeClock } from '../sim/fake-clock.js';

const W = Date.UTC(2026, 0, 5, 8);
const HOUR = 3_600_000;
const USAGE = { sizeBytes: 1e9, freeBytes: 5e8, availBytes: 5e8, usedBytes: 5e8, usedRatio: 0.5, filesTotal: 1000, filesFree: 900, filesUsedRatio: 0.1 };
const UP: ProbeResult = { ok: true, durationMs: 12, phases: {}, detail: '200' };
const DOWN: ProbeResult = { ok: false, failure: 'refused', durationMs: 3, phases: {}, detail: '10.1.2.3:443 refused' };

const POLICY: GatePolicy = {
  downWhen: 'any',
  onCentralDown: 'halt',
  bufferMinHours: 4,
  resumeAfterMs: 60_000,
  validForMs: 45_000,
  staleAfterMs: { central: 3 * HOUR, storage: 3 * HOUR },
  volumes: [{ name: 'rekaman', warnRatio: 0.8, haltRatio: 0.9, resumeRatio: 0.85, floorRatio: 0.97, minFreeBytes: null, haltEtaMs: 3_600_000 }],
  backlogs: [],
  heartbeats: [],
};

let temp: TempStore;
let clock: FakeClock;
let engine: Engine;
let decisions: DecisionView[];

beforeEach(() => {
  temp = tempStore('jaga-engine-clock-');
  clock = new FakeClock({ startWallMs: W });
  decisions = [];
  engine = new Engine(
    {
      targets: [
        { name: 'pusat', kind: 'http', role: 'central' },
        { name: 'cadangan', kind: 'http', role: 'central' },
      ],
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
    {
      store: temp.store,
      metrics: new Metrics({ version: 'test', targets: ['pusat', 'cadangan'], volumes: ['rekaman'], alertmanager: false, alertChannels: ['email'], gateActionTypes: [], backlogSources: [], heartbeats: [] }),
      logger: pino({ level: 'silent' }),
      clock,
      afterDecision: (view) => decisions.push(view),
    },
  );
});
afterEach(() => {
  engine.stop();
  temp.remove();
});

/** One round of results, all in one turn. */
function observe(central: ProbeResult): void {
  engine.observeTarget('pusat', clock.now(), central);
  engine.observeTarget('cadangan', clock.now(), central);
  engine.observeVolume({ ok: true, durationMs: 1, deviceId: 7, ...USAGE, volume: 'rekaman', at: clock.now() });
}

test('one decision for all results of one turn, then one every second on the clock', async () => {
  observe(UP);
  await clock.advance(0);
  assert.equal(decisions.length, 1, 'three first results, one decision');
  assert.equal(engine.gate.state, 'allowed');
  // Results that complete in separate callbacks of one turn (as probe sockets do) share a decision too.
  engine.observeTarget('pusat', clock.now(), DOWN);
  await new Promise((resolve) => setImmediate(resolve));
  engine.observeTarget('cadangan', clock.now(), DOWN);
  await clock.advance(0);
  assert.equal(decisions.length, 2, 'two changes in two callbacks, one decision');
  assert.equal(engine.gate.state, 'halted');
  engine.start();
  await clock.advance(5_000);
  assert.equal(decisions.length, 2 + 5);
  engine.stop();
  await clock.advance(5_000);
  assert.equal(decisions.length, 2 + 5, 'nothing after stop');
});

const steps: { name: string; stepMs: number }[] = [
  { name: 'two hours forward', stepMs: 2 * HOUR },
  { name: 'ten minutes back', stepMs: -10 * 60_000 },
];
for (const { name, stepMs } of steps) {
  test(`resume_after lasts its real 60 s across a step of the wall clock: ${name}`, async () => {
    engine.start();
    observe(DOWN);
    await clock.advance(1_000);
    assert.equal(engine.gate.state, 'halted');
    observe(UP);
    await clock.advance(1_000);
    const clearSince = engine.gate.clearSince;
    assert.equal(clearSince, W + 1_000, 'counting down since the central server answered');
    clock.stepWall(stepMs);
    await clock.advance(1_000);
    assert.equal(decisions.at(-1)?.clockStepMs, stepMs, 'the step is handed on to the alert pipeline');
    assert.equal(engine.gate.clearSince, clearSince + stepMs, 'the countdown moved with the step');
    assert.equal(engine.gate.state, 'halted');
    // 60 s after the all-clear by the time that really passed: 2 s have, 58 s to go.
    await clock.advance(57_000);
    assert.equal(engine.gate.state, 'halted', '1 s before resume_after is over');
    await clock.advance(1_000);
    assert.equal(engine.gate.state, 'allowed');
  });
}
