// probeVolume on a temporary directory and on real tmpfs mounts (needs root): usage numbers, mount
// checks, the write probe, and statfs calls that never return.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { VolumeConfig } from '../../src/config/schema.js';
import type { VolumeResult } from '../../src/core/types.js';
import { assessVolume, initialVolumeState } from '../../src/core/assess.js';
import type { ProbeContext } from '../../src/probes/probe.js';
import { probeVolume } from '../../src/probes/storage.js';
import { withTmpfs } from '../helpers/tmpfs.js';

const T = { timeout: 20_000 };
const MiB = 1024 * 1024;

function volume(dir: string, extra: Partial<VolumeConfig> = {}): VolumeConfig {
  return {
    name: 'recordings',
    path: dir,
    warn_ratio: 0.85,
    halt_ratio: 0.9,
    resume_ratio: 0.85,
    floor_ratio: 0.95,
    fill_window: 3_600_000,
    halt_eta: 14_400_000,
    write_probe: true,
    require_mount_point: false,
    ...extra,
  };
}

function ctx(timeoutMs = 2000, signal = new AbortController().signal): ProbeContext {
  return { timeoutMs, signal };
}

function assertOk(result: VolumeResult): asserts result is Extract<VolumeResult, { ok: true }> {
  assert.equal(result.ok, true, result.ok ? '' : `${result.failure}: ${result.detail}`);
}

function assertFailure(result: VolumeResult, failure: string, detail?: RegExp): asserts result is Extract<VolumeResult, { ok: false }> {
  assert.equal(result.ok, false, `expected ${failure}, got ok`);
  if (result.ok) return;
  assert.equal(result.failure, failure, `detail: ${result.detail}`);
  if (detail) assert.match(result.detail, detail);
}

function probeFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((name) => name.startsWith('.jaga-write-probe-'));
}

describe('probeVolume on a plain directory', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(tmpdir(), 'jaga-volume-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('ok, with the numbers df shows and no probe file left behind', T, async () => {
    const result = await probeVolume(volume(dir), ctx());
    assertOk(result);
    assert.equal(result.deviceId, fs.statSync(dir).dev);
    assert.ok(result.usedRatio >= 0 && result.usedRatio <= 1);
    assert.ok(result.availBytes <= result.freeBytes, 'avail never exceeds free');
    assert.equal(result.usedBytes + result.freeBytes, result.sizeBytes);
    assert.ok(result.filesFree <= result.filesTotal);
    const [size, used, avail] = execFileSync('df', ['-B1', '--output=size,used,avail', dir], { encoding: 'utf8' })
      .trim().split('\n')[1]!.trim().split(/\s+/).map(Number);
    assert.equal(result.sizeBytes, size);
    // The disk is shared with everything else on this machine, so allow a little drift.
    assert.ok(Math.abs(result.usedBytes - used!) < 256 * MiB, `used ${result.usedBytes} vs df ${used}`);
    assert.ok(Math.abs(result.availBytes - avail!) < 256 * MiB, `avail ${result.availBytes} vs df ${avail}`);
    assert.deepEqual(probeFiles(dir), []);
  });

  test('a write-probe file left by a crash is replaced and removed', T, async () => {
    fs.writeFileSync(path.join(dir, `.jaga-write-probe-${process.pid}`), 'stale');
    assertOk(await probeVolume(volume(dir), ctx()));
    assert.deepEqual(probeFiles(dir), []);
  });

  test('a missing path is a statfs_error naming the code', T, async () => {
    assertFailure(await probeVolume(volume(path.join(dir, 'missing')), ctx()), 'statfs_error', /ENOENT/);
  });

  test('reports the device id, for the core to tell when the mount changed', T, async () => {
    const result = await probeVolume(volume(dir), ctx());
    assertOk(result);
    assert.equal(result.deviceId, fs.statSync(dir).dev);
  });

  test('require_mount_point rejects a plain subdirectory', T, async () => {
    const sub = path.join(dir, 'sub');
    fs.mkdirSync(sub, { recursive: true });
    assertFailure(await probeVolume(volume(sub, { require_mount_point: true }), ctx()), 'not_mounted', /not a mount point/);
    assertOk(await probeVolume(volume('/', { require_mount_point: true, write_probe: false }), ctx()));
  });

  test('an already aborted signal probes nothing', T, async () => {
    assertFailure(await probeVolume(volume(dir), ctx(2000, AbortSignal.abort())), 'statfs_timeout', /aborted/);
  });
});

describe('probeVolume on tmpfs', () => {
  test('usage of a half-filled volume', T, async () => {
    await withTmpfs('size=8m', async ({ dir }) => {
      fs.writeFileSync(path.join(dir, 'half'), Buffer.alloc(4 * MiB));
      const result = await probeVolume(volume(dir, { require_mount_point: true }), ctx());
      assertOk(result);
      assert.equal(result.sizeBytes, 8 * MiB);
      assert.equal(result.usedBytes, 4 * MiB);
      assert.equal(result.availBytes, result.freeBytes);
      assert.ok(Math.abs(result.usedRatio - 0.5) < 0.01, `usedRatio ${result.usedRatio}`);
    });
  });

  test('a read-only volume is write_failed with EROFS, and still reports usage', T, async () => {
    await withTmpfs('size=8m', async (tmpfs) => {
      tmpfs.remount('ro');
      const result = await probeVolume(volume(tmpfs.dir), ctx());
      assertFailure(result, 'write_failed', /EROFS/);
      assert.equal(result.usage?.sizeBytes, 8 * MiB);
      assertOk(await probeVolume(volume(tmpfs.dir, { write_probe: false }), ctx()));
    });
  });

  test('a volume full to the last byte is ok for the write probe, and shows it is full', T, async () => {
    await withTmpfs('size=8m', async ({ dir }) => {
      assert.throws(() => fs.writeFileSync(path.join(dir, 'fill'), Buffer.alloc(16 * MiB)), { code: 'ENOSPC' });
      const result = await probeVolume(volume(dir), ctx());
      assertOk(result);
      assert.ok(result.usedRatio > 0.99, `usedRatio ${result.usedRatio}`);
      assert.ok(result.availBytes < 64 * 1024, `avail ${result.availBytes}`);
    });
  });

  test('a volume out of inodes: ENOSPC from the write probe is not a write failure', T, async () => {
    await withTmpfs('size=8m,nr_inodes=64', async ({ dir }) => {
      let created = 0;
      assert.throws(() => {
        for (;;) fs.writeFileSync(path.join(dir, `f${created++}`), '');
      }, { code: 'ENOSPC' });
      // Proof that the write probe itself hits ENOSPC here.
      assert.throws(() => fs.writeFileSync(path.join(dir, `.jaga-write-probe-${process.pid}`), ''), { code: 'ENOSPC' });
      const result = await probeVolume(volume(dir), ctx());
      assertOk(result);
      assert.equal(result.filesTotal, 64);
      assert.equal(result.filesFree, 0);
      assert.equal(result.filesUsedRatio, 1);
    });
  });

  test('after an unmount the same path is not_mounted, judged by the device seen before', T, async () => {
    await withTmpfs('size=8m', async (tmpfs) => {
      const first = await probeVolume(volume(tmpfs.dir), ctx());
      assertOk(first);
      const seen = assessVolume(initialVolumeState('rekaman'), { ...first, volume: 'rekaman', at: 1 }, 3_600_000);
      tmpfs.unmount();
      // On its own, the bare directory looks like a healthy volume: that is the trap.
      const bare = await probeVolume(volume(tmpfs.dir), ctx());
      assertOk(bare);
      assert.notEqual(bare.deviceId, first.deviceId);
      const judged = assessVolume(seen, { ...bare, volume: 'rekaman', at: 2 }, 3_600_000).last;
      assert.ok(judged !== null && !judged.ok);
      assert.equal(judged.failure, 'not_mounted');
      assert.match(judged.detail, /device changed/);
      assertFailure(await probeVolume(volume(tmpfs.dir, { require_mount_point: true }), ctx()), 'not_mounted');
    });
  });
});

describe('probeVolume when the filesystem does not answer', () => {
  // Blocking opens of a FIFO occupy every libuv threadpool thread, so statfs queues behind them and
  // cannot return, exactly as if the kernel were stuck on a dead network mount.
  test('statfs_timeout within the bound, no second call piled on, recovery afterwards', T, async () => {
    const dir = fs.mkdtempSync(path.join(tmpdir(), 'jaga-stuck-'));
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
    const blocked = Array.from({ length: threads }, () => fs.promises.open(fifo, 'r'));
    let writer: number | undefined;
    try {
      const stuck = await probeVolume(volume(dir), ctx(200));
      assertFailure(stuck, 'statfs_timeout', /statfs did not answer within 200ms/);
      assert.ok(stuck.durationMs < 200 + 1000, `took ${stuck.durationMs}`);

      const again = await probeVolume(volume(dir), ctx(200));
      assertFailure(again, 'statfs_timeout', /has not returned yet/);
      assert.ok(again.durationMs < 50, `took ${again.durationMs}`);

      // A writer (opened without the threadpool) releases every blocked open.
      writer = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
      await Promise.all(blocked.map(async (opening) => (await opening).close()));
      const deadline = Date.now() + 5000;
      let result = await probeVolume(volume(dir), ctx());
      while (!result.ok && /has not returned yet/.test(result.detail) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        result = await probeVolume(volume(dir), ctx());
      }
      assertOk(result);
    } finally {
      if (writer === undefined) writer = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
      await Promise.allSettled(blocked.map(async (opening) => (await opening).close()));
      fs.closeSync(writer);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
