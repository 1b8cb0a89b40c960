// Whether an alert is silenced at an instant: label matchers, fixed silences, recurring (cron) windows.
// Pure: time is an argument; the only state is a memo of parsed cron expressions (regexes: matchers.ts).
import cron from 'node-cron';
import { regexMatches } from './matchers.js';
import type { Matchers, RecurringSilence, Silence } from './types.js';

const MINUTE_MS = 60_000;

/**
 * Silences made by hand (API, /admin, CLI) that are current or upcoming, at most: each is matched
 * against every alert at every evaluation, and the regex cache (matchers.ts) holds 256.
 */
export const MAX_ACTIVE_SILENCES = 50;

/**
 * Every matcher holds: exact value, or `~regex` (RE2) matching the whole value. A missing label never
 * matches; a regex RE2 refuses matches nothing.
 */
export function labelsMatch(matchers: Matchers, labels: Readonly<Record<string, string>>): boolean {
  for (const [name, wanted] of Object.entries(matchers)) {
    // hasOwn: a label called "constructor" must not find Object.prototype's.
    const value = Object.hasOwn(labels, name) ? labels[name] : undefined;
    if (value === undefined) return false;
    if (wanted.startsWith('~')) {
      if (!regexMatches(wanted.slice(1), value)) return false;
    } else if (value !== wanted) {
      return false;
    }
  }
  return true;
}

interface CronSchedule {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  /** node-cron's own judgement of a whole date (seconds, days, months, weekdays, L, W, #). */
  readonly matches: (date: Date) => boolean;
}

/** Parsed expressions by source; null when the expression is invalid. */
const schedules = new Map<string, CronSchedule | null>();

function scheduleOf(expression: string): CronSchedule | null {
  const cached = schedules.get(expression);
  if (cached !== undefined) return cached;
  let schedule: CronSchedule | null;
  try {
    const fields = cron.parse(expression);
    // node-cron's matcher, so a window opens exactly when node-cron would run the expression (local time
    // zone; day of month AND day of week when both are restricted; its L/W/# extensions). An unstarted
    // task holds no timer, and its matcher reads only the date it is given; destroying the task at once
    // takes it out of node-cron's global task registry, and the matcher keeps working.
    const task = cron.createTask(expression, () => undefined);
    void task.destroy();
    schedule = { minutes: new Set(fields.minute), hours: new Set(fields.hour), matches: (date) => task.match(date) };
  } catch {
    schedule = null; // config validation reports it; here an invalid expression silences nothing
  }
  schedules.set(expression, schedule);
  return schedule;
}

/**
 * Active when a window started at some minute boundary m with now - durationMs < m <= now, i.e. the
 * cron matched m. Walks back from now, skipping whole hours and days that cannot match, because
 * node-cron's matcher costs microseconds and a window may be a day (1,440 minutes) long.
 */
export function isRecurringActive(r: RecurringSilence, now: number): boolean {
  const schedule = scheduleOf(r.cron);
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

/**
 * The silence that mutes these labels now, or null. Fixed silences first, then recurring ones, each in
 * the order given: any one is enough to mute, the first is the one shown. The window is checked before
 * the labels: a silence that is not active costs no regex matching.
 */
export function activeSilenceFor(
  labels: Readonly<Record<string, string>>,
  silences: readonly Silence[],
  recurring: readonly RecurringSilence[],
  now: number,
): Silence | RecurringSilence | null {
  for (const s of silences) {
    if (s.startsAt <= now && now < s.endsAt && labelsMatch(s.matchers, labels)) return s;
  }
  for (const r of recurring) {
    if (isRecurringActive(r, now) && labelsMatch(r.matchers, labels)) return r;
  }
  return null;
}
