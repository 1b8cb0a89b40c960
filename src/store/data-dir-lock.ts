// Owns data_dir's single-instance lock: one jaga per data_dir, the kernel releasing the lock when the
// holder dies (SIGKILL included), and plain words when data_dir cannot be written. Does I/O (fs, SQLite).
import { accessSync, constants, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

const LOCK_FILE = 'jaga.lock';
/** Who holds the lock, for the message of the one refused. Advisory only: the lock is the truth. */
export const PID_FILE = 'jaga.pid';

export interface DataDirLock {
  /** Idempotent. The lock also goes when the process dies, however it dies. */
  release(): void;
}

/**
 * Takes data_dir's lock, creating data_dir if needed; throws a message naming `data_dir` when another
 * process holds it (with its pid) or when data_dir cannot be written.
 *
 * The lock is SQLite's own: a POSIX record lock on `jaga.lock`, held by a connection in exclusive
 * locking mode. The kernel drops it with the process, so nothing stale is ever left to clean up. A
 * POSIX lock also goes when its process closes *any* descriptor of the file, so nothing else in
 * jaga may open jaga.lock; the pid therefore lives in its own file.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const dir = resolve(dataDir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new Error(unwritableDataDir(dataDir, dir, error));
  }
  let db: BetterSqlite3.Database;
  try {
    // timeout 0: a lock held by another process is an answer, not something to wait for.
    db = new BetterSqlite3(join(dir, LOCK_FILE), { timeout: 0 });
  } catch (error) {
    throw new Error(unwritableDataDir(dataDir, dir, error));
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // No journal file next to the lock: the lock's database is never written.
    db.pragma('journal_mode = MEMORY');
    // Taken here and, in exclusive locking mode, kept after the commit until the connection closes.
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new Error(dataDirInUse(dataDir, dir));
    throw new Error(unwritableDataDir(dataDir, dir, error));
  }
  const pidFile = join(dir, PID_FILE);
  try {
    // Through a rename: the one refused reads either the old pid or the new one, never half of one.
    writeFileSync(`${pidFile}.tmp`, `${process.pid}\n`);
    renameSync(`${pidFile}.tmp`, pidFile);
  } catch (error) {
    db.close();
    throw new Error(unwritableDataDir(dataDir, dir, error));
  }
  return {
    release() {
      if (!db.open) return;
      try {
        // Before the lock goes: once it has, the pid file may already be the next holder's.
        rmSync(pidFile, { force: true });
      } finally {
        db.close();
      }
    },
  };
}

function dataDirInUse(dataDir: string, dir: string): string {
  const pid = holderPid(dir);
  return (
    `data_dir: ${dataDir} is in use by another jaga process (${pid === null ? 'pid unknown' : `pid ${pid}`}); ` +
    'only one jaga may run on a data_dir. Stop that one first, or give this one another data_dir.'
  );
}

function holderPid(dir: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(join(dir, PID_FILE), 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null; // the holder is between taking the lock and writing its pid
  }
}

/** Why data_dir cannot be written, from the nearest part of its path that exists (mkdir -p says ENOENT on a read-only mount). */
function unwritableDataDir(dataDir: string, dir: string, cause: unknown): string {
  const existing = nearestExisting(dir);
  const shown = existing === dir ? dataDir : `${dataDir} (at ${existing})`;
  if (!statSync(existing).isDirectory()) return `data_dir: ${shown} is not a directory`;
  try {
    accessSync(existing, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EROFS') {
      return `data_dir: ${shown} is on a read-only filesystem (EROFS); jaga keeps its state there. Remount it read-write or set data_dir to a writable directory.`;
    }
    if (code === 'EACCES' || code === 'EPERM') {
      return `data_dir: ${shown} is not writable by this user (uid ${process.getuid?.() ?? '?'}, ${code}); give it the directory or set data_dir to one it owns.`;
    }
  }
  const reason = cause instanceof Error ? `${(cause as NodeJS.ErrnoException).code ?? cause.name}: ${cause.message}` : String(cause);
  return `data_dir: cannot use ${shown} (${reason})`;
}

function nearestExisting(dir: string): string {
  try {
    statSync(dir);
    return dir;
  } catch {
    const parent = dirname(dir);
    return parent === dir ? dir : nearestExisting(parent);
  }
}
