// When a volume will reach its halt line, its floor and full under its consumption model, and how much
// working time of recording its room holds: the numbers STORAGE_FILLING, the buffer policy and the halt
// forecast judge by. Walks the future hour by hour (each hour at its own rate). Pure.
import type { VolumeState, VolumeUsage } from '../types.js';
import type { OfficeCalendar } from './calendar.js';
import { consumptionModel, type ConsumptionModel, type ModelName } from './model.js';
import type { UsageHour } from './usage.js';

const HOUR_MS = 3_600_000;
/** How far ahead a forecast looks; past it a volume is "not filling". */
export const FORECAST_HORIZON_MS = 60 * 24 * HOUR_MS;

export interface VolumeLimits {
  readonly haltRatio: number;
  readonly floorRatio: number;
  readonly minFreeBytes: number | null;
  /** STORAGE_FILLING: halt while the room holds less working time than this. */
  readonly haltEtaMs: number;
  /** The buffer policy: recording through a central outage needs room for this much working time. */
  readonly bufferWorkingMs: number;
}

export interface VolumeForecast {
  readonly model: ModelName;
  /** When used space reaches halt_ratio (or free space min_free_bytes); null: not within the horizon. */
  readonly haltAt: number | null;
  readonly floorAt: number | null;
  readonly fullAt: number | null;
  /** When the room left drops under halt_eta of working time: STORAGE_FILLING from then on. */
  readonly fillingAt: number | null;
  /** When the room left drops under buffer_min_hours of working time: buffering must end then. */
  readonly bufferEndAt: number | null;
  /** Working time until full; null when not filling within the horizon. */
  readonly roomWorkingSeconds: number | null;
}

export function forecastVolume(
  usage: VolumeUsage,
  model: ConsumptionModel,
  calendar: OfficeCalendar,
  limits: VolumeLimits,
  now: number,
): VolumeForecast {
  const total = usage.usedBytes + usage.availBytes;
  const levels = {
    halt: Math.max(total * (1 - limits.haltRatio), limits.minFreeBytes ?? Number.NEGATIVE_INFINITY),
    floor: total * (1 - limits.floorRatio),
    full: 0,
  };
  const reached: { halt: number | null; floor: number | null; full: number | null } = { halt: null, floor: null, full: null };
  let avail = usage.availBytes;
  for (const level of ['halt', 'floor', 'full'] as const) if (avail <= levels[level]) reached[level] = now;
  for (let from = now; reached.full === null && from < now + FORECAST_HORIZON_MS; ) {
    const to = Math.floor(from / HOUR_MS) * HOUR_MS + HOUR_MS;
    const rate = model.rate(from);
    const after = avail - rate * (to - from);
    for (const level of ['halt', 'floor', 'full'] as const) {
      if (reached[level] === null && after <= levels[level]) reached[level] = from + (avail - levels[level]) / rate;
    }
    avail = after;
    from = to;
  }
  const fullAt = reached.full;
  const before = (workingMs: number) => (fullAt === null ? null : (calendar.subtractWorkingMs(fullAt, workingMs, now) ?? now));
  return {
    model: model.name,
    haltAt: reached.halt,
    floorAt: reached.floor,
    fullAt,
    fillingAt: before(limits.haltEtaMs),
    bufferEndAt: before(limits.bufferWorkingMs),
    roomWorkingSeconds: fullAt === null ? null : calendar.workingMsBetween(now, fullAt) / 1000,
  };
}

/**
 * The volume with its forecast: the model its usage hours support (or today's fitted line), and the
 * time to full by it. Without numbers or anything to go by, no forecast and no time to full. A volume
 * with `halt_eta: 0s` is not judged by its fill rate at all: no forecast (so no forecast halt, and no
 * proven room to buffer on), only today's line for people to read.
 */
export function withForecast(volume: VolumeState, hours: readonly UsageHour[], calendar: OfficeCalendar, limits: VolumeLimits, now: number): VolumeState {
  if (limits.haltEtaMs === 0) return { ...volume, forecast: null };
  const model = consumptionModel(hours, calendar, now, volume.fillRateBytesPerSecond);
  if (volume.lastUsage === null || model === null) return { ...volume, forecast: null, fullEtaSeconds: null };
  const forecast = forecastVolume(volume.lastUsage, model, calendar, limits, now);
  return { ...volume, forecast, fullEtaSeconds: forecast.fullAt === null ? null : (forecast.fullAt - now) / 1000 };
}
