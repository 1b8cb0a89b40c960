// Number, span and wall-clock formatting shared by the language catalogues and the email renderer. Pure.
import type { FactValue } from '../core/types.js';
import { formatBytes } from '../core/units.js';

export function percent(value: FactValue | undefined): string {
  return typeof value === 'number' ? `${(value * 100).toFixed(1)}%` : '?';
}

export function bytes(value: FactValue | undefined): string {
  return typeof value === 'number' ? formatBytes(value) : '?';
}

/** "3h 20m", "45s": short enough for a phone screen. */
export function span(seconds: FactValue | undefined, units: { d: string; h: string; m: string; s: string }): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '?';
  let rest = Math.max(0, Math.round(seconds));
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${units[unit]}`);
      rest %= size;
    }
    if (parts.length === 2) return parts.join(' ');
  }
  if (parts.length === 0 || rest > 0) parts.push(`${rest}${units.s}`);
  return parts.slice(0, 2).join(' ');
}

/** A whole count with the language's thousands separator ("12.345" in Indonesian, "12,345" in English). */
export function count(value: FactValue | undefined, locale: 'id-ID' | 'en-GB'): string {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value).toLocaleString(locale) : '?';
}

export function text(value: FactValue | undefined): string {
  return value === undefined || value === null ? '?' : String(value);
}

/** Unit words for `duration`, from a catalogue ("jam"/"menit" or "h"/"min"). */
export interface DurationWords {
  readonly d: string;
  readonly h: string;
  readonly m: string;
  readonly s: string;
}

/** "2 jam 5 menit", "2 h 5 min": the two largest units, words from the catalogue. Negative counts as 0. */
export function duration(seconds: number, words: DurationWords): string {
  if (!Number.isFinite(seconds)) return '?';
  let rest = Math.max(0, Math.round(seconds));
  if (rest < 60) return `${rest} ${words.s}`;
  rest = Math.floor(rest / 60); // whole minutes: seconds are noise once the span is this long
  const parts: string[] = [];
  for (const [unit, size] of [['d', 1_440], ['h', 60], ['m', 1]] as const) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)} ${words[unit]}`);
      rest %= size;
    } else if (parts.length > 0) {
      break; // "2 jam" rather than "2 jam 0 menit"; never skip a unit ("1 hari 5 menit" misleads)
    }
  }
  return parts.join(' ');
}

/**
 * Indonesia's own zone names. ICU writes them only for the `id` locale and "GMT+7" elsewhere, so they
 * are data here rather than left to whichever locale data the Node build carries.
 */
const INDONESIAN_ZONES: Readonly<Record<string, string>> = {
  'Asia/Jakarta': 'WIB',
  'Asia/Pontianak': 'WIB',
  'Asia/Makassar': 'WITA',
  'Asia/Jayapura': 'WIT',
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Cached per zone (building a formatter is slow); an unknown zone falls back to UTC, labelled as such. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    const options: Intl.DateTimeFormatOptions = {
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
      hourCycle: 'h23', timeZoneName: 'short',
    };
    try {
      formatter = new Intl.DateTimeFormat('en-US', { ...options, timeZone });
    } catch {
      formatter = new Intl.DateTimeFormat('en-US', { ...options, timeZone: 'UTC' });
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export interface WallClock {
  readonly year: number;
  /** 1-12 */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly zone: string;
}

/** The wall clock in a zone at an instant, with the zone's short name (WIB, WITA, WIT, CET, UTC...). */
export function wallClock(at: number, timeZone: string): WallClock {
  const formatter = formatterFor(timeZone);
  const parts = formatter.formatToParts(new Date(at));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const resolved = formatter.resolvedOptions().timeZone;
  const zone = INDONESIAN_ZONES[resolved] ?? parts.find((p) => p.type === 'timeZoneName')?.value ?? resolved;
  return { year: part('year'), month: part('month'), day: part('day'), hour: part('hour') % 24, minute: part('minute'), zone };
}

/** How a catalogue writes times: month abbreviations and the hour-minute separator ("08.15" / "08:15"). */
export interface ClockStyle {
  readonly months: readonly string[];
  readonly separator: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "08.15 WIB" */
export function clockTime(at: number, timeZone: string, style: ClockStyle): string {
  const c = wallClock(at, timeZone);
  return `${pad(c.hour)}${style.separator}${pad(c.minute)} ${c.zone}`;
}

/** "30 Nov 2026 08.15 WIB" */
export function dateTime(at: number, timeZone: string, style: ClockStyle): string {
  const c = wallClock(at, timeZone);
  return `${c.day} ${style.months[c.month - 1] ?? c.month} ${c.year} ${pad(c.hour)}${style.separator}${pad(c.minute)} ${c.zone}`;
}

/** The time alone when `at` falls on the same calendar day as `now` in the zone, else date and time. */
export function shortDateTime(at: number, now: number, timeZone: string, style: ClockStyle): string {
  const a = wallClock(at, timeZone);
  const b = wallClock(now, timeZone);
  const sameDay = a.year === b.year && a.month === b.month && a.day === b.day;
  return sameDay ? clockTime(at, timeZone, style) : dateTime(at, timeZone, style);
}

/** A forecast's time as people are told it: weekday, date, the hour rounded down to the quarter. */
export interface ForecastClock extends WallClock {
  /** 0 Sunday .. 6 Saturday, as Date.getUTCDay() counts. */
  readonly weekday: number;
  /** Whether it falls in the calendar year of the moment it is told (then the year is left out); false without one. */
  readonly thisYear: boolean;
}

const QUARTER_HOUR_MS = 15 * 60_000;

/**
 * `at` in the zone, rounded down to the quarter hour: a forecast is "about 14.00", and the earlier side
 * is the safe one to plan by.
 */
export function forecastClock(at: number, now: number | undefined, timeZone: string): ForecastClock {
  const c = wallClock(Math.floor(at / QUARTER_HOUR_MS) * QUARTER_HOUR_MS, timeZone);
  const thisYear = now !== undefined && c.year === wallClock(now, timeZone).year;
  return { ...c, weekday: new Date(Date.UTC(c.year, c.month - 1, c.day)).getUTCDay(), thisYear };
}

/** Built once per locale: a NumberFormat costs far more to build than to use. */
const oneDecimalFormats = new Map<string, Intl.NumberFormat>();

/** A number with one decimal in the language's way ("3,5" in Indonesian, "3.5" in English). */
export function oneDecimal(value: number, locale: 'id-ID' | 'en-GB'): string {
  let format = oneDecimalFormats.get(locale);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    oneDecimalFormats.set(locale, format);
  }
  return format.format(value);
}
