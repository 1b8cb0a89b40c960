// The floor as a subject: bench/floor.ts, transpiled to plain JavaScript, in its own node process.
// Process and file I/O.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jitterFor } from '../rounds.js';
import { BenchChild } from '../spawn.js';
import type { ProbeCount, ProbeLoad, Subject } from './subject.js';

export type FloorMode = 'client' | 'reset' | 'tcp' | 'close' | 'node-http';

export class FloorSubject implements Subject {
  private constructor(
    readonly label: string,
    private readonly child: BenchChild,
    private readonly dir: string,
  ) {}

  static async start(floorJs: string, mode: FloorMode, load: ProbeLoad, label: string): Promise<FloorSubject> {
    const dir = mkdtempSync(join(tmpdir(), 'floor-bench-'));
    const targetsFile = join(dir, 'targets.json');
    writeFileSync(targetsFile, JSON.stringify(load.targets));
    const child = await BenchChild.start(
      process.execPath,
      [
        floorJs,
        '--mode', mode,
        '--targets', targetsFile,
        '--interval-ms', String(load.intervalMs),
        '--jitter-ms', String(jitterFor(load.intervalMs, load.timeoutMs)),
        '--timeout-ms', String(load.timeoutMs),
      ],
      { name: label, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir } },
    );
    try {
      await child.waitForLine((line) => line.includes('"ready":true'), 30_000, 'floor ready');
    } catch (error) {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    return new FloorSubject(label, child, dir);
  }

  get pid(): number {
    return this.child.pid;
  }

  async count(): Promise<ProbeCount> {
    const { ok, failed } = await this.child.ask<{ ok: number; failed: number }>({ op: 'count' });
    return { done: ok + failed, failed };
  }

  async stop(): Promise<void> {
    await this.child.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
