// Silences' tables: matchers (RE2), fixed windows at their edges, recurring cron windows in local time,
// the order of the checks (cheapest first, regexes last), the per-minute memo of a recurring window, and
// the recurring walk checked against a brute-force scan with node-cron's own matcher. Pure code.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import cron from 'node-cron';
import { cronSchedule, nextRun } from '../../../src/config/cron.js';
import { compileMatchers, type CompiledMatchers } from '../../../src/core/alerts/matchers.js';
import {
  activeSilenceFor,
  isRecurringActive,
  labelsMatch,
  prepareRecurringSilence,
  prepareSilence,
  type PreparedRecurringSilence,
  type PreparedSilence,
} from '../../../src/core/alerts/silences.js';
import type { Matchers, RecurringSilence, Silence } from '../../../src/core/alerts/types.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Local time, like node-cron: months 1-12 here to read like a calendar. */
const local = (y: number, month: number, d: number, h = 0, min = 0, s = 0, ms = 0) =>
  new Date(y, month - 1, d, h, min, s, ms).getTime();

const LABELS = { alertname: 'CentralUnreachable', severity: 'critical', site: 'kua-bandung' };

const recurring = (cronExpr: string, durationMs: number, matchers: Matchers = {}): RecurringSilence => ({
  id: `rec-${cronExpr}`,
  matchers,
  cron: cronExpr,
  durationMs,
  comment: 'maintenance',
});

const silence = (id: string, startsAt: number, endsAt: number, matchers: Matchers = {}): Silence => ({
  id,
  matchers,
  startsAt,
  endsAt,
  createdBy: 'operator',
  comment: 'known',
});

describe('labelsMatch', () => {
  const rows: [name: string, matchers: Matchers, labels: Record<string, string>, expected: boolean][] = [
    ['exact', { alertname: 'CentralUnreachable' }, LABELS, true],
    ['exact, other value', { alertname: 'CentralSlow' }, LABELS, false],
    ['exact is not a prefix', { alertname: 'Central' }, LABELS, false],
    ['exact, case matters', { alertname: 'centralunreachable' }, LABELS, false],
    ['all matchers must hold', { alertname: 'CentralUnreachable', severity: 'warning' }, LABELS, false],
    ['several matchers hold', { alertname: 'CentralUnreachable', site: 'kua-bandung' }, LABELS, true],
    ['regex', { alertname: '~Central.*' }, LABELS, true],
    ['regex is anchored at the end', { alertname: '~Central' }, LABELS, false],
    ['regex is anchored at the start', { alertname: '~Unreachable' }, LABELS, false],
    ['regex alternation is anchored as a whole', { alertname: '~Central|Slow' }, LABELS, false],
    ['regex alternation', { alertname: '~CentralSlow|CentralUnreachable' }, LABELS, true],
    ['regex on another label', { volume: '~rek.*' }, { ...LABELS, volume: 'rekaman' }, true],
    ['missing label never matches', { volume: 'rekaman' }, LABELS, false],
    ['missing label never matches, even ~.*', { volume: '~.*' }, LABELS, false],
    ['a label named like a prototype property', { constructor: '~.*' }, LABELS, false],
    ['invalid regex matches nothing', { alertname: '~Central(' }, LABELS, false],
    // RE2, as Alertmanager: its syntax, not JavaScript's, and linear time whatever the pattern.
    ['RE2 inline flags', { alertname: '~(?i)centralunreachable' }, LABELS, true],
    ['RE2 named group', { alertname: '~(?P<kind>Central)Unreachable' }, LABELS, true],
    ['a lookahead (not RE2) matches nothing', { alertname: '~(?=C).*' }, LABELS, false],
    ['a backreference (not RE2) matches nothing', { alertname: '~(Central)Unreachable\\1?' }, LABELS, false],
    ['a source that changes meaning once wrapped matches nothing', { alertname: '~x)|(.*' }, LABELS, false],
    ['catastrophic for backtracking, no match', { alertname: '~(\\w|\\w|\\w|\\w)*x' }, LABELS, false],
    ['catastrophic for backtracking, nested stars', { site: '~(.*.*)*x' }, { ...LABELS, site: 'a'.repeat(100) }, false],
    ['catastrophic for backtracking, a match', { alertname: '~(.*.*)*Unreachable' }, LABELS, true],
    ['(a+)+ against a long near miss', { site: '~(a+)+' }, { ...LABELS, site: `${'a'.repeat(100)}!` }, false],
    ['no matchers: every label set', {}, LABELS, true],
  ];
  for (const [name, matchers, labels, expected] of rows) {
    test(name, () => assert.equal(labelsMatch(compileMatchers(matchers), labels), expected));
  }
});

describe('fixed silences', () => {
  const T = local(2024, 12, 15, 10);
  const s = prepareSilence(silence('sil-1', T, T + HOUR, { alertname: 'CentralUnreachable' }));
  const rows: [name: string, now: number, expected: boolean][] = [
    ['1 ms before startsAt', T - 1, false],
    ['at startsAt (inclusive)', T, true],
    ['inside', T + 30 * MIN, true],
    ['1 ms before endsAt', T + HOUR - 1, true],
    ['at endsAt (exclusive)', T + HOUR, false],
  ];
  for (const [name, now, expected] of rows) {
    test(name, () => assert.equal(activeSilenceFor(LABELS, [s], [], now)?.id ?? null, expected ? 'sil-1' : null));
  }
  test('active but for other labels', () => {
    assert.equal(activeSilenceFor({ ...LABELS, alertname: 'CentralSlow' }, [s], [], T), null);
  });
});

describe('recurring silences', () => {
  // 15 December 2024 is a Sunday.
  const weekly = recurring('0 0 * * 0', 2 * HOUR);
  const rows: [name: string, rule: RecurringSilence, now: number, expected: boolean][] = [
    ['weekly: Saturday 23:59', weekly, local(2024, 12, 14, 23, 59), false],
    ['weekly: Saturday 23:59:59.999', weekly, local(2024, 12, 14, 23, 59, 59, 999), false],
    ['weekly: Sunday 00:00', weekly, local(2024, 12, 15, 0, 0), true],
    ['weekly: Sunday 01:00', weekly, local(2024, 12, 15, 1, 0), true],
    ['weekly: Sunday 01:59', weekly, local(2024, 12, 15, 1, 59), true],
    ['weekly: Sunday 01:59:59.999', weekly, local(2024, 12, 15, 1, 59, 59, 999), true],
    ['weekly: Sunday 02:00', weekly, local(2024, 12, 15, 2, 0), false],
    ['weekly: Monday 00:30', weekly, local(2024, 12, 16, 0, 30), false],
    ['weekly: next Sunday 00:30', weekly, local(2024, 12, 22, 0, 30), true],
    ['7 is Sunday too', recurring('0 0 * * 7', 2 * HOUR), local(2024, 12, 15, 1, 0), true],
    ['day names', recurring('0 0 * * SUN', 2 * HOUR), local(2024, 12, 15, 1, 0), true],
    // a window that started the day before
    ['across midnight: Saturday 23:30 for 2h, Sunday 01:00', recurring('30 23 * * 6', 2 * HOUR), local(2024, 12, 15, 1, 0), true],
    ['across midnight: Saturday 23:30 for 2h, Sunday 01:30', recurring('30 23 * * 6', 2 * HOUR), local(2024, 12, 15, 1, 30), false],
    // node-cron requires day of month AND day of week when both are restricted; so do we
    ['Friday the 13th: on a Friday 13th', recurring('0 9 13 * 5', HOUR), local(2024, 12, 13, 9, 30), true],
    ['Friday the 13th: on another Friday', recurring('0 9 13 * 5', HOUR), local(2024, 12, 6, 9, 30), false],
    ['Friday the 13th: on a Thursday 13th', recurring('0 9 13 * 5', HOUR), local(2025, 2, 13, 9, 30), false],
    ['every 15 min on weekdays at 03:xx, 1 min long', recurring('*/15 3 * * 1-5', MIN), local(2024, 12, 16, 3, 45, 30), true],
    ['every 15 min, 1 min long, just after', recurring('*/15 3 * * 1-5', MIN), local(2024, 12, 16, 3, 46), false],
    ['last day of the month at 22:00 for 3h', recurring('0 22 L * *', 3 * HOUR), local(2025, 1, 1, 0, 30), true],
    ['not the last day of the month', recurring('0 22 L * *', 3 * HOUR), local(2024, 12, 31, 0, 30), false],
    // the walk skips hours and days that cannot match; it must land on their last minute, not before it
    ['a window from the last minute of an earlier hour', recurring('59 8 * * *', 2 * HOUR), local(2024, 12, 15, 10, 30), true],
    ['a window from the last minute of an earlier day', recurring('59 23 * * 5', 2 * DAY), local(2024, 12, 15, 0, 30), true],
    ['duration 0: never', recurring('* * * * *', 0), local(2024, 12, 15, 1, 0), false],
    ['invalid expression: never', recurring('every sunday', DAY), local(2024, 12, 15, 1, 0), false],
    ['a day-long window, matched at its far end', recurring('0 0 * * 0', DAY), local(2024, 12, 15, 23, 59), true],
    ['a day-long window, just past', recurring('0 0 * * 0', DAY), local(2024, 12, 16, 0, 0), false],
  ];
  for (const [name, rule, now, expected] of rows) {
    test(name, () => assert.equal(isRecurringActive(rule, now, cronSchedule), expected));
  }

  test('labels are matched too', () => {
    const mine = prepareRecurringSilence(recurring('0 0 * * 0', 2 * HOUR, { alertname: '~Central.*' }), cronSchedule);
    const sunday = local(2024, 12, 15, 1, 0);
    assert.equal(activeSilenceFor(LABELS, [], [mine], sunday), mine.silence);
    assert.equal(activeSilenceFor({ ...LABELS, alertname: 'StorageCritical' }, [], [mine], sunday), null);
  });

  test('no task is left in node-cron’s registry', () => {
    const before = cron.getTasks().size;
    isRecurringActive(recurring('17 4 * * 2', HOUR), local(2024, 12, 15), cronSchedule);
    assert.equal(cron.getTasks().size, before);
  });
});

describe('the recurring walk agrees with a brute-force scan of node-cron’s matcher', () => {
  /** Every minute boundary in (now - duration, now], asked of node-cron one by one. */
  function bruteForce(expression: string, durationMs: number, now: number): boolean {
    const task = cron.createTask(expression, () => undefined);
    void task.destroy();
    const first = new Date(now);
    first.setSeconds(0, 0);
    for (let m = first.getTime(); m > now - durationMs; m -= MIN) if (task.match(new Date(m))) return true;
    return false;
  }

  // A deterministic generator: the same "random" instants every run.
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const START = local(2024, 1, 1);
  const expressions = ['0 0 * * 0', '*/15 3 * * 1-5', '30 23 * * 6', '0 9 13 * 5', '0 22 L * *', '5,35 8-17 * 3,10 *', '0 9 * * 1#2', '59 8 * * *', '59 23 * * 5'];
  const durations = [MIN, 37 * MIN, 2 * HOUR, DAY + 7 * MIN, 3 * DAY];
  for (const expression of expressions) {
    test(expression, () => {
      let active = 0;
      for (const durationMs of durations) {
        for (let i = 0; i < 12; i += 1) {
          // Half the instants fall shortly after a window opened (near its edges), half anywhere in the year.
          const anywhere = START + Math.floor(random() * 366 * DAY);
          const now = i % 2 === 0 ? anywhere : nextRun(expression, anywhere) + Math.floor(random() * 1.5 * durationMs);
          const expected = bruteForce(expression, durationMs, now);
          active += expected ? 1 : 0;
          assert.equal(isRecurringActive(recurring(expression, durationMs), now, cronSchedule), expected, `${expression} for ${durationMs} ms at ${new Date(now).toString()}`);
        }
      }
      assert.ok(active > 0, 'the sample must contain active windows, or it proves little');
    });
  }
});

describe('activeSilenceFor', () => {
  const T = local(2024, 12, 15, 1, 0);
  const fixed = prepareSilence(silence('sil-1', T - HOUR, T + HOUR));
  const later = prepareSilence(silence('sil-2', T - HOUR, T + 2 * HOUR));
  const weekly = prepareRecurringSilence(recurring('0 0 * * 0', 2 * HOUR), cronSchedule);
  test('fixed before recurring, first in order', () => {
    assert.equal(activeSilenceFor(LABELS, [fixed, later], [weekly], T), fixed.silence);
    assert.equal(activeSilenceFor(LABELS, [], [weekly], T), weekly.silence);
  });
  test('none active', () => {
    const old = prepareSilence(silence('old', T - 2 * HOUR, T - HOUR));
    assert.equal(activeSilenceFor(LABELS, [old], [prepareRecurringSilence(recurring('0 0 * * 1', 2 * HOUR), cronSchedule)], T), null);
  });
});

describe('the order of the checks: exact values and labels present, then the window, then regexes', () => {
  const T = local(2024, 12, 15, 1, 0);
  /** An exact matcher and a regex whose runs are written down, as a hostile regex would cost them. */
  function counting(exactValue: string, regexLabel: string, calls: string[]): CompiledMatchers {
    return {
      exact: [['alertname', exactValue]],
      regex: [[regexLabel, { testExact: () => (calls.push('regex'), true) }]],
    };
  }
  const rows: [name: string, exact: string, regexLabel: string, inWindow: boolean, calls: string[], muted: boolean][] = [
    ['an exact value differs: nothing else runs', 'CentralSlow', 'site', true, [], false],
    ['a label the regex wants is missing: nothing else runs', 'CentralUnreachable', 'volume', true, [], false],
    ['outside the window: the regex never runs', 'CentralUnreachable', 'site', false, ['window'], false],
    ['inside the window, exact values hold: the regex decides', 'CentralUnreachable', 'site', true, ['window', 'regex'], true],
  ];
  for (const [name, exact, regexLabel, inWindow, expectedCalls, muted] of rows) {
    test(`recurring: ${name}`, () => {
      const calls: string[] = [];
      const r: PreparedRecurringSilence = {
        silence: recurring('0 0 * * 0', HOUR),
        matchers: counting(exact, regexLabel, calls),
        isActive: () => (calls.push('window'), inWindow),
      };
      assert.equal(activeSilenceFor(LABELS, [], [r], T) !== null, muted);
      assert.deepEqual(calls, expectedCalls);
    });
    // A fixed window is two comparisons, so it goes first; whether it ran shows in the regex alone.
    test(`fixed: ${name}`, () => {
      const calls: string[] = [];
      const s: PreparedSilence = {
        silence: inWindow ? silence('now', T - HOUR, T + HOUR) : silence('past', T - HOUR, T),
        matchers: counting(exact, regexLabel, calls),
      };
      assert.equal(activeSilenceFor(LABELS, [s], [], T) !== null, muted);
      assert.deepEqual(calls, expectedCalls.filter((call) => call === 'regex'));
    });
  }
});

describe('a prepared recurring silence remembers its window for a minute', () => {
  // Every 5 minutes for 90 s: the window closes at hh:01:30, mid-minute, so a memo keyed on the minute
  // of now alone would answer wrongly; the minute of now - duration is part of the key.
  const rule = recurring('*/5 * * * *', 90_000);
  const at = (min: number, s = 0, ms = 0) => local(2024, 12, 15, 10, min, s, ms);
  const instants: [name: string, now: number, expected: boolean][] = [
    ['10:00:00, the window opens', at(0), true],
    ['10:00:59.999', at(0, 59, 999), true],
    ['10:01:00', at(1), true],
    ['10:01:29.999, the last instant', at(1, 29, 999), true],
    ['10:01:30, closed within the same minute', at(1, 30), false],
    ['10:04:59.999', at(4, 59, 999), false],
    ['10:05:00, the next window', at(5), true],
    ['10:01:10, the clock stepped back', at(1, 10), true],
    ['10:01:45, forward again', at(1, 45), false],
  ];
  test('the same answers as the walk, in this order, with one memo', () => {
    const prepared = prepareRecurringSilence(rule, cronSchedule);
    for (const [name, now, expected] of instants) {
      assert.equal(isRecurringActive(rule, now, cronSchedule), expected, `the walk at ${name}`);
      assert.equal(prepared.isActive(now), expected, `the memo at ${name}`);
    }
  });

  test('a 400-day window that walks back through every day costs one walk a minute', () => {
    // 29 February at every hour, none in the last 400 days: the walk looks at each of the 400 days and
    // finds nothing, in milliseconds.
    const leap = prepareRecurringSilence(recurring('0 * 29 2 *', 400 * DAY), cronSchedule);
    const now = local(2025, 12, 15, 10, 0);
    const started = performance.now();
    for (let i = 0; i < 1_000; i += 1) assert.equal(leap.isActive(now + i * 50), false);
    const ms = performance.now() - started;
    assert.ok(ms < 250, `1,000 asks within one minute took ${Math.round(ms)} ms`);
  });
});
