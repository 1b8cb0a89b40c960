// jaga as the user runs it: the built dist/ as a real process on a generated YAML config, with its
// probe count read from its own /metrics. Process, file and loopback network I/O.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { freePort } from '../../test/helpers/servers.js';
import { BenchChild } from '../spawn.js';
import type { ProbeCount, ProbeLoad, Subject } from './subject.js';

export const JAGA_BIN = fileURLToPath(new URL('../../dist/src/cli/bin.js', import.meta.url));

/** node-cron with seconds for an interval that divides a minute. */
export function cronEvery(intervalMs: number): string {
  const seconds = intervalMs / 1000;
  if (!Number.isInteger(seconds) || seconds < 1 || 60 % seconds !== 0) throw new Error(`interval ${intervalMs} ms does not divide a minute`);
  return seconds === 1 ? '* * * * * *' : `*/${seconds} * * * * *`;
}

/** The central targets of a probe load, named so their order shows. */
export function targetsConfig(load: ProbeLoad): Record<string, unknown>[] {
  return load.targets.map((target, index) => {
    const name = `${load.kind}-${String(index).padStart(4, '0')}`;
    if (load.kind === 'http') return { name, type: 'http', url: target };
    const colon = target.lastIndexOf(':');
    return { name, type: 'tcp', host: target.slice(0, colon), port: Number(target.slice(colon + 1)) };
  });
}

export interface JagaOptions {
  /** Extra node flags for the jaga process (e.g. --cpu-prof). */
  readonly nodeFlags?: readonly string[];
  readonly label: string;
  /** jaga's entry point (default: the built dist/src/cli/bin.js). */
  readonly bin?: string;
}

export class JagaSubject implements Subject {
  private constructor(
    readonly label: string,
    private readonly child: BenchChild,
    readonly url: string,
    readonly dir: string,
  ) {}

  /**
   * Writes the config (plus listen, data_dir, log_level) to a fresh temp dir, which `configIn` may use
   * for volumes, and starts jaga; resolves once /readyz is 200.
   */
  static async start(configIn: (dir: string) => Record<string, unknown>, options: JagaOptions): Promise<JagaSubject> {
    const dir = mkdtempSync(join(tmpdir(), 'jaga-bench-'));
    const port = await freePort();
    const file = join(dir, 'jaga.yaml');
    const config = configIn(dir);
    writeFileSync(file, stringify({ listen: { host: '127.0.0.1', port }, data_dir: join(dir, 'data'), log_level: 'info', ...config }));
    const child = await BenchChild.start(process.execPath, [...(options.nodeFlags ?? []), options.bin ?? JAGA_BIN, 'start', '--config', file], {
      name: options.label,
      // Secrets stay out of the benchmark's jaga: nothing of the caller's environment but the basics.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, TZ: 'UTC' },
    });
    const subject = new JagaSubject(options.label, child, `http://127.0.0.1:${port}`, dir);
    try {
      await subject.waitUntil(async () => (await subject.get('/readyz')).status === 200, 60_000, 'jaga to be ready (every target probed once)');
    } catch (error) {
      await subject.stop();
      throw error;
    }
    return subject;
  }

  /** A probing jaga: the load's targets, a temp volume measured on a slow schedule. */
  static startProbing(load: ProbeLoad, options: JagaOptions): Promise<JagaSubject> {
    return JagaSubject.start(
      (dir) => ({
        site: 'bench',
        central: { schedule: cronEvery(load.intervalMs), timeout: `${load.timeoutMs}ms`, targets: targetsConfig(load) },
        storage: { schedule: '0 * * * * *', volumes: [{ name: 'rekaman', path: makeDir(join(dir, 'volume')) }] },
      }),
      options,
    );
  }

  get pid(): number {
    return this.child.pid;
  }

  get logs(): string {
    return this.child.tail;
  }

  async get(path: string): Promise<{ status: number; text: string }> {
    try {
      const response = await fetch(`${this.url}${path}`, { signal: AbortSignal.timeout(10_000) });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      return { status: 599, text: String(error) };
    }
  }

  async metrics(): Promise<string> {
    const { status, text } = await this.get('/metrics');
    if (status !== 200) throw new Error(`${this.label}: /metrics answered ${status}: ${text.slice(0, 200)}`);
    return text;
  }

  async count(): Promise<ProbeCount> {
    const text = await this.metrics();
    return { done: sumSeries(text, 'jaga_probe_duration_seconds_count'), failed: sumSeries(text, 'jaga_probe_failures_total') };
  }

  async stop(): Promise<void> {
    await this.child.stop(15_000);
    rmSync(this.dir, { recursive: true, force: true });
  }

  async waitUntil(check: () => Promise<boolean>, deadlineMs: number, what: string): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    while (!(await check())) {
      if (!this.child.running) throw new Error(`${this.label} exited while waiting for ${what}\n${this.child.tail}`);
      if (Date.now() > deadline) throw new Error(`${this.label}: timed out after ${deadlineMs} ms waiting for ${what}\n${this.child.tail}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Sums every sample of `metric` (whose labels contain `labelFilter`, if given) in Prometheus text. */
export function sumSeries(text: string, metric: string, labelFilter?: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(metric)) continue;
    const rest = line.slice(metric.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue;
    if (labelFilter !== undefined && !rest.includes(labelFilter)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** The value of one unlabelled sample, or undefined. */
export function sampleValue(text: string, metric: string): number | undefined {
  const match = new RegExp(`^${metric} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

export function makeDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}
