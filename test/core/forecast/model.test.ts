// The consumption model as tables over hours of usage: too little history (office hours, or today's
// line), a learned week once two weeks are on record (weekend and night empty, a holiday skipped), the
// scale by the last working hours (uploads that free what is recorded: nothing; an outage: all of it; a
// change of pattern), and the usage log folding samples into hours.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OfficeCalendar } from '../../../src/core/forecast/calendar.js';
import { consumptionModel, LEARN_AFTER_MS } from '../../../src/core/forecast/model.js';
import { addUsage, EMPTY_USAGE, usageFromSamples, type UsageHour } from '../../../src/core/forecast/usage.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const GB = 1e9;
const wib = (local: string) => Date.parse(`${local}:00+07:00`);
/** Monday 7 December 2026, 00:00 WIB. */
const MONDAY = wib('2026-12-07T00:00');

const calendar = new OfficeCalendar({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], startMinute: 480, endMinute: 960, holidays: ['2026-12-23'], timeZone: 'Asia/Jakarta' });

/**
 * Fully covered hours from `from` to `to`: `written` bytes in each working hour (none outside), of
 * which `freedShare` is freed again within the hour (uploads that work: 1; an outage: 0).
 */
function hours(from: number, to: number, written: (start: number) => number, freedShare: (start: number) => number): UsageHour[] {
  const out: UsageHour[] = [];
  for (let start = from; start < to; start += HOUR) {
    const w = calendar.isWorkingTime(start) ? written(start) : 0;
    out.push({ start, written: w, net: w * (1 - freedShare(start)), coveredMs: HOUR });
  }
  return out;
}
const steady = (bytes: number) => () => bytes;
const uploads = (share: number) => () => share;
const perHour = (bytesPerMs: number) => bytesPerMs * HOUR;

describe('which model answers', () => {
  test('nothing on record and no line: no model', () => {
    assert.equal(consumptionModel([], calendar, MONDAY + 10 * HOUR, null), null);
  });

  test('nothing on record, a line of today: linear, day and night alike', () => {
    const model = consumptionModel([], calendar, MONDAY + 10 * HOUR, -1_000);
    assert.equal(model?.name, 'linear');
    assert.equal(perHour(model!.rate(MONDAY + 3 * HOUR)), 3.6e6);
    assert.equal(perHour(model!.rate(MONDAY + 12 * HOUR)), 3.6e6);
  });

  test('a line that rises (space freed) consumes nothing', () => {
    assert.equal(perHour(consumptionModel([], calendar, MONDAY, 5_000)!.rate(MONDAY)), 0);
  });

  test('three days on record during an outage: office hours, 1 GB an hour while open, nothing at night or on Saturday', () => {
    const now = wib('2026-12-09T12:00');
    const model = consumptionModel(hours(MONDAY, now, steady(GB), uploads(0)), calendar, now, null);
    assert.equal(model?.name, 'office_hours');
    assert.ok(Math.abs(perHour(model!.rate(wib('2026-12-10T10:30'))) - GB) < 1, 'Thursday 10:30');
    assert.equal(model!.rate(wib('2026-12-10T20:00')), 0, 'Thursday night');
    assert.equal(model!.rate(wib('2026-12-12T10:00')), 0, 'Saturday');
  });

  test('an hour only half inside the opening hours expects half', () => {
    const halfDay = new OfficeCalendar({ ...calendar.hours, startMinute: 7 * 60 + 30 });
    const now = wib('2026-12-08T12:00');
    const model = consumptionModel(hours(MONDAY, now, steady(GB), uploads(0)), halfDay, now, null);
    assert.ok(Math.abs(perHour(model!.rate(wib('2026-12-08T07:45'))) * 2 - perHour(model!.rate(wib('2026-12-08T09:00')))) < 1);
  });

  test(`${LEARN_AFTER_MS / DAY} days on record: the week is learned (mornings heavier than afternoons)`, () => {
    const now = MONDAY + 15 * DAY + 12 * HOUR;
    // 2 GB an hour before noon, 0.5 GB after; an outage throughout (nothing freed).
    const written = (start: number) => (calendar.hourOfWeek(start) % 24 < 12 ? 2 * GB : 0.5 * GB);
    const model = consumptionModel(hours(MONDAY, now, written, uploads(0)), calendar, now, null);
    assert.equal(model?.name, 'weekly');
    const morning = perHour(model!.rate(wib('2026-12-23T09:00') + 1 * DAY)); // Thursday 24 December
    const afternoon = perHour(model!.rate(wib('2026-12-24T14:00')));
    assert.ok(Math.abs(morning / afternoon - 4) < 0.01, `${morning} / ${afternoon}`);
    assert.equal(model!.rate(wib('2026-12-26T10:00')), 0, 'Saturday: nothing learned');
  });

  test('writing never seen (uploads free each recording between two samples), then a morning\'s outage: not learned from those hours alone', () => {
    const outageFrom = wib('2026-12-21T10:00');
    const now = wib('2026-12-21T15:00');
    // Three weeks where what is written is freed within the hour: no writing on record, until the outage.
    const history = hours(MONDAY, now, steady(GB), (start) => (start >= outageFrom ? 0 : 1)).map((h) => (h.start < outageFrom ? { ...h, written: 0 } : h));
    const model = consumptionModel(history, calendar, now, null);
    assert.equal(model?.name, 'office_hours');
    assert.ok(Math.abs(perHour(model!.rate(wib('2026-12-22T10:00'))) - GB) < 1, 'Tuesday morning consumes as the outage showed');
  });

  test('a holiday consumes nothing, and is not learned from', () => {
    const now = MONDAY + 15 * DAY + 12 * HOUR;
    const model = consumptionModel(hours(MONDAY, now, steady(GB), uploads(0)), calendar, now, null);
    assert.equal(model!.rate(wib('2026-12-23T10:00')), 0, 'Wednesday 23 December, a holiday');
    assert.ok(model!.rate(wib('2026-12-24T10:00')) > 0);
  });
});

describe('scaled by the last working hours', () => {
  const now = wib('2026-12-10T12:00');

  test('uploads free what is recorded: nothing is consumed, whatever is written', () => {
    const model = consumptionModel(hours(MONDAY, now, steady(GB), uploads(1)), calendar, now, null);
    assert.equal(model?.name, 'office_hours');
    assert.equal(model!.rate(wib('2026-12-10T13:00')), 0);
  });

  test('an outage since this morning: the last hour shows it before the last four do', () => {
    const outageFrom = wib('2026-12-10T11:00');
    const model = consumptionModel(hours(MONDAY, now, steady(GB), (start) => (start >= outageFrom ? 0 : 1)), calendar, now, null);
    assert.ok(Math.abs(perHour(model!.rate(wib('2026-12-10T13:00'))) - GB) < 1, 'all of it, from the one hour of outage');
  });

  test('a change of pattern: the office records twice as much since this morning', () => {
    const model = consumptionModel(hours(MONDAY, now, (start) => (start >= wib('2026-12-10T08:00') ? 2 * GB : GB), uploads(0)), calendar, now, null);
    assert.ok(Math.abs(perHour(model!.rate(wib('2026-12-10T13:00'))) - 2 * GB) < 1);
  });

  test('hours barely covered by samples do not count; then today\'s line answers', () => {
    const thin = hours(MONDAY, now, steady(GB), uploads(0)).map((h) => ({ ...h, coveredMs: HOUR / 10 }));
    assert.equal(consumptionModel(thin, calendar, now, -500)?.name, 'linear');
  });

  test('a week without a single working hour on record: today\'s line', () => {
    const old = hours(MONDAY - 14 * DAY, MONDAY - 7 * DAY, steady(GB), uploads(0));
    assert.equal(consumptionModel(old, calendar, now, -500)?.name, 'linear');
  });
});

describe('the usage log', () => {
  test('a drop between two samples is booked to the hours it spans, in proportion', () => {
    let log = addUsage(EMPTY_USAGE, { at: MONDAY + 9.5 * HOUR, availBytes: 10 * GB }, 28 * DAY);
    log = addUsage(log, { at: MONDAY + 10.5 * HOUR, availBytes: 8 * GB }, 28 * DAY);
    assert.deepEqual(log.hours, [
      { start: MONDAY + 9 * HOUR, written: GB, net: GB, coveredMs: HOUR / 2 },
      { start: MONDAY + 10 * HOUR, written: GB, net: GB, coveredMs: HOUR / 2 },
    ]);
  });

  test('space freed is net, not written; a gap past an hour and a step back only restart', () => {
    const log = usageFromSamples(
      [
        { at: MONDAY + 9 * HOUR, availBytes: 10 * GB },
        { at: MONDAY + 9.5 * HOUR, availBytes: 12 * GB },
        { at: MONDAY + 12 * HOUR, availBytes: 5 * GB },
        { at: MONDAY + 12.25 * HOUR, availBytes: 4 * GB },
      ],
      28 * DAY,
    );
    assert.deepEqual(log.hours, [
      { start: MONDAY + 9 * HOUR, written: 0, net: -2 * GB, coveredMs: HOUR / 2 },
      { start: MONDAY + 12 * HOUR, written: GB, net: GB, coveredMs: HOUR / 4 },
    ]);
    const back = addUsage(log, { at: MONDAY, availBytes: 1 }, 28 * DAY);
    assert.deepEqual(back.hours, log.hours);
  });

  test('hours older than what is kept drop out', () => {
    const log = usageFromSamples(
      [
        { at: MONDAY, availBytes: 10 * GB },
        { at: MONDAY + HOUR / 2, availBytes: 9 * GB },
        { at: MONDAY + 3 * DAY, availBytes: 9 * GB },
        { at: MONDAY + 3 * DAY + HOUR / 2, availBytes: 8 * GB },
      ],
      DAY,
    );
    assert.deepEqual(log.hours.map((h) => h.start), [MONDAY + 3 * DAY]);
  });
});
