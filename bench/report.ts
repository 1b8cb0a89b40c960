// The benchmark's one table: rows of figure | jaga | peer | ratio | goal built from the results, and
// their markdown. Pure.
import type { BacklogScanFigures, BacklogScanRun, BacklogTreeFigures } from './backlog-scan.js';
import type { DetectionFigures } from './detection.js';
import type { GateReadFigures } from './gate-reads.js';
import type { ScrapeFigures } from './latency.js';
import { median, type RateFigures } from './measure.js';
import type { BenchPlan, RateScenario, SubjectId } from './plan.js';
import type { SoakFigures } from './soak.js';
import { LABELS, MIN_SAMPLES } from './soak-judge.js';

export interface RateResult {
  readonly scenario: string;
  readonly subject: SubjectId;
  readonly figures: RateFigures;
  /** jaga only: V8's view of its memory at the end of the run (from its own /metrics), MiB. */
  readonly v8?: { readonly heapUsedMiB: number; readonly heapTotalMiB: number; readonly externalMiB: number };
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly node: string;
  readonly blackbox: string;
  readonly loadAverageAtStart: readonly number[];
  readonly loadAverageAtEnd: readonly number[];
}

export interface BenchResults {
  readonly mode: BenchPlan['mode'];
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: Machine;
  readonly rates: readonly RateResult[];
  readonly metrics: { readonly targets: number; readonly jaga: ScrapeFigures; readonly peer: ScrapeFigures } | null;
  readonly gateReads: GateReadFigures | null;
  readonly detection: DetectionFigures | null;
  readonly backlogScan: BacklogScanFigures | null;
  readonly soak: SoakFigures | null;
}

export interface Row {
  readonly figure: string;
  readonly jaga: string;
  readonly peer: string;
  readonly ratio: string;
  readonly goal: string;
  /** Whether the goal is met; null where there is no goal. */
  readonly met: boolean | null;
  /** The raw numbers behind the row, for JSON readers. */
  readonly values: { readonly jaga: number | null; readonly peer: number | null };
}

const KIND_NAMES = { http: 'HTTP', tcp: 'TCP' } as const;
const PEERS = {
  http: { subject: 'blackbox-http', name: 'blackbox http_2xx' },
  tcp: { subject: 'blackbox-tcp', name: 'blackbox tcp_connect' },
} as const;
const FLOORS: Readonly<Record<'http' | 'tcp', readonly { subject: SubjectId; name: string }[]>> = {
  http: [
    { subject: 'floor-client', name: 'floor: fresh undici Client' },
    { subject: 'floor-reset', name: 'floor: undici request() reset: true' },
  ],
  tcp: [{ subject: 'floor-tcp', name: 'floor: net.connect' }],
};
/** Goals of the issue that do not depend on the rate. */
export const GOALS = {
  peakRssMiB: 120,
  metricsMedianMs: 12,
  gateReadsPerSecond: 10_000,
  gateP99Ms: 10,
  detectionMarginMs: 250,
  decisionToEmailMs: 1_000,
  /** "within ~10% of the bare-undici floor". */
  floorRatio: 1.1,
  /** A directory backlog scan "never blocks the event loop for long", nor grows the process much. */
  backlogLoopDelayMs: 100,
  backlogRssGrowthMiB: 64,
} as const;

export function buildRows(plan: BenchPlan, results: BenchResults): Row[] {
  const rows: Row[] = [];
  for (const scenario of plan.scenarios) {
    for (const kind of ['http', 'tcp'] as const) rows.push(...rateRows(scenario, kind, results.rates));
  }
  if (results.metrics) {
    const { jaga, peer, targets } = results.metrics;
    const where = `GET /metrics, ${targets.toLocaleString('en')} targets`;
    rows.push(compare(`${where}: median ms (peer: bare prom-client, same series)`, jaga.medianMs, peer.medianMs, ms, 'lower', GOALS.metricsMedianMs, `≤ ${GOALS.metricsMedianMs} ms`));
    rows.push(compare(`${where}: p99 ms over ${jaga.scrapes} scrapes`, jaga.p99Ms, peer.p99Ms, ms, 'lower', null, '—'));
    rows.push(compare(`${where}: size`, jaga.bytes, peer.bytes, bytes, 'lower', null, '—'));
  }
  const g = results.gateReads;
  if (g) {
    const load = `${g.connections} connections, ${g.durationMs / 1000} s, while probing`;
    // The peer is the gate-read floor: machines differ by 2× here, the ratio much less.
    const peer = `peer: bare node:http giving the same ${g.answer.bodyBytes}-byte answer, same load split around jaga's`;
    rows.push(compare(`gate reads per second (autocannon, ${load}; ${peer})`, g.requestsPerSecond, g.floor.requestsPerSecond, count, 'higher', GOALS.gateReadsPerSecond, `≥ ${count(GOALS.gateReadsPerSecond)}`));
    rows.push(compare('gate reads p99 latency ms (peer: the same floor)', g.p99Ms, g.floor.p99Ms, ms, 'lower', GOALS.gateP99Ms, `≤ ${GOALS.gateP99Ms} ms`));
    const onTime = g.probesDuring >= g.probesExpected && g.skippedDuring === 0;
    rows.push({
      figure: 'probe cadence during gate reads: probes done / scheduled, skipped',
      jaga: `${g.probesDuring} / ${g.probesExpected}, ${g.skippedDuring} skipped`,
      peer: '—',
      ratio: ratio(g.probesDuring / g.probesExpected),
      goal: mark('all on time, 0 skipped', onTime),
      met: onTime,
      values: { jaga: g.probesDuring / g.probesExpected, peer: null },
    });
    rows.push(single('jaga event-loop delay p99 during gate reads ms', g.eventLoopLagP99Ms ?? Number.NaN, ms, null, '—'));
  }
  const d = results.detection;
  if (d && d.trials.length > 0) {
    const detection = d.trials.map((t) => t.detectionMs);
    const worst = Math.max(...detection);
    const limit = d.boundMs + GOALS.detectionMarginMs;
    rows.push({
      figure: `detection: blackhole → gate halted, median / max of ${d.trials.length} (peer: the bound threshold × interval + timeout)`,
      jaga: `${ms(median(detection))} / ${ms(worst)}`,
      peer: `${ms(d.boundMs)}`,
      ratio: ratio(worst / d.boundMs),
      goal: mark(`≤ ${ms(limit)} ms every trial`, worst <= limit),
      met: worst <= limit,
      values: { jaga: worst, peer: d.boundMs },
    });
    const email = d.trials.map((t) => t.decisionToEmailMs);
    const worstEmail = Math.max(...email);
    rows.push({
      figure: `decision → SMTP accepted (group_wait 0s), median / max of ${d.trials.length}`,
      jaga: `${ms(median(email))} / ${ms(worstEmail)}`,
      peer: '—',
      ratio: '—',
      goal: mark(`≤ ${ms(GOALS.decisionToEmailMs)} ms`, worstEmail <= GOALS.decisionToEmailMs),
      met: worstEmail <= GOALS.decisionToEmailMs,
      values: { jaga: worstEmail, peer: null },
    });
  }
  for (const tree of results.backlogScan?.trees ?? []) rows.push(...backlogRows(tree));
  if (results.soak) rows.push(...soakRows(results.soak));
  return rows;
}

function backlogRows(tree: BacklogTreeFigures): Row[] {
  const where = `directory backlog, ${count(tree.files)} files in ${count(tree.directories)} directories (${tree.filesystem})`;
  const n = tree.scans.length;
  const durations = tree.scans.map((s) => s.durationMs);
  const slowest = Math.max(...durations);
  const { expected } = tree;
  const isRight = (s: BacklogScanRun) => s.ok && s.items === expected.items && s.bytes === expected.bytes && s.oldestAt === expected.oldestAt;
  const wrong = tree.scans.filter((s) => !isRight(s));
  const right = n > 0 && wrong.length === 0;
  const first = wrong[0];
  const timeMet = right && (!tree.timeGoal || slowest <= tree.timeoutMs);
  const goal = tree.timeGoal ? `every reading right, ≤ ${ms(tree.timeoutMs)} ms (the default timeout)` : 'every reading right';
  const rows: Row[] = [
    {
      figure: `${where}: readDirectorySource ms, median / max of ${n} (timeout ${ms(tree.timeoutMs)} ms, max_files ${count(tree.maxFiles)})`,
      jaga:
        first === undefined
          ? `${ms(median(durations))} / ${ms(slowest)}`
          : `${wrong.length} of ${n} wrong, e.g. ${first.ok ? `${first.items} items, ${first.bytes} bytes, oldest ${first.oldestAt}` : `${first.failure}: ${first.detail}`}`,
      peer: '—',
      ratio: '—',
      goal: mark(goal, timeMet),
      met: timeMet,
      values: { jaga: finiteOrNull(slowest), peer: null },
    },
    // Of the right scans only: a scan cut short by its timeout read fewer.
    single(`${where}: files per second (median right scan)`, (tree.files * 1000) / median(tree.scans.filter(isRight).map((s) => s.durationMs)), (v) => (Number.isFinite(v) ? count(v) : 'n/a'), null, '—'),
  ];
  const delay = Math.max(...tree.scans.map((s) => s.maxLoopDelayMs));
  rows.push(
    single(
      `${where}: event-loop delay max ms during a scan, max of ${n} (monitorEventLoopDelay, its 10 ms resolution included)`,
      delay,
      ms,
      delay <= GOALS.backlogLoopDelayMs,
      `≤ ${GOALS.backlogLoopDelayMs} ms`,
    ),
  );
  const growth = Math.max(...tree.scans.map((s) => s.rssGrowthMiB));
  rows.push(single(`${where}: RSS growth MiB during a scan, max of ${n} (VmHWM, reset at its start, minus VmRSS then)`, growth, (v) => v.toFixed(1), growth <= GOALS.backlogRssGrowthMiB, `≤ ${GOALS.backlogRssGrowthMiB} MiB`));
  return rows;
}

function soakRows(soak: SoakFigures): Row[] {
  const where = `soak, ${(soak.durationMs / 60_000).toFixed(1)} min of faults cycling (1 s probes, readers every 100 ms)`;
  const rows = soak.flatness.checks.map(
    (check): Row => ({ figure: `${where}: ${LABELS[check.name].replaceAll('->', '→')}`, jaga: check.measured.replace('->', '→'), peer: '—', ratio: '—', goal: mark(check.rule, check.ok), met: check.ok, values: { jaga: null, peer: null } }),
  );
  const worked = soak.emails > 0 && soak.readRounds >= soak.minReadRounds && soak.healthyAtEnd && soak.samples.length >= MIN_SAMPLES;
  rows.push({
    figure: `${where}: work done (emails accepted, read rounds, /healthz at the end), ${soak.samples.length} samples`,
    jaga: `${soak.emails} emails, ${soak.readRounds} read rounds, ${soak.healthyAtEnd ? 'healthy' : 'NOT healthy'}`,
    peer: '—',
    ratio: '—',
    goal: mark(`> 0 emails, ≥ ${soak.minReadRounds} read rounds, healthy, ≥ ${MIN_SAMPLES} samples`, worked),
    met: worked,
    values: { jaga: soak.readRounds, peer: null },
  });
  return rows;
}

function rateRows(scenario: RateScenario, kind: 'http' | 'tcp', rates: readonly RateResult[]): Row[] {
  const find = (subject: SubjectId) => rates.find((r) => r.scenario === scenario.id && r.subject === subject)?.figures;
  const jaga = find(kind === 'http' ? 'jaga-http' : 'jaga-tcp');
  if (!jaga) return [];
  const peer = find(PEERS[kind].subject);
  const rows: Row[] = [];
  const where = `${scenario.title}, ${KIND_NAMES[kind]}`;
  const goal = scenario.goals[kind];
  rows.push(
    compare(
      `${where}: CPU ms per probe (= CPU s per 1,000 probes) vs ${PEERS[kind].name}`,
      jaga.cpuMsPerProbe,
      peer?.cpuMsPerProbe,
      cpu,
      'lower',
      goal === null ? null : goal * (peer?.cpuMsPerProbe ?? Number.NaN),
      goal === null ? '—' : `≤ ${goal}× blackbox`,
    ),
  );
  for (const floor of FLOORS[kind]) {
    const figures = find(floor.subject);
    if (!figures) continue;
    const isMain = floor.subject === 'floor-client';
    rows.push(
      compare(`${where}: CPU ms per probe vs ${floor.name}`, jaga.cpuMsPerProbe, figures.cpuMsPerProbe, cpu, 'lower', isMain ? GOALS.floorRatio * figures.cpuMsPerProbe : null, isMain ? `≤ ${GOALS.floorRatio}× floor` : '—'),
    );
    if (floor.subject === 'floor-client' || floor.subject === 'floor-tcp') {
      const ownUs = (jaga.cpuMsPerProbe - figures.cpuMsPerProbe) * 1000;
      rows.push(single(`${where}: jaga's own cost per probe above the floor, µs`, ownUs, (v) => v.toFixed(0), null, 'tens of µs'));
    }
  }
  rows.push(compare(`${where}: share of one core`, jaga.coreFraction, peer?.coreFraction, percent, 'lower', null, '—'));
  const rssGoal = scenario.targets >= 1_000 ? GOALS.peakRssMiB : null;
  rows.push(compare(`${where}: peak RSS MiB (VmHWM)`, jaga.peakRssMiB, peer?.peakRssMiB, (v) => v.toFixed(0), 'lower', rssGoal, rssGoal === null ? '—' : `≤ ${rssGoal} MiB`));
  rows.push(compare(`${where}: RSS at the end of the run MiB (VmRSS)`, jaga.rssAtEndMiB, peer?.rssAtEndMiB, (v) => v.toFixed(0), 'lower', null, '—'));
  const done = jaga.windows.reduce((sum, w) => sum + w.probes, 0);
  const expected = jaga.windows.reduce((sum, w) => sum + w.expected, 0);
  const failed = jaga.windows.reduce((sum, w) => sum + w.failed, 0);
  const peerDone = peer ? peer.windows.reduce((sum, w) => sum + w.probes, 0) : null;
  const peerExpected = peer ? peer.windows.reduce((sum, w) => sum + w.expected, 0) : null;
  rows.push({
    figure: `${where}: probes done / scheduled in the windows (failed)`,
    jaga: `${done} / ${expected} (${failed})`,
    peer: peer ? `${peerDone} / ${peerExpected} (${peer.windows.reduce((sum, w) => sum + w.failed, 0)})` : '—',
    ratio: '—',
    goal: '—',
    met: null,
    values: { jaga: done / expected, peer: peerDone !== null && peerExpected ? peerDone / peerExpected : null },
  });
  return rows;
}

/** A jaga figure beside a peer's; `limit` is the largest (or smallest, for 'higher') value that meets the goal. */
function compare(figure: string, jaga: number, peer: number | undefined, format: (v: number) => string, better: 'lower' | 'higher', limit: number | null, goal: string): Row {
  const met = limit === null || !Number.isFinite(limit) ? null : better === 'lower' ? jaga <= limit : jaga >= limit;
  return {
    figure,
    jaga: format(jaga),
    peer: peer === undefined ? '—' : format(peer),
    ratio: peer === undefined ? '—' : ratio(jaga / peer),
    goal: met === null ? goal : mark(goal, met),
    met,
    values: { jaga: finiteOrNull(jaga), peer: peer === undefined ? null : finiteOrNull(peer) },
  };
}

function single(figure: string, jaga: number, format: (v: number) => string, met: boolean | null, goal: string): Row {
  return { figure, jaga: format(jaga), peer: '—', ratio: '—', goal: met === null ? goal : mark(goal, met), met, values: { jaga: finiteOrNull(jaga), peer: null } };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function mark(goal: string, met: boolean): string {
  return `${goal} ${met ? '✅' : '❌'}`;
}

const count = (v: number): string => Math.round(v).toLocaleString('en');
const cpu = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');
const ms = (v: number): string => (Number.isFinite(v) ? (v >= 100 ? Math.round(v).toLocaleString('en') : v.toFixed(1)) : 'n/a');
const percent = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : 'n/a');
const bytes = (v: number): string => `${(v / 1024).toFixed(0)} KiB`;
const ratio = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '—');

export function renderTable(rows: readonly Row[]): string {
  const lines = ['| figure | jaga | peer | ratio | goal |', '|---|---|---|---|---|'];
  for (const row of rows) lines.push(`| ${row.figure} | ${row.jaga} | ${row.peer} | ${row.ratio} | ${row.goal} |`);
  return lines.join('\n');
}

export function renderMachine(machine: Machine, results: Pick<BenchResults, 'startedAt' | 'durationSeconds' | 'mode'>): string {
  const load = (l: readonly number[]) => l.map((v) => v.toFixed(2)).join(' ');
  return (
    `${results.mode} run ${results.startedAt}, ${Math.round(results.durationSeconds)} s: ${machine.cores} × ${machine.cpu}, ` +
    `${machine.memoryGiB.toFixed(0)} GiB, Linux ${machine.kernel}, Node ${machine.node}, ${machine.blackbox}; ` +
    `load average ${load(machine.loadAverageAtStart)} at start, ${load(machine.loadAverageAtEnd)} at end.`
  );
}
