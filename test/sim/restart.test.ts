// Restart while halted, and a crash loop (issue 7), on virtual time: jaga in process, real central and
// SMTP servers on loopback, a crash as close to SIGKILL as one process allows (World.crash). The real
// SIGKILL smoke stays in test/faults/process.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hasReason } from '../helpers/jaga-process.js';
import { haltsOf, isResolved, officeConfig } from './office.js';
import { World } from './world.js';

describe('restart while halted, and a crash loop', () => {
  let w: World;
  before(async () => {
    w = await World.create({ config: (parts) => officeConfig(parts) });
    await w.start();
    await w.waitForGate((g) => g.state === 'allowed', 15_000, 'allowed');
  });
  after(() => w?.close());

  test('a clean restart while halted: halted at the first answer, with its reasons and since; no second email', async () => {
    await w.central.set('refuse');
    const { gate: halted } = await w.waitForGate((g) => hasReason(g, 'CENTRAL_UNREACHABLE'), 15_000, 'the halt');
    await w.clock.until(() => haltsOf(w).every((n) => n === 1), { virtualMs: 15_000, what: 'one halt email each' });
    await w.restart();
    assert.match(w.logs, /jaga stopped/);
    const first = await w.gate();
    assert.deepEqual([first.state, first.since, first.reasons.map((r) => r.code)], ['halted', halted.since, ['CENTRAL_UNREACHABLE']]);
    await w.clock.until(async () => (await w.fetch('/readyz')).status === 200, { virtualMs: 10_000, what: 'the first round' });
    await w.clock.advance(4_000);
    assert.deepEqual(haltsOf(w), [1, 1], 'still one halt email each');
  });

  test('a crash and restart five times in a row as an outage begins: one halt email per recipient', async () => {
    await w.central.set('ok');
    await w.waitForGate((g) => g.state === 'allowed', 15_000, 'recovery');
    await w.clock.until(() => w.smtp.received.filter(isResolved).length === 2, { virtualMs: 15_000, what: 'the resolved emails' });
    await w.clock.advance(3_000);
    const from = w.smtp.received.length;
    await w.central.set('refuse');
    for (const lifeMs of [300, 900, 1_600, 2_400, 3_500]) {
      await w.clock.advance(lifeMs);
      w.crash();
      await w.start();
    }
    await w.waitForGate((g) => hasReason(g, 'CENTRAL_UNREACHABLE'), 15_000, 'halted after the crash loop');
    await w.clock.until(() => haltsOf(w, from).every((n) => n >= 1), { virtualMs: 15_000, what: 'the halt email' });
    await w.clock.advance(5_000);
    assert.deepEqual(haltsOf(w, from), [1, 1], 'exactly one halt email per recipient, not one per restart');
    assert.equal(w.smtp.received.length, from + 2);
  });
});
