// The simulated office of the decision-quality benchmark: one recording volume, its working week
// (Monday-Friday 08:00-16:00 Asia/Jakarta, two public holidays), what its counters would record minute
// by minute if the gate allowed it (a busy morning, a lunch dip, Friday prayers, busy Mondays, noisy
// days and hours, a season that brings a quarter more from the fifth week), uploads that drain what
// was recorded while central is up, and central's outages, from an hour to two weeks. All of it drawn
// from one seed, so that a run repeats exactly. Pure computation.
import { OfficeCalendar } from '../src/core/forecast/calendar.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Monday 5 January 2026, 00:00 WIB (UTC+7 all year: no daylight saving in Jakarta). */
export const OFFICE_START = Date.parse('2026-01-05T00:00:00+07:00');
/** Isra Mi'raj (Friday 16 January 2026) and Chinese New Year (Tuesday 17 February 2026). */
export const OFFICE_HOLIDAYS = ['2026-01-16', '2026-02-17'] as const;

/** A 2 TiB recording disk, a third of it used by the system and what is kept locally. */
export const DISK_BYTES = 2 * 2 ** 40;
const BASE_USED_SHARE = 0.35;
/** An ordinary working hour records 1.2% of the disk (about 26 GB: a dozen counters on camera). */
const HOURLY_SHARE = 0.012;
/** While central is up, uploads free what was recorded at 60% of that pace, day and night. */
const UPLOAD_SHARE_PER_HOUR = 0.6 * HOURLY_SHARE;

/** Each opening hour's share of an ordinary hour (08:00 to 15:00 starts; they average 1). */
const DAY_SHAPE = [0.7, 1.2, 1.35, 1.2, 0.6, 1.1, 1.1, 0.75] as const;
/** Friday: the 11:00 and 12:00 hours empty out for the Friday prayer. */
const FRIDAY_SHAPE = [0.7, 1.2, 1.35, 0.5, 0.3, 1.1, 1.1, 0.75] as const;
/** Monday to Friday: Mondays bring the weekend's queue. */
const WEEKDAY_FACTOR = [1.15, 1, 1, 0.95, 0.85] as const;
/** From this week on (0-based), a quarter more every hour: a season of registrations. */
const SEASON_FROM_WEEK = 4;
const SEASON_FACTOR = 1.25;
/** Lognormal noise of a whole day, of an hour within it, and of a minute within that. */
const NOISE = { day: 0.15, hour: 0.2, minute: 0.5 } as const;

/**
 * Outages: after a gap of this mean (exponential) since the start or the last one, short and long in
 * turn (which comes first is drawn), each length spread evenly in log between its class's bounds.
 */
const OUTAGE_GAP_MEAN_MS = 7 * DAY_MS;
const OUTAGE_CLASSES = [
  { minMs: HOUR_MS, maxMs: DAY_MS },
  { minMs: 2 * DAY_MS, maxMs: 14 * DAY_MS },
] as const;

export interface Outage {
  readonly start: number;
  readonly end: number;
}

export interface Office {
  readonly seed: number;
  readonly start: number;
  /** Where the measured run ends; the office's demand goes on past it for forecasts to look at. */
  readonly end: number;
  readonly calendar: OfficeCalendar;
  readonly sizeBytes: number;
  readonly baseUsedBytes: number;
  readonly uploadBytesPerMs: number;
  readonly outages: readonly Outage[];
  isCentralUp(at: number): boolean;
  /** Bytes the office would record between two instants if the gate allowed all of it. */
  demandBetween(from: number, to: number): number;
  /** Working time between two instants (the office's calendar, read from a table). */
  workingMsBetween(from: number, to: number): number;
}

/** `weeks` measured, and `lookaheadWeeks` more of demand behind them for forecasts that look far. */
export function makeOffice(seed: number, weeks: number, lookaheadWeeks = 9): Office {
  const random = seededRandom(seed);
  const calendar = new OfficeCalendar({
    days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    startMinute: 8 * 60,
    endMinute: 16 * 60,
    holidays: [...OFFICE_HOLIDAYS],
    timeZone: 'Asia/Jakarta',
  });
  const minutes = (weeks + lookaheadWeeks) * 7 * 24 * 60;
  // Prefix sums, so that any span costs two reads: demand[i] is what minutes 0..i-1 would record.
  const demand = new Float64Array(minutes + 1);
  const working = new Float64Array(minutes + 1);
  const hourly = HOURLY_SHARE * DISK_BYTES;
  let dayFactor = 1;
  let hourFactor = 1;
  for (let i = 0; i < minutes; i += 1) {
    const at = OFFICE_START + i * MINUTE_MS;
    const day = Math.floor(i / (24 * 60));
    const minuteOfDay = i % (24 * 60);
    if (minuteOfDay === 0) dayFactor = lognormal(random, NOISE.day);
    if (minuteOfDay % 60 === 0) hourFactor = lognormal(random, NOISE.hour);
    const open = calendar.isWorkingTime(at);
    let bytes = 0;
    if (open) {
      const weekday = day % 7;
      const slot = Math.floor(minuteOfDay / 60) - 8;
      const shape = (weekday === 4 ? FRIDAY_SHAPE : DAY_SHAPE)[slot] ?? 0;
      const season = day >= SEASON_FROM_WEEK * 7 ? SEASON_FACTOR : 1;
      bytes = (hourly / 60) * shape * (WEEKDAY_FACTOR[weekday] ?? 0) * season * dayFactor * hourFactor * lognormal(random, NOISE.minute);
    }
    demand[i + 1] = demand[i]! + bytes;
    working[i + 1] = working[i]! + (open ? MINUTE_MS : 0);
  }
  const end = OFFICE_START + weeks * 7 * DAY_MS;
  const outages = drawOutages(random, OFFICE_START, end);
  const at = (table: Float64Array, t: number) => {
    const x = Math.min(Math.max((t - OFFICE_START) / MINUTE_MS, 0), minutes);
    const i = Math.min(Math.floor(x), minutes - 1);
    return table[i]! + (table[i + 1]! - table[i]!) * (x - i);
  };
  return {
    seed,
    start: OFFICE_START,
    end,
    calendar,
    sizeBytes: DISK_BYTES,
    baseUsedBytes: BASE_USED_SHARE * DISK_BYTES,
    uploadBytesPerMs: (UPLOAD_SHARE_PER_HOUR * DISK_BYTES) / HOUR_MS,
    outages,
    isCentralUp: (t) => !outages.some((o) => t >= o.start && t < o.end),
    demandBetween: (from, to) => (to > from ? at(demand, to) - at(demand, from) : 0),
    workingMsBetween: (from, to) => (to > from ? at(working, to) - at(working, from) : 0),
  };
}

function drawOutages(random: () => number, start: number, end: number): Outage[] {
  const outages: Outage[] = [];
  let long = random() < 0.5;
  let at = start;
  for (;;) {
    at += -Math.log(1 - random()) * OUTAGE_GAP_MEAN_MS;
    if (at >= end) return outages;
    const { minMs, maxMs } = OUTAGE_CLASSES[long ? 1 : 0];
    const length = Math.exp(Math.log(minMs) + random() * Math.log(maxMs / minMs));
    outages.push({ start: at, end: at + length });
    at += length;
    long = !long;
  }
}

/** The sample times: every 30 to 60 s (storage probes on a loaded machine do not keep a beat). */
export function sampleTimes(seed: number, start: number, end: number): Float64Array {
  const random = seededRandom(seed ^ 0x5eed);
  const times: number[] = [];
  for (let at = start; at < end; at += 30_000 + Math.floor(random() * 30_000)) times.push(at);
  return Float64Array.from(times);
}

/** A lognormal factor with mean 1. */
function lognormal(random: () => number, sigma: number): number {
  // Box-Muller; 1 - random() keeps the logarithm finite.
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.exp(sigma * z - (sigma * sigma) / 2);
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
