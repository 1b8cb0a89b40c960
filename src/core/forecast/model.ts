// How fast a volume will be consumed at any future instant. Three models, best first:
// - `weekly`: learned from at least two weeks of the volume's own hours, the share of a week's writing
//   that falls in each local hour of the week (holidays left out);
// - `office_hours`: until then, writing spread evenly over the configured working hours, none outside;
// - `linear`: when neither has recent working hours to go by, today's straight line, day and night.
// The two shaped models are scaled by what the volume really consumed net over its last working hours:
// while uploads work and free what was recorded, that is about nothing; during an outage, all of it.
// Pure.
import { WEEKDAYS, type OfficeCalendar } from './calendar.js';
import type { UsageHour } from './usage.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WEEK_HOURS = 168;

export const MODEL_NAMES = ['weekly', 'office_hours', 'linear'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** At least this much history, and this much of it covered, before the week's shape is learned. */
export const LEARN_AFTER_MS = 14 * DAY_MS;
const MIN_LEARNED_COVERAGE = 0.5;
/** The share of the working hours of the week whose writing must have been seen before the week is learned. */
const MIN_LEARNED_WORKING_SHARE = 0.5;
/** The net consumption of the last this-many working hours scales the shape (the longer window steadies it). */
const RECENT_WORKING_HOURS = [1, 4] as const;
/** An hour counts toward the recent windows when its samples covered at least this much of it. */
const MIN_HOUR_COVERAGE = 0.25;

export interface ConsumptionModel {
  readonly name: ModelName;
  /** Expected net bytes consumed per ms in the hour that holds `at` (0 or more). */
  rate(at: number): number;
}

/**
 * The model for a volume now. `linearBytesPerSecond` is today's fitted fill rate (negative while
 * filling), null when unknown. Null when there is nothing to go by at all.
 */
export function consumptionModel(
  hours: readonly UsageHour[],
  calendar: OfficeCalendar,
  now: number,
  linearBytesPerSecond: number | null,
): ConsumptionModel | null {
  const office = officeShape(calendar);
  const learned = learnedShape(hours, calendar, now, office);
  const shape = learned ?? office;
  const scale = recentScale(hours, shape, calendar, now);
  if (scale !== null) {
    const name: ModelName = learned === null ? 'office_hours' : 'weekly';
    return { name, rate: (at) => (calendar.isHoliday(at) ? 0 : shape[calendar.hourOfWeek(at)]! * scale) };
  }
  if (linearBytesPerSecond === null) return null;
  const perMs = Math.max(0, -linearBytesPerSecond / 1000);
  return { name: 'linear', rate: () => perMs };
}

/** Working hours get 1, others 0 (an hour half inside the opening hours 0.5): the configured week. */
function officeShape(calendar: OfficeCalendar): number[] {
  const shape = new Array<number>(WEEK_HOURS).fill(0);
  const { startMinute, endMinute } = calendar.hours;
  for (const day of calendar.hours.days) {
    const weekday = WEEKDAYS.indexOf(day);
    for (let hour = 0; hour < 24; hour += 1) {
      const inside = Math.min(endMinute, (hour + 1) * 60) - Math.max(startMinute, hour * 60);
      shape[weekday * 24 + hour] = Math.max(0, inside) / 60;
    }
  }
  return shape;
}

/**
 * Each hour of the week's mean bytes written per fully covered hour, over the hours on record, when
 * the record spans two weeks and shows writing in most of the office's working hours; null otherwise.
 * Writing is only seen where it outpaces what is freed between two samples: an office whose uploads
 * free each recording within seconds shows almost none, and a week learned from the few hours it does
 * show (an outage's) would forecast nothing for the rest of the week.
 */
function learnedShape(hours: readonly UsageHour[], calendar: OfficeCalendar, now: number, office: readonly number[]): number[] | null {
  const first = hours[0];
  if (first === undefined || now - first.start < LEARN_AFTER_MS) return null;
  const covered = hours.reduce((sum, h) => sum + h.coveredMs, 0);
  if (covered < MIN_LEARNED_COVERAGE * (now - first.start)) return null;
  const written = new Array<number>(WEEK_HOURS).fill(0);
  const coveredHours = new Array<number>(WEEK_HOURS).fill(0);
  for (const h of hours) {
    if (calendar.isHoliday(h.start)) continue;
    const slot = calendar.hourOfWeek(h.start + HOUR_MS / 2);
    written[slot]! += h.written;
    coveredHours[slot]! += h.coveredMs / HOUR_MS;
  }
  const shape = written.map((w, i) => (coveredHours[i]! > 0 ? w / coveredHours[i]! : 0));
  const workingSlots = office.filter((v) => v > 0).length;
  const seenWriting = shape.filter((v, i) => v > 0 && office[i]! > 0).length;
  return seenWriting >= MIN_LEARNED_WORKING_SHARE * workingSlots ? shape : null;
}

/**
 * How much of the shape the volume consumes now: net bytes over the last working hours on record
 * divided by what the shape expects for the same hours. The larger of a short and a longer window: an
 * outage that starts shows in the last hour before the last four catch up, and safety comes first.
 * Null when no recent working hour is on record (a fresh start, or a week of silence).
 */
function recentScale(hours: readonly UsageHour[], shape: readonly number[], calendar: OfficeCalendar, now: number): number | null {
  const recent: { net: number; expected: number }[] = [];
  for (let i = hours.length - 1; i >= 0 && recent.length < RECENT_WORKING_HOURS[1]; i -= 1) {
    const h = hours[i]!;
    if (now - h.start > 7 * DAY_MS) break;
    // Only hours that are over: the current one's few minutes would swing the scale from one sample to the next.
    if (h.start + HOUR_MS > now) continue;
    const coverage = h.coveredMs / HOUR_MS;
    if (coverage < MIN_HOUR_COVERAGE || calendar.isHoliday(h.start)) continue;
    const expected = shape[calendar.hourOfWeek(h.start + HOUR_MS / 2)]! * coverage;
    // Only hours the shape expects writing in tell how much of it is happening.
    if (expected > 0) recent.push({ net: h.net, expected });
  }
  if (recent.length === 0) return null;
  const ratio = (n: number) => {
    const window = recent.slice(0, n);
    const expected = window.reduce((sum, h) => sum + h.expected, 0);
    return Math.max(0, window.reduce((sum, h) => sum + h.net, 0) / expected);
  };
  // Bytes per shape unit per hour, turned into per ms by the caller's rate.
  return Math.max(...RECENT_WORKING_HOURS.map(ratio)) / HOUR_MS;
}
