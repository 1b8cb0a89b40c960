// Real tmpfs mounts for storage tests (needs root). Mount failures throw, so a test cannot pass by
// silently probing the wrong filesystem. Does mount/umount and file I/O.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Tmpfs {
  /** The mount point. */
  readonly dir: string;
  /** `mount -o remount,<options>`, e.g. "ro". */
  remount(options: string): void;
  /** Lazy unmount; safe to call twice. The directory stays until `remove`. */
  unmount(): void;
  remove(): void;
}

/** Mounts a fresh tmpfs, e.g. `mountTmpfs('size=8m,nr_inodes=64')`, on a new temporary directory. */
export function mountTmpfs(options: string): Tmpfs {
  const dir = mkdtempSync(path.join(tmpdir(), 'jaga-tmpfs-'));
  let mounted = false;
  const unmount = () => {
    if (!mounted) return;
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    mounted = false;
  };
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
    mounted = true;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`cannot mount tmpfs on ${dir} (these tests need root): ${stderr ?? String(error)}`);
  }
  return {
    dir,
    remount(remountOptions) {
      execFileSync('mount', ['-o', `remount,${remountOptions}`, dir], { stdio: 'pipe' });
    },
    unmount,
    remove() {
      unmount();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` on a fresh tmpfs and always unmounts and removes it afterwards. */
export async function withTmpfs<T>(options: string, fn: (tmpfs: Tmpfs) => Promise<T>): Promise<T> {
  const tmpfs = mountTmpfs(options);
  try {
    return await fn(tmpfs);
  } finally {
    tmpfs.remove();
  }
}
