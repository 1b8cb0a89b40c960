// A real Alertmanager (Debian's prometheus-alertmanager) on 127.0.0.1 with clustering off and a
// receiver that sends nothing: for testing what jaga pushes. Process and loopback network I/O.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './servers.js';
import { waitFor } from './wait.js';

export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  status: { state: string };
}

export class RealAlertmanager {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly url: string,
    private output: { text: string },
  ) {}

  static async start(): Promise<RealAlertmanager> {
    const dir = mkdtempSync(join(tmpdir(), 'jaga-am-'));
    const port = await freePort();
    writeFileSync(join(dir, 'alertmanager.yml'), 'route:\n  receiver: nobody\nreceivers:\n  - name: nobody\n');
    const child = spawn(
      ALERTMANAGER_BIN,
      [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${dir}`,
        `--web.listen-address=127.0.0.1:${port}`,
        // No gossip port: a test Alertmanager talks to nobody but us.
        '--cluster.listen-address=',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output = { text: '' };
    child.stdout?.on('data', (c: Buffer) => (output.text += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output.text += c.toString()));
    const spawnFailed = once(child, 'error').then(([error]) => {
      throw new Error(`cannot run ${ALERTMANAGER_BIN} (install Debian's prometheus-alertmanager): ${String(error)}`);
    });
    const am = new RealAlertmanager(child, dir, `http://127.0.0.1:${port}`, output);
    await Promise.race([am.waitReady(15_000), spawnFailed]);
    return am;
  }

  async alerts(): Promise<AlertmanagerAlert[]> {
    const response = await fetch(`${this.url}/api/v2/alerts`, { signal: AbortSignal.timeout(5_000) });
    return (await response.json()) as AlertmanagerAlert[];
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = once(this.child, 'exit');
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitReady(deadlineMs: number): Promise<void> {
    await waitFor(() => fetch(`${this.url}/-/ready`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false), deadlineMs, 'Alertmanager to be ready', {
      everyMs: 100,
      hopeless: () => (this.child.exitCode === null ? null : `Alertmanager exited with ${this.child.exitCode}`),
      context: () => this.output.text,
    });
  }
}
