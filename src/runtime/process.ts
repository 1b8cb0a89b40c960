// Runs one program without a shell in its own process group, bounded by a timeout, and kills the
// whole group (SIGTERM, then SIGKILL after a grace) when it times out or is cancelled; optionally keeps
// what it prints, up to a bound. Process I/O. Used by the command gate action and the command backlog
// source, which is why it lives below both.
// Its timers are real timers, not the Clock: they guard a real process, which runs in real time
// whatever clock jaga is on (a fake clock waits for this work to settle before it moves time on, so a
// kill on virtual time would never come). The caller awaits `done` through the Clock (processBoundMs).
import { spawn } from 'node:child_process';

export interface ProcessSpec {
  readonly command: readonly [string, ...string[]];
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly killGraceMs: number;
  /**
   * Keep stdout up to this many bytes (it is ignored when absent). A program that prints more is killed
   * at once: what it says is already unusable, and waiting for its timeout would only cost time.
   */
  readonly stdoutLimitBytes?: number;
}

export interface ProcessOutcome {
  /** Exit code 0, neither timed out nor cancelled. */
  readonly ok: boolean;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  /** It could not be started at all (ENOENT, EACCES), or did not end even after SIGKILL. */
  readonly error: string | null;
  /** The first lines of what it wrote to stderr. */
  readonly stderr: string;
  /** What it printed, when `stdoutLimitBytes` was given (empty otherwise). */
  readonly stdout: string;
  /** It printed more than `stdoutLimitBytes` and was killed for it. */
  readonly stdoutOverflow: boolean;
  readonly durationMs: number;
}

export interface RunningProcess {
  readonly pid: number | undefined;
  /** Resolves once the program has exited and, after a timeout or cancel, its process group is gone. */
  readonly done: Promise<ProcessOutcome>;
  /** Kills the whole process group (SIGTERM, SIGKILL after the grace). */
  cancel(): void;
}

const STDERR_BYTES = 4_096;
const STDERR_LINES = 10;
/** After the program exited, how long its stdout and stderr may stay open (a background child holding them). */
const OUTPUT_LINGER_MS = 500;
/** After SIGKILL, how long to wait for the group to be gone before moving on regardless. */
const REAP_WAIT_MS = 1_000;
const POLL_MS = 25;
/** Event-loop lag on a loaded machine, on top of the timers that bound a run. */
const BOUND_MARGIN_MS = 1_000;

/**
 * How long `done` can take at most: the timeout, the SIGTERM grace, the wait for the group to go after
 * SIGKILL and for the program itself, stderr lingering, and a margin.
 */
export function processBoundMs(spec: Pick<ProcessSpec, 'timeoutMs' | 'killGraceMs'>): number {
  return spec.timeoutMs + spec.killGraceMs + 2 * REAP_WAIT_MS + OUTPUT_LINGER_MS + BOUND_MARGIN_MS;
}

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error: string | null;
}

export function startProcess(spec: ProcessSpec): RunningProcess {
  const startedAt = performance.now();
  const [program, ...args] = spec.command;
  const stdoutLimit = spec.stdoutLimitBytes;
  const child = spawn(program, args, { env: spec.env, detached: true, stdio: ['ignore', stdoutLimit === undefined ? 'ignore' : 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    if (stderr.length < STDERR_BYTES) stderr += chunk.slice(0, STDERR_BYTES - stderr.length);
  });
  child.stderr?.on('error', () => undefined);
  const stdoutChunks: Buffer[] = [];
  let stdoutBytes = 0;
  let stdoutOverflow = false;

  let timedOut = false;
  let cancelled = false;
  let killing: Promise<void> | null = null;
  let giveUp: (() => void) | undefined;
  // A process stuck in the kernel (a hung mount) may not exit even after SIGKILL: stop waiting for it.
  const stuck = new Promise<Exit>((resolve) => (giveUp = () => resolve({ code: null, signal: null, error: 'did not exit after SIGKILL' })));
  const pid = child.pid;
  const kill = (): void => {
    if (pid === undefined) return;
    killing ??= killGroup(pid, spec.killGraceMs).then(() => {
      setTimeout(() => giveUp?.(), REAP_WAIT_MS).unref();
    });
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, spec.timeoutMs);
  child.stdout?.on('data', (chunk: Buffer) => {
    if (stdoutOverflow) return;
    stdoutBytes += chunk.byteLength;
    if (stdoutLimit !== undefined && stdoutBytes > stdoutLimit) {
      stdoutOverflow = true;
      stdoutChunks.length = 0;
      kill();
    } else stdoutChunks.push(chunk);
  });
  child.stdout?.on('error', () => undefined);

  const exited = new Promise<Exit>((resolve) => {
    child.once('error', (error) => {
      if (pid === undefined) resolve({ code: null, signal: null, error: error.message });
    });
    child.once('exit', (code, signal) => {
      // A background child may keep stdout or stderr open; stop reading after a moment.
      setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, OUTPUT_LINGER_MS).unref();
      resolve({ code, signal, error: null });
    });
  });
  const closed = (stream: NodeJS.ReadableStream | null): Promise<void> =>
    stream === null ? Promise.resolve() : new Promise<void>((resolve) => stream.once('close', () => resolve()));
  const outputClosed = Promise.all([closed(child.stdout), closed(child.stderr)]);

  const done = (async (): Promise<ProcessOutcome> => {
    const exit = await Promise.race([exited, stuck]);
    clearTimeout(timer);
    if (exit.error === null) await outputClosed;
    if (killing) await killing;
    return {
      ok: exit.code === 0 && !timedOut && !cancelled && !stdoutOverflow,
      exitCode: exit.code,
      signal: exit.signal,
      timedOut,
      cancelled,
      error: exit.error,
      stderr: firstLines(stderr),
      stdout: Buffer.concat(stdoutChunks).toString('utf8'),
      stdoutOverflow,
      durationMs: Math.round(performance.now() - startedAt),
    };
  })();

  return {
    pid,
    done,
    cancel() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      cancelled = true;
      kill();
    },
  };
}

/** SIGTERM to the group, SIGKILL once the grace is over if anything of it is left; waits until it is gone. */
async function killGroup(pgid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  if (await groupGone(pgid, graceMs)) return;
  signalGroup(pgid, 'SIGKILL');
  await groupGone(pgid, REAP_WAIT_MS);
}

/** Sends `signal` to every process of the group; false when the group no longer exists. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    // EPERM (a member changed its user): it still exists; the deadlines bound the wait.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

async function groupGone(pgid: number, withinMs: number): Promise<boolean> {
  const deadline = performance.now() + withinMs;
  while (signalGroup(pgid, 0)) {
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return true;
}

function firstLines(text: string): string {
  return text.split('\n').slice(0, STDERR_LINES).join('\n').trimEnd();
}
