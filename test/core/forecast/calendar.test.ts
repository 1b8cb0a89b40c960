// The office's working week as a table: which instants are working time in Asia/Jakarta (WIB, +7),
// working time between two instants across nights, weekends and a holiday, and the instants a given
// amount of working time away, forward and back.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { minuteOfDay, OfficeCalendar, zoneOffsetMs } from '../../../src/core/forecast/calendar.js';

const HOUR = 3_600_000;
/** A local time in WIB: "2026-12-07T08:00" (Monday 7 December 2026). */
const wib = (local: string) => Date.parse(`${local}:00+07:00`);

const calendar = new OfficeCalendar({
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  startMinute: 8 * 60,
  endMinute: 16 * 60,
  holidays: ['2026-12-09'],
  timeZone: 'Asia/Jakarta',
});

describe('working time, instant by instant', () => {
  const rows: [string, string, boolean][] = [
    ['Monday 08:00 opens', '2026-12-07T08:00', true],
    ['Monday 07:59 not yet', '2026-12-07T07:59', false],
    ['Monday 15:59', '2026-12-07T15:59', true],
    ['Monday 16:00 closed (the end is exclusive)', '2026-12-07T16:00', false],
    ['Wednesday 10:00, a holiday', '2026-12-09T10:00', false],
    ['Saturday 10:00', '2026-12-12T10:00', false],
    ['Sunday 23:59', '2026-12-13T23:59', false],
  ];
  for (const [name, local, working] of rows) test(name, () => assert.equal(calendar.isWorkingTime(wib(local)), working));

  test('the hour of the week in local time: Monday 00:30 is 0, Friday 10:30 is 106, Sunday 23:30 is 167', () => {
    assert.equal(calendar.hourOfWeek(wib('2026-12-07T00:30')), 0);
    assert.equal(calendar.hourOfWeek(wib('2026-12-11T10:30')), 4 * 24 + 10);
    assert.equal(calendar.hourOfWeek(wib('2026-12-13T23:30')), 167);
  });

  test('a day of work is 8 hours; the zone is 7 hours ahead of UTC', () => {
    assert.equal(calendar.dayMs, 8 * HOUR);
    assert.equal(zoneOffsetMs(wib('2026-12-07T08:00'), 'Asia/Jakarta'), 7 * HOUR);
    assert.equal(zoneOffsetMs(0, 'Asia/Jayapura'), 9 * HOUR);
  });
});

describe('working time between two instants, and the instant a working time away', () => {
  const rows: [string, string, string, number][] = [
    ['within one morning', '2026-12-07T09:00', '2026-12-07T11:30', 2.5],
    ['over the night', '2026-12-07T15:00', '2026-12-08T09:00', 2],
    ['over the weekend', '2026-12-11T15:00', '2026-12-14T09:00', 2],
    ['over the holiday (Wednesday)', '2026-12-08T15:00', '2026-12-10T09:00', 2],
    ['a whole week with a holiday in it', '2026-12-07T00:00', '2026-12-14T00:00', 32],
    ['backwards is none', '2026-12-08T09:00', '2026-12-07T09:00', 0],
    ['a Saturday alone is none', '2026-12-12T00:00', '2026-12-13T00:00', 0],
  ];
  for (const [name, from, to, hours] of rows) {
    test(`${name}: ${hours} h`, () => {
      assert.equal(calendar.workingMsBetween(wib(from), wib(to)), hours * HOUR);
      if (hours > 0) {
        // Each way back: the first instant with that much working time done, and the last instant before `to` with it left.
        const forward = calendar.addWorkingMs(wib(from), hours * HOUR);
        assert.equal(calendar.workingMsBetween(wib(from), forward ?? 0), hours * HOUR);
        const back = calendar.subtractWorkingMs(wib(to), hours * HOUR, wib(from));
        assert.equal(calendar.workingMsBetween(back ?? 0, wib(to)), hours * HOUR);
      }
    });
  }

  test('two working hours from Friday 15:00 is Monday 09:00; back from Monday 09:00 is Friday 15:00', () => {
    assert.equal(calendar.addWorkingMs(wib('2026-12-11T15:00'), 2 * HOUR), wib('2026-12-14T09:00'));
    assert.equal(calendar.subtractWorkingMs(wib('2026-12-14T09:00'), 2 * HOUR, 0), wib('2026-12-11T15:00'));
  });

  test('from outside the hours, work starts at the next opening; zero is the instant itself', () => {
    assert.equal(calendar.addWorkingMs(wib('2026-12-12T03:00'), HOUR), wib('2026-12-14T09:00'));
    assert.equal(calendar.addWorkingMs(wib('2026-12-12T03:00'), 0), wib('2026-12-12T03:00'));
  });

  test('not enough working time between notBefore and the end: null', () => {
    assert.equal(calendar.subtractWorkingMs(wib('2026-12-07T10:00'), 3 * HOUR, wib('2026-12-07T08:00')), null);
  });

  test('an office with no working day left within the horizon: null', () => {
    const never = new OfficeCalendar({ days: ['sun'], startMinute: 480, endMinute: 960, holidays: [], timeZone: 'Asia/Jakarta' });
    assert.equal(never.addWorkingMs(wib('2026-12-07T08:00'), 100 * HOUR, 7 * 24 * HOUR), null);
  });
});

test('times of day: HH:MM, 24:00 as an end; anything else is not one', () => {
  assert.deepEqual(['08:00', '16:30', '24:00', '00:00'].map(minuteOfDay), [480, 990, 1440, 0]);
  assert.deepEqual(['8:00', '24:01', '25:00', '08:60', '0800', ''].map(minuteOfDay), [null, null, null, null, null, null]);
});
