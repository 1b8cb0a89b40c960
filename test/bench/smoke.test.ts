// The benchmark's smoke version (bench/run.ts --smoke): five loopback targets, one short window per
// subject, gate reads beside their floor, one detection trial, a 5,000-file backlog scan, a six-second
// soak. Asserts only that it still runs and produces every figure of the table; its numbers mean
// nothing on a busy machine, so nothing here times anything.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ALL_SUBJECTS, SMOKE_PLAN } from '../../bench/plan.js';
import { runBench } from '../../bench/run.js';

const outDir = mkdtempSync(join(tmpdir(), 'jaga-bench-smoke-'));
after(() => rmSync(outDir, { recursive: true, force: true }));

test('the smoke benchmark runs every subject and prints every figure', { timeout: 120_000 }, async () => {
  const lines: string[] = [];
  const { results, rows, table, jsonFile } = await runBench(SMOKE_PLAN, { outDir, log: (line) => lines.push(line) });

  // Every subject measured, with probes actually done and CPU and memory read from /proc.
  assert.deepEqual(results.rates.map((r) => r.subject).sort(), [...ALL_SUBJECTS].sort());
  for (const { subject, figures } of results.rates) {
    const done = figures.windows.reduce((sum, w) => sum + w.probes, 0);
    assert.ok(done > 0, `${subject} did no probe`);
    assert.ok(figures.windows.every((w) => w.cpuMs >= 0 && w.wallMs > 0), `${subject} has no CPU window`);
    assert.ok(figures.peakRssMiB > 0, `${subject} has no peak RSS`);
  }

  // Every row of the table, each with jaga's figure filled in.
  const expected = [
    /HTTP: CPU ms per probe \(= CPU s per 1,000 probes\) vs blackbox http_2xx/,
    /HTTP: CPU ms per probe vs floor: fresh undici Client/,
    /HTTP: CPU ms per probe vs floor: undici request\(\) reset: true/,
    /HTTP: jaga's own cost per probe above the floor/,
    /HTTP: share of one core/,
    /HTTP: peak RSS MiB/,
    /TCP: CPU ms per probe \(= CPU s per 1,000 probes\) vs blackbox tcp_connect/,
    /TCP: CPU ms per probe vs floor: net.connect/,
    /TCP: jaga's own cost per probe above the floor/,
    /TCP: share of one core/,
    /TCP: peak RSS MiB/,
    /GET \/metrics, 5 targets: median ms/,
    /GET \/metrics, 5 targets: p99 ms/,
    /GET \/metrics, 5 targets: size/,
    /gate reads per second .*peer: bare node:http/,
    /gate reads p99 latency/,
    /probe cadence during gate reads/,
    /detection: blackhole → gate halted/,
    /decision → SMTP accepted/,
    /directory backlog, 5,000 files .*: readDirectorySource ms/,
    /directory backlog, 5,000 files .*: files per second/,
    /directory backlog, 5,000 files .*: event-loop delay max ms/,
    /directory backlog, 5,000 files .*: RSS growth MiB/,
    /soak, .*: RSS/,
    /soak, .*: open descriptors/,
    /soak, .*: database pages in use/,
    /soak, .*: WAL file/,
    /soak, .*: work done/,
  ];
  for (const pattern of expected) {
    const row = rows.find((r) => pattern.test(r.figure));
    assert.ok(row, `no row matches ${pattern}`);
    assert.notEqual(row.jaga, 'n/a', `${row.figure}: no jaga figure`);
    assert.ok(table.includes(row.figure), `${row.figure} is not in the printed table`);
  }
  // The peers' CPU and memory figures are there beside jaga's, and the gate reads' floor.
  for (const row of rows.filter((r) => /CPU ms per probe|peak RSS|GET \/metrics|gate reads (per second|p99)/.test(r.figure))) {
    assert.notEqual(row.values.peer, null, `${row.figure}: no peer figure`);
  }
  // Gate reads as a ratio to their floor (the p99 and CPU ratios may be 0/0 in seconds of smoke).
  const reads = rows.find((r) => /gate reads per second/.test(r.figure));
  assert.match(reads?.ratio ?? '', /^\d+\.\d\d×$/, 'gate reads per second: no ratio to the floor');
  assert.equal(results.detection?.trials.length, SMOKE_PLAN.detection.trials);
  const gate = results.gateReads;
  assert.ok(gate !== null && gate.requests > 0, 'no gate reads');
  assert.ok(gate.floor.requests > 0 && gate.floor.errors === 0 && gate.floor.non2xx === 0, `the gate-read floor answered nothing or errors: ${JSON.stringify(gate.floor)}`);
  assert.ok(gate.answer.bodyBytes > 0, 'no recorded gate answer');
  assert.ok(gate.vsFloor.requestsPerSecond > 0, `no ratio to the floor: ${JSON.stringify(gate.vsFloor)}`);
  // The backlog scans read the tree right (wrong or failed readings show in the row, not as a crash),
  // with the event loop and the resident set measured around each.
  const tree = results.backlogScan?.trees[0];
  assert.ok(tree !== undefined && tree.scans.length === SMOKE_PLAN.backlogScan.scans, 'no backlog scans');
  for (const scan of tree.scans) {
    assert.deepEqual({ ok: scan.ok, items: scan.items, bytes: scan.bytes, oldestAt: scan.oldestAt }, { ok: true, ...tree.expected }, scan.detail ?? '');
    assert.ok(scan.maxLoopDelayMs > 0 && scan.rssBeforeMiB > 0 && Number.isFinite(scan.rssGrowthMiB), JSON.stringify(scan));
  }
  const soak = results.soak;
  assert.ok(soak !== null && soak.samples.length >= 9 && soak.readRounds > 0, 'no soak');
  assert.ok(soak.samples.every((s) => s.rssBytes > 0 && s.fds > 0 && s.dbBytes > 0), 'a soak sample read nothing');
  assert.ok(results.metrics !== null && results.metrics.jaga.bytes > 0, 'no /metrics size');

  // The JSON on disk is the same run.
  assert.ok(existsSync(jsonFile));
  const json = JSON.parse(readFileSync(jsonFile, 'utf8')) as { mode: string; rows: unknown[] };
  assert.equal(json.mode, 'smoke');
  assert.equal(json.rows.length, rows.length);
});
