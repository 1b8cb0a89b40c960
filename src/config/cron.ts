// What a cron expression means in time: its next slot after an instant, the longest gap between its
// runs, and its schedule for recurring silences. node-cron's planner and matcher only: no task is
// started, none stays in node-cron's registry, and no clock is read (instants are arguments).
import cron, { type ScheduledTask } from 'node-cron';
import type { CronSchedule } from '../core/alerts/silences.js';

const planners = new Map<string, ScheduledTask>();

function planner(expression: string): ScheduledTask {
  let task = planners.get(expression);
  if (task === undefined) {
    task = cron.createTask(expression, () => undefined);
    // Out of node-cron's registry at once; planning (getNextRuns) keeps working on a destroyed task.
    void task.destroy();
    planners.set(expression, task);
  }
  return task;
}

/** node-cron's matcher behind a task: getNextRuns reads the system clock, getNextMatch takes the instant. */
interface TimeMatcher {
  getNextMatch(date: Date): Date;
}

/** The first slot of `expression` strictly after `after` (epoch ms), in epoch ms. */
export function nextRun(expression: string, after: number): number {
  const { timeMatcher } = planner(expression) as unknown as { timeMatcher: TimeMatcher };
  return timeMatcher.getNextMatch(new Date(after)).getTime();
}

const schedules = new Map<string, CronSchedule | null>();

/**
 * The expression's schedule, read with node-cron's own matcher so that a silence window opens exactly
 * when node-cron would run the expression (local time zone; day of month AND day of week when both are
 * restricted; its L/W/# extensions). Null when the expression is invalid. Memoised by source.
 */
export function cronSchedule(expression: string): CronSchedule | null {
  const cached = schedules.get(expression);
  if (cached !== undefined) return cached;
  let schedule: CronSchedule | null;
  try {
    const fields = cron.parse(expression);
    const task = planner(expression);
    schedule = { minutes: new Set(fields.minute), hours: new Set(fields.hour), matches: (date) => task.match(date) };
  } catch {
    schedule = null;
  }
  schedules.set(expression, schedule);
  return schedule;
}

/**
 * The longest gap between consecutive runs of a cron expression, over its next few runs from `from`
 * (by default now: what an interval means does not depend on the instant for the schedules jaga takes).
 */
export function cronIntervalMs(expression: string, from = Date.now(), runs = 12): number {
  const next: number[] = [];
  for (let at = from, i = 0; i < runs; i += 1) next.push((at = nextRun(expression, at)));
  let longest = 0;
  for (let i = 1; i < next.length; i += 1) longest = Math.max(longest, (next[i] as number) - (next[i - 1] as number));
  return longest;
}
