// The `command` backlog source: runs a program (no shell, its own process group, jaga's environment
// plus `env`) that prints one integer or {"items", "bytes", "oldest"} (core/backlog-output.ts). Process
// I/O, bounded by the deadline (the whole group is killed) and by STDOUT_LIMIT_BYTES.
import type { CommandSourceConfig } from '../../config/schema.js';
import { parseCommandOutput } from '../../core/backlog-output.js';
import type { BacklogFailure, BacklogReading, BacklogResult } from '../../core/types.js';
import { startProcess, type ProcessOutcome, type RunningProcess } from '../../runtime/process.js';
import { describeError, raceDeadline, type ProbeContext } from '../probe.js';

/** A count and two fields are a few dozen bytes; a program printing more than this says something else. */
export const STDOUT_LIMIT_BYTES = 64 * 1024;
/** Between SIGTERM and SIGKILL to the group: a counting program has nothing to save. */
const KILL_GRACE_MS = 1_000;

/**
 * Sources whose last run lost its deadline and whose process group is not gone yet: another run would
 * only pile up processes on whatever they hang on, so it is refused until the old group is gone.
 */
const unfinishedRuns = new Set<CommandSourceConfig>();

export async function readCommandSource(source: CommandSourceConfig, ctx: ProbeContext): Promise<BacklogResult> {
  const started = performance.now();
  const failed = (failure: BacklogFailure, detail: string): BacklogResult => ({ ok: false, failure, durationMs: performance.now() - started, detail });
  const program = source.command[0] ?? '';
  if (unfinishedRuns.has(source)) return failed('timeout', `the previous run of ${program} has not ended yet`);
  let run: RunningProcess | undefined;
  try {
    const raced = await raceDeadline(ctx, (cancellation) => {
      const running = startProcess({
        command: [program, ...source.command.slice(1)],
        env: { ...process.env, ...source.env },
        timeoutMs: ctx.timeoutMs,
        killGraceMs: KILL_GRACE_MS,
        stdoutLimitBytes: STDOUT_LIMIT_BYTES,
      });
      run = running;
      cancellation.onCancel(() => running.cancel());
      return running.done;
    });
    if (!raced.settled) {
      if (run !== undefined) markUnfinished(source, run.done);
      return failed('timeout', raced.why === 'aborted' ? 'aborted' : `${program} did not finish within ${ctx.timeoutMs}ms; its process group is killed`);
    }
    const verdict = judgeOutcome(program, raced.value);
    if (!verdict.ok) return failed(verdict.failure, verdict.detail);
    return { ok: true, durationMs: performance.now() - started, ...verdict.reading };
  } catch (error) {
    return failed('unreadable', `${program}: ${describeError(error)}`);
  }
}

function markUnfinished(source: CommandSourceConfig, done: Promise<unknown>): void {
  unfinishedRuns.add(source);
  const release = () => unfinishedRuns.delete(source);
  done.then(release, release);
}

type Verdict = { readonly ok: true; readonly reading: BacklogReading } | { readonly ok: false; readonly failure: BacklogFailure; readonly detail: string };

/** How the program ended, and what it printed, as a reading or the reason there is none. */
function judgeOutcome(program: string, outcome: ProcessOutcome): Verdict {
  const stderr = outcome.stderr.split('\n')[0]?.trim() ?? '';
  const said = stderr === '' ? '' : `: ${stderr}`;
  if (outcome.stdoutOverflow) return { ok: false, failure: 'bad_output', detail: `${program} printed more than ${STDOUT_LIMIT_BYTES / 1024} KiB; killed` };
  if (outcome.timedOut || outcome.cancelled) return { ok: false, failure: 'timeout', detail: `${program} did not finish in time; its process group was killed` };
  // Neither an exit code nor a signal: it never started (ENOENT, EACCES).
  if (outcome.exitCode === null && outcome.signal === null) {
    return { ok: false, failure: 'unreadable', detail: `cannot run ${program}: ${outcome.error ?? 'unknown error'}` };
  }
  if (outcome.signal !== null) return { ok: false, failure: 'failed', detail: `${program} was killed by ${outcome.signal}${said}` };
  if (outcome.exitCode !== 0) return { ok: false, failure: 'failed', detail: `${program} exited with code ${outcome.exitCode}${said}` };
  const parsed = parseCommandOutput(outcome.stdout);
  if (!parsed.ok) return { ok: false, failure: 'bad_output', detail: `${program}: ${parsed.detail}` };
  return { ok: true, reading: parsed.value };
}
