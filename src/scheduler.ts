// Runs probe jobs on cron schedules: one plan per group, the first round at once, a small random
// start delay per job, never two runs of the same job at a time. node-cron only says which wall-clock
// slot comes next; our own timers (monotonic) do the waiting, so a wall-clock step neither pauses
// the probes (a step back) nor replays every missed slot (a step forward). Timers and I/O only.
import { nextRun } from './config/cron.js';

export interface Job {
  /** Unique across groups (a target or volume name). */
  readonly key: string;
  readonly run: (signal: AbortSignal) => Promise<void>;
}

export interface JobGroup {
  readonly name: string;
  readonly expression: string;
  readonly jobs: readonly Job[];
  /** Upper bound of the random delay before each job starts, so hundreds of probes do not fire in the same millisecond. */
  readonly jitterMs: number;
}

export interface SchedulerHooks {
  readonly onSkipped: (key: string) => void;
  readonly onJobError: (key: string, error: unknown) => void;
}

/** Wake at least this often, to notice a wall-clock step before a long wait ends. */
const MAX_WAIT_MS = 1_000;

export class Scheduler {
  private readonly waits = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Map<string, Promise<void>>();
  /**
   * Jobs whose first scheduled run has not come yet. The start-up round runs off the schedule, so it
   * may still be running at the first tick (a target blackholed at start, timeout < interval): that
   * run stands in for the slot, and skipping it is not the overlap `onSkipped` reports.
   */
  private readonly beforeFirstTick = new Set<string>();
  private readonly pendingStarts = new Set<NodeJS.Timeout>();
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(
    private readonly groups: readonly JobGroup[],
    private readonly hooks: SchedulerHooks,
    private readonly random: () => number = Math.random,
  ) {}

  /** Starts every group's cron task and runs a first round at once (without jitter). */
  start(): void {
    for (const group of this.groups) {
      for (const job of group.jobs) {
        this.beforeFirstTick.add(job.key);
        this.launch(job);
      }
      const first = nextRun(group.expression);
      this.waitFor(group, first, first - Date.now());
    }
  }

  /** Stops the schedules, lets in-flight jobs finish for up to `graceMs`, then aborts them. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    for (const timer of this.waits) clearTimeout(timer);
    this.waits.clear();
    for (const timer of this.pendingStarts) clearTimeout(timer);
    this.pendingStarts.clear();
    const all = Promise.allSettled([...this.inFlight.values()]);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([all, grace]);
    clearTimeout(timer);
    this.abort.abort();
    await all;
  }

  /**
   * Waits for the slot `due` (wall clock). Runs the group once when it is reached, however late
   * (missed slots are not replayed), then plans the next slot from now. A slot further away than any
   * planned one means the clock stepped back: plan again from now instead of waiting it out.
   */
  private waitFor(group: JobGroup, due: number, previousGapMs = Number.POSITIVE_INFINITY): void {
    if (this.stopped) return;
    const now = Date.now();
    if (now >= due) {
      this.tick(group);
      const next = nextRun(group.expression);
      this.waitFor(group, next, next - now);
      return;
    }
    if (due - now > previousGapMs + MAX_WAIT_MS) {
      const next = nextRun(group.expression);
      this.waitFor(group, next, next - now);
      return;
    }
    const timer = setTimeout(() => {
      this.waits.delete(timer);
      this.waitFor(group, due, previousGapMs);
    }, Math.min(due - now, MAX_WAIT_MS));
    this.waits.add(timer);
  }

  private tick(group: JobGroup): void {
    for (const job of group.jobs) {
      const startUpRoundCovers = this.beforeFirstTick.delete(job.key);
      const skip = () => {
        if (!startUpRoundCovers) this.hooks.onSkipped(job.key);
      };
      if (this.inFlight.has(job.key)) {
        skip();
        continue;
      }
      const delay = Math.floor(this.random() * group.jitterMs);
      if (delay <= 0) {
        this.launch(job);
        continue;
      }
      const timer = setTimeout(() => {
        this.pendingStarts.delete(timer);
        if (this.inFlight.has(job.key)) skip();
        else this.launch(job);
      }, delay);
      this.pendingStarts.add(timer);
    }
  }

  private launch(job: Job): void {
    if (this.stopped) return;
    const running = job
      .run(this.abort.signal)
      .catch((error: unknown) => this.hooks.onJobError(job.key, error))
      .finally(() => this.inFlight.delete(job.key));
    this.inFlight.set(job.key, running);
  }
}
