// The office's working week: which instants are working time (days, opening hours, holidays, in the
// office's time zone), how much working time lies between two instants, and the instant when a given
// amount of working time will have passed. A forecast counts in working time because an office records
// about 8 hours a day and not on Sundays. Pure: times are arguments; the zone's offset comes from Intl.

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** ISO weekdays as the config writes them; index 0 is Monday. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface OfficeHours {
  readonly days: readonly Weekday[];
  /** Minutes after local midnight; `end` > `start`. */
  readonly startMinute: number;
  readonly endMinute: number;
  /** Local dates "YYYY-MM-DD" the office is closed. */
  readonly holidays: readonly string[];
  readonly timeZone: string;
}

/** A local day: its midnight as an epoch, its weekday (0 Monday) and its date. */
interface LocalDay {
  readonly midnight: number;
  readonly weekday: number;
  readonly date: string;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at `at`, in ms (Asia/Jakarta: +7 h). An unknown zone counts as UTC. */
export function zoneOffsetMs(at: number, timeZone: string): number {
  let formatter = offsetFormatters.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch {
      formatter = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    }
    offsetFormatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(new Date(at));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour') % 24, part('minute'), part('second'));
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** The working week and its arithmetic, for one office. */
export class OfficeCalendar {
  private readonly days: ReadonlySet<number>;
  private readonly holidays: ReadonlySet<string>;
  /** The zone's offset, looked up once per local day (zones change offsets at most twice a year). */
  private readonly offsets = new Map<number, number>();
  /** Local days by their local midnight: a forecast asks about the same few dozen days thousands of times. */
  private readonly localDays = new Map<number, LocalDay>();

  constructor(readonly hours: OfficeHours) {
    this.days = new Set(hours.days.map((d) => WEEKDAYS.indexOf(d)));
    this.holidays = new Set(hours.holidays);
  }

  /** Working time in one ordinary working day, in ms (8 h by default). */
  get dayMs(): number {
    return (this.hours.endMinute - this.hours.startMinute) * MINUTE_MS;
  }

  /** The local hour of the week of `at`: 0 is Monday 00:00-01:00, 167 Sunday 23:00-24:00. */
  hourOfWeek(at: number): number {
    const day = this.dayOf(at);
    return day.weekday * 24 + Math.floor((at - day.midnight) / HOUR_MS);
  }

  /** Whether the office works on the local day of `at` (not a holiday, one of the days). */
  isWorkingDay(at: number): boolean {
    const day = this.dayOf(at);
    return this.days.has(day.weekday) && !this.holidays.has(day.date);
  }

  isHoliday(at: number): boolean {
    return this.holidays.has(this.dayOf(at).date);
  }

  isWorkingTime(at: number): boolean {
    const day = this.dayOf(at);
    return this.openOn(day) && at >= day.midnight + this.hours.startMinute * MINUTE_MS && at < day.midnight + this.hours.endMinute * MINUTE_MS;
  }

  /** Working time between `from` and `to` (0 when `to` is not after `from`). */
  workingMsBetween(from: number, to: number): number {
    let total = 0;
    for (let day = this.dayOf(from); day.midnight < to; day = this.nextDay(day)) {
      if (!this.openOn(day)) continue;
      const open = Math.max(from, day.midnight + this.hours.startMinute * MINUTE_MS);
      const close = Math.min(to, day.midnight + this.hours.endMinute * MINUTE_MS);
      if (close > open) total += close - open;
    }
    return total;
  }

  /**
   * The instant when `workingMs` of working time will have passed after `from`; `from` itself for 0.
   * Gives up past `horizonMs` of wall time (an office with no working days left) with null.
   */
  addWorkingMs(from: number, workingMs: number, horizonMs = 400 * DAY_MS): number | null {
    if (workingMs <= 0) return from;
    let left = workingMs;
    for (let day = this.dayOf(from); day.midnight < from + horizonMs; day = this.nextDay(day)) {
      if (!this.openOn(day)) continue;
      const open = Math.max(from, day.midnight + this.hours.startMinute * MINUTE_MS);
      const close = day.midnight + this.hours.endMinute * MINUTE_MS;
      if (close <= open) continue;
      if (close - open >= left) return open + left;
      left -= close - open;
    }
    return null;
  }

  /**
   * The instant before `to` from which `workingMs` of working time lie until `to` (the latest such);
   * null when less than that lies between `notBefore` and `to`.
   */
  subtractWorkingMs(to: number, workingMs: number, notBefore: number): number | null {
    if (workingMs <= 0) return to;
    let left = workingMs;
    for (let day = this.dayOf(to); day.midnight + DAY_MS > notBefore; day = this.dayOf(day.midnight - 2 * HOUR_MS)) {
      if (!this.openOn(day)) continue;
      const close = Math.min(to, day.midnight + this.hours.endMinute * MINUTE_MS);
      const open = Math.max(notBefore, day.midnight + this.hours.startMinute * MINUTE_MS);
      if (close <= open) continue;
      if (close - open >= left) return close - left;
      left -= close - open;
    }
    return null;
  }

  private openOn(day: LocalDay): boolean {
    return this.days.has(day.weekday) && !this.holidays.has(day.date);
  }

  private dayOf(at: number): LocalDay {
    const offset = this.offsetNear(at);
    const localMidnight = Math.floor((at + offset) / DAY_MS) * DAY_MS;
    let day = this.localDays.get(localMidnight);
    if (day === undefined) {
      day = localDay(localMidnight, localMidnight - offset);
      // Bounded like the offsets: a forecast walks at most a few hundred days.
      if (this.localDays.size > 4_096) this.localDays.clear();
      this.localDays.set(localMidnight, day);
    }
    return day;
  }

  private nextDay(day: LocalDay): LocalDay {
    // Past midnight plus a day and a bit, then back to that day's own midnight (a DST day is 23 or 25 h).
    return this.dayOf(day.midnight + DAY_MS + 2 * HOUR_MS);
  }

  private offsetNear(at: number): number {
    const key = Math.floor(at / DAY_MS);
    let offset = this.offsets.get(key);
    if (offset === undefined) {
      offset = zoneOffsetMs(at, this.hours.timeZone);
      // Bounded: a forecast walks at most a few hundred days.
      if (this.offsets.size > 4_096) this.offsets.clear();
      this.offsets.set(key, offset);
    }
    return offset;
  }
}

/** A local day from its local midnight (as if UTC) and the real epoch of that midnight. */
function localDay(localMidnightAsUtc: number, midnight: number): LocalDay {
  const date = new Date(localMidnightAsUtc);
  // getUTCDay: 0 is Sunday; ISO: 0 is Monday.
  const weekday = (date.getUTCDay() + 6) % 7;
  return { midnight, weekday, date: date.toISOString().slice(0, 10) };
}

/** "08:00" -> 480; null when it is not a time of day HH:MM (24:00 allowed for an end). */
export function minuteOfDay(text: string): number | null {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (match === null) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes > 24 * 60 ? null : minutes;
}
