// The office of the storage scenarios on virtual time: the recording disk is a real tmpfs, and the
// recording stations fill it by a fixed amount each virtual minute while the gate allows. Reads jaga's
// view of the volume from its status API and /metrics. Does I/O (files on the tmpfs, HTTP to jaga).
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { World } from './world.js';

export const VOLUME = 'rekaman';

/** A volume as `GET /api/v1/status` shows it (the fields these scenarios read). */
export interface VolumeView {
  last_probe_at: string | null;
  avail_bytes: number | null;
  used_ratio: number | null;
  fill_rate_bytes_per_second: number | null;
  full_eta_seconds: number | null;
}

export interface AlertView {
  name: string;
  state: 'pending' | 'firing';
  labels: Record<string, string>;
  active_since: string;
  firing_since: string | null;
}

export async function readVolume(w: World): Promise<VolumeView> {
  const { volumes } = await readStatusOf(w);
  const volume = volumes.find((v) => v.name === VOLUME);
  if (!volume) throw new Error(`no volume ${VOLUME} in status`);
  return volume;
}

export async function readAlerts(w: World): Promise<AlertView[]> {
  return (await readStatusOf(w)).alerts;
}

async function readStatusOf(w: World): Promise<{ volumes: (VolumeView & { name: string })[]; alerts: AlertView[] }> {
  const response = await w.adminFetch('/api/v1/status');
  if (response.status !== 200) throw new Error(`status answered ${response.status}`);
  return (await response.json()) as { volumes: (VolumeView & { name: string })[]; alerts: AlertView[] };
}

/** `jaga_volume_full_eta_seconds` of the volume: `+Inf` (not filling) is Infinity; NaN when absent. */
export async function etaMetric(w: World): Promise<number> {
  const text = await (await w.fetch('/metrics')).text();
  const value = new RegExp(`^jaga_volume_full_eta_seconds\\{volume="${VOLUME}"\\} (\\S+)$`, 'm').exec(text)?.[1];
  if (value === undefined) return Number.NaN;
  return value === '+Inf' ? Number.POSITIVE_INFINITY : Number(value);
}

/** The deadline of the stations' gate read: virtual time stands still while it is in flight, so only a
 * read that never settles would meet it, and the stations take that as a halt. */
const GATE_READ_MS = 5_000;

/**
 * The recording stations: at `offsetMs` into every `everyMs` of virtual time they read the gate and,
 * while it allows, append `chunkBytes` to one recording file. At the first halt they stop (the office
 * sends everyone home) until `record()` is called again. Their gate read is work awaited through the
 * clock's `within`, so virtual time does not move on while a station waits for jaga's answer.
 */
export class Stations {
  private session: { readonly stop: AbortController; readonly done: Promise<void> } | null = null;
  private failure: unknown = null;
  /** Virtual wall time of the last write, or null before the first. */
  lastWriteAt: number | null = null;
  /** Virtual wall time at which the last session saw the gate halted, or null while it records. */
  haltSeenAt: number | null = null;

  constructor(
    private readonly w: World,
    private readonly dir: string,
    private readonly chunkBytes: number,
    private readonly everyMs: number,
    private readonly offsetMs: number,
  ) {}

  /** Bytes per second the stations add while they record. */
  get rateBytesPerSecond(): number {
    return (this.chunkBytes * 1_000) / this.everyMs;
  }

  /** Starts a recording session (the office opens). */
  record(): void {
    if (this.session) throw new Error('the stations are already recording');
    this.haltSeenAt = null;
    const stop = new AbortController();
    const done = this.run(stop.signal).catch((error: unknown) => {
      this.failure = error;
    });
    this.session = { stop, done };
  }

  /** Ends the session (if the gate has not already) and rethrows what went wrong in it. */
  async stop(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (session) {
      session.stop.abort();
      await session.done;
    }
    if (this.failure !== null) throw this.failure;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const clock = this.w.clock;
    const phase = (this.offsetMs - (clock.now() % this.everyMs) + this.everyMs) % this.everyMs;
    await clock.sleep(phase, signal);
    const chunk = Buffer.alloc(this.chunkBytes, 1);
    while (!signal.aborted) {
      const gate = await clock.within(this.w.gate(), GATE_READ_MS, () => null);
      if (signal.aborted) return;
      if (gate?.state !== 'allowed') {
        this.haltSeenAt = clock.now();
        return;
      }
      appendFileSync(join(this.dir, 'recording.bin'), chunk);
      this.lastWriteAt = clock.now();
      await clock.sleep(this.everyMs, signal);
    }
  }
}
