// data_dir's lock: one holder at a time (in this process and in another), released by release() and by
// the holder's death (SIGKILL), and plain words for a data_dir that cannot be written (needs root: tmpfs).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { lockDataDir, PID_FILE } from '../../src/store/data-dir-lock.js';
import { withTmpfs } from '../helpers/tmpfs.js';
import { waitFor } from '../helpers/wait.js';

const MODULE = fileURLToPath(new URL('../../src/store/data-dir-lock.ts', import.meta.url));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jaga-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const refusal = (pid: number) => new RegExp(`^data_dir: .* is in use by another jaga process \\(pid ${pid}\\)`);

describe('lockDataDir', () => {
  it('creates data_dir, refuses a second holder naming the pid, and is free again after release()', () => {
    const dataDir = join(dir, 'nested', 'data');
    const lock = lockDataDir(dataDir);
    assert.ok(existsSync(join(dataDir, PID_FILE)));
    assert.throws(() => lockDataDir(dataDir), (err: unknown) => err instanceof Error && refusal(process.pid).test(err.message));
    lock.release();
    lock.release(); // idempotent
    assert.equal(existsSync(join(dataDir, PID_FILE)), false, 'a clean release leaves no pid file');
    lockDataDir(dataDir).release();
  });

  it('held by another process until that process is SIGKILLed: the kernel releases it', async () => {
    const holder = spawn(
      process.execPath,
      ['--import', 'tsx', '-e', `import(${JSON.stringify(MODULE)}).then((m) => { m.lockDataDir(${JSON.stringify(dir)}); process.stdout.write('held\\n'); setInterval(() => {}, 1000); })`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await once(holder.stdout, 'data');
      assert.throws(() => lockDataDir(dir), (err: unknown) => err instanceof Error && refusal(holder.pid ?? -1).test(err.message));
    } finally {
      holder.kill('SIGKILL');
    }
    await once(holder, 'exit');
    // The stale pid file it left is harmless: the lock, not the file, decides.
    assert.ok(existsSync(join(dir, PID_FILE)));
    await waitFor(() => {
      try {
        lockDataDir(dir).release();
        return true;
      } catch {
        return false;
      }
    }, 5_000, 'the lock to be free after the SIGKILL');
  });

  it('a data_dir that is a file: says it is not a directory', () => {
    const notDir = join(dir, 'file');
    writeFileSync(notDir, 'x');
    assert.throws(() => lockDataDir(notDir), /^Error: data_dir: .*file is not a directory$/);
    assert.throws(() => lockDataDir(join(notDir, 'data')), /^Error: data_dir: .*file\/data \(at .*file\) is not a directory$/);
  });

  it('on a read-only mount, existing or still to be created: says read-only (EROFS), not ENOENT', async () => {
    await withTmpfs('size=1m', async (tmpfs) => {
      tmpfs.remount('ro');
      for (const dataDir of [tmpfs.dir, join(tmpfs.dir, 'state', 'jaga')]) {
        assert.throws(
          () => lockDataDir(dataDir),
          (err: unknown) => err instanceof Error && /is on a read-only filesystem \(EROFS\)/.test(err.message) && !/ENOENT/.test(err.message),
        );
      }
    });
  });
});
