// jaga as a real process watching a real, size-limited tmpfs volume (root only; fails loudly where
// mount is not permitted): the smoke that a real process halts past halt_ratio and resumes below
// resume_ratio. Every threshold, the floor, remount and unmount: test/sim/storage-thresholds.test.ts.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FakeCentral } from '../helpers/fake-central.js';
import { hasReason, JagaProcess } from '../helpers/jaga-process.js';
import { mountTmpfs, type Tmpfs } from '../helpers/tmpfs.js';
import { fastCentral, fastStorage, httpTarget } from '../helpers/config.js';

const MiB = 1024 * 1024;

describe('storage thresholds on an 8 MiB tmpfs, in a real process', () => {
  let volume: Tmpfs;
  let central: FakeCentral;
  let jaga: JagaProcess;

  before(async () => {
    volume = mountTmpfs('size=8m');
    central = await FakeCentral.start();
    jaga = await JagaProcess.create({
      central: fastCentral([httpTarget(central.url)]),
      storage: fastStorage([{ name: 'rekaman', path: volume.dir, warn_ratio: 0.4, halt_ratio: 0.5, resume_ratio: 0.3, floor_ratio: 0.8, require_mount_point: true }]),
      gate: { resume_after: '500ms' },
    });
    await jaga.start();
    await jaga.waitForGate((g) => g.state === 'allowed', 10_000, 'the gate to open');
  });

  after(async () => {
    await jaga?.cleanup();
    await central?.close();
    volume?.remove();
  });

  test('past halt_ratio it halts with STORAGE_CRITICAL and the numbers; emptied, it resumes', async () => {
    writeFileSync(join(volume.dir, 'a'), Buffer.alloc(4.5 * MiB, 1)); // 4.5 MiB of 8: 0.5625
    const { gate } = await jaga.waitForGate((g) => hasReason(g, 'STORAGE_CRITICAL'), 10_000, 'STORAGE_CRITICAL');
    assert.equal(gate.state, 'halted');
    const reason = gate.reasons.find((r) => r.code === 'STORAGE_CRITICAL');
    assert.equal(reason?.subject, 'rekaman');
    assert.ok(Math.abs((reason?.facts.usedRatio as number) - 0.5625) < 0.01, JSON.stringify(reason?.facts));
    assert.equal(reason?.facts.haltRatio, 0.5);
    rmSync(join(volume.dir, 'a'));
    const { gate: resumed } = await jaga.waitForGate((g) => g.state === 'allowed', 10_000, 'resume');
    assert.deepEqual(resumed.reasons, []);
  });
});
