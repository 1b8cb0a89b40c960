// The backtest's replay (cli/backtest-replay.ts) on timelines written by the tests: timers that run
// out between two rows take effect at their own second, staleness follows the timeline's cadence, the
// first start's STARTING is no halt, the buffer policy, forecasts that foresee the halt the replay
// then sees, and two weeks replayed with the time it took reported. The real engine on virtual time.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backtestJson } from '../../src/cli/backtest.js';
import { replayTimeline } from '../../src/cli/backtest-replay.js';
import { knownSubjects } from '../../src/cli/backtest-sources.js';
import { parseConfig } from '../../src/config/load.js';
import { parseTimeline } from '../../src/core/timeline.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const GB = 1e9;
/** Monday 7 December 2026, 08:00 WIB. */
const MONDAY_8 = Date.parse('2026-12-07T08:00:00+07:00');

const BASE = `
central:
  targets:
    - { name: pusat-api, type: http, url: "https://central.example/health" }
storage:
  volumes:
    - { name: rekaman, path: /srv/rekaman }
`;

interface Json {
  transitions: { at: string; state: string; reasons: string[] }[];
  forecasts: { at: string; halt_at: string | null; subject: string | null }[];
  summary: { halted_seconds: number; halts: number; first_halt_at: string | null; min_avail_bytes: Record<string, number | null> };
}

/** Rows every `stepMs` from `from` up to `to` (inclusive), each instant's rows from `rowsAt`. */
function timeline(from: number, to: number, stepMs: number, rowsAt: (at: number) => string[]): string {
  const rows = ['time,subject,field,value'];
  for (let at = from; at <= to; at += stepMs) rows.push(...rowsAt(at).map((row) => `${new Date(at).toISOString()},${row}`));
  return rows.join('\n');
}

const up = (): string[] => ['target:pusat-api,ok,1'];
const volume = (availBytes: number, sizeBytes = 1000 * GB): string[] => [`volume:rekaman,size_bytes,${sizeBytes}`, `volume:rekaman,avail_bytes,${Math.round(availBytes)}`];
const steady = (): string[] => [...up(), ...volume(600 * GB)];

function replay(yaml: string, csv: string): Json {
  const config = parseConfig(yaml, 'test.yaml', {});
  const parsed = parseTimeline(csv, knownSubjects(config));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.problems.join('\n'));
  return backtestJson(replayTimeline(config, parsed.events)) as Json;
}

const iso = (ms: number) => new Date(ms).toISOString();
const states = (json: Json) => json.transitions.map((t) => `${t.at.slice(11, 19)} ${t.state} ${t.reasons.join('+')}`.trimEnd());

describe('timers that run out between two rows', () => {
  test('a heartbeat turns late at the second after its grace, and the gate reopens resume_after after the next ping', () => {
    const yaml = `${BASE}heartbeats:\n  - { name: unggah, grace: 10m, halt: true }\n`;
    const csv = timeline(MONDAY_8, MONDAY_8 + HOUR, 5 * MIN, (at) => {
      const pings = at <= MONDAY_8 + 5 * MIN || at >= MONDAY_8 + 30 * MIN ? ['heartbeat:unggah,ping,1'] : [];
      return [...steady(), ...pings];
    });
    assert.deepEqual(states(replay(yaml, csv)), [
      '01:00:00 allowed',
      // Last ping 08:05; late once more than 10 min passed: 08:15:00 is not yet, 08:15:01 is.
      '01:15:01 halted UPLOAD_STALLED',
      '01:30:00 halted',
      '01:32:00 allowed',
    ]);
  });

  test("a backlog's oldest item crosses halt_oldest_age between two reads, and halts at that second", () => {
    const yaml = `${BASE}backlog:\n  sources:\n    - { name: spool, type: directory, path: /srv/spool, halt_oldest_age: 1h }\n`;
    const csv = timeline(MONDAY_8, MONDAY_8 + HOUR, 5 * MIN, () => [...steady(), 'backlog:spool,items,4', 'backlog:spool,oldest,2026-12-07T07:32:30+07:00']);
    const json = replay(yaml, csv);
    assert.deepEqual(states(json), ['01:00:00 allowed', '01:32:30 halted BACKLOG_CRITICAL']);
    assert.deepEqual(json.summary, {
      halted_seconds: HOUR / 1000 - 32.5 * 60,
      halts: 1,
      first_halt_at: iso(MONDAY_8 + 32.5 * MIN),
      min_avail_bytes: { rekaman: 600 * GB },
    });
  });
});

describe('staleness by the timeline', () => {
  test('rows every 5 minutes are not stale; a gap of 20 minutes is, 3 rows and the timeout after the last', () => {
    const csv = timeline(MONDAY_8, MONDAY_8 + HOUR, 5 * MIN, (at) => (at > MONDAY_8 + 10 * MIN && at < MONDAY_8 + 30 * MIN ? [] : steady()));
    // 3 x 5 min + 5 s after 08:10: 08:25:05 is still fresh, 08:25:06 is not.
    assert.deepEqual(states(replay(BASE, csv)), ['01:00:00 allowed', '01:25:06 halted PROBES_STALE', '01:30:00 halted', '01:32:00 allowed']);
  });

  test('rows denser than the schedule: the schedule stands (central every 15 s: stale 50 s after the last row)', () => {
    const csv = timeline(MONDAY_8, MONDAY_8 + 20 * MIN, 10_000, (at) => (at > MONDAY_8 + 10 * MIN && at < MONDAY_8 + 15 * MIN ? [] : steady()));
    assert.deepEqual(states(replay(BASE, csv)), ['01:00:00 allowed', '01:10:51 halted PROBES_STALE', '01:15:00 halted', '01:17:00 allowed']);
  });
});

describe("the first start's STARTING", () => {
  test('is no halt: waiting for a volume that answers 5 minutes in, then allowed', () => {
    const csv = timeline(MONDAY_8, MONDAY_8 + 30 * MIN, 5 * MIN, (at) => (at === MONDAY_8 ? up() : steady()));
    const json = replay(BASE, csv);
    assert.deepEqual(states(json), ['01:05:00 allowed']);
    assert.deepEqual(json.summary, { halted_seconds: 0, halts: 0, first_halt_at: null, min_avail_bytes: { rekaman: 600 * GB } });
  });

  test('a halt found right after it counts from the moment a real reason holds', () => {
    const csv = timeline(MONDAY_8, MONDAY_8 + 30 * MIN, 5 * MIN, () => ['target:pusat-api,ok,0', ...volume(600 * GB)]);
    const json = replay(BASE, csv);
    assert.deepEqual(states(json), ['01:10:00 halted CENTRAL_UNREACHABLE']);
    assert.deepEqual(json.summary, { halted_seconds: 20 * 60, halts: 1, first_halt_at: iso(MONDAY_8 + 10 * MIN), min_avail_bytes: { rekaman: 600 * GB } });
  });

  test('a volume the timeline never measures is named with null', () => {
    const yaml = `${BASE}    - { name: arsip, path: /srv/arsip }\n`;
    const csv = timeline(MONDAY_8, MONDAY_8 + 10 * MIN, 5 * MIN, steady);
    assert.deepEqual(replay(yaml, csv).summary.min_avail_bytes, { rekaman: 600 * GB, arsip: null });
  });
});

describe('a central outage under each policy', () => {
  const outage = timeline(MONDAY_8, MONDAY_8 + 2 * HOUR, 5 * MIN, (at) => [
    `target:pusat-api,ok,${at >= MONDAY_8 + 30 * MIN && at < MONDAY_8 + 90 * MIN ? 0 : 1}`,
    ...volume(600 * GB),
  ]);

  test('halt (the default): halted from the third failed row until resume_after past the third good one', () => {
    assert.deepEqual(states(replay(BASE, outage)), ['01:00:00 allowed', '01:40:00 halted CENTRAL_UNREACHABLE', '02:40:00 halted', '02:42:00 allowed']);
  });

  test('buffer, with a volume that does not fill: recording goes on throughout', () => {
    const json = replay(`${BASE}gate: { on_central_down: buffer, buffer_min_hours: 8 }\n`, outage);
    assert.deepEqual(states(json), ['01:00:00 allowed']);
    assert.equal(json.summary.halts, 0);
  });
});

describe('forecasts', () => {
  test('a volume filling in working hours: forecasts name it, and the last one before the halt foresaw it', () => {
    // 1 TB, 200 GB free on Monday 08:00, 10 GB an hour while the office works (08:00-16:00):
    // halt_ratio 90% is reached after 10 working hours, on Tuesday at 10:00.
    const workedHours = (at: number) =>
      ['2026-12-07', '2026-12-08'].reduce((sum, day) => sum + Math.min(8, Math.max(0, (at - Date.parse(`${day}T08:00:00+07:00`)) / HOUR)), 0);
    const csv = timeline(MONDAY_8, MONDAY_8 + 28 * HOUR, 5 * MIN, (at) => [...up(), ...volume(200 * GB - workedHours(at) * 10 * GB)]);
    const json = replay(BASE, csv);
    const tuesday10 = Date.parse('2026-12-08T10:00:00+07:00');
    assert.equal(json.summary.first_halt_at, iso(tuesday10));
    assert.deepEqual(json.transitions[1]?.reasons, ['STORAGE_CRITICAL']);
    assert.ok(json.forecasts.length > 0, 'a filling volume is foreseen');
    for (const f of json.forecasts) {
      assert.ok(f.halt_at === null || f.subject === 'rekaman', JSON.stringify(f));
      assert.ok(f.halt_at === null || Date.parse(f.halt_at) >= Date.parse(f.at), JSON.stringify(f));
    }
    const before = json.forecasts.filter((f) => Date.parse(f.at) < tuesday10);
    const last = before[before.length - 1];
    assert.ok(last?.halt_at !== null && last?.halt_at !== undefined, JSON.stringify(before.slice(-3)));
    assert.ok(Math.abs(Date.parse(last.halt_at) - tuesday10) <= 10 * MIN, `last forecast ${JSON.stringify(last)}, halt at ${iso(tuesday10)}`);
    // Once halted, no halt is foreseen any more: the list says so.
    const after = json.forecasts.filter((f) => Date.parse(f.at) >= tuesday10);
    assert.deepEqual(after[0], { at: iso(tuesday10), halt_at: null, subject: null });
  });
});

describe('two weeks', () => {
  test('replayed in well under the time they took, halting only in the week the uploads failed', (t) => {
    // Every 5 minutes for two weeks: the office records 6 GB an hour in working hours, uploads free it
    // at night; in the second week central is down from Tuesday to Thursday and nothing is freed.
    const start = Date.parse('2026-12-07T00:00:00+07:00');
    let avail = 300 * GB;
    const csv = timeline(start, start + 14 * 24 * HOUR - 5 * MIN, 5 * MIN, (at) => {
      const local = new Date(at + 7 * HOUR);
      const weekday = local.getUTCDay();
      const hour = local.getUTCHours();
      const working = weekday >= 1 && weekday <= 5 && hour >= 8 && hour < 16;
      const outage = at >= start + 8 * 24 * HOUR && at < start + 10 * 24 * HOUR;
      if (working) avail -= 0.5 * GB;
      else if (!outage) avail = Math.min(300 * GB, avail + 2 * GB);
      return [`target:pusat-api,ok,${outage ? 0 : 1}`, ...volume(avail)];
    });
    const begun = performance.now();
    const json = replay(BASE, csv);
    const ms = performance.now() - begun;
    t.diagnostic(`two weeks at 5-minute rows (${csv.split('\n').length - 1} rows) parsed and replayed in ${ms.toFixed(0)} ms: ${(ms / 2).toFixed(0)} ms per simulated week`);
    const firstHalt = json.summary.first_halt_at;
    assert.ok(firstHalt !== null && Date.parse(firstHalt) >= start + 8 * 24 * HOUR, `first halt ${firstHalt}`);
    assert.ok(json.transitions.some((tr) => tr.reasons.includes('CENTRAL_UNREACHABLE')));
    // A loaded two-core machine still does this in seconds; a replay a second at a time would take minutes.
    assert.ok(ms < 60_000, `${ms} ms`);
  });
});
