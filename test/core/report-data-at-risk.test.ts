// The report's data-at-risk columns: the longest time without an upload (a table of pings, waits
// across midnight, never-pinged heartbeats and when jaga began watching), the peak backlog per source
// and all together, and both through buildReport's local days and its CSV.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildReport, reportCsv, type ReportInput } from '../../src/core/report.js';
import { backlogPeaks, longestWithoutPingMs, type ReportBacklogSample } from '../../src/core/report-data-at-risk.js';

const H = 3_600_000;
const WIB = 7 * H;
/** 2026-11-01 00:00 WIB: the day under test is [D, D + 24 h). */
const D = Date.UTC(2026, 10, 1) - WIB;
const LONG_AGO = D - 30 * 24 * H;

describe('longestWithoutPingMs over one day', () => {
  const rows: { name: string; pings: number[]; before: number | null; watched: number; end?: number; hours: number | null }[] = [
    { name: 'gaps between pings, the one from the ping before midnight, and the wait still open at midnight', pings: [D + 2 * H, D + 10 * H], before: D - 4 * H, watched: LONG_AGO, hours: 14 },
    { name: 'the first wait counts from the last ping before the day, not from midnight', pings: [D + 9 * H], before: D - 30 * H, watched: LONG_AGO, hours: 39 },
    { name: 'a day without any ping is the whole day, however long ago the last one was', pings: [], before: D - 30 * H, watched: LONG_AGO, hours: 24 },
    { name: 'never pinged, watched since before the day: the whole day', pings: [], before: null, watched: LONG_AGO, hours: 24 },
    { name: 'never pinged, a wait ending in the day counts since jaga began watching', pings: [D + 3 * H], before: null, watched: D - 20 * H, hours: 23 },
    { name: 'never pinged, watched since mid-day: since then', pings: [], before: null, watched: D + 6 * H, hours: 18 },
    { name: 'watched since mid-day, then a ping: the longer of the two waits', pings: [D + 8 * H], before: null, watched: D + 6 * H, hours: 16 },
    { name: 'not watched at all that day: unknown, not zero', pings: [], before: null, watched: D + 30 * H, hours: null },
    { name: 'pings older than the watch (a restart): the time before the first ping is unknown', pings: [D + 1 * H, D + 23 * H], before: null, watched: D + 5 * H, hours: 22 },
    { name: 'a ping every hour: one hour', pings: Array.from({ length: 24 }, (_, i) => D + i * H), before: D - H, watched: LONG_AGO, hours: 1 },
    { name: 'a ping exactly at midnight closes the wait from the day before', pings: [D, D + 12 * H], before: D - 13 * H, watched: LONG_AGO, hours: 13 },
    { name: 'a day cut short (the report ends now): the open wait runs to now', pings: [D + 2 * H], before: D - H, watched: LONG_AGO, end: D + 5 * H, hours: 3 },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const ms = longestWithoutPingMs(row.pings, row.before, row.watched, D, row.end ?? D + 24 * H);
      assert.equal(ms === null ? null : ms / H, row.hours);
    });
  }

  test('the next day finds its first wait in the pings of the day before, one millisecond mattering', () => {
    const pings = [D + H, D + 23 * H];
    assert.equal(longestWithoutPingMs(pings, null, LONG_AGO, D + 24 * H, D + 48 * H), 24 * H, 'no ping on day 2: the whole day');
    const withOne = [...pings, D + 30 * H + 1];
    assert.equal(longestWithoutPingMs(withOne, null, LONG_AGO, D + 24 * H, D + 48 * H), 18 * H - 1, 'the open wait after the ping');
    assert.equal(longestWithoutPingMs([...pings, D + 37 * H + 1], null, LONG_AGO, D + 24 * H, D + 48 * H), 14 * H + 1, 'from the ping at 23:00 the day before');
  });
});

describe('backlogPeaks', () => {
  const read = (source: string, hours: number, items: number | null): ReportBacklogSample => ({ source, at: D + hours * H, ok: items !== null, items });
  const samples = [
    read('spool', 1, 10),
    read('app', 2, 5),
    read('spool', 3, 2),
    read('app', 4, null),
    read('spool', 5, 12),
    read('removed', 5, 1_000),
    read('app', 25, 1),
    read('app', 26, 4),
  ];
  const dayOf = (at: number) => (at < D + 24 * H ? 'day1' : 'day2');
  const { byPeriod, total } = backlogPeaks({ backlogSources: ['spool', 'app'], backlogSamples: samples }, dayOf);

  test('per source: the most one read found; all together: the most waiting at one moment, not the sum of peaks', () => {
    assert.deepEqual(Object.fromEntries(total.bySource), { spool: 12, app: 5 });
    assert.equal(total.total, 17, 'spool 12 with app still at 5: a failed read of app leaves its 5 waiting');
    assert.notEqual(total.total, 12 + 5 + 1_000, 'a source no longer configured is left out');
  });

  test('per day: a source not read that day has no peak, but its last numbers still count in the total', () => {
    assert.deepEqual(Object.fromEntries(byPeriod.get('day1')?.bySource ?? []), { spool: 12, app: 5 });
    assert.deepEqual(Object.fromEntries(byPeriod.get('day2')?.bySource ?? []), { app: 4 });
    assert.equal(byPeriod.get('day2')?.total, 16, 'spool 12 from the day before, app 4');
  });

  test('nothing read: no period, no peak', () => {
    const none = backlogPeaks({ backlogSources: ['spool'], backlogSamples: [read('spool', 1, null)] }, dayOf);
    assert.equal(none.byPeriod.size, 0);
    assert.equal(none.total.total, null);
  });

  test('reads that can be taken only once (a database cursor)', () => {
    function* once(): Generator<ReportBacklogSample> {
      yield* samples;
    }
    assert.equal(backlogPeaks({ backlogSources: ['spool', 'app'], backlogSamples: once() }, dayOf).total.total, 17);
  });
});

describe('buildReport with the data at risk', () => {
  const input: ReportInput = {
    since: D,
    until: D + 36 * H,
    atStart: null,
    transitions: [],
    central: [],
    utcOffsetMs: WIB,
    dataAtRisk: {
      backlogSources: ['spool', 'app'],
      backlogSamples: [
        { source: 'spool', at: D + 23 * H, ok: true, items: 300 },
        { source: 'spool', at: D + 24 * H + 1, ok: true, items: 100 },
      ],
      heartbeats: [
        { name: 'unggah', pingBefore: D - 2 * H, watchedSince: LONG_AGO },
        { name: 'sinkron', pingBefore: null, watchedSince: D + 40 * H },
      ],
      pings: [
        { name: 'unggah', at: D + 6 * H },
        { name: 'lama', at: D + 7 * H },
        { name: 'unggah', at: D + 30 * H },
      ],
    },
  };
  const report = buildReport(input);

  test('per local day (WIB) and in total; unknown stays null', () => {
    const [day1, day2] = report.days;
    assert.deepEqual([day1?.backlogPeakItems, day1?.backlogPeakItemsBySource], [300, { spool: 300, app: null }]);
    assert.deepEqual([day2?.backlogPeakItems, day2?.backlogPeakItemsBySource], [100, { spool: 100, app: null }]);
    assert.deepEqual(day1?.longestWithoutUploadSecondsByHeartbeat, { unggah: 18 * 3600, sinkron: null }, 'pings of a heartbeat no longer configured are left out');
    assert.deepEqual(day2?.longestWithoutUploadSecondsByHeartbeat, { unggah: 24 * 3600, sinkron: null }, 'from 06.00 the day before to 06.00');
    assert.equal(day2?.longestWithoutUploadSeconds, 24 * 3600);
    assert.deepEqual(report.total.backlogPeakItemsBySource, { spool: 300, app: null });
    assert.deepEqual(report.total.longestWithoutUploadSecondsByHeartbeat, { unggah: 24 * 3600, sinkron: null });
  });

  test('CSV: the all-together columns, then one per source and heartbeat; empty cells for unknown', () => {
    const lines = reportCsv(report).trimEnd().split('\r\n');
    assert.match(lines[0] ?? '', /,peak_backlog_items,longest_without_upload_seconds,peak_backlog_items_spool,peak_backlog_items_app,longest_without_upload_seconds_unggah,longest_without_upload_seconds_sinkron$/);
    assert.match(lines[1] ?? '', /^2026-11-01,.*,300,64800,300,,64800,$/);
    assert.match(lines[3] ?? '', /^TOTAL,.*,300,86400,300,,86400,$/);
  });
});
