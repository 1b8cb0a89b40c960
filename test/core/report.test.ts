// The monthly report: halted time per day and reason, halts, the longest central outage and
// availability, day boundaries in the office's zone, and the CSV.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bucketSamples } from '../../src/core/probe-buckets.js';
import { buildReport, reportCsv, utcOffsetMs, type ReportInput, type ReportSample } from '../../src/core/report.js';

const H = 3_600_000;
const WIB = 7 * H;
/** 2026-11-01 00:00 WIB */
const DAY1 = Date.UTC(2026, 10, 1) - WIB;

const NOTHING_WATCHED: ReportInput['dataAtRisk'] = { backlogSources: [], backlogSamples: [], heartbeats: [], pings: [] };

function input(partial: Partial<ReportInput>): ReportInput {
  return { since: DAY1, until: DAY1 + 48 * H, atStart: null, transitions: [], central: [], utcOffsetMs: WIB, dataAtRisk: NOTHING_WATCHED, ...partial };
}

/** Samples of `target` every hour from `from`, ok unless the hour is listed as failing. */
function hourly(target: string, from: number, hours: number, failing: readonly number[]): ReportSample[] {
  return Array.from({ length: hours }, (_, i) => ({ target, at: from + i * H, ok: !failing.includes(i) }));
}

/** Several targets' samples as the store gives them: one stream, oldest first. */
function interleaved(...perTarget: readonly ReportSample[][]): ReportSample[] {
  return perTarget.flat().sort((a, b) => a.at - b.at);
}

describe('buildReport', () => {
  test('halted time and reasons per local day, clipped at midnight WIB', () => {
    const report = buildReport(
      input({
        transitions: [
          { at: DAY1 + 22 * H, to: 'halted', reasons: ['CENTRAL_UNREACHABLE'] },
          { at: DAY1 + 23 * H, to: 'halted', reasons: ['CENTRAL_UNREACHABLE', 'STORAGE_CRITICAL'] },
          { at: DAY1 + 26 * H, to: 'allowed', reasons: [] },
        ],
      }),
    );
    assert.deepEqual(report.days.map((d) => d.period), ['2026-11-01', '2026-11-02']);
    const [day1, day2] = report.days;
    assert.equal(day1?.haltedSeconds, 2 * 3600);
    assert.equal(day2?.haltedSeconds, 2 * 3600);
    assert.equal(day1?.reasonSeconds.CENTRAL_UNREACHABLE, 2 * 3600);
    assert.equal(day1?.reasonSeconds.STORAGE_CRITICAL, 3600);
    assert.equal(day2?.reasonSeconds.STORAGE_CRITICAL, 2 * 3600);
    assert.equal(day1?.halts, 1, 'a change of reasons while halted is not a new halt');
    assert.equal(day2?.halts, 0);
    assert.equal(report.total.haltedSeconds, 4 * 3600);
    assert.equal(report.total.haltedRatio, 4 / 48);
  });

  test('halted at the start of the period counts from the start; nothing known counts as not halted', () => {
    const halted = buildReport(input({ atStart: { to: 'halted', reasons: ['MANUAL_HALT'] }, transitions: [{ at: DAY1 + H, to: 'allowed', reasons: [] }] }));
    assert.equal(halted.total.haltedSeconds, 3600);
    assert.equal(halted.total.halts, 0, 'the halt began before the period');
    assert.equal(buildReport(input({})).total.haltedSeconds, 0);
  });

  test('a halt still going at the end of the period is counted up to the end', () => {
    const report = buildReport(input({ transitions: [{ at: DAY1 + 47 * H, to: 'halted', reasons: ['STORAGE_FLOOR'] }] }));
    assert.equal(report.total.haltedSeconds, 3600);
    assert.equal(report.total.reasonSeconds.STORAGE_FLOOR, 3600);
  });

  test('the longest central outage runs from the first failed probe to the next good one', () => {
    const report = buildReport(
      input({
        central: bucketSamples(interleaved(hourly('pusat-api', DAY1, 48, [3, 4, 5, 30]), hourly('pusat-vpn', DAY1, 48, [10]))),
      }),
    );
    assert.deepEqual(report.longestCentralOutage, { target: 'pusat-api', start: DAY1 + 3 * H, end: DAY1 + 6 * H });
    assert.equal(report.days[0]?.longestCentralOutageSeconds, 3 * 3600);
    assert.equal(report.days[1]?.longestCentralOutageSeconds, 3600);
    assert.equal(report.total.centralAvailability, (96 - 5) / 96);
    assert.equal(report.days[0]?.centralAvailability, (48 - 4) / 48);
  });

  test('an outage not over at the end of the period lasts until the end', () => {
    const report = buildReport(input({ central: bucketSamples(hourly('pusat', DAY1, 48, [46, 47])) }));
    assert.deepEqual(report.longestCentralOutage, { target: 'pusat', start: DAY1 + 46 * H, end: DAY1 + 48 * H });
  });

  test('samples that can be read only once (a database cursor) still give outages and availability', () => {
    function* once(): Generator<ReportSample> {
      yield* hourly('pusat', DAY1, 48, [1, 2]);
    }
    const report = buildReport(input({ central: bucketSamples(once()) }));
    assert.equal(report.total.centralAvailability, 46 / 48);
    assert.equal(report.total.longestCentralOutageSeconds, 2 * 3600);
  });

  test('no samples: availability unknown, not 100%', () => {
    assert.equal(buildReport(input({})).total.centralAvailability, null);
  });

  test('a period starting mid-day gives a partial first day', () => {
    const report = buildReport(input({ since: DAY1 + 12 * H, until: DAY1 + 36 * H }));
    assert.deepEqual(
      report.days.map((d) => [d.period, (d.end - d.start) / H]),
      [
        ['2026-11-01', 12],
        ['2026-11-02', 12],
      ],
    );
  });
});

test('utcOffsetMs knows the Indonesian zones', () => {
  assert.equal(utcOffsetMs('Asia/Jakarta', DAY1), 7 * H);
  assert.equal(utcOffsetMs('Asia/Makassar', DAY1), 8 * H);
  assert.equal(utcOffsetMs('Asia/Jayapura', DAY1), 9 * H);
  assert.equal(utcOffsetMs('UTC', DAY1), 0);
});

test('CSV: a header, one row per day and a TOTAL row, CRLF, numbers only', () => {
  const csv = reportCsv(buildReport(input({ transitions: [{ at: DAY1 + H, to: 'halted', reasons: ['CENTRAL_UNREACHABLE'] }, { at: DAY1 + 2 * H, to: 'allowed', reasons: [] }] })));
  const lines = csv.trimEnd().split('\r\n');
  assert.equal(lines.length, 4);
  assert.match(lines[0] ?? '', /^period,halted_seconds,halted_percent,halts,seconds_STARTING,.*,longest_central_outage_seconds,central_availability_percent,peak_backlog_items,longest_without_upload_seconds$/);
  assert.match(lines[1] ?? '', /^2026-11-01,3600,4\.17,1,0,3600,/);
  assert.match(lines[3] ?? '', /^TOTAL,3600,2\.08,1,/);
  assert.match(lines[3] ?? '', /,,$/, 'nothing watched: the backlog and upload cells are empty, not 0');
  assert.ok(csv.endsWith('\r\n'));
});
