// The peer: Debian's prometheus-blackbox-exporter on 127.0.0.1 with modules http_2xx and tcp_connect,
// driven through /probe by bench/driver.ts (a separate process, not measured). Process, file and
// loopback network I/O.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../../test/helpers/servers.js';
import { BenchChild, startTsChild } from '../spawn.js';
import { jitterFor } from '../rounds.js';
import type { ProbeCount, ProbeLoad, Subject } from './subject.js';

export const BLACKBOX_BIN = '/usr/bin/prometheus-blackbox-exporter';

export const MODULE_FOR = { http: 'http_2xx', tcp: 'tcp_connect' } as const;

/** The exporter's version line, or a clear error when Debian's package is not installed. */
export function blackboxVersion(): string {
  if (!existsSync(BLACKBOX_BIN)) {
    throw new Error(`${BLACKBOX_BIN} is missing: apt-get install -y --no-install-recommends prometheus-blackbox-exporter`);
  }
  const text = execFileSync(BLACKBOX_BIN, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return text.split('\n')[0]?.trim() ?? 'unknown';
}

/** The modules as an expert would write them: the probers' defaults (a new connection per HTTP probe). */
function exporterConfig(timeoutMs: number): string {
  return stringify({
    modules: {
      http_2xx: { prober: 'http', timeout: `${timeoutMs}ms`, http: { preferred_ip_protocol: 'ip4' } },
      tcp_connect: { prober: 'tcp', timeout: `${timeoutMs}ms`, tcp: { preferred_ip_protocol: 'ip4' } },
    },
  });
}

export class BlackboxSubject implements Subject {
  private constructor(
    readonly label: string,
    private readonly exporter: BenchChild,
    private readonly driver: BenchChild,
    private readonly dir: string,
  ) {}

  static async start(load: ProbeLoad, label: string): Promise<BlackboxSubject> {
    blackboxVersion();
    const dir = mkdtempSync(join(tmpdir(), 'blackbox-bench-'));
    const configFile = join(dir, 'blackbox.yml');
    const targetsFile = join(dir, 'targets.json');
    writeFileSync(configFile, exporterConfig(load.timeoutMs));
    writeFileSync(targetsFile, JSON.stringify(load.targets));
    const port = await freePort();
    const exporter = await BenchChild.start(
      BLACKBOX_BIN,
      [`--config.file=${configFile}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
      { name: `${label} (exporter)`, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir } },
    );
    const url = `http://127.0.0.1:${port}`;
    let driver: BenchChild | undefined;
    try {
      await waitForHealthy(url, exporter);
      driver = await startTsChild(
        'driver.ts',
        [
          '--exporter', url,
          '--module', MODULE_FOR[load.kind],
          '--targets', targetsFile,
          '--interval-ms', String(load.intervalMs),
          '--jitter-ms', String(jitterFor(load.intervalMs, load.timeoutMs)),
          '--timeout-ms', String(load.timeoutMs),
        ],
        `${label} (driver)`,
      );
      await driver.waitForLine((line) => line.includes('"ready":true'), 30_000, 'driver ready');
    } catch (error) {
      await driver?.stop();
      await exporter.stop();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    return new BlackboxSubject(label, exporter, driver, dir);
  }

  get pid(): number {
    return this.exporter.pid;
  }

  async count(): Promise<ProbeCount> {
    const { ok, failed } = await this.driver.ask<{ ok: number; failed: number }>({ op: 'count' });
    return { done: ok + failed, failed };
  }

  async stop(): Promise<void> {
    await this.driver.stop();
    await this.exporter.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function waitForHealthy(url: string, exporter: BenchChild): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const status = await fetch(`${url}/-/healthy`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (!exporter.running || Date.now() > deadline) throw new Error(`blackbox_exporter did not become healthy\n${exporter.tail}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
