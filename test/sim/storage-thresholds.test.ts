// Storage thresholds on virtual time: jaga in process watching a real, size-limited tmpfs (root only;
// fails loudly where mount is not permitted): halt past halt_ratio, hysteresis between resume_ratio
// and halt_ratio, resume below resume_ratio, the floor that no override lifts, read-only remount and
// unmount. The real-process smoke stays in test/integration/storage.test.ts.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fastCentral, fastStorage, httpTarget } from '../helpers/config.js';
import { hasReason } from '../helpers/jaga-process.js';
import { mountTmpfs, type Tmpfs } from '../helpers/tmpfs.js';
import { readVolume, VOLUME } from './storage-office.js';
import { World } from './world.js';

const MiB = 1024 * 1024;
const RESUME_AFTER_MS = 1_000;
/** Virtual time any of these changes may take to show: the volume is probed every second. */
const SEEN_WITHIN_MS = 10_000;

describe('storage thresholds on an 8 MiB tmpfs, on virtual time', () => {
  let volume: Tmpfs;
  let w: World;

  const fill = (name: string, mib: number) => writeFileSync(join(volume.dir, name), Buffer.alloc(mib * MiB, 1));
  const remove = (name: string) => rmSync(join(volume.dir, name));
  const usedRatio = async (): Promise<number> => (await readVolume(w)).used_ratio ?? NaN;
  const waitForUsage = (predicate: (ratio: number) => boolean, what: string) =>
    w.clock.until(async () => predicate(await usedRatio()), { virtualMs: SEEN_WITHIN_MS, what });

  before(async () => {
    volume = mountTmpfs('size=8m');
    w = await World.create({
      config: ({ central }) => ({
        central: fastCentral([httpTarget(central.url)]),
        storage: fastStorage([
          { name: VOLUME, path: volume.dir, warn_ratio: 0.4, halt_ratio: 0.5, resume_ratio: 0.3, floor_ratio: 0.8, fill_window: '3s', require_mount_point: true },
        ]),
        gate: { resume_after: `${RESUME_AFTER_MS}ms` },
      }),
    });
    await w.start();
    await w.waitForGate((g) => g.state === 'allowed', SEEN_WITHIN_MS, 'the gate to open');
  });

  after(async () => {
    await w?.close();
    volume?.remove();
  });

  test('past halt_ratio: halted with STORAGE_CRITICAL and the numbers', async () => {
    fill('a', 2);
    fill('b', 2);
    fill('c', 0.5); // 4.5 MiB of 8: 0.5625
    const { gate } = await w.waitForGate((g) => hasReason(g, 'STORAGE_CRITICAL'), SEEN_WITHIN_MS, 'STORAGE_CRITICAL');
    assert.equal(gate.state, 'halted');
    const reason = gate.reasons.find((r) => r.code === 'STORAGE_CRITICAL');
    assert.equal(reason?.subject, VOLUME);
    assert.ok(Math.abs((reason?.facts.usedRatio as number) - 0.5625) < 0.01, JSON.stringify(reason?.facts));
    assert.equal(reason?.facts.haltRatio, 0.5);
  });

  test('between resume_ratio and halt_ratio it stays halted (hysteresis)', async () => {
    remove('b'); // 2.5 MiB: 0.3125
    await waitForUsage((r) => r > 0.3 && r < 0.5, 'usage between the thresholds');
    // Longer than resume_after, with fresh observations all along: still halted.
    const seenAt = (await readVolume(w)).last_probe_at;
    await w.clock.advance(RESUME_AFTER_MS + 2_000);
    const probedAt = (await readVolume(w)).last_probe_at;
    assert.ok(seenAt !== null && probedAt !== null && Date.parse(probedAt) >= Date.parse(seenAt) + RESUME_AFTER_MS + 1_000, `probed at ${seenAt}, then ${probedAt}`);
    const gate = await w.gate();
    assert.equal(gate.state, 'halted');
    assert.ok(hasReason(gate, 'STORAGE_CRITICAL'));
  });

  test('below resume_ratio it resumes after resume_after', async () => {
    remove('c'); // 2 MiB: 0.25
    const { gate, tookMs } = await w.waitForGate((g) => g.state === 'allowed', SEEN_WITHIN_MS, 'resume');
    assert.deepEqual(gate.reasons, []);
    assert.ok(tookMs >= RESUME_AFTER_MS, `resumed after ${tookMs} ms, not before resume_after`);
  });

  test('past floor_ratio an allow override does not open the gate', async () => {
    fill('d', 5); // 7 MiB: 0.875
    await w.waitForGate((g) => hasReason(g, 'STORAGE_FLOOR'), SEEN_WITHIN_MS, 'STORAGE_FLOOR');
    const response = await w.adminFetch('/api/v1/overrides', {
      method: 'POST',
      body: JSON.stringify({ action: 'allow', reason: 'uji override', for: '10m' }),
    });
    assert.equal(response.status, 201);
    const gate = await w.gate();
    assert.equal(gate.state, 'halted');
    assert.deepEqual(gate.reasons.map((r) => r.code), ['STORAGE_FLOOR']);
    assert.ok(gate.overridden.some((r) => r.code === 'STORAGE_CRITICAL'), 'the critical reason is lifted, the floor is not');
    assert.equal(gate.override?.action, 'allow');
    const created = (await response.json()) as { override: { id: string } };
    assert.equal((await w.adminFetch(`/api/v1/overrides/${created.override.id}`, { method: 'DELETE' })).status, 200);
    remove('d');
    await w.waitForGate((g) => g.state === 'allowed', SEEN_WITHIN_MS, 'resume after emptying');
  });

  test('a read-only remount halts with VOLUME_UNAVAILABLE (write probe), and clears when writable', async () => {
    volume.remount('ro');
    const { gate } = await w.waitForGate((g) => hasReason(g, 'VOLUME_UNAVAILABLE'), SEEN_WITHIN_MS, 'VOLUME_UNAVAILABLE');
    assert.equal(gate.reasons.find((r) => r.code === 'VOLUME_UNAVAILABLE')?.facts.failure, 'write_failed');
    volume.remount('rw');
    await w.waitForGate((g) => g.state === 'allowed', SEEN_WITHIN_MS, 'writable again');
  });

  test("an unmounted volume halts with VOLUME_UNAVAILABLE, never with the parent filesystem's numbers", async () => {
    const before = await usedRatio();
    volume.unmount();
    const { gate } = await w.waitForGate((g) => hasReason(g, 'VOLUME_UNAVAILABLE'), SEEN_WITHIN_MS, 'not mounted');
    assert.equal(gate.reasons.find((r) => r.code === 'VOLUME_UNAVAILABLE')?.facts.failure, 'not_mounted');
    assert.equal(await usedRatio(), before, "the last trustworthy numbers stay; the parent filesystem's are not reported");
  });
});
