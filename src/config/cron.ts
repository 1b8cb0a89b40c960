// What a cron expression means in time: its next slot and the longest gap between its runs.
// node-cron's planner only: no task is started, none stays in node-cron's registry.
import cron, { type ScheduledTask } from 'node-cron';

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

/** The first slot of `expression` after the current wall-clock time, in epoch ms. */
export function nextRun(expression: string): number {
  return (planner(expression).getNextRuns(1)[0] as Date).getTime();
}

/** The longest gap between consecutive runs of a cron expression, over its next few runs. */
export function cronIntervalMs(expression: string, runs = 12): number {
  const next = planner(expression)
    .getNextRuns(runs)
    .map((date) => date.getTime());
  let longest = 0;
  for (let i = 1; i < next.length; i += 1) longest = Math.max(longest, (next[i] as number) - (next[i - 1] as number));
  return longest;
}
