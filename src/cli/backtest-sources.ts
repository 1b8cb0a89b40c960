// Where a backtest's timeline comes from: a CSV file (core/timeline.ts reads it), or the samples a jaga
// stored in its data_dir. Either way the result is the same events in time order. Does file I/O.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseTimeline, type KnownSubjects, type TimelineEvent } from '../core/timeline.js';
import type { VolumeUsage } from '../core/types.js';
import type { Config } from '../config/schema.js';
import { ReplaySamples } from '../store/replay-samples.js';

/** A timeline file with bad rows: each problem names its line. Exit code 2, as a bad config. */
export class TimelineError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: invalid timeline\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'TimelineError';
  }
}

export interface Timeline {
  readonly events: readonly TimelineEvent[];
  /**
   * Stored volumes, backlog sources and heartbeats the config does not name (renamed ones): their
   * samples were left out. Targets the config does not name are not read at all.
   */
  readonly ignored: readonly string[];
}

export function knownSubjects(config: Config): KnownSubjects {
  return {
    target: new Set([...config.central.targets, ...config.central.reference_targets].map((t) => t.name)),
    volume: new Set(config.storage.volumes.map((v) => v.name)),
    backlog: new Set(config.backlog.sources.map((s) => s.name)),
    heartbeat: new Set(config.heartbeats.map((h) => h.name)),
  };
}

export async function timelineFromFile(file: string, config: Config): Promise<Timeline> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new TimelineError(file, [`cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
  }
  const parsed = parseTimeline(text, knownSubjects(config));
  if (!parsed.ok) throw new TimelineError(file, parsed.problems);
  return { events: parsed.events, ignored: [] };
}

/** Everything data_dir's jaga.db holds from `since` on (epoch ms), read-only. */
export function timelineFromStore(config: Config, since: number): Timeline {
  const file = join(config.data_dir, 'jaga.db');
  const source = ReplaySamples.open(file);
  try {
    const known = knownSubjects(config);
    const ignored = new Set<string>();
    const keep = (kind: keyof KnownSubjects, name: string): boolean => {
      if (known[kind].has(name)) return true;
      ignored.add(`${kind}:${name}`);
      return false;
    };
    const until = Number.MAX_SAFE_INTEGER;
    const events: TimelineEvent[] = [];
    for (const s of source.samples.targetSamples([...known.target], since, until)) {
      events.push({ kind: 'target', name: s.target, at: s.at, result: s.ok ? { ok: true, durationMs: s.durationMs } : { ok: false, failure: s.failure ?? 'error', durationMs: s.durationMs } });
    }
    for (const s of source.volumeSamples(since, until)) {
      if (!keep('volume', s.volume)) continue;
      const usable = s.ok && s.availBytes !== null && s.usedRatio !== null;
      events.push({
        kind: 'volume',
        name: s.volume,
        at: s.at,
        result: usable ? { ok: true, usage: storedUsage(s.availBytes ?? 0, s.usedRatio ?? 0, s.filesUsedRatio ?? 0) } : { ok: false, failure: s.failure ?? 'statfs_error' },
      });
    }
    for (const s of source.dataAtRisk.backlogSamples(since, until)) {
      if (!keep('backlog', s.source)) continue;
      const result = s.ok ? { ok: true as const, items: s.items ?? 0, bytes: s.bytes, oldestAt: s.oldestAt } : { ok: false as const, failure: s.failure ?? 'failed' };
      events.push({ kind: 'backlog', name: s.source, at: s.at, result });
    }
    for (const p of source.dataAtRisk.pings(since, until)) {
      if (keep('heartbeat', p.name)) events.push({ kind: 'heartbeat', name: p.name, at: p.at, itemsSent: p.itemsSent });
    }
    // Stable: at one instant, targets, then volumes, backlogs and pings, each in stored order.
    events.sort((a, b) => a.at - b.at);
    return { events, ignored: [...ignored].sort() };
  } finally {
    source.close();
  }
}

/**
 * A volume's usage from a stored sample, which keeps avail and the two ratios but not the counts
 * behind them. The ratios and avail are what the gate judges, so they are kept exactly; size and the
 * inode counts are stand-ins that give the same ratios (free taken as avail).
 */
function storedUsage(availBytes: number, usedRatio: number, filesUsedRatio: number): VolumeUsage {
  const usedBytes = usedRatio < 1 ? Math.round((usedRatio * availBytes) / (1 - usedRatio)) : 0;
  // A filesystem without an inode limit stores 0: no inodes to judge, as the probe reports it.
  const filesTotal = filesUsedRatio > 0 ? 1_000_000 : 0;
  return {
    sizeBytes: usedBytes + availBytes,
    freeBytes: availBytes,
    availBytes,
    usedBytes,
    usedRatio,
    filesTotal,
    filesFree: Math.round(filesTotal * (1 - filesUsedRatio)),
    filesUsedRatio,
  };
}
