// Starts the benchmark's child processes (targets, jaga, the exporter, the floor, the driver) with a
// raised open-files limit, keeps the tail of their output, talks to them over stdin/stdout lines and
// stops them by their own pid. Process I/O.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Raise the soft open-files limit (to the hard limit if 65536 is not allowed), then run the command
 * under coreutils' `timeout`, so that every child dies by itself even if the benchmark is killed.
 */
// --foreground: timeout relays a SIGTERM to the command once, not a second time to its process group
// (jaga treats a second SIGTERM during shutdown as "stop now", and would skip writing its profile).
const RAISE_FD_LIMIT = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec timeout --foreground -s KILL "$0" "$@"';
/** No child outlives this, whatever happens to the benchmark. */
const MAX_CHILD_SECONDS = 1_800;
const TAIL_CHARS = 6_000;

export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
export const REPO_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface ChildOptions {
  readonly name: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** A child process whose stdout lines can be awaited and which answers line requests on stdin. */
export class BenchChild {
  private output = '';
  private readonly lineWaiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  private readonly exited: Promise<unknown>;

  private measuredPid: number | undefined;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    live.add(this);
    this.exited = once(child, 'exit').finally(() => live.delete(this));
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      this.remember(`${line}\n`);
      const index = this.lineWaiters.findIndex((w) => w.test(line));
      if (index >= 0) this.lineWaiters.splice(index, 1)[0]!.resolve(line);
    });
    child.stderr!.on('data', (chunk: Buffer) => this.remember(chunk.toString()));
    child.stdin?.on('error', () => undefined);
  }

  static async start(command: string, args: readonly string[], options: ChildOptions & { maxSeconds?: number }): Promise<BenchChild> {
    const child = spawn('sh', ['-c', RAISE_FD_LIMIT, String(options.maxSeconds ?? MAX_CHILD_SECONDS), command, ...args], {
      cwd: options.cwd ?? REPO_DIR,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const started = new BenchChild(options.name, child);
    started.measuredPid = await started.findCommandPid();
    return started;
  }

  /** The pid of the command itself (the child of `timeout`): the process that is measured. */
  get pid(): number {
    if (this.measuredPid === undefined) throw new Error(`${this.name} did not start`);
    return this.measuredPid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get tail(): string {
    return this.output;
  }

  /** Resolves with the first stdout line (from now on) that passes `test`; rejects after `deadlineMs`. */
  async waitForLine(test: (line: string) => boolean, deadlineMs: number, what: string): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    let waiter: { test: (line: string) => boolean; resolve: (line: string) => void } | undefined;
    try {
      return await Promise.race([
        new Promise<string>((resolve) => {
          waiter = { test, resolve };
          this.lineWaiters.push(waiter);
        }),
        new Promise<string>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${this.name}: no ${what} within ${deadlineMs} ms\n${this.output}`)), deadlineMs);
        }),
        this.exited.then(() => {
          throw new Error(`${this.name} exited (${this.child.exitCode ?? this.child.signalCode}) while waiting for ${what}\n${this.output}`);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      const index = waiter ? this.lineWaiters.indexOf(waiter) : -1;
      if (index >= 0) this.lineWaiters.splice(index, 1);
    }
  }

  /** Sends one JSON request line and waits for the JSON answer line tagged with the same `id`. */
  async ask<T>(request: Record<string, unknown>, deadlineMs = 5_000): Promise<T> {
    const id = Math.random().toString(36).slice(2);
    const answer = this.waitForLine((line) => line.startsWith('{') && line.includes(`"id":"${id}"`), deadlineMs, `answer to ${JSON.stringify(request)}`);
    this.child.stdin!.write(`${JSON.stringify({ ...request, id })}\n`);
    return JSON.parse(await answer) as T;
  }

  /** SIGKILL to the wrapper (`timeout`) and the command, by pid; for the benchmark's exit path. */
  kill(): void {
    if (!this.running) return;
    if (this.measuredPid !== undefined) {
      try {
        process.kill(this.measuredPid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.child.kill('SIGKILL');
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      process.stderr.write(`[bench] ${this.name} did not stop within ${graceMs} ms of SIGTERM; killed\n`);
      this.kill();
    }, graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private async findCommandPid(): Promise<number> {
    const wrapper = this.child.pid;
    if (wrapper === undefined) throw new Error(`${this.name} did not start`);
    const deadline = Date.now() + 5_000;
    for (;;) {
      let children = '';
      try {
        children = readFileSync(`/proc/${wrapper}/task/${wrapper}/children`, 'utf8').trim();
      } catch {
        // not yet exec'd into timeout, or already gone
      }
      // Until `sh` has exec'd `timeout`, its comm is still sh; timeout then forks the command.
      const comm = readCommand(wrapper);
      if (comm === 'timeout' && children !== '') return Number(children.split(' ')[0]);
      if (!this.running) throw new Error(`${this.name} exited at once\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`${this.name}: cannot find the command's pid under ${wrapper} (${comm})`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private remember(text: string): void {
    this.output = (this.output + text).slice(-TAIL_CHARS);
  }
}

const live = new Set<BenchChild>();

// Whatever way the benchmark ends, its children end with it (and by `timeout` at the latest).
process.once('exit', () => {
  for (const child of live) child.kill();
});

function readCommand(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Runs a TypeScript file of bench/ in a plain `node --import tsx` child (its cost is never measured). */
export function startTsChild(file: string, args: readonly string[], name: string): Promise<BenchChild> {
  return BenchChild.start(process.execPath, ['--import', 'tsx', `${BENCH_DIR}${file}`, ...args], { name });
}
