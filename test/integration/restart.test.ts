// Kill jaga with SIGKILL while halted: it comes back halted at once, with the same reasons and its
// history, before its first new probe round is in. Real process, real SQLite file.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fastCentral, fastStorage, httpTarget, tempVolume } from '../helpers/config.js';
import { FakeCentral } from '../helpers/fake-central.js';
import { hasReason, JagaProcess } from '../helpers/jaga-process.js';

let central: FakeCentral;
let jaga: JagaProcess;

before(async () => {
  central = await FakeCentral.start();
  jaga = await JagaProcess.create({
    central: fastCentral([httpTarget(central.url)], { failure_threshold: 2 }),
    storage: fastStorage([tempVolume()]),
    gate: { resume_after: '1s' },
  });
});

after(async () => {
  await jaga?.cleanup();
  await central?.close();
});

test('SIGKILL while halted: back halted with the same reasons and history', async () => {
  await jaga.start();
  await jaga.waitForGate((g) => g.state === 'allowed', 10_000, 'allowed');
  await central.set('refuse');
  const { gate: before } = await jaga.waitForGate((g) => hasReason(g, 'CENTRAL_UNREACHABLE'), 10_000, 'halt');
  const historyBefore = (await (await jaga.fetch('/api/v1/history')).json()) as { items: { id: number }[] };
  await jaga.kill();

  await jaga.start();
  // The very first answer, before any new probe could have finished, is the stored halt.
  const after = await jaga.gate();
  assert.equal(after.state, 'halted');
  assert.deepEqual(
    after.reasons.map((r) => [r.code, r.subject, r.since]),
    before.reasons.map((r) => [r.code, r.subject, r.since]),
  );
  assert.equal(after.since, before.since);
  const historyAfter = (await (await jaga.fetch('/api/v1/history')).json()) as { items: { id: number }[] };
  assert.deepEqual(
    historyAfter.items.slice(-historyBefore.items.length).map((i) => i.id),
    historyBefore.items.map((i) => i.id),
  );

  // Still halted after fresh probes (the central server is still refusing), with no new "halted" transition.
  await jaga.waitFor(async () => (await jaga.fetch('/readyz')).status === 200, 10_000, 'first round after restart');
  const settled = await jaga.gate();
  assert.equal(settled.state, 'halted');
  assert.equal(settled.since, before.since);

  await central.set('ok');
  await jaga.waitForGate((g) => g.state === 'allowed', 10_000, 'recovery after restart');
});

test('an override survives a restart and expires at its absolute time', async () => {
  const response = await jaga.adminFetch('/api/v1/overrides', {
    method: 'POST',
    body: JSON.stringify({ action: 'halt', reason: 'pemeliharaan', for: '4s' }),
  });
  assert.equal(response.status, 201);
  const { override } = (await response.json()) as { override: { id: string; expires_at: string } };
  await jaga.kill();
  await jaga.start();
  const gate = await jaga.gate();
  assert.equal(gate.state, 'halted');
  assert.ok(hasReason(gate, 'MANUAL_HALT'));
  assert.equal(gate.override?.id, override.id);
  const { at } = await jaga.waitForGate((g) => g.state === 'allowed', 15_000, 'the override to expire');
  assert.ok(at >= Date.parse(override.expires_at), 'not before its expiry');
});
