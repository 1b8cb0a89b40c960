// The soak's judge: what "flat after warm-up" means for a long run's samples of a jaga process
// (resident memory, open descriptors, database pages in use, WAL file). Pure.

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

export interface FlatnessCheck {
  readonly name: 'rss' | 'fds' | 'db' | 'wal';
  readonly ok: boolean;
  /** What was measured, e.g. "112.0 -> 113.1 MiB" (middle third -> last third). */
  readonly measured: string;
  /** What passes, e.g. "≤ +max(10 %, 8 MiB)". */
  readonly rule: string;
}

export interface Flatness {
  readonly ok: boolean;
  readonly checks: readonly FlatnessCheck[];
  readonly report: string;
}

/** How the report names each check. */
export const LABELS: Readonly<Record<FlatnessCheck['name'], string>> = {
  rss: 'RSS, middle third max -> last third median',
  fds: 'open descriptors, middle third max -> last third max',
  db: 'database pages in use, middle third max -> last third max',
  wal: 'WAL file, largest',
};

/** Fewer samples than this cannot be cut into a warm-up, a middle and a last third worth comparing. */
export const MIN_SAMPLES = 9;

const MiB = 1024 * 1024;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

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
  const kib = (bytes: number) => (bytes / 1024).toFixed(0);
  const checks: FlatnessCheck[] = [
    { name: 'rss', ok: rss[1] - rss[0] <= Math.max(0.1 * rss[0], 8 * MiB), measured: `${(rss[0] / MiB).toFixed(1)} -> ${(rss[1] / MiB).toFixed(1)} MiB`, rule: '≤ +max(10 %, 8 MiB)' },
    { name: 'fds', ok: fds[1] <= fds[0] + 3, measured: `${fds[0]} -> ${fds[1]}`, rule: '≤ +3' },
    { name: 'db', ok: db[1] - db[0] <= Math.max(0.1 * db[0], 48 * 1024), measured: `${kib(db[0])} -> ${kib(db[1])} KiB`, rule: '≤ +max(10 %, 48 KiB)' },
    { name: 'wal', ok: wal <= 5 * MiB, measured: `${kib(wal)} KiB`, rule: '≤ 5 MiB' },
  ];
  return {
    ok: samples.length >= MIN_SAMPLES && checks.every((c) => c.ok),
    checks,
    report: `${samples.length} samples; ${checks.map((c) => `${c.ok ? 'ok' : 'NOT FLAT'} ${LABELS[c.name]} ${c.measured}`).join('; ')}`,
  };
}
