// The directory backlog source (src/probes/backlog/directory.ts) on a big spool: a tree of N files in
// directories of ~1,000 made at once on a fresh tmpfs (or under the temp directory where no tmpfs can
// be mounted), then read a few times by readDirectorySource in a child process of its own: scan time,
// the event loop's longest delay during each scan, and the peak resident set it adds. Imported, it is
// the benchmark's side (makes the tree, starts the child, removes the tree); run as a script, it is the
// child. Process, file and mount I/O; the child ends after its scans, each bounded by its timeout.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { DirectorySourceConfig } from '../src/config/schema.js';
import { readDirectorySource } from '../src/probes/backlog/directory.js';
import { mountTmpfs } from '../test/helpers/tmpfs.js';
import { statusMiB } from './proc.js';
import { parseArgs } from './rounds.js';
import { BenchChild, BENCH_DIR } from './spawn.js';

/** One spool: `days` directories of `stations` directories of `perDirectory` files each. */
export interface BacklogTree {
  readonly days: number;
  readonly stations: number;
  readonly perDirectory: number;
  /** The source's timeout for each scan. */
  readonly timeoutMs: number;
  /** The source's max_files (entries: files and directories). */
  readonly maxFiles: number;
  /** Whether every scan must end within timeoutMs (the goal at 200,000 files). */
  readonly timeGoal: boolean;
}

export interface BacklogScanPlan {
  readonly trees: readonly BacklogTree[];
  /** Scans of each tree, one after the other in the same process. */
  readonly scans: number;
  /** Every file's apparent size (sparse: no page of the tmpfs is written). */
  readonly fileBytes: number;
}

export interface BacklogScanRun {
  /** readDirectorySource's own durationMs. */
  readonly durationMs: number;
  /** The reading, or the failure and its detail. */
  readonly ok: boolean;
  readonly items: number | null;
  readonly bytes: number | null;
  readonly oldestAt: number | null;
  readonly failure: string | null;
  readonly detail: string | null;
  /** monitorEventLoopDelay's max during the scan (10 ms resolution; the 10 ms themselves included). */
  readonly maxLoopDelayMs: number;
  readonly loopDelayP99Ms: number;
  /** VmHWM after the scan minus VmRSS before it (the peak was reset just before, after a full GC). */
  readonly rssGrowthMiB: number;
  readonly rssBeforeMiB: number;
}

export interface BacklogTreeFigures {
  readonly files: number;
  readonly directories: number;
  readonly fileBytes: number;
  /** 'tmpfs', or the temp directory the tree was made under. */
  readonly filesystem: string;
  readonly createMs: number;
  readonly timeoutMs: number;
  readonly maxFiles: number;
  readonly timeGoal: boolean;
  /** What a right reading says: every file, their apparent sizes, the one file dated back. */
  readonly expected: { readonly items: number; readonly bytes: number; readonly oldestAt: number };
  readonly scans: readonly BacklogScanRun[];
}

export interface BacklogScanFigures {
  readonly trees: readonly BacklogTreeFigures[];
}

/** The mtime given to the first file, so that the oldest age has one right answer (whole seconds). */
const OLDEST_AT = Date.UTC(2026, 0, 5, 1, 12, 0);
const LOOP_RESOLUTION_MS = 10;

export async function measureBacklogScans(plan: BacklogScanPlan, log: (line: string) => void): Promise<BacklogScanFigures> {
  const trees: BacklogTreeFigures[] = [];
  for (const tree of plan.trees) trees.push(await measureTree(tree, plan, log));
  return { trees };
}

async function measureTree(tree: BacklogTree, plan: BacklogScanPlan, log: (line: string) => void): Promise<BacklogTreeFigures> {
  const files = tree.days * tree.stations * tree.perDirectory;
  const directories = tree.days + tree.days * tree.stations;
  const place = makePlace(files + directories, log);
  try {
    const spool = join(place.dir, 'spool');
    const started = performance.now();
    makeTree(spool, tree, plan.fileBytes);
    const createMs = performance.now() - started;
    log(`backlog scan: ${files.toLocaleString('en')} files in ${directories.toLocaleString('en')} directories made in ${(createMs / 1000).toFixed(1)} s on ${place.filesystem}`);
    const scans = await scanInChild(spool, tree, plan.scans);
    return {
      files,
      directories,
      fileBytes: plan.fileBytes,
      filesystem: place.filesystem,
      createMs,
      timeoutMs: tree.timeoutMs,
      maxFiles: tree.maxFiles,
      timeGoal: tree.timeGoal,
      expected: { items: files, bytes: files * plan.fileBytes, oldestAt: OLDEST_AT },
      scans,
    };
  } finally {
    place.remove();
  }
}

interface Place {
  readonly dir: string;
  readonly filesystem: string;
  remove(): void;
}

/** A fresh tmpfs with inodes for the tree (sparse files take no pages), or a temp directory without root. */
function makePlace(inodes: number, log: (line: string) => void): Place {
  try {
    const tmpfs = mountTmpfs(`size=16m,nr_inodes=${inodes + 100},mode=755`);
    return { dir: tmpfs.dir, filesystem: 'tmpfs', remove: () => tmpfs.remove() };
  } catch (error) {
    const dir = mkdtempSync(join(tmpdir(), 'jaga-backlog-bench-'));
    log(`backlog scan: no tmpfs (${error instanceof Error ? error.message : String(error)}); the tree goes under ${dir}`);
    return { dir, filesystem: tmpdir(), remove: () => rmSync(dir, { recursive: true, force: true }) };
  }
}

/**
 * spool/dayNNN/stationNN/rNNNNNN.wav, a thousand files per `truncate` (one process per directory, where
 * a loop of writeFileSync takes several times as long), then the first file dated back.
 */
function makeTree(spool: string, tree: BacklogTree, fileBytes: number): void {
  mkdirSync(spool);
  const script =
    'cd "$1" || exit 1; ' +
    'for d in $(seq -f "day%03g" 1 "$2"); do for s in $(seq -f "station%02g" 1 "$3"); do ' +
    'mkdir -p "$d/$s" && (cd "$d/$s" && seq -f "r%06g.wav" 1 "$4" | xargs truncate -s "$5") || exit 1; ' +
    'done; done';
  execFileSync('sh', ['-c', script, 'sh', spool, String(tree.days), String(tree.stations), String(tree.perDirectory), String(fileBytes)], { stdio: 'pipe', maxBuffer: 1 << 20 });
  utimesSync(join(spool, 'day001', 'station01', 'r000001.wav'), OLDEST_AT / 1000, OLDEST_AT / 1000);
}

async function scanInChild(spool: string, tree: BacklogTree, scans: number): Promise<BacklogScanRun[]> {
  const args = ['--path', spool, '--scans', String(scans), '--timeout-ms', String(tree.timeoutMs), '--max-files', String(tree.maxFiles)];
  // --expose-gc: a full collection before each scan, so that each starts from the same heap.
  const child = await BenchChild.start(process.execPath, ['--expose-gc', '--import', 'tsx', `${BENCH_DIR}backlog-scan.ts`, ...args], { name: 'backlog scan' });
  try {
    const line = await child.waitForLine((l) => l.startsWith('{"scans":'), 60_000 + scans * (tree.timeoutMs + 10_000), 'the scans');
    return (JSON.parse(line) as { scans: BacklogScanRun[] }).scans;
  } finally {
    await child.stop();
  }
}

/** The child: `scans` reads of the spool, one after the other; one JSON line with them all. */
async function runScans(spool: string, scans: number, timeoutMs: number, maxFiles: number): Promise<BacklogScanRun[]> {
  const source: DirectorySourceConfig = { name: 'spool', type: 'directory', path: spool, max_files: maxFiles, resume_fraction: 0.8, halt_when_unavailable: false };
  const histogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('backlog-scan.ts runs with node --expose-gc');
  const runs: BacklogScanRun[] = [];
  for (let i = 0; i < scans; i += 1) {
    collect();
    // "5" resets VmHWM to the current resident set (Linux 4.0 and later): the peak of this scan alone.
    writeFileSync('/proc/self/clear_refs', '5');
    const rssBeforeMiB = statusMiB(process.pid, 'VmRSS');
    histogram.reset();
    histogram.enable();
    const result = await readDirectorySource(source, { timeoutMs, signal: new AbortController().signal });
    histogram.disable();
    const peakMiB = statusMiB(process.pid, 'VmHWM');
    runs.push({
      durationMs: result.durationMs,
      ok: result.ok,
      items: result.ok ? result.items : null,
      bytes: result.ok ? result.bytes : null,
      oldestAt: result.ok ? result.oldestAt : null,
      failure: result.ok ? null : result.failure,
      detail: result.ok ? null : result.detail,
      // A scan shorter than one tick records nothing: its longest delay is then below the resolution.
      maxLoopDelayMs: histogram.count > 0 ? histogram.max / 1e6 : LOOP_RESOLUTION_MS,
      loopDelayP99Ms: histogram.count > 0 ? histogram.percentile(99) / 1e6 : LOOP_RESOLUTION_MS,
      rssGrowthMiB: peakMiB - rssBeforeMiB,
      rssBeforeMiB,
    });
  }
  return runs;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = parseArgs(process.argv.slice(2));
  const scans = Number(args.scans);
  const timeoutMs = Number(args['timeout-ms']);
  const maxFiles = Number(args['max-files']);
  if (!args.path || !(scans >= 1) || !(timeoutMs > 0) || !(maxFiles >= 1)) {
    throw new Error('usage: node --expose-gc --import tsx bench/backlog-scan.ts --path SPOOL --scans N --timeout-ms N --max-files N');
  }
  const runs = await runScans(args.path, scans, timeoutMs, maxFiles);
  process.stdout.write(`${JSON.stringify({ scans: runs })}\n`);
}
