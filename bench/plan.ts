// What one benchmark run measures: the full run (about 24 minutes on 2 cores) and the smoke run
// (seconds, numbers meaningless, every figure still produced). Data only.
import type { BacklogScanPlan } from './backlog-scan.js';
import type { DetectionPlan } from './detection.js';
import type { GateReadPlan } from './gate-reads.js';
import type { WindowPlan } from './measure.js';
import type { SoakPlan } from './soak.js';

export type SubjectId = 'jaga-http' | 'blackbox-http' | 'floor-client' | 'floor-reset' | 'jaga-tcp' | 'blackbox-tcp' | 'floor-tcp'
  // Not in the table: other ways to make a new-connection HTTP probe, for `--subjects` experiments.
  | 'floor-close' | 'floor-node-http';

export const ALL_SUBJECTS: readonly SubjectId[] = ['jaga-http', 'blackbox-http', 'floor-client', 'floor-reset', 'jaga-tcp', 'blackbox-tcp', 'floor-tcp'];

export interface RateScenario {
  /** e.g. "1000@10s". */
  readonly id: string;
  /** How the table names it. */
  readonly title: string;
  readonly targets: number;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly windows: WindowPlan;
  readonly subjects: readonly SubjectId[];
  /** Goals of the issue for this rate, as ratios of jaga to blackbox_exporter (null: none). */
  readonly goals: { readonly http: number | null; readonly tcp: number | null };
  /** Where /metrics and gate reads are measured: inside this scenario's jaga-http run. */
  readonly latencyHere: boolean;
}

export interface BenchPlan {
  readonly mode: 'full' | 'smoke';
  readonly scenarios: readonly RateScenario[];
  /** Run a scenario's subjects side by side (smoke only: it saves time and the numbers mean nothing). */
  readonly parallel: boolean;
  readonly scrapes: number;
  readonly gateReads: GateReadPlan;
  readonly detection: DetectionPlan;
  readonly backlogScan: BacklogScanPlan;
  readonly soak: SoakPlan;
}

/**
 * How long each subject probes before its windows start. Node subjects spent up to 1.6 times their
 * steady CPU in the first ten seconds (V8 still compiling hot code and sizing its heap), and jaga is
 * a service that runs for months: its steady state is what counts. blackbox_exporter is flat from
 * the start. Also covers the start-up round.
 */
const WARMUP_MS = 20_000;

/** backlog.timeout's and a directory source's max_files' defaults (src/config/schema.ts). */
const BACKLOG_TIMEOUT_MS = 10_000;
const MAX_FILES = 1_000_000;
/** A recording's apparent size: a few minutes of speech as WAV (sparse, so no tmpfs page is used). */
const RECORDING_BYTES = 2 * 2 ** 20;

export const FULL_PLAN: BenchPlan = {
  mode: 'full',
  parallel: false,
  scenarios: [
    {
      id: '1000@10s',
      title: '1,000 targets, 100 probes/s',
      targets: 1_000,
      intervalMs: 10_000,
      timeoutMs: 2_000,
      // One round per window, so five: a full collection falling in one window moves it by 20%.
      windows: { windowMs: 10_000, rounds: 5, minWarmupMs: WARMUP_MS },
      subjects: ALL_SUBJECTS,
      goals: { http: 0.85, tcp: 0.6 },
      latencyHere: true,
    },
    {
      id: '1000@2s',
      title: '1,000 targets, 500 probes/s',
      targets: 1_000,
      intervalMs: 2_000,
      timeoutMs: 1_000,
      windows: { windowMs: 10_000, rounds: 3, minWarmupMs: WARMUP_MS },
      subjects: ALL_SUBJECTS,
      goals: { http: 0.6, tcp: 0.35 },
      latencyHere: false,
    },
    {
      id: '100@1s',
      title: '100 targets, 100 probes/s',
      targets: 100,
      intervalMs: 1_000,
      timeoutMs: 500,
      windows: { windowMs: 6_000, rounds: 3, minWarmupMs: WARMUP_MS },
      subjects: ['jaga-http', 'blackbox-http', 'jaga-tcp', 'blackbox-tcp'],
      goals: { http: null, tcp: null },
      latencyHere: false,
    },
  ],
  scrapes: 200,
  gateReads: { intervals: 1, connections: 100 },
  detection: { trials: 5, intervalMs: 1_000, timeoutMs: 500, failureThreshold: 3, pollMs: 25 },
  backlogScan: {
    trees: [
      // The tree: 200,000 files read within the default timeout.
      { days: 10, stations: 20, perDirectory: 1_000, timeoutMs: BACKLOG_TIMEOUT_MS, maxFiles: MAX_FILES, timeGoal: true },
      // Five times that, past the default max_files (1,000,000 files and 1,050 directories), given the
      // time it takes: how the scan scales, not a setting an office should run with.
      { days: 50, stations: 20, perDirectory: 1_000, timeoutMs: 120_000, maxFiles: 2 * MAX_FILES, timeGoal: false },
    ],
    scans: 3,
    fileBytes: RECORDING_BYTES,
  },
  // 20 fault steps of 6 s: the cycle of faults over once and a half, the mail server away twice.
  soak: { durationMs: 2 * 60_000, sampleEveryMs: 2_000, minReadRounds: 100 },
};

export const SMOKE_PLAN: BenchPlan = {
  mode: 'smoke',
  parallel: true,
  scenarios: [
    {
      id: '5@1s',
      title: '5 targets (smoke)',
      targets: 5,
      intervalMs: 1_000,
      timeoutMs: 500,
      windows: { windowMs: 1_000, rounds: 1, minWarmupMs: 0 },
      subjects: ALL_SUBJECTS,
      goals: { http: null, tcp: null },
      latencyHere: true,
    },
  ],
  scrapes: 10,
  gateReads: { intervals: 1, connections: 10 },
  detection: { trials: 1, intervalMs: 1_000, timeoutMs: 300, failureThreshold: 1, pollMs: 25 },
  backlogScan: {
    trees: [{ days: 1, stations: 5, perDirectory: 1_000, timeoutMs: BACKLOG_TIMEOUT_MS, maxFiles: MAX_FILES, timeGoal: true }],
    scans: 2,
    fileBytes: RECORDING_BYTES,
  },
  soak: { durationMs: 6_000, sampleEveryMs: 300, minReadRounds: 1 },
};
