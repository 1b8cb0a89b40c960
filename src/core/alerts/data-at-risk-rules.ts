// The alert rules about the data at risk (recordings in one copy only): BacklogWarning, BacklogCritical,
// UploadStalled and BacklogSourceUnavailable, each as the conditions that hold now. rules.ts holds the
// table and the `for` clocks. Pure: `now` is in the input.
import { backlogWarning as warnLimitCrossed, heartbeatFacts, isHeartbeatLate, readingFacts, type BacklogLimit } from '../data-at-risk.js';
import type { BacklogState, FactValue, HeartbeatState, Reason } from '../types.js';
import type { AlertInput, AlertRulesPolicy, Condition } from './rules.js';

/** A limit as people read it: the age in seconds, like every other fact of jaga's. */
const limitValue = (limit: BacklogLimit, threshold: number): number => (limit === 'oldest_age' ? threshold / 1000 : threshold);

/**
 * When an upload last succeeded anywhere in the office (the latest ping of any heartbeat), for the
 * backlog alerts' "last successful upload 3 days ago". The key is absent without heartbeats: there is
 * nothing to say; null when none has pinged yet.
 */
function lastUpload(heartbeats: readonly HeartbeatState[]): Record<string, FactValue> {
  if (heartbeats.length === 0) return {};
  const pings = heartbeats.map((h) => h.lastPingAt).filter((at): at is number => at !== null);
  return { lastUploadAt: pings.length === 0 ? null : Math.max(...pings) };
}

export function backlogWarning(input: AlertInput, policy: AlertRulesPolicy): Condition[] {
  const policies = new Map(policy.backlogs.map((p) => [p.name, p]));
  return input.backlogs.flatMap((b): Condition[] => {
    const limits = policies.get(b.name);
    // Readable, at or over a warn_* limit and under every halt_* limit: at a halt limit it is BacklogCritical's.
    const crossed = limits === undefined ? null : warnLimitCrossed(b, limits, input.now);
    if (crossed === null || b.lastReading === null) return [];
    return [
      {
        labels: { source: b.name },
        values: {
          ...readingFacts(b.lastReading, input.now),
          limit: `warn_${crossed.limit}`,
          limitValue: limitValue(crossed.limit, crossed.threshold),
          ...lastUpload(input.heartbeats),
        },
      },
    ];
  });
}

export function backlogCritical(input: AlertInput): Condition[] {
  // Read from the gate, like StorageCritical: its hysteresis is in the reason, and an `allow` override
  // lets recording go on without sending a single recording to the central server.
  const held: readonly Reason[] = [...input.gate.reasons, ...input.gate.overridden];
  const bySource = new Map<string, Reason>();
  for (const r of held) if (r.code === 'BACKLOG_CRITICAL' && !bySource.has(r.subject)) bySource.set(r.subject, r);
  const states = new Map(input.backlogs.map((b) => [b.name, b]));
  return [...bySource].map(([source, r]): Condition => {
    const state = states.get(source);
    const reading = state?.lastReading ?? null;
    const last = state?.last ?? null;
    const fact = (key: string): FactValue => r.facts[key] ?? null;
    return {
      labels: { source },
      values: {
        ...(reading === null ? { items: null, bytes: null, oldestAt: null, oldestAgeSeconds: null } : readingFacts(reading, input.now)),
        limit: fact('limit'),
        limitValue: fact('limitValue'),
        unavailable: r.facts.unavailable === true,
        failure: last !== null && !last.ok ? last.failure : null,
        ...lastUpload(input.heartbeats),
      },
    };
  });
}

/** The oldest item waiting in any source read so far; null when none says. */
function oldestWaiting(backlogs: readonly BacklogState[]): number | null {
  const times = backlogs.map((b) => b.lastReading?.oldestAt ?? null).filter((at): at is number => at !== null);
  return times.length === 0 ? null : Math.min(...times);
}

export function uploadStalled(input: AlertInput, policy: AlertRulesPolicy): Condition[] {
  const policies = new Map(policy.heartbeats.map((p) => [p.name, p]));
  return input.heartbeats.flatMap((h): Condition[] => {
    const hb = policies.get(h.name);
    // Any late heartbeat, halting or not: an upload that stopped is news even where it does not halt.
    if (hb === undefined || !isHeartbeatLate(h, hb, input.now)) return [];
    return [
      {
        labels: { heartbeat: h.name },
        values: { ...heartbeatFacts(h, hb, input.backlogs), oldestAt: oldestWaiting(input.backlogs), halts: hb.halt },
      },
    ];
  });
}

export function backlogSourceUnavailable(input: AlertInput): Condition[] {
  return input.backlogs.flatMap((b): Condition[] => {
    const last = b.last;
    if (last === null || last.ok) return [];
    return [
      {
        labels: { source: b.name },
        values: {
          failure: last.failure,
          detail: last.detail,
          // What the last successful read said, and when: the count people last saw.
          items: b.lastReading?.items ?? null,
          lastReadAt: b.lastReading?.at ?? null,
        },
      },
    ];
  });
}
