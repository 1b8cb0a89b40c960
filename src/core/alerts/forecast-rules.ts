// The alert rule about the halt forecast (HaltForecast: the gate's forecast halt lies within
// alerts.rules.halt_forecast.within of working time), the working time the rules count in, and how the
// config writes that span. rules.ts holds the table and the `for` clocks. Pure: `now` is in the input.
import type { OfficeCalendar } from '../forecast/calendar.js';
import type { FactValue } from '../types.js';
import type { AlertInput, AlertRulesPolicy, Condition } from './rules.js';

/** What the rules need of the office's working week: working time between two instants, and a working day's length. */
export type WorkingTime = Pick<OfficeCalendar, 'workingMsBetween' | 'dayMs'>;

/**
 * A span of working time as the config writes it: `days` working days of the office (a number such as
 * `3`, or the `d` of a text such as "2d") plus `ms` of working time (the `h`, `m`, `s` of the text).
 * Only once the office's working day is known does it become milliseconds (workingSpanMs).
 */
export interface WorkingSpan {
  readonly days: number;
  readonly ms: number;
}

/** Past this the forecast (60 days of wall time ahead) cannot see: a wider `within` would never mean more. */
export const WORKING_SPAN_MAX_DAYS = 40;

const UNIT_MS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1_000 };
const PART = /(\d+(?:\.\d+)?)(d|h|m|s)/g;
const WHOLE = /^(?:\d+(?:\.\d+)?(?:d|h|m|s))+$/;

/**
 * A number of working days (`3`, `1.5`), or a text like "2d", "12h", "1d4h" where `d` is one working day
 * of the office and `h`, `m`, `s` are working time; the problem in words when it is neither, or is not
 * above zero and at most WORKING_SPAN_MAX_DAYS working days (hours counted as 24 to the day for the bound).
 */
export function parseWorkingSpan(value: unknown): WorkingSpan | string {
  const expectation = `must be a number of working days such as 3, or working time such as "2d" or "12h" (a "d" is one working day of office_hours)`;
  let span: WorkingSpan;
  if (typeof value === 'number' && Number.isFinite(value)) {
    span = { days: value, ms: 0 };
  } else if (typeof value === 'string' && WHOLE.test(value.trim())) {
    let days = 0;
    let ms = 0;
    for (const [, amount, unit] of value.trim().matchAll(PART)) {
      if (unit === 'd') days += Number(amount);
      else ms += Number(amount) * (UNIT_MS[unit as string] as number);
    }
    span = { days, ms: Math.round(ms) };
  } else {
    return expectation;
  }
  if (!(span.days > 0 || span.ms > 0)) return 'must be more than no working time at all';
  if (span.days + span.ms / 86_400_000 > WORKING_SPAN_MAX_DAYS) return `must be at most ${WORKING_SPAN_MAX_DAYS} working days`;
  return span;
}

/** The span in working milliseconds, a working day being `dayMs` long. */
export function workingSpanMs(span: WorkingSpan, dayMs: number): number {
  return span.days * dayMs + span.ms;
}

/** Working time from one instant until another, as people are told it. */
export interface WorkingLeft {
  readonly seconds: number;
  /** In working days of the office (a day of office_hours); null for an office without working time. */
  readonly days: number | null;
}

export function workingLeft(at: number, now: number, working: WorkingTime): WorkingLeft {
  const ms = working.workingMsBetween(now, at);
  return { seconds: ms / 1000, days: working.dayMs > 0 ? ms / working.dayMs : null };
}

export function haltForecast(input: AlertInput, policy: AlertRulesPolicy): Condition[] {
  const f = input.gate.forecast;
  const { working, withinWorkingMs } = policy.haltForecast;
  // The gate has a forecast only while it allows: once halted, RecordingHalted speaks.
  if (f === null || working.workingMsBetween(input.now, f.haltAt) > withinWorkingMs) return [];
  const left = workingLeft(f.haltAt, input.now, working);
  // The end of buffering is about the central server, not one volume.
  const labels: Record<string, string> = f.reason === 'CENTRAL_UNREACHABLE' ? {} : { volume: f.subject };
  const values: Record<string, FactValue> = {
    haltAt: f.haltAt,
    reason: f.reason,
    subject: f.subject,
    model: f.model,
    workingSeconds: left.seconds,
    workingDays: left.days,
    withinWorkingSeconds: withinWorkingMs / 1000,
  };
  return [{ labels, values }];
}
