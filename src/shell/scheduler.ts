// Runs probe jobs on cron schedules: one plan per group, a first round at start, a small random
// start delay per job in every round, never two runs of the same job at a time. node-cron only says which wall-clock
// slot comes next; our own timers (monotonic) do the waiting, so a wall-clock step neither pauses
// the probes (a step back) nor replays every missed slot (a step forward). Timers and I/O only.
import { setMaxListeners } from 'node:events';
import { nextRun } from '../config/cron.js';
import { planSlot } from '../core/schedule-plan.js';

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
  ) {
    // Every running job listens for shutdown on this signal: hundreds at once are expected, not a leak.
    setMaxListeners(0, this.abort.signal);
  }

  /**
   * Runs a first round of every group now, spread over the group's jitter like every other round
   * (a thousand probes dialling in the same millisecond would size memory for the burst: sockets and
   * parser buffers that are not given back), and plans each group's next slot.
   */
  start(): void {
    for (const group of this.groups) {
      for (const job of group.jobs) this.beforeFirstTick.add(job.key);
      // A job the first tick already started needs no start-up run.
      this.startRound(group, () => undefined);
      const first = nextRun(group.expression, Date.now());
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

  /** Waits for the slot `due` (wall clock), doing at each wake-up what planSlot decides. */
  private waitFor(group: JobGroup, due: number, plannedGapMs = Number.POSITIVE_INFINITY): void {
    if (this.stopped) return;
    const now = Date.now();
    const step = planSlot(now, due, plannedGapMs);
    if (step.action === 'wait') {
      const timer = setTimeout(() => {
        this.waits.delete(timer);
        this.waitFor(group, due, plannedGapMs);
      }, step.waitMs);
      this.waits.add(timer);
      return;
    }
    if (step.action === 'run') this.tick(group);
    // After the round: a slot passed while it started jobs is not run again at once.
    const next = nextRun(group.expression, now);
    this.waitFor(group, next, next - now);
  }

  private tick(group: JobGroup): void {
    const coveredByStartUp = new Set<string>();
    for (const job of group.jobs) if (this.beforeFirstTick.delete(job.key)) coveredByStartUp.add(job.key);
    this.startRound(group, (job) => {
      if (!coveredByStartUp.has(job.key)) this.hooks.onSkipped(job.key);
    });
  }

  /** Starts each job after a random delay below the jitter, or calls `busy` when it is still running. */
  private startRound(group: JobGroup, busy: (job: Job) => void): void {
    for (const job of group.jobs) {
      if (this.inFlight.has(job.key)) {
        busy(job);
        continue;
      }
      const delay = Math.floor(this.random() * group.jitterMs);
      if (delay <= 0) {
        this.launch(job);
        continue;
      }
      const timer = setTimeout(() => {
        this.pendingStarts.delete(timer);
        if (this.inFlight.has(job.key)) busy(job);
        else this.launch(job);
      }, delay);
      this.pendingStarts.add(timer);
    }
  }

  private launch(job: Job): void {
    if (this.stopped) return;
    const running = job.run(this.abort.signal).then(
      () => {
        this.inFlight.delete(job.key);
      },
      (error: unknown) => {
        this.inFlight.delete(job.key);
        this.hooks.onJobError(job.key, error);
      },
    );
    this.inFlight.set(job.key, running);
  }
}
