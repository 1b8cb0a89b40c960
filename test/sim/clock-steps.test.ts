// Wall-clock steps (issue 7) on virtual time: the wall clock jumps (FakeClock.stepWall) while monotonic
// time runs on, as NTP or a person steps it. No burst of probes or emails, no gate open on old results.
// The libfaketime smoke against a real process stays in test/faults/process.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hasReason } from '../helpers/jaga-process.js';
import { haltsOf, isResolved, officeConfig, probesOf } from './office.js';
import { World } from './world.js';

const HOUR_MS = 3_600_000;

describe('wall-clock steps: no burst of probes or emails', () => {
  let w: World;
  before(async () => {
    w = await World.create({ config: (parts) => officeConfig(parts) });
    await w.start();
    await w.waitForGate((g) => g.state === 'allowed', 15_000, 'allowed');
  });
  after(() => w?.close());

  /** Probes and gate answers over `ms` of virtual time, read every 200 ms. */
  async function watch(ms: number): Promise<{ probes: number; states: Set<string>; reasons: Set<string> }> {
    const first = await probesOf(w);
    const states = new Set<string>();
    const reasons = new Set<string>();
    for (let waited = 0; waited < ms; waited += 200) {
      const gate = await w.gate();
      states.add(gate.state);
      for (const r of gate.reasons) reasons.add(r.code);
      await w.clock.advance(200);
    }
    return { probes: (await probesOf(w)) - first, states, reasons };
  }

  test('two hours forward while healthy: probes keep their pace, the gate stays open, no email', async () => {
    const mails = w.smtp.received.length;
    w.clock.stepWall(2 * HOUR_MS);
    const seen = await watch(8_000);
    assert.ok(seen.probes >= 5 && seen.probes <= 10, `${seen.probes} probes in 8 s`);
    assert.deepEqual([...seen.states], ['allowed'], `no halt from probes that only look old: ${[...seen.reasons].join(',')}`);
    assert.equal(w.smtp.received.length, mails);
  });

  test('during an outage with the mail server refusing: a step forward and one back keep one halt email each, no repeat, no "resolved"; the outbox keeps its pace', async () => {
    await w.smtp.refuseService();
    await w.central.set('refuse');
    await w.waitForGate((g) => hasReason(g, 'CENTRAL_UNREACHABLE'), 15_000, 'the halt');
    await w.clock.advance(3_000); // the halt emails are queued and retried
    const connections = w.smtp.connections;
    w.clock.stepWall(2 * HOUR_MS); // two more hours: past repeat_interval (1h), and every retry "due"
    await w.clock.advance(5_000);
    const attempts = w.smtp.connections - connections;
    assert.ok(attempts <= 4, `${attempts} connection attempts in the 5 s after the step`);
    // Back by more than the alerts' age: their start would lie in the future.
    w.clock.stepWall(-15_000);
    await w.clock.advance(3_000);
    assert.equal((await w.gate()).state, 'halted');
    await w.smtp.start();
    await w.clock.until(() => haltsOf(w).every((n) => n >= 1), { virtualMs: 10_000, what: 'the halt emails, without waiting for the clock to catch up' });
    await w.clock.advance(5_000);
    assert.deepEqual(haltsOf(w), [1, 1], 'one halt email each: no repeat after the step forward');
    assert.equal(w.smtp.received.filter(isResolved).length, 0, 'no "resolved" after the step back');
  });

  test('after a step back the gate never stays open on old probe results', async () => {
    await w.central.set('ok');
    await w.waitForGate((g) => g.state === 'allowed', 30_000, 'recovery');
    w.clock.stepWall(-300_000); // five minutes back
    const seen = await watch(8_000);
    // Either probes go on (the scheduler coped) or the gate halts with PROBES_STALE; never open and blind.
    assert.ok(seen.probes >= 5 || seen.reasons.has('PROBES_STALE'), `${seen.probes} probes, reasons ${[...seen.reasons].join(',')}`);
  });

  test('probes keep their cadence after a step back', async () => {
    const seen = await watch(4_000);
    assert.ok(seen.probes >= 3, `${seen.probes} probes in 4 s`);
  });

  test('the steps neither stall the probes nor flood the log: no run skipped, one line per step', () => {
    const lines = w.logs.split('\n');
    const skipped = lines.filter((line) => line.includes('skipped this run')).length;
    assert.equal(skipped, 0, `${skipped} probe runs skipped`);
    // Four steps were made (two forward, two back): each is said once, not once per probe or second.
    const steps = lines.filter((line) => /the wall clock stepped (forward|back)/.test(line)).length;
    // On virtual time nothing lags (libfaketime re-reads its clock file once a second): exactly one each.
    assert.equal(steps, 4, `${steps} "the wall clock stepped" lines for 4 steps`);
  });
});
