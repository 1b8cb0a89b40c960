// The halt forecast and the buffer mode on the wire (snake_case, ISO times) and in people's words: the
// gate's forecast with its `message`, a volume's forecast, the buffering block. Pure.
import { workingLeft, type WorkingTime } from '../core/alerts/forecast-rules.js';
import type { VolumeForecast } from '../core/forecast/forecast.js';
import type { Buffering, Gate, VolumeState } from '../core/types.js';
import { catalogue, type Language } from '../i18n/catalogue.js';
import { haltSentence } from '../i18n/forecast-text.js';

/** What the forecast's sentence needs besides the gate: the office's working week and zone, and the volumes. */
export interface ForecastContext {
  readonly working: WorkingTime;
  readonly timeZone: string;
  /** Whether any volume has a forecast at all tells "no halt in sight" from "nothing to go by yet". */
  readonly volumes: readonly VolumeState[];
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const hours = (seconds: number | null): number | null => (seconds === null ? null : Math.round(seconds / 36) / 100);

/**
 * The forecast in people's words as of the decision: when and why recording will have to stop; or that
 * no halt is in sight, or nothing to go by yet. Null while halted: there is no halt to foresee.
 */
export function forecastMessage(gate: Gate, context: ForecastContext, language: Language): string | null {
  if (gate.state === 'halted') return null;
  const words = catalogue(language).forecast;
  const f = gate.forecast;
  if (f === null) return context.volumes.some((v) => v.forecast !== null) ? words.noHalt : words.noData;
  const halt = haltSentence(f.haltAt, workingLeft(f.haltAt, gate.decidedAt, context.working), gate.decidedAt, context.timeZone, language);
  return words.withWhy(halt, words.why(f.reason, f.subject));
}

/**
 * `{"halt_at","reason","subject","model"}`, every field null when no halt is foreseen (or while halted);
 * with `message` where the caller knows the office (the HTTP API).
 */
export function gateForecastView(gate: Gate, language: Language, context: ForecastContext | undefined): Record<string, unknown> {
  const f = gate.forecast;
  return {
    halt_at: iso(f?.haltAt ?? null),
    reason: f?.reason ?? null,
    subject: f?.subject ?? null,
    model: f?.model ?? null,
    ...(context === undefined ? {} : { message: forecastMessage(gate, context, language) }),
  };
}

/** While buffering: since when, the least room of any volume in working hours, and when it must end. */
export function bufferingView(buffering: Buffering | null): Record<string, unknown> | null {
  if (buffering === null) return null;
  return { since: iso(buffering.since), room_working_hours: hours(buffering.roomWorkingSeconds), ends_at: iso(buffering.endsAt) };
}

/** A volume's forecast; null until its model has anything to go by. */
export function volumeForecastView(forecast: VolumeForecast | null): Record<string, unknown> | null {
  if (forecast === null) return null;
  return {
    model: forecast.model,
    halt_at: iso(forecast.haltAt),
    floor_at: iso(forecast.floorAt),
    full_at: iso(forecast.fullAt),
    room_working_hours: hours(forecast.roomWorkingSeconds),
  };
}
