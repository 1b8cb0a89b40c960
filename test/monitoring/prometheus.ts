// Runs Debian's `prometheus` as a real process on 127.0.0.1 with a temp config and TSDB, and asks
// its HTTP API. Process, file and loopback network I/O; always stopped by the caller's `after`.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../helpers/servers.js';
import { waitFor } from '../helpers/wait.js';

export interface QueryAnswer {
  status: 'success' | 'error';
  error?: string;
  errorType?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value?: [number, string] }[] };
}

export interface AlertAnswer {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
}

export class PrometheusProcess {
  private output = '';
  private spawnError: Error | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly dir: string,
    readonly port: number,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  /** Writes `config` (plus any extra files, by name) into a temp dir and starts Prometheus on it. */
  static async start(config: Record<string, unknown>, files: Record<string, string> = {}, deadlineMs = 20_000): Promise<PrometheusProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'jaga-prom-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    const port = await freePort();
    const child = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const prometheus = new PrometheusProcess(child, dir, port);
    child.on('error', (error) => (prometheus.spawnError = error));
    try {
      await prometheus.waitFor(async () => (await prometheus.get('/-/ready').catch(() => null))?.status === 200, deadlineMs, 'Prometheus to be ready');
    } catch (error) {
      // The caller never gets this process to stop, so stop it here.
      await prometheus.stop();
      throw error;
    }
    return prometheus;
  }

  get logs(): string {
    return this.output;
  }

  private get(path: string): Promise<Response> {
    return fetch(`http://127.0.0.1:${this.port}${path}`, { signal: AbortSignal.timeout(5_000) });
  }

  /** An instant query at "now" through /api/v1/query. */
  async query(expr: string): Promise<QueryAnswer> {
    const response = await fetch(`http://127.0.0.1:${this.port}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: expr }),
      signal: AbortSignal.timeout(5_000),
    });
    return (await response.json()) as QueryAnswer;
  }

  async alerts(): Promise<AlertAnswer[]> {
    const body = (await (await this.get('/api/v1/alerts')).json()) as { data: { alerts: AlertAnswer[] } };
    return body.data.alerts;
  }

  /** Polls `check` every 100 ms until it holds; throws with `describe()` and Prometheus's log otherwise. */
  async waitFor(check: () => Promise<boolean>, deadlineMs: number, what: string, describe?: () => string): Promise<void> {
    await waitFor(() => check().catch(() => false), deadlineMs, what, {
      everyMs: 100,
      describe,
      hopeless: () => {
        if (this.spawnError) return `cannot run prometheus (install Debian's prometheus package): ${this.spawnError.message}`;
        const { exitCode, signalCode } = this.child;
        return exitCode !== null || signalCode !== null ? `prometheus exited (${exitCode ?? signalCode})` : null;
      },
      context: () => `--- prometheus output ---\n${this.output.slice(-4000)}`,
    });
  }

  /** SIGTERM, then SIGKILL if it has not exited within 5 s; removes the temp dir. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!this.spawnError && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
