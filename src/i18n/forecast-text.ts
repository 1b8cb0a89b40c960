// The halt forecast's sentence from its numbers, in one language: the API's `message`, /admin and the
// emails say it alike ("perkiraan: perekaman harus dihentikan Kamis 10 Desember sekitar pukul 14.00 WIB,
// sekitar 3,5 hari kerja lagi"). Pure.
import type { WorkingLeft } from '../core/alerts/forecast-rules.js';
import { catalogue, type Language } from './catalogue.js';
import { forecastClock } from './format.js';

/** "Kamis 10 Desember sekitar pukul 14.00 WIB"; `now` undefined (a text that outlives the moment): with the year. */
export function haltWhen(at: number, now: number | undefined, timeZone: string, language: Language): string {
  return catalogue(language).forecast.when(forecastClock(at, now, timeZone));
}

export function haltSentence(haltAt: number, left: WorkingLeft, now: number, timeZone: string, language: Language): string {
  const words = catalogue(language).forecast;
  return words.halt(haltWhen(haltAt, now, timeZone, language), words.left(left));
}
