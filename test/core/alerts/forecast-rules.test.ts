// The halt forecast's working time: how `alerts.rules.halt_forecast.within` is written (working days or
// working time, a "d" being one working day of office_hours), what it becomes once the office's day is
// known, the config's defaults and errors, and the working time left as people are told it. Pure.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseWorkingSpan, workingLeft, workingSpanMs, type WorkingSpan } from '../../../src/core/alerts/forecast-rules.js';
import { OfficeCalendar } from '../../../src/core/forecast/calendar.js';
import { ConfigError, parseConfig } from '../../../src/config/load.js';
import { alertPipelineOptions } from '../../../src/shell/policy.js';
import { DEFAULT_OFFICE_CALENDAR } from '../../helpers/calendar.js';

const HOUR = 3_600_000;
const MIN = 60_000;

describe('parseWorkingSpan', () => {
  const rows: { value: unknown; span: WorkingSpan | RegExp }[] = [
    { value: 3, span: { days: 3, ms: 0 } },
    { value: 1.5, span: { days: 1.5, ms: 0 } },
    { value: '2d', span: { days: 2, ms: 0 } },
    { value: '12h', span: { days: 0, ms: 12 * HOUR } },
    { value: '1d4h30m', span: { days: 1, ms: 4 * HOUR + 30 * MIN } },
    { value: ' 90m ', span: { days: 0, ms: 90 * MIN } },
    { value: 40, span: { days: 40, ms: 0 } },
    { value: 0, span: /more than no working time/ },
    { value: -3, span: /more than no working time/ },
    { value: '0d', span: /more than no working time/ },
    { value: 40.5, span: /at most 40 working days/ },
    { value: '39d48h', span: /at most 40 working days/ },
    // a week is not a working unit: it would mean five days in one office and six in another
    { value: '1w', span: /must be a number of working days/ },
    { value: '500ms', span: /must be a number of working days/ },
    { value: '3 days', span: /must be a number of working days/ },
    { value: true, span: /must be a number of working days/ },
    { value: Number.NaN, span: /must be a number of working days/ },
  ];
  for (const row of rows) {
    test(JSON.stringify(row.value) ?? String(row.value), () => {
      const span = parseWorkingSpan(row.value);
      if (row.span instanceof RegExp) assert.match(String(span), row.span);
      else assert.deepEqual(span, row.span);
    });
  }
});

describe('workingSpanMs: a "d" is one working day of the office', () => {
  const saturdays = new OfficeCalendar({ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], startMinute: 7 * 60 + 30, endMinute: 12 * 60, holidays: [], timeZone: 'Asia/Makassar' });
  const rows: { span: WorkingSpan; calendar: OfficeCalendar; ms: number }[] = [
    { span: { days: 3, ms: 0 }, calendar: DEFAULT_OFFICE_CALENDAR, ms: 24 * HOUR },
    { span: { days: 1, ms: 4 * HOUR }, calendar: DEFAULT_OFFICE_CALENDAR, ms: 12 * HOUR },
    { span: { days: 3, ms: 0 }, calendar: saturdays, ms: 3 * 4.5 * HOUR },
    { span: { days: 0, ms: 12 * HOUR }, calendar: saturdays, ms: 12 * HOUR },
  ];
  for (const row of rows) {
    test(`${JSON.stringify(row.span)} in a ${row.calendar.dayMs / HOUR} h day`, () => {
      assert.equal(workingSpanMs(row.span, row.calendar.dayMs), row.ms);
    });
  }
});

describe('workingLeft', () => {
  // Wednesday 15 Nov 2023 05.13 WIB, before the office opens.
  const now = 1_700_000_000_000;
  test('working seconds and days of the office, weekends left out', () => {
    // Monday 20 Nov 12.00 WIB: Wednesday, Thursday, Friday and half of Monday.
    assert.deepEqual(workingLeft(Date.UTC(2023, 10, 20, 5, 0), now, DEFAULT_OFFICE_CALENDAR), { seconds: 28 * 3600, days: 3.5 });
  });
  test('nothing left when the time is past, or before the office opens', () => {
    assert.deepEqual(workingLeft(now - HOUR, now, DEFAULT_OFFICE_CALENDAR), { seconds: 0, days: 0 });
    assert.deepEqual(workingLeft(Date.UTC(2023, 10, 15, 0, 30), now, DEFAULT_OFFICE_CALENDAR), { seconds: 0, days: 0 });
  });
});

describe('alerts.rules.halt_forecast in the config', () => {
  const BASE = [
    'central:',
    '  targets: [{ name: pusat, type: tcp, host: 127.0.0.1, port: 1 }]',
    'storage:',
    '  volumes: [{ name: rekaman, path: /srv }]',
  ].join('\n');
  const withRule = (rule: string, extra = '') => `${BASE}\n${extra}alerts:\n  rules:\n    halt_forecast: ${rule}\n`;
  const problemsOf = (text: string): readonly string[] => {
    try {
      parseConfig(text, 'jaga.yaml', {});
    } catch (error) {
      assert.ok(error instanceof ConfigError, String(error));
      return error.problems;
    }
    assert.fail('expected a ConfigError');
  };

  test('defaults: for 0s, within 3 working days, which the pipeline counts in the office\'s day', () => {
    const config = parseConfig(`${BASE}\nalerts: {}\n`, 'jaga.yaml', {});
    assert.deepEqual(config.alerts?.rules.halt_forecast, { for: 0, within: { days: 3, ms: 0 } });
    const rule = alertPipelineOptions(config, config.alerts ?? assert.fail('no alerts')).rules.haltForecast;
    assert.equal(rule.forMs, 0);
    assert.equal(rule.withinWorkingMs, 24 * HOUR);
  });

  test('a working-time text in an office of half days: "2d" is two of its days, "12h" twelve working hours', () => {
    const halfDays = 'office_hours: { start: "08:00", end: "12:00" }\n';
    const days = parseConfig(withRule('{ within: "2d", for: 30m }', halfDays), 'jaga.yaml', {});
    assert.deepEqual(days.alerts?.rules.halt_forecast, { for: 30 * MIN, within: { days: 2, ms: 0 } });
    assert.equal(alertPipelineOptions(days, days.alerts ?? assert.fail('no alerts')).rules.haltForecast.withinWorkingMs, 8 * HOUR);
    const hours = parseConfig(withRule('{ within: 12h }', halfDays), 'jaga.yaml', {});
    assert.equal(alertPipelineOptions(hours, hours.alerts ?? assert.fail('no alerts')).rules.haltForecast.withinWorkingMs, 12 * HOUR);
  });

  test('errors name the key and the value', () => {
    assert.deepEqual(problemsOf(withRule('{ within: 0 }')), ['line 7: alerts.rules.halt_forecast.within: must be more than no working time at all (got 0)']);
    const [weeks] = problemsOf(withRule('{ within: 2w }'));
    assert.match(weeks ?? '', /^line 7: alerts\.rules\.halt_forecast\.within: must be a number of working days such as 3, or working time such as "2d" or "12h" .*\(got "2w"\)$/);
    const [unknown] = problemsOf(withRule('{ within: 3, eta: 1h }'));
    assert.match(unknown ?? '', /alerts\.rules\.halt_forecast/);
  });
});
