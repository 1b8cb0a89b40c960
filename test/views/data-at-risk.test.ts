// The wire shapes of the data at risk: a backlog source and a heartbeat as /api/v1/status writes them,
// what a public reader is not shown (paths, URLs, error text), and the report's new columns. Pure.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BacklogObservation } from '../../src/core/types.js';
import type { ReportRow } from '../../src/core/report.js';
import type { BacklogSnapshot, HeartbeatSnapshot } from '../../src/views/snapshot.js';
import { backlogView, heartbeatView, reportView } from '../../src/views/views.js';

const T = Date.UTC(2026, 10, 30, 8);
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

const reading = { items: 12_345, bytes: 3_000_000_000, oldestAt: T - 90 * MIN, at: T - 2 * MIN };
const okRead: BacklogObservation = { ok: true, durationMs: 4, items: reading.items, bytes: reading.bytes, oldestAt: reading.oldestAt, source: 'spool', at: reading.at };
const failedRead: BacklogObservation = {
  ok: false,
  failure: 'unreadable',
  durationMs: 1,
  detail: 'EACCES: permission denied, scandir /srv/spool/2026 (http://10.1.2.3:8080/queue)',
  source: 'spool',
  at: T - MIN,
};
const source = (over: Partial<BacklogSnapshot>): BacklogSnapshot => ({ name: 'spool', last: okRead, lastReading: reading, type: 'directory', halting: true, ...over });

describe('backlogView', () => {
  const rows: { name: string; backlog: BacklogSnapshot; expected: Record<string, unknown> }[] = [
    {
      name: 'read: the numbers, the oldest age at the view\'s now (not the read\'s)',
      backlog: source({}),
      expected: {
        name: 'spool', type: 'directory', available: true, items: 12_345, bytes: 3_000_000_000, oldest_at: iso(T - 90 * MIN),
        oldest_age_seconds: 90 * 60, last_read_at: iso(T - 2 * MIN), failure: null, halting: true,
      },
    },
    {
      name: 'the last read failed: why, and the last numbers still shown with when they were read',
      backlog: source({ last: failedRead, halting: false, type: 'http_json' }),
      expected: {
        name: 'spool', type: 'http_json', available: false, items: 12_345, bytes: 3_000_000_000, oldest_at: iso(T - 90 * MIN),
        oldest_age_seconds: 90 * 60, last_read_at: iso(T - 2 * MIN), failure: 'unreadable', halting: false,
      },
    },
    {
      name: 'never read: nothing known, not available, no failure yet',
      backlog: source({ last: null, lastReading: null, type: 'command' }),
      expected: {
        name: 'spool', type: 'command', available: false, items: null, bytes: null, oldest_at: null,
        oldest_age_seconds: null, last_read_at: null, failure: null, halting: true,
      },
    },
    {
      name: 'a source that says neither bytes nor the oldest time; an empty backlog',
      backlog: source({ lastReading: { items: 0, bytes: null, oldestAt: null, at: T }, last: { ...okRead, items: 0, bytes: null, oldestAt: null, at: T } }),
      expected: {
        name: 'spool', type: 'directory', available: true, items: 0, bytes: null, oldest_at: null,
        oldest_age_seconds: null, last_read_at: iso(T), failure: null, halting: true,
      },
    },
    {
      name: 'an oldest time ahead of now (a skewed clock) is no negative age',
      backlog: source({ lastReading: { ...reading, oldestAt: T + MIN } }),
      expected: {
        name: 'spool', type: 'directory', available: true, items: 12_345, bytes: 3_000_000_000, oldest_at: iso(T + MIN),
        oldest_age_seconds: 0, last_read_at: iso(T - 2 * MIN), failure: null, halting: true,
      },
    },
  ];
  for (const { name, backlog, expected } of rows) {
    test(name, () => assert.deepEqual(backlogView(backlog, T, false), expected));
  }

  test('the detail (paths, URLs, error text) only for internal readers, and only for a failed read', () => {
    const failed = source({ last: failedRead });
    const open = JSON.stringify(backlogView(failed, T, false));
    for (const secret of ['/srv/spool', '10.1.2.3', 'EACCES', 'detail']) assert.ok(!open.includes(secret), `${secret} in ${open}`);
    assert.match(String(backlogView(failed, T, true).detail), /^EACCES: permission denied, scandir \/srv\/spool\/2026/);
    assert.ok(!('detail' in backlogView(source({}), T, true)), 'a good read has no detail to show');
  });
});

describe('heartbeatView', () => {
  const heartbeat: HeartbeatSnapshot = { name: 'unggah', lastPingAt: T - 20 * MIN, lastItemsSent: 42, watchedSince: T - 600 * MIN, graceMs: 15 * MIN, halt: true, late: true };
  test('grace in seconds, the last ping as ISO, late as the engine judged it', () => {
    assert.deepEqual(heartbeatView(heartbeat), { name: 'unggah', grace: 900, halt: true, last_ping_at: iso(T - 20 * MIN), late: true, last_items_sent: 42 });
  });
  test('never pinged: no last ping and no items sent', () => {
    const view = heartbeatView({ ...heartbeat, lastPingAt: null, lastItemsSent: null, late: false, halt: false, graceMs: 1_500 });
    assert.deepEqual(view, { name: 'unggah', grace: 1.5, halt: false, last_ping_at: null, late: false, last_items_sent: null });
  });
});

describe('reportView: the data-at-risk columns', () => {
  const row = (over: Partial<ReportRow>): ReportRow => ({
    period: '2026-11-01',
    start: T,
    end: T + 1_000,
    haltedSeconds: 0,
    haltedRatio: 0,
    reasonSeconds: {} as ReportRow['reasonSeconds'],
    halts: 0,
    longestCentralOutageSeconds: 0,
    centralAvailability: null,
    backlogPeakItems: 900,
    backlogPeakItemsBySource: { spool: 700, app: null },
    longestWithoutUploadSeconds: 3_600.4,
    longestWithoutUploadSecondsByHeartbeat: { unggah: 3_600.4, sinkron: null },
    ...over,
  });
  test('peaks as counts, longest waits in whole seconds, null where nothing is known', () => {
    const view = reportView({ days: [row({})], total: row({ period: 'TOTAL', backlogPeakItems: null, longestWithoutUploadSeconds: null }), longestCentralOutage: null });
    const day = (view.days as Record<string, unknown>[])[0];
    assert.equal(day?.peak_backlog_items, 900);
    assert.deepEqual(day?.peak_backlog_items_by_source, { spool: 700, app: null });
    assert.equal(day?.longest_without_upload_seconds, 3_600);
    assert.deepEqual(day?.longest_without_upload_seconds_by_heartbeat, { unggah: 3_600, sinkron: null });
    const total = view.total as Record<string, unknown>;
    assert.equal(total.peak_backlog_items, null);
    assert.equal(total.longest_without_upload_seconds, null);
  });
});
