// What a cron expression means in time: the longest gap between its runs. Pure (node-cron's
// planner only; no task is started).
import cron from 'node-cron';

/** The longest gap between consecutive runs of a cron expression, over its next few runs. */
export function cronIntervalMs(expression: string, runs = 12): number {
  const task = cron.createTask(expression, () => undefined);
  try {
    const next = task.getNextRuns(runs).map((date) => date.getTime());
    let longest = 0;
    for (let i = 1; i < next.length; i += 1) longest = Math.max(longest, (next[i] as number) - (next[i - 1] as number));
    return longest;
  } finally {
    void task.destroy();
  }
}
