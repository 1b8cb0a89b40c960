// One builder per reason the gate can hold: each looks at state and policy and says whether its reason
// is active, with the numbers behind it. Pure. `since` is stamped later by the gate, which knows history.
import type { VolumePolicy } from './gate.js';
import type { CentralCause, Gate, Override, Reason, ReasonCode, TargetState, VolumeState } from './types.js';

/** A reason before the gate has decided since when it is active. */
export type ReasonDraft = Omit<Reason, 'since'>;

/** The overrides in force at one instant. */
export interface ActiveOverrides {
  /** Active halt overrides, newest first. */
  readonly halts: readonly Override[];
  /** The newest active allow override, or null. */
  readonly allow: Override | null;
}

/**
 * At most this many overrides active at once. Each active halt override is a reason in every gate answer
 * and every transition; past a handful nobody reads them, and thousands filled jaga's own disk.
 */
export const MAX_ACTIVE_OVERRIDES = 20;

/** The last instant a Date can hold (year 275760); every view of a time past it fails. */
const LAST_INSTANT_MS = 8.64e15;

/** Whether a stored instant can be shown: older versions took times past the Date range. */
export const isShowableInstant = (ms: number): boolean => Math.abs(ms) <= LAST_INSTANT_MS;

/**
 * An override's expiry as it may be used. One past the Date range was stored before requests had
 * limits, and broke every view for good: read it in the safe direction, a halt holding until lifted
 * and an allow already over.
 */
export function usableExpiry(action: Override['action'], createdAt: number, expiresAt: number | null): number | null {
  if (expiresAt === null || isShowableInstant(expiresAt)) return expiresAt;
  return action === 'halt' ? null : createdAt;
}

/** Not lifted and not expired at `now` (an expiry is exclusive). The one definition of "active". */
export const isOverrideActive = (o: Override, now: number): boolean => o.liftedAt === null && (o.expiresAt === null || o.expiresAt > now);

export function findActiveOverrides(overrides: readonly Override[], now: number): ActiveOverrides {
  const newestFirst = overrides.filter((o) => isOverrideActive(o, now)).sort((a, b) => b.createdAt - a.createdAt);
  const halts = newestFirst.filter((o) => o.action === 'halt');
  // An allow override without an expiry is never in force: nobody may switch the gate off for good.
  const allow = newestFirst.find((o) => o.action === 'allow' && o.expiresAt !== null);
  return { halts, allow: allow ?? null };
}

/** A log line lists at most this many reasons. */
export const LOG_REASONS_MAX = 10;

/** Reasons for a log line: `CODE(subject)`, at most LOG_REASONS_MAX of them, then "and K more". */
export function describeReasons(reasons: readonly Reason[]): string {
  const shown = reasons.slice(0, LOG_REASONS_MAX).map((r) => `${r.code}(${r.subject})`);
  const more = reasons.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/** A MANUAL_HALT reason's facts: all from its override, so a stored transition keeps only the id (the subject). */
export const manualHaltFacts = (o: Override): Reason['facts'] => ({ by: o.by, reason: o.reason, expiresAt: o.expiresAt });

export function manualHaltReasons(halts: readonly Override[]): ReasonDraft[] {
  return halts.map((o) => ({ code: 'MANUAL_HALT', subject: o.id, facts: manualHaltFacts(o) }));
}

/**
 * Until every central target, every volume and every backlog source that may halt (`unreadSources`,
 * those not read yet) has answered once, nobody knows whether recording is safe.
 */
export function startingReason(
  targets: readonly TargetState[],
  volumes: readonly VolumeState[],
  unreadSources: readonly string[] = [],
): ReasonDraft | null {
  const waitingFor = [
    ...targets.filter((t) => t.role === 'central' && t.status === 'unknown').map((t) => t.name),
    ...volumes.filter((v) => v.last === null).map((v) => v.name),
    ...unreadSources,
  ];
  if (waitingFor.length === 0) return null;
  return { code: 'STARTING', subject: 'startup', facts: { waitingFor: waitingFor.join(',') } };
}

export function isCentralUnreachable(targets: readonly TargetState[], downWhen: 'any' | 'all'): boolean {
  const central = targets.filter((t) => t.role === 'central');
  if (central.length === 0) return false;
  return downWhen === 'any' ? central.some((t) => t.status === 'down') : central.every((t) => t.status === 'down');
}

/**
 * Whom to call. If every non-DNS reference (the office router, the ISP gateway) is down too, it is our
 * uplink; if names do not resolve, it is DNS; otherwise the central server itself.
 */
export function centralCause(targets: readonly TargetState[]): CentralCause {
  const references = targets.filter((t) => t.role === 'reference');
  const paths = references.filter((t) => t.kind !== 'dns');
  if (paths.length > 0 && paths.every((t) => t.status === 'down')) return 'uplink';
  const centralDnsFailure = targets.some(
    (t) => t.role === 'central' && t.status === 'down' && t.last !== null && !t.last.ok && t.last.failure === 'dns',
  );
  const resolverDown = references.some((t) => t.kind === 'dns' && t.status === 'down');
  return centralDnsFailure || resolverDown ? 'dns' : 'central';
}

export function centralReason(targets: readonly TargetState[]): ReasonDraft {
  const central = targets.filter((t) => t.role === 'central');
  const down = central.filter((t) => t.status === 'down');
  const successes = central.map((t) => t.lastSuccessAt).filter((at): at is number => at !== null);
  const firstLast = down[0]?.last;
  return {
    code: 'CENTRAL_UNREACHABLE',
    subject: 'central',
    cause: centralCause(targets),
    facts: {
      downTargets: down.map((t) => t.name).join(','),
      lastSuccessAt: successes.length === 0 ? null : Math.max(...successes),
      failure: firstLast !== undefined && firstLast !== null && !firstLast.ok ? firstLast.failure : null,
    },
  };
}

/**
 * Under `on_central_down: buffer`, recording may go on through a central outage only while every volume
 * has proven room for `bufferMinHours` of working time (recording happens in working hours). Unknown
 * counts as no room: no usage yet, no forecast yet, or a volume we cannot trust right now.
 */
export function everyVolumeHasRoom(volumes: readonly VolumeState[], bufferMinHours: number, previous: Gate | null): boolean {
  // Hysteresis as for the volumes: once buffering has ended for want of room, it starts again only with
  // a quarter more, so a forecast wavering around the line does not flap recording on and off.
  const needed = bufferMinHours * 3600 * (hadReason(previous, 'CENTRAL_UNREACHABLE', 'central') ? BUFFER_RESUME_FACTOR : 1);
  return volumes.every((v) => {
    if (v.last === null || !v.last.ok || v.lastUsage === null || v.forecast === null) return false;
    const room = v.forecast.roomWorkingSeconds;
    return room === null || room >= needed;
  });
}

/** How much more room than buffer_min_hours buffering needs to start again after it ended for want of it. */
export const BUFFER_RESUME_FACTOR = 1.25;

/** Whether the previous gate held (or had overridden) this reason, which is what hysteresis remembers. */
export function hadReason(previous: Gate | null, code: ReasonCode, subject: string): boolean {
  if (previous === null) return false;
  const same = (r: Reason) => r.code === code && r.subject === subject;
  return previous.reasons.some(same) || previous.overridden.some(same);
}

/** The reasons one volume holds, judged from its last observation only. */
export function volumeReasons(volume: VolumeState, policy: VolumePolicy, previous: Gate | null): ReasonDraft[] {
  const last = volume.last;
  if (last === null) return []; // STARTING covers it
  const subject = volume.name;
  if (!last.ok) {
    // Its numbers are not its own (or not trustworthy), so no usage reason is judged from them.
    return [{ code: 'VOLUME_UNAVAILABLE', subject, facts: { failure: last.failure, detail: last.detail } }];
  }
  const drafts: ReasonDraft[] = [];
  const bytesFacts = { usedRatio: last.usedRatio, availBytes: last.availBytes, sizeBytes: last.sizeBytes };

  // Hysteresis: once critical, a volume stays critical until it drops BELOW resume_ratio, so a disk
  // hovering at the halt line does not flap recording on and off.
  const wasCritical = hadReason(previous, 'STORAGE_CRITICAL', subject);
  const belowMinFree = policy.minFreeBytes !== null && last.availBytes < policy.minFreeBytes;
  if (last.usedRatio >= policy.haltRatio || (wasCritical && last.usedRatio >= policy.resumeRatio) || belowMinFree) {
    drafts.push({
      code: 'STORAGE_CRITICAL',
      subject,
      facts: {
        ...bytesFacts,
        haltRatio: policy.haltRatio,
        resumeRatio: policy.resumeRatio,
        minFreeBytes: policy.minFreeBytes,
      },
    });
  }
  if (last.usedRatio >= policy.floorRatio) {
    drafts.push({ code: 'STORAGE_FLOOR', subject, facts: { ...bytesFacts, floorRatio: policy.floorRatio } });
  }
  // halt_eta is working time: the room must hold that much recording, wherever nights and Sundays fall.
  const room = volume.forecast?.roomWorkingSeconds ?? null;
  if (room !== null && room * 1000 < policy.haltEtaMs) {
    drafts.push({
      code: 'STORAGE_FILLING',
      subject,
      facts: {
        etaSeconds: volume.fullEtaSeconds,
        roomWorkingSeconds: room,
        model: volume.forecast?.model ?? null,
        rateBytesPerSecond: volume.fillRateBytesPerSecond,
        haltEtaSeconds: policy.haltEtaMs / 1000,
      },
    });
  }
  // Filesystems that do not count inodes report filesTotal 0: nothing to judge.
  const wasInodes = hadReason(previous, 'INODES_CRITICAL', subject);
  if (
    last.filesTotal > 0 &&
    (last.filesUsedRatio >= policy.haltRatio || (wasInodes && last.filesUsedRatio >= policy.resumeRatio))
  ) {
    drafts.push({
      code: 'INODES_CRITICAL',
      subject,
      facts: {
        filesUsedRatio: last.filesUsedRatio,
        filesFree: last.filesFree,
        filesTotal: last.filesTotal,
        haltRatio: policy.haltRatio,
        resumeRatio: policy.resumeRatio,
      },
    });
  }
  return drafts;
}

/** No news is not good news: a probe that stopped reporting must not leave an old "fine" standing. */
export function staleReason(
  targets: readonly TargetState[],
  volumes: readonly VolumeState[],
  now: number,
  staleAfterMs: { readonly central: number; readonly storage: number },
): ReasonDraft | null {
  const stale: { name: string; ageMs: number }[] = [];
  for (const t of targets) {
    if (t.role === 'central' && t.last !== null && now - t.last.at > staleAfterMs.central) {
      stale.push({ name: t.name, ageMs: now - t.last.at });
    }
  }
  for (const v of volumes) {
    if (v.last !== null && now - v.last.at > staleAfterMs.storage) {
      stale.push({ name: v.name, ageMs: now - v.last.at });
    }
  }
  if (stale.length === 0) return null;
  return {
    code: 'PROBES_STALE',
    subject: 'probes',
    facts: {
      stale: stale.map((s) => s.name).join(','),
      oldestAgeSeconds: Math.max(...stale.map((s) => s.ageMs)) / 1000,
    },
  };
}
