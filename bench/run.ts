// `npm run bench`: jaga beside blackbox_exporter and a bare-Node floor on the same loopback targets
// at the same rates, plus /metrics, gate reads beside a bare node:http floor, detection and
// decision-to-email, the directory backlog scan and the soak; one markdown table on stdout, JSON and
// the table under bench/results/. `--smoke` is the seconds-long version the tests run, `--soak` the
// soak alone, `--backlog` the backlog scan alone. Process, file, mount and loopback network I/O;
// every child stops by itself.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureBacklogScans } from './backlog-scan.js';
import { buildFloors, type FloorScripts } from './build.js';
import { measureDetection } from './detection.js';
import { loadGate, type GateReadFigures } from './gate-reads.js';
import { timeScrapes, type ScrapeFigures } from './latency.js';
import { measureWindows } from './measure.js';
import { FULL_PLAN, SMOKE_PLAN, type BenchPlan, type RateScenario, type SubjectId } from './plan.js';
import { openFilesLimit } from './proc.js';
import { buildRows, renderMachine, renderTable, type BenchResults, type RateResult, type Row } from './report.js';
import { runSoak } from './soak.js';
import { BENCH_DIR, startTsChild, type BenchChild } from './spawn.js';
import { FloorSubject } from './subjects/bare-node.js';
import { BlackboxSubject, blackboxVersion } from './subjects/blackbox.js';
import { JagaSubject, JAGA_BIN, sampleValue } from './subjects/jaga.js';
import type { ProbeLoad, Subject } from './subjects/subject.js';

export interface RunOptions {
  readonly outDir: string;
  /** Only these scenarios (default: all of the plan); these subjects in each (default: the plan's). */
  readonly scenarios?: readonly string[];
  readonly subjects?: readonly SubjectId[];
  readonly detection?: boolean;
  readonly backlog?: boolean;
  readonly soak?: boolean;
  /** The soak's length (default: the plan's). */
  readonly soakMs?: number;
  /** Node flags for every jaga process, e.g. ['--cpu-prof', '--cpu-prof-dir=...']. */
  readonly jagaNodeFlags?: readonly string[];
  /** jaga's entry point (default: dist/src/cli/bin.js, built by `npm run build`). */
  readonly jagaBin?: string;
  readonly log?: (line: string) => void;
}

export interface BenchOutput {
  readonly results: BenchResults;
  readonly rows: readonly Row[];
  readonly table: string;
  readonly jsonFile: string;
}

interface Targets {
  readonly child: BenchChild;
  readonly http: readonly number[];
  readonly tcp: readonly number[];
}

export async function runBench(basePlan: BenchPlan, options: RunOptions): Promise<BenchOutput> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[bench] ${line}\n`));
  const plan = narrow(basePlan, options);
  const started = Date.now();
  const loadAtStart = os.loadavg();
  const jaga = { nodeFlags: options.jagaNodeFlags ?? [], bin: options.jagaBin ?? JAGA_BIN };
  if (!existsSync(jaga.bin)) throw new Error(`${jaga.bin} is missing: run npm run build first`);
  const blackbox = blackboxVersion();
  const floors = buildFloors();
  const largest = Math.max(0, ...plan.scenarios.map((s) => s.targets));
  const limit = openFilesLimit();
  log(`open-files limit here ${limit}; children raise theirs to 65536 (or the hard limit)`);
  const targets = largest > 0 ? await startTargets(largest) : null;
  const rates: RateResult[] = [];
  let metrics: BenchResults['metrics'] = null;
  let gateReads: GateReadFigures | null = null;
  let detection: BenchResults['detection'] = null;
  let backlogScan: BenchResults['backlogScan'] = null;
  let soak: BenchResults['soak'] = null;
  try {
    for (const scenario of plan.scenarios) {
      const runOne = async (subjectId: SubjectId) => {
        if (!targets) throw new Error('no targets for a rate scenario');
        const load = loadOf(scenario, subjectId, targets);
        const subject = await startSubject(subjectId, load, floors, jaga);
        try {
          const figures = await measureWindows(subject, load, scenario.windows);
          rates.push({ scenario: scenario.id, subject: subjectId, figures, ...(subject instanceof JagaSubject ? { v8: await v8Memory(subject) } : {}) });
          const done = figures.windows.reduce((sum, w) => sum + w.probes, 0);
          const expected = figures.windows.reduce((sum, w) => sum + w.expected, 0);
          log(
            `${scenario.id} ${subjectId}: ${figures.cpuMsPerProbe.toFixed(3)} ms/probe, ${(figures.coreFraction * 100).toFixed(1)}% of a core, ` +
              `${figures.peakRssMiB.toFixed(0)} MiB peak (${figures.rssAtEndMiB.toFixed(0)} at end: ${figures.rssAnonAtEndMiB.toFixed(0)} anon, ${figures.rssFileAtEndMiB.toFixed(0)} file), ${done}/${expected} probes`,
          );
          if (scenario.latencyHere && subjectId === 'jaga-http' && subject instanceof JagaSubject) {
            const jagaScrapes = await timeScrapes(`${subject.url}/metrics`, plan.scrapes);
            const peerScrapes = await scrapePeer(scenario.targets, plan.scrapes);
            metrics = { targets: scenario.targets, jaga: jagaScrapes, peer: peerScrapes };
            log(`/metrics: jaga median ${jagaScrapes.medianMs.toFixed(1)} ms, p99 ${jagaScrapes.p99Ms.toFixed(1)} ms, ${jagaScrapes.bytes} B; bare prom-client median ${peerScrapes.medianMs.toFixed(1)} ms`);
            gateReads = await loadGate(subject, load, plan.gateReads, floors.gateReads);
            log(
              `gate reads: ${Math.round(gateReads.requestsPerSecond)}/s, p99 ${gateReads.p99Ms} ms (floor ${Math.round(gateReads.floor.requestsPerSecond)}/s, p99 ${gateReads.floor.p99Ms} ms), ` +
                `probes ${gateReads.probesDuring}/${gateReads.probesExpected}, skipped ${gateReads.skippedDuring}`,
            );
          }
        } finally {
          await subject.stop();
        }
      };
      if (plan.parallel) await Promise.all(scenario.subjects.map(runOne));
      else for (const subjectId of scenario.subjects) await runOne(subjectId);
    }
    if (options.detection !== false) {
      detection = await measureDetection(plan.detection, jaga);
      log(`detection: ${detection.trials.map((t) => `${t.detectionMs} ms (email +${t.decisionToEmailMs} ms)`).join(', ')}; bound ${detection.boundMs} ms`);
    }
    if (options.backlog !== false) {
      backlogScan = await measureBacklogScans(plan.backlogScan, log);
      for (const tree of backlogScan.trees) {
        const scans = tree.scans.map((s) => `${s.ok ? `${Math.round(s.durationMs)} ms` : s.failure}, loop max ${s.maxLoopDelayMs.toFixed(1)} ms, RSS +${s.rssGrowthMiB.toFixed(1)} MiB`);
        log(`backlog scan, ${tree.files} files: ${scans.join('; ')}`);
      }
    }
    if (options.soak !== false) {
      soak = await runSoak(plan.soak, jaga);
      log(`soak: ${soak.flatness.report}; ${soak.emails} emails; ${soak.readRounds} read rounds`);
    }
  } finally {
    await targets?.child.stop();
  }
  const results: BenchResults = {
    mode: plan.mode,
    startedAt: new Date(started).toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memoryGiB: os.totalmem() / 2 ** 30,
      kernel: os.release(),
      node: process.version,
      blackbox,
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: os.loadavg(),
    },
    rates,
    metrics,
    gateReads,
    detection,
    backlogScan,
    soak,
  };
  const rows = buildRows(plan, results);
  const table = `${renderTable(rows)}\n\n${renderMachine(results.machine, results)}\n`;
  mkdirSync(options.outDir, { recursive: true });
  const stamp = results.startedAt.replace(/[:.]/g, '-');
  const jsonFile = join(options.outDir, `bench-${plan.mode}-${stamp}.json`);
  const json = `${JSON.stringify({ ...results, plan, rows }, null, 2)}\n`;
  writeFileSync(jsonFile, json);
  writeFileSync(join(options.outDir, `latest-${plan.mode}.json`), json);
  writeFileSync(join(options.outDir, `latest-${plan.mode}.md`), table);
  return { results, rows, table, jsonFile };
}

function narrow(plan: BenchPlan, options: RunOptions): BenchPlan {
  const scenarios = plan.scenarios
    .filter((s) => !options.scenarios || options.scenarios.includes(s.id))
    // --subjects replaces each scenario's list (so the floors can run at 100 targets too).
    .map((s): RateScenario => ({ ...s, subjects: options.subjects ?? s.subjects }))
    .filter((s) => s.subjects.length > 0);
  return { ...plan, scenarios, soak: { ...plan.soak, durationMs: options.soakMs ?? plan.soak.durationMs } };
}

async function startTargets(count: number): Promise<Targets> {
  const child = await startTsChild('targets.ts', ['--http', String(count), '--tcp', String(count)], 'targets');
  const line = await child.waitForLine((l) => l.includes('"ready":true'), 60_000, 'targets ready');
  const { http, tcp } = JSON.parse(line) as { http: number[]; tcp: number[] };
  return { child, http, tcp };
}

function loadOf(scenario: RateScenario, subject: SubjectId, targets: Targets): ProbeLoad {
  const kind = subject === 'jaga-tcp' || subject === 'blackbox-tcp' || subject === 'floor-tcp' ? 'tcp' : 'http';
  const ports = (kind === 'http' ? targets.http : targets.tcp).slice(0, scenario.targets);
  return {
    kind,
    targets: ports.map((port) => (kind === 'http' ? `http://127.0.0.1:${port}/health` : `127.0.0.1:${port}`)),
    intervalMs: scenario.intervalMs,
    timeoutMs: scenario.timeoutMs,
  };
}

function startSubject(id: SubjectId, load: ProbeLoad, floors: FloorScripts, jaga: { nodeFlags: readonly string[]; bin: string }): Promise<Subject> {
  switch (id) {
    case 'jaga-http':
    case 'jaga-tcp':
      return JagaSubject.startProbing(load, { label: id, ...jaga });
    case 'blackbox-http':
    case 'blackbox-tcp':
      return BlackboxSubject.start(load, id);
    case 'floor-client':
      return FloorSubject.start(floors.probes, 'client', load, id);
    case 'floor-reset':
      return FloorSubject.start(floors.probes, 'reset', load, id);
    case 'floor-tcp':
      return FloorSubject.start(floors.probes, 'tcp', load, id);
    case 'floor-close':
      return FloorSubject.start(floors.probes, 'close', load, id);
    case 'floor-node-http':
      return FloorSubject.start(floors.probes, 'node-http', load, id);
  }
}

async function v8Memory(jaga: JagaSubject): Promise<NonNullable<RateResult['v8']>> {
  const text = await jaga.metrics();
  const mib = (name: string) => (sampleValue(text, name) ?? Number.NaN) / 2 ** 20;
  return { heapUsedMiB: mib('nodejs_heap_size_used_bytes'), heapTotalMiB: mib('nodejs_heap_size_total_bytes'), externalMiB: mib('nodejs_external_memory_bytes') };
}

async function scrapePeer(targets: number, scrapes: number): Promise<ScrapeFigures> {
  const peer = await startTsChild('metrics-peer.ts', ['--targets', String(targets)], 'metrics peer');
  try {
    const line = await peer.waitForLine((l) => l.includes('"ready":true'), 30_000, 'metrics peer ready');
    const { port } = JSON.parse(line) as { port: number };
    return await timeScrapes(`http://127.0.0.1:${port}/metrics`, scrapes);
  } finally {
    await peer.stop();
  }
}

function parseCli(argv: readonly string[]): { plan: BenchPlan; options: RunOptions } {
  let plan = FULL_PLAN;
  let outDir = join(BENCH_DIR, 'results');
  let scenarios: string[] | undefined;
  let subjects: SubjectId[] | undefined;
  let detection = true;
  let backlog = true;
  let soak = true;
  // --soak and --backlog: those parts alone (both, if both are given).
  const alone = new Set<'soak' | 'backlog'>();
  let soakMs: number | undefined;
  const jagaNodeFlags: string[] = [];
  let jagaBin: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--smoke') plan = SMOKE_PLAN;
    else if (arg === '--out') outDir = value();
    else if (arg === '--scenarios') scenarios = value().split(',');
    else if (arg === '--subjects') subjects = value().split(',') as SubjectId[];
    else if (arg === '--no-detection') detection = false;
    else if (arg === '--no-soak') soak = false;
    else if (arg === '--no-backlog') backlog = false;
    else if (arg === '--soak' || arg === '--backlog') {
      // No rate scenario, no detection.
      scenarios = [];
      detection = false;
      alone.add(arg === '--soak' ? 'soak' : 'backlog');
    } else if (arg === '--soak-minutes') soakMs = minutes(value());
    else if (arg === '--jaga-bin') jagaBin = value();
    else if (arg === '--profile') jagaNodeFlags.push('--cpu-prof', `--cpu-prof-dir=${value()}`);
    else if (arg === '--jaga-node-flag') jagaNodeFlags.push(value());
    else throw new Error(`unknown argument ${arg}; see bench/README.md`);
  }
  if (alone.size > 0) {
    soak &&= alone.has('soak');
    backlog &&= alone.has('backlog');
  }
  return { plan, options: { outDir, detection, backlog, soak, jagaNodeFlags, ...(soakMs ? { soakMs } : {}), ...(jagaBin ? { jagaBin } : {}), ...(scenarios ? { scenarios } : {}), ...(subjects ? { subjects } : {}) } };
}

function minutes(text: string): number {
  const value = Number(text);
  if (!(value > 0)) throw new Error(`--soak-minutes needs a positive number, not ${text}`);
  return value * 60_000;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { plan, options } = parseCli(process.argv.slice(2));
  const output = await runBench(plan, options);
  process.stdout.write(`${output.table}\nJSON: ${output.jsonFile}\n`);
}
