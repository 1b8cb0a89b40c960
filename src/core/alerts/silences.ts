// Whether an alert is silenced at an instant: label matchers, fixed silences, recurring (cron) windows.
// Pure: time is an argument, cron expressions are read by the schedules passed in (node-cron's matcher,
// config/cron.ts); the only state is, per prepared recurring silence, its last answer for a minute
// (regexes are compiled once per silence: matchers.ts).
import { compileMatchers, type CompiledMatchers } from './matchers.js';
import type { RecurringSilence, Silence } from './types.js';

const MINUTE_MS = 60_000;

/**
 * Silences made by hand (API, /admin, CLI) that are current or upcoming, at most: each is matched
 * against every alert at every evaluation.
 */
export const MAX_ACTIVE_SILENCES = 50;

/** A fixed silence with its matchers compiled, as the pipeline keeps it from creation or load on. */
export interface PreparedSilence {
  readonly silence: Silence;
  readonly matchers: CompiledMatchers;
}

/** A recurring silence with its matchers compiled and its window asked through a per-minute memo. */
export interface PreparedRecurringSilence {
  readonly silence: RecurringSilence;
  readonly matchers: CompiledMatchers;
  readonly isActive: (now: number) => boolean;
}

const valueOf = (labels: Readonly<Record<string, string>>, name: string) =>
  // hasOwn: a label called "constructor" must not find Object.prototype's.
  Object.hasOwn(labels, name) ? labels[name] : undefined;

/** The cheap half: every exact value equal, every label a regex wants present. */
function exactLabelsMatch(matchers: CompiledMatchers, labels: Readonly<Record<string, string>>): boolean {
  return matchers.exact.every(([name, wanted]) => valueOf(labels, name) === wanted) && matchers.regex.every(([name]) => valueOf(labels, name) !== undefined);
}

/** The costly half: every regex matches the whole value; one RE2 refused matches nothing. */
function regexLabelsMatch(matchers: CompiledMatchers, labels: Readonly<Record<string, string>>): boolean {
  return matchers.regex.every(([name, regex]) => {
    const value = valueOf(labels, name);
    return regex !== null && value !== undefined && regex.testExact(value);
  });
}

/**
 * Every matcher holds: exact value, or `~regex` (RE2) matching the whole value. A missing label never
 * matches; a regex RE2 refuses matches nothing.
 */
export function labelsMatch(matchers: CompiledMatchers, labels: Readonly<Record<string, string>>): boolean {
  return exactLabelsMatch(matchers, labels) && regexLabelsMatch(matchers, labels);
}

/** What a cron expression says about minutes: which minutes and hours it names, and whether a date matches. */
export interface CronSchedule {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  /** The whole judgement of a date (seconds, days, months, weekdays, L, W, #). */
  readonly matches: (date: Date) => boolean;
}

/** An expression's schedule, or null when it is invalid (config validation reports that; it silences nothing). */
export type CronSchedules = (expression: string) => CronSchedule | null;

/**
 * Active when a window started at some minute boundary m with now - durationMs < m <= now, i.e. the
 * cron matched m. Walks back from now, skipping whole hours and days that cannot match, because
 * node-cron's matcher costs microseconds and a window may be a day (1,440 minutes) long.
 */
export function isRecurringActive(r: RecurringSilence, now: number, schedules: CronSchedules): boolean {
  const schedule = schedules(r.cron);
  if (schedule === null || !(r.durationMs > 0)) return false;
  const after = now - r.durationMs;
  const cursor = new Date(now);
  cursor.setSeconds(0, 0); // the latest local minute boundary at or before now
  // Each step moves strictly back, whatever a DST change does to "the start of this hour/day".
  const backTo = (start: number) => cursor.setTime(Math.min(start, cursor.getTime()) - MINUTE_MS);
  while (cursor.getTime() > after) {
    if (!schedule.hours.has(cursor.getHours())) {
      backTo(new Date(cursor).setMinutes(0, 0, 0)); // to the last minute of the previous hour
    } else if (!schedule.minutes.has(cursor.getMinutes())) {
      backTo(cursor.getTime());
    } else if (schedule.matches(cursor)) {
      return true;
    } else {
      // Minute and hour matched, so the day did not (day of month, month or weekday), or a six-field
      // expression's seconds never include 0: no other minute boundary of this local day can match.
      backTo(new Date(cursor).setHours(0, 0, 0, 0));
    }
  }
  return false;
}

/** Compiles the silence's matchers: once, when it is created or loaded, never while matching. */
export function prepareSilence(silence: Silence): PreparedSilence {
  return { silence, matchers: compileMatchers(silence.matchers) };
}

/**
 * The window's answer depends only on which local minute boundaries lie in (now - duration, now], i.e.
 * on the minutes now and now - duration fall in, so the walk (up to milliseconds for a long duration)
 * runs once per minute rather than for every alert at every evaluation.
 */
export function prepareRecurringSilence(silence: RecurringSilence, schedules: CronSchedules): PreparedRecurringSilence {
  let memo: { readonly latest: number; readonly earliest: number; readonly active: boolean } | null = null;
  const isActive = (now: number): boolean => {
    const latest = new Date(now).setSeconds(0, 0);
    const earliest = new Date(now - silence.durationMs).setSeconds(0, 0);
    if (memo?.latest !== latest || memo.earliest !== earliest) memo = { latest, earliest, active: isRecurringActive(silence, now, schedules) };
    return memo.active;
  };
  return { silence, matchers: compileMatchers(silence.matchers), isActive };
}

/**
 * The silence that mutes these labels now, or null. Fixed silences first, then recurring ones, each in
 * the order given: any one is enough to mute, the first is the one shown. Cheapest check first, so a
 * regex (however costly) runs only for a silence that is active and whose exact values hold: a fixed
 * window is two comparisons; a recurring one may walk back through days, so exact values go before it.
 */
export function activeSilenceFor(
  labels: Readonly<Record<string, string>>,
  silences: readonly PreparedSilence[],
  recurring: readonly PreparedRecurringSilence[],
  now: number,
): Silence | RecurringSilence | null {
  for (const { silence, matchers } of silences) {
    if (silence.startsAt <= now && now < silence.endsAt && labelsMatch(matchers, labels)) return silence;
  }
  for (const { silence, matchers, isActive } of recurring) {
    if (exactLabelsMatch(matchers, labels) && isActive(now) && regexLabelsMatch(matchers, labels)) return silence;
  }
  return null;
}
