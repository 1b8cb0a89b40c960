// The test world: the real jaga (startService) in this process on a FakeClock, with the real fake
// central server, a real SMTP server, a temp data_dir and logs kept in memory. Hours of jaga's life
// pass in milliseconds; everything but time is real (loopback sockets, SQLite, files). Does I/O.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { stringify } from 'yaml';
import { preflight } from '../../src/cli/preflight.js';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { startService, type RunningService } from '../../src/main.js';
import { FakeCentral } from '../helpers/fake-central.js';
import { ADMIN_TOKEN, type GateAnswer } from '../helpers/jaga-process.js';
import { freePort } from '../helpers/servers.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';
import { FakeClock, type ClockLife, type FakeClockOptions } from './fake-clock.js';

export interface WorldParts {
  readonly central: FakeCentral;
  readonly smtp: TestSmtpServer;
  /** An empty directory for a volume, next to data_dir in the world's temp directory. */
  readonly volumeDir: string;
}

export interface WorldOptions extends FakeClockOptions {
  /** The config as a user writes it, without listen and data_dir (the world sets those). */
  readonly config: (parts: WorldParts) => Record<string, unknown>;
  /** How long the fake central's "slow" mode waits before answering (real ms). */
  readonly centralSlowMs?: number;
}

/** What a stop or a start may take in virtual time (shutdown grace included) before it is a failure. */
const LIFECYCLE_VIRTUAL_MS = 60_000;

export class World {
  private service: RunningService | null = null;
  private life: ClockLife | null = null;
  private readonly lines: string[] = [];
  /** Makes the current life's logger drop what it is given: a dead process prints nothing more. */
  private silenceLog: () => void = () => undefined;

  private constructor(
    readonly clock: FakeClock,
    readonly central: FakeCentral,
    readonly smtp: TestSmtpServer,
    private readonly dir: string,
    readonly config: Config,
  ) {}

  /** Builds the world and its config (checked as `jaga start` checks it); start jaga with start(). */
  static async create(options: WorldOptions): Promise<World> {
    // On a whole second: cron slots fall at the same virtual instants on every run.
    const clock = new FakeClock({ ...options, startWallMs: options.startWallMs ?? Math.floor(Date.now() / 1_000) * 1_000 });
    const central = await FakeCentral.start(options.centralSlowMs);
    const smtp = await startSmtpServer();
    const dir = mkdtempSync(join(tmpdir(), 'jaga-sim-'));
    try {
      const volumeDir = join(dir, 'volume');
      mkdirSync(volumeDir);
      const raw = {
        listen: { host: '127.0.0.1', port: await freePort() },
        data_dir: join(dir, 'data'),
        log_level: 'debug',
        ...options.config({ central, smtp, volumeDir }),
      };
      const config = parseConfig(stringify(raw), join(dir, 'jaga.yaml'), { JAGA_ADMIN_TOKENS: `tester=${ADMIN_TOKEN}` });
      const problems = await preflight(config);
      if (problems.length > 0) throw new ConfigError(join(dir, 'jaga.yaml'), problems);
      return new World(clock, central, smtp, dir, config);
    } catch (error) {
      await central.close();
      await smtp.close();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  get url(): string {
    if (!this.service) throw new Error('jaga is not running in this world');
    return this.service.url;
  }

  /** Log lines (pino JSON) of every life of jaga in this world, oldest first. */
  get logs(): string {
    return this.lines.join('');
  }

  /** Starts jaga on the world's clock and data_dir, as `jaga start` would (a new life). */
  async start(): Promise<void> {
    if (this.service) throw new Error('jaga is already running in this world');
    const life = this.clock.life();
    this.life = life;
    let alive = true;
    this.silenceLog = () => (alive = false);
    const logger: Logger = pino({ level: this.config.log_level, base: { service: 'jaga' } }, { write: (line: string) => void (alive && this.lines.push(line)) });
    this.service = await startService(this.config, logger, life);
  }

  /** SIGTERM: the graceful path, its grace periods on virtual time. */
  async stop(): Promise<void> {
    const service = this.service;
    if (!service) return;
    let stopped = false;
    const stopping = service.stop().then(() => (stopped = true));
    // Drive the clock in small steps: shutdown waits for in-flight work up to a grace period.
    await this.clock.until(() => stopped, { virtualMs: LIFECYCLE_VIRTUAL_MS, what: 'jaga to stop', stepMs: 100 });
    await stopping;
    this.service = null;
    this.life = null;
  }

  /**
   * SIGKILL, as closely as one process can: jaga's clock stops for good (no timer of it fires again,
   * no loop wakes, its in-flight work is no longer waited for), its listener, database and data_dir lock
   * are let go without writing anything (no flush, no snapshot, no outbox update), its log goes silent.
   * Not modelled: I/O already in flight still completes in this process (a probe's socket, an SMTP
   * session mid-DATA), and whatever its continuation tries to write fails on the closed database.
   */
  crash(): void {
    const service = this.service;
    if (!service) return;
    this.life?.end();
    this.silenceLog();
    service.abandon();
    this.service = null;
    this.life = null;
  }

  /** A clean restart on the same data_dir and port. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Stops jaga and every server, and removes the temp directory; safe to call twice. */
  async close(): Promise<void> {
    try {
      await this.stop();
    } finally {
      await this.central.close();
      await this.smtp.close();
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  /**
   * A request to the in-process listener (real HTTP on loopback), each on a connection of its own: a
   * crash or a restart leaves no pooled socket to a dead listener for the next request to trip on.
   */
  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.url}${path}`, { ...init, headers: { connection: 'close', ...init.headers }, signal: AbortSignal.timeout(5_000) });
  }

  adminFetch(path: string, init: RequestInit = {}): Promise<Response> {
    return this.fetch(path, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', ...init.headers } });
  }

  async gate(): Promise<GateAnswer> {
    const response = await this.fetch('/api/v1/gate');
    if (response.status !== 200) throw new Error(`gate answered ${response.status}`);
    return (await response.json()) as GateAnswer;
  }

  /** Advances virtual time until the gate answers as `predicate` wants; returns it and the virtual ms it took. */
  async waitForGate(predicate: (gate: GateAnswer) => boolean, virtualMs: number, what: string): Promise<{ gate: GateAnswer; tookMs: number }> {
    let last: GateAnswer | undefined;
    const tookMs = await this.clock.until(
      async () => {
        last = await this.gate();
        return predicate(last);
      },
      { virtualMs, what, describe: () => JSON.stringify(last) },
    );
    return { gate: last as GateAnswer, tookMs };
  }
}
