// Runs jaga as a real process (the built dist/, as users run it) on a generated config, and waits on
// its HTTP answers with deadlines. Process, file and loopback network I/O.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { freePort } from './servers.js';
import { waitFor } from './wait.js';

export const BIN = fileURLToPath(new URL('../../dist/src/cli/bin.js', import.meta.url));
export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface GateAnswer {
  state: 'allowed' | 'halted';
  reasons: { code: string; subject: string; cause?: string; since: string; facts: Record<string, unknown> }[];
  overridden: { code: string }[];
  since: string;
  decided_at: string;
  valid_until: string;
  override: { id: string; action: string } | null;
}

export class JagaProcess {
  private child: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly dir: string,
    readonly configFile: string,
    readonly port: number,
  ) {}

  /** Writes `config` (plus listen and data_dir) into a fresh temp dir. Start it with start(). */
  static async create(config: Record<string, unknown>, dir = mkdtempSync(join(tmpdir(), 'jaga-it-'))): Promise<JagaProcess> {
    const port = await freePort();
    const file = join(dir, 'jaga.yaml');
    writeFileSync(file, stringify({ listen: { host: '127.0.0.1', port }, data_dir: join(dir, 'data'), log_level: 'debug', ...config }));
    return new JagaProcess(dir, file, port);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get logs(): string {
    return this.output;
  }

  /** The running process's id (for /proc/<pid>, or a signal sent at an exact moment). */
  get pid(): number | undefined {
    const child = this.child;
    return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
  }

  /** `env` adds to the environment, e.g. LD_PRELOAD for libfaketime. */
  async start(deadlineMs = 15_000, env: Readonly<Record<string, string>> = {}): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, [BIN, 'start', '--config', this.configFile], {
      env: { ...process.env, JAGA_ADMIN_TOKENS: `tester=${ADMIN_TOKEN}`, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child = child;
    await waitFor(async () => (await this.fetch('/healthz')).status === 200, deadlineMs, 'jaga to listen', {
      everyMs: 50,
      hopeless: () => (child.exitCode !== null || child.signalCode !== null ? `jaga exited (${child.exitCode ?? child.signalCode})` : null),
      context: () => this.output,
    });
  }

  /** SIGTERM and wait for a clean exit; returns the exit code. */
  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    return code;
  }

  /** SIGKILL: no shutdown code runs, as in a power cut or OOM kill. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  async cleanup(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.url}${path}`, { ...init, signal: AbortSignal.timeout(5_000) }).catch(
      (error: unknown) => new Response(JSON.stringify({ error: String(error) }), { status: 599 }),
    );
  }

  adminFetch(path: string, init: RequestInit = {}): Promise<Response> {
    return this.fetch(path, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', ...init.headers } });
  }

  async gate(): Promise<GateAnswer> {
    const response = await this.fetch('/api/v1/gate');
    if (response.status !== 200) throw new Error(`gate answered ${response.status}`);
    return (await response.json()) as GateAnswer;
  }

  /** Polls the gate until `predicate` holds; returns the answer and when it was first seen. */
  async waitForGate(predicate: (gate: GateAnswer) => boolean, deadlineMs: number, what: string): Promise<{ gate: GateAnswer; at: number }> {
    let last: GateAnswer | undefined;
    await this.waitFor(
      async () => {
        last = await this.gate().catch(() => undefined);
        return last !== undefined && predicate(last);
      },
      deadlineMs,
      what,
      () => JSON.stringify(last),
    );
    return { gate: last as GateAnswer, at: Date.now() };
  }

  /** Polls `check` every 50 ms; a timeout error carries the tail of jaga's output. */
  async waitFor(check: () => Promise<boolean>, deadlineMs: number, what: string, describe?: () => string): Promise<void> {
    await waitFor(check, deadlineMs, what, { everyMs: 50, describe, context: () => `--- jaga output ---\n${this.output.slice(-4000)}` });
  }
}

export const hasReason = (gate: GateAnswer, code: string): boolean => gate.reasons.some((r) => r.code === code);
