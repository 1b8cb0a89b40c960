// What a transition keeps of the observations behind it, compact, JSON-safe and at most a fixed number of
// bytes however many targets and volumes there are: every stored transition row is bounded. Pure.
import type { BacklogState, CentralCause, HeartbeatState, Override, TargetState, VolumeState } from './types.js';

/** A transition's evidence serialises to at most this many bytes (UTF-8). */
export const EVIDENCE_MAX_BYTES = 32 * 1024;

export interface CentralEvidence {
  readonly unreachable: boolean;
  readonly cause: CentralCause | null;
  readonly buffered: boolean;
}

interface Entry {
  readonly name: string;
  readonly value: Readonly<Record<string, unknown>>;
  /** Failing or not up: what explains a halt, so it is kept first when not everything fits. */
  readonly notable: boolean;
}

function targetEntry(t: TargetState): Entry {
  const failure = t.last !== null && !t.last.ok ? t.last.failure : null;
  return {
    name: t.name,
    value: { role: t.role, status: t.status, consecutiveFailures: t.consecutiveFailures, failure, lastAt: t.last?.at ?? null, lastSuccessAt: t.lastSuccessAt },
    notable: t.status !== 'up' || failure !== null,
  };
}

function volumeEntry(v: VolumeState): Entry {
  const failure = v.last !== null && !v.last.ok ? v.last.failure : null;
  return {
    name: v.name,
    value: {
      usedRatio: v.lastUsage?.usedRatio ?? null,
      availBytes: v.lastUsage?.availBytes ?? null,
      filesUsedRatio: v.lastUsage?.filesUsedRatio ?? null,
      fullEtaSeconds: v.fullEtaSeconds,
      failure,
      lastAt: v.last?.at ?? null,
    },
    notable: failure !== null,
  };
}

/** The backlog sources and heartbeats as the decision saw them (the config holds few: at most 50 each). */
export interface DataAtRiskEvidence {
  readonly backlogs: readonly BacklogState[];
  readonly heartbeats: readonly HeartbeatState[];
}

function dataAtRiskOf({ backlogs, heartbeats }: DataAtRiskEvidence): Record<string, unknown> {
  const backlog = backlogs.map((b) => [
    b.name,
    {
      items: b.lastReading?.items ?? null,
      bytes: b.lastReading?.bytes ?? null,
      oldestAt: b.lastReading?.oldestAt ?? null,
      failure: b.last !== null && !b.last.ok ? b.last.failure : null,
      lastAt: b.last?.at ?? null,
    },
  ]);
  const pings = heartbeats.map((h) => [h.name, { lastPingAt: h.lastPingAt }]);
  // Absent when the config has neither, so evidence of offices without them reads as before.
  return {
    ...(backlog.length > 0 ? { backlog: Object.fromEntries(backlog) } : {}),
    ...(pings.length > 0 ? { heartbeats: Object.fromEntries(pings) } : {}),
  };
}

const utf8 = new TextEncoder();
const bytesOf = (value: unknown): number => utf8.encode(JSON.stringify(value)).length;

/** Room the `omitted` counts take when entries are left out: `,"omitted":{"targets":N,"volumes":N}` with large N. */
const OMITTED_RESERVE_BYTES = 64;

/**
 * What the decision saw: targets and volumes by name, the central judgement and the id of the override in
 * force (a reference, not a copy). Past `maxBytes`, failing entries are kept before healthy ones, in
 * config order, and `omitted` counts the rest.
 */
export function evidenceOf(
  targets: readonly TargetState[],
  volumes: readonly VolumeState[],
  central: CentralEvidence,
  override: Override | null,
  maxBytes = EVIDENCE_MAX_BYTES,
  dataAtRisk: DataAtRiskEvidence = { backlogs: [], heartbeats: [] },
): Record<string, unknown> {
  const targetEntries = targets.map(targetEntry);
  const volumeEntries = volumes.map(volumeEntry);
  const fixed = {
    central: { unreachable: central.unreachable, cause: central.cause, buffered: central.buffered },
    override: override?.id ?? null,
    ...dataAtRiskOf(dataAtRisk),
  };
  const whole = { targets: objectOf(targetEntries), volumes: objectOf(volumeEntries), ...fixed };
  if (bytesOf(whole) <= maxBytes) return whole;

  let budget = maxBytes - bytesOf({ targets: {}, volumes: {}, ...fixed }) - OMITTED_RESERVE_BYTES;
  const kept = new Set<Entry>();
  const byPriority = [...targetEntries, ...volumeEntries].sort((a, b) => Number(b.notable) - Number(a.notable));
  for (const entry of byPriority) {
    // `"name":{...},`: the key, the colon, the value and a comma.
    const cost = bytesOf(entry.name) + bytesOf(entry.value) + 2;
    if (cost > budget) continue;
    budget -= cost;
    kept.add(entry);
  }
  const keep = (entries: readonly Entry[]) => entries.filter((e) => kept.has(e));
  return {
    targets: objectOf(keep(targetEntries)),
    volumes: objectOf(keep(volumeEntries)),
    ...fixed,
    omitted: { targets: targetEntries.length - keep(targetEntries).length, volumes: volumeEntries.length - keep(volumeEntries).length },
  };
}

const objectOf = (entries: readonly Entry[]): Record<string, unknown> => Object.fromEntries(entries.map((e) => [e.name, e.value]));
