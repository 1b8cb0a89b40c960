// What a long run measures of a jaga process from outside: resident memory and open descriptors from
// /proc/<pid>, its database's pages in use and file sizes; and what "flat after warm-up" means. File I/O.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export interface ProcessSample {
  readonly at: number;
  readonly rssBytes: number;
  readonly fds: number;
  /** Bytes of jaga.db's pages in use (page_count - freelist_count), as a reader sees it: WAL included. */
  readonly dbBytes: number;
  /** The files: jaga.db and jaga.db-wal. */
  readonly fileBytes: number;
  readonly walBytes: number;
}

const size = (file: string) => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

export function sampleProcess(pid: number, dataDir: string): ProcessSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? NaN);
  const db = new BetterSqlite3(join(dataDir, 'jaga.db'), { fileMustExist: true, readonly: true });
  let dbBytes: number;
  try {
    const pragma = (name: string) => db.pragma(name, { simple: true }) as number;
    dbBytes = (pragma('page_count') - pragma('freelist_count')) * pragma('page_size');
  } finally {
    db.close();
  }
  const walBytes = size(join(dataDir, 'jaga.db-wal'));
  return {
    at: Date.now(),
    rssBytes: rssKiB * 1024,
    fds: readdirSync(`/proc/${pid}/fd`).length,
    dbBytes,
    fileBytes: size(join(dataDir, 'jaga.db')) + walBytes,
    walBytes,
  };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

export interface Flatness {
  readonly ok: boolean;
  readonly report: string;
}

/**
 * The first third is warm-up (caches, JIT, the WAL reaching its working size, retention starting to
 * prune); after it a leak shows as the last third above the middle one. Flat means:
 * - memory: the last third's median RSS within max(10 %, 8 MiB) of the middle third's highest (GC noise);
 * - descriptors: the last third's highest count at most 3 above the middle third's (sockets in flight);
 * - database: the last third's largest in-use size within max(10 %, 48 KiB) of the middle third's
 *   (retention prunes as fast as probes add), and the WAL file never past SQLite's automatic
 *   checkpoint (1000 pages, 4 MiB) plus 1 MiB: it is reused, not grown, once it reached that size.
 */
export function judgeFlatness(samples: readonly ProcessSample[]): Flatness {
  const third = Math.floor(samples.length / 3);
  const middle = samples.slice(third, 2 * third);
  const last = samples.slice(2 * third);
  // A full collection can drop RSS for a while (V8 gives pages back, then grows again): against the
  // middle third's median such a dip read as growth. A leak still lifts the last third's median above
  // everything the middle third reached.
  const rss = [Math.max(...middle.map((s) => s.rssBytes)), median(last.map((s) => s.rssBytes))] as const;
  const fds = [Math.max(...middle.map((s) => s.fds)), Math.max(...last.map((s) => s.fds))] as const;
  const db = [Math.max(...middle.map((s) => s.dbBytes)), Math.max(...last.map((s) => s.dbBytes))] as const;
  const wal = Math.max(...samples.map((s) => s.walBytes));
  const MiB = 1024 * 1024;
  const checks = [
    { name: 'rss', ok: rss[1] - rss[0] <= Math.max(0.1 * rss[0], 8 * MiB), text: `RSS max ${(rss[0] / MiB).toFixed(1)} -> median ${(rss[1] / MiB).toFixed(1)} MiB` },
    { name: 'fds', ok: fds[1] <= fds[0] + 3, text: `open fds max ${fds[0]} -> ${fds[1]}` },
    { name: 'db', ok: db[1] - db[0] <= Math.max(0.1 * db[0], 48 * 1024), text: `database in use max ${(db[0] / 1024).toFixed(0)} -> ${(db[1] / 1024).toFixed(0)} KiB` },
    { name: 'wal', ok: wal <= 5 * MiB, text: `WAL file at most ${(wal / 1024).toFixed(0)} KiB` },
  ];
  return {
    ok: samples.length >= 9 && checks.every((c) => c.ok),
    report: `${samples.length} samples; ${checks.map((c) => `${c.ok ? 'ok' : 'NOT FLAT'} ${c.text}`).join('; ')}`,
  };
}
