// Runs probe jobs on cron schedules: one plan per group, a first round at start, a small random
// start delay per job (drawn once, so a job's runs stay exactly one interval apart), never two runs of
// the same job at a time. A run may ask to run again sooner than its next slot (a target whose run of
// failures has not yet taken it down): core/retry-plan.ts says whether that retry or the slot comes
// first, and the slots before a retry leave the job out. node-cron only says which wall-clock slot
// comes next and core/schedule-plan.ts what to do on waking; the waiting is short sleeps on the Clock,
// so a wall-clock step neither pauses the probes (a step back) nor replays every missed slot (a step
// forward). Every run is awaited through clock.within, so a fake clock sees it in flight. Timers (the
// Clock) and I/O only.
import { setMaxListeners } from 'node:events';
import { nextRun } from '../config/cron.js';
import { planRetry } from '../core/retry-plan.js';
import { planSlot } from '../core/schedule-plan.js';
import type { Clock } from '../runtime/clock.js';

export interface Job {
  /** Unique across groups (a target or volume name). */
  readonly key: string;
  /** The run's own bound (the probe's timeout): past it and a margin, the run is overdue. */
  readonly timeoutMs: number;
  /** Resolves to a RunAgain when the job should run again sooner than its next slot. */
  readonly run: (signal: AbortSignal) => Promise<RunAgain | void>;
}

/** A run's request to run again `againAfterMs` after its end, unless the next slot comes first. */
export interface RunAgain {
  readonly againAfterMs: number;
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
  /** A run still going well past its own timeout (a probe that does not honour its signal). */
  readonly onOverdue: (key: string) => void;
}

/** How far past its own timeout a run may go (event-loop lag on a loaded machine) before it is overdue. */
const OVERDUE_MARGIN_MS = 5_000;

export class Scheduler {
  private readonly inFlight = new Map<string, Promise<void>>();
  /**
   * Jobs whose first scheduled run has not come yet. The start-up round runs off the schedule, so it
   * may still be running at the first tick (a target blackholed at start, timeout < interval): that
   * run stands in for the slot, and skipping it is not the overlap `onSkipped` reports.
   */
  private readonly beforeFirstTick = new Set<string>();
  /** Each job's start delay after its group's slots, drawn once at start(). */
  private readonly startDelays = new Map<string, number>();
  /**
   * Jobs with a retry waiting or running: a slot that comes meanwhile leaves them out (the retry is
   * that probe), and says nothing of it, as the job is not late.
   */
  private readonly retrying = new Set<string>();
  /** Ends every wait (slots, start delays) at stop(). */
  private readonly stopping = new AbortController();
  /** Aborts the jobs still running once stop()'s grace is over. */
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(
    private readonly groups: readonly JobGroup[],
    private readonly hooks: SchedulerHooks,
    private readonly clock: Clock,
  ) {
    // Every running job and start delay listens on these: hundreds at once are expected, not a leak.
    setMaxListeners(0, this.abort.signal);
    setMaxListeners(0, this.stopping.signal);
  }

  /**
   * Runs a first round of every group now, spread over the group's jitter like every other round
   * (a thousand probes dialling in the same millisecond would size memory for the burst: sockets and
   * parser buffers that are not given back), and follows each group's slots until stop().
   */
  start(): void {
    for (const group of this.groups) {
      for (const job of group.jobs) {
        this.beforeFirstTick.add(job.key);
        this.startDelays.set(job.key, Math.floor(this.clock.random() * group.jitterMs));
      }
      // A job the first tick already started needs no start-up run.
      this.startRound(group, () => undefined);
      void this.follow(group);
    }
  }

  /** Stops the schedules, lets in-flight jobs finish for up to `graceMs`, then aborts them. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    const all = Promise.allSettled([...this.inFlight.values()]);
    await this.clock.within(all, graceMs, () => undefined);
    this.abort.abort();
    await all;
  }

  /** Waits for each slot of the group in turn, doing at each wake-up what planSlot decides. */
  private async follow(group: JobGroup): Promise<void> {
    let now = this.clock.now();
    let due = nextRun(group.expression, now);
    let plannedGapMs = due - now;
    while (!this.stopped) {
      const step = planSlot(now, due, plannedGapMs);
      if (step.action === 'wait') {
        await this.clock.sleep(step.waitMs, this.stopping.signal);
      } else {
        if (step.action === 'run') this.tick(group);
        // After the round: a slot passed while it started jobs is not run again at once.
        due = nextRun(group.expression, now);
        plannedGapMs = due - now;
      }
      now = this.clock.now();
    }
  }

  private tick(group: JobGroup): void {
    const coveredByStartUp = new Set<string>();
    for (const job of group.jobs) if (this.beforeFirstTick.delete(job.key)) coveredByStartUp.add(job.key);
    this.startRound(group, (job) => {
      if (!coveredByStartUp.has(job.key)) this.hooks.onSkipped(job.key);
    });
  }

  /**
   * Starts each job after its start delay, or calls `busy` when it is still running; a job with a
   * retry waiting or running is left out.
   */
  private startRound(group: JobGroup, busy: (job: Job) => void): void {
    for (const job of group.jobs) {
      if (this.retrying.has(job.key)) continue;
      if (this.inFlight.has(job.key)) {
        busy(job);
        continue;
      }
      const delay = this.startDelays.get(job.key) ?? 0;
      if (delay <= 0) {
        this.launch(group, job);
        continue;
      }
      // Not on the stopping signal: with a thousand jobs, a thousand waits listening on one
      // AbortSignal make each removal walk the others. The wait is unref'd and ends in nothing once
      // stopped.
      void this.clock.sleep(delay, undefined, { unref: true }).then(() => {
        if (this.stopped) return;
        if (this.inFlight.has(job.key)) busy(job);
        else this.launch(group, job);
      });
    }
  }

  private launch(group: JobGroup, job: Job): void {
    if (this.stopped) return;
    const running = job.run(this.abort.signal).then(
      (again) => {
        this.inFlight.delete(job.key);
        this.retrying.delete(job.key);
        if (again) this.planRetry(group, job, again);
      },
      (error: unknown) => {
        this.inFlight.delete(job.key);
        this.retrying.delete(job.key);
        this.hooks.onJobError(job.key, error);
      },
    );
    this.inFlight.set(job.key, running);
    void this.clock.within(running, job.timeoutMs + OVERDUE_MARGIN_MS, () => this.hooks.onOverdue(job.key));
  }

  /** After a run that asks to run again: a retry after its wait, unless the job's next slot starts it no later. */
  private planRetry(group: JobGroup, job: Job, again: RunAgain): void {
    if (this.stopped) return;
    const now = this.clock.now();
    const nextStartAt = nextRun(group.expression, now) + (this.startDelays.get(job.key) ?? 0);
    const step = planRetry(now, again.againAfterMs, nextStartAt);
    if (step.action === 'slot') return;
    this.retrying.add(job.key);
    // Unref'd and off the stopping signal, like the start delays: many targets may be retrying at once.
    void this.clock.sleep(step.waitMs, undefined, { unref: true }).then(() => {
      if (this.stopped) return;
      this.launch(group, job);
    });
  }
}
