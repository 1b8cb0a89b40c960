// The office calendar of a config that leaves `office_hours` and `time_zone` at their defaults (Monday to
// Friday 08:00-16:00 in Asia/Jakarta, no holidays), for tests that build the engine by hand. Pure.
import { OfficeCalendar } from '../../src/core/forecast/calendar.js';

export const DEFAULT_OFFICE_CALENDAR = new OfficeCalendar({
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  startMinute: 8 * 60,
  endMinute: 16 * 60,
  holidays: [],
  timeZone: 'Asia/Jakarta',
});
