// Reads an alert's `values` and labels (as rules.ts writes them) into the formatted, size-capped facts the
// catalogue words, and picks whom to call. Pure.
import {
  TARGET_FAILURES,
  VOLUME_FAILURES,
  type CentralCause,
  type FactValue,
  type Gate,
  type TargetFailure,
  type VolumeFailure,
} from '../../core/types.js';
import type { AlertFacts, ContactChoice, EmailCatalogue, StorageProblem } from '../../i18n/catalogue.js';
import { bytes, dateTime, duration, percent, shortDateTime } from '../../i18n/format.js';
import type { Alert } from '../../core/alerts/types.js';

export interface Contacts {
  readonly central?: string;
  readonly uplink?: string;
  readonly dns?: string;
  readonly local_it?: string;
}

/** Each interpolated value (config text, a person's reason, a target name): a message must stay readable. */
export const VALUE_MAX = 300;

// Unicode line/paragraph separators and C0/C1 controls become spaces; invisible direction overrides and
// lone surrogates go (they can make a subject read differently from what it says).
const BREAKING = /[\p{Cc}\p{Zl}\p{Zp}]/gu;
const INVISIBLE = /[\p{Cs}\u200B\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/gu;

/** One line of plain text, safe in a mail header: no CR, LF, controls or separators; cut with "…". */
export function safeHeaderText(text: string, maxLength: number): string {
  const line = text.replace(BREAKING, ' ').replace(INVISIBLE, '').replace(/\s+/gu, ' ').trim();
  if (line.length <= maxLength) return line;
  if (maxLength < 1) return '';
  let cut = '';
  for (const char of line) {
    // Whole code points only: half a surrogate pair is not text.
    if (cut.length + char.length > maxLength - 1) break;
    cut += char;
  }
  return `${cut.trimEnd()}…`;
}

export const clip = (text: string, max = VALUE_MAX): string => safeHeaderText(text, max);

const isOneOf = <T extends string>(list: readonly T[], value: FactValue | undefined): value is T =>
  typeof value === 'string' && (list as readonly string[]).includes(value);
const STORAGE_PROBLEMS: readonly StorageProblem[] = ['STORAGE_CRITICAL', 'STORAGE_FLOOR', 'INODES_CRITICAL', 'VOLUME_UNAVAILABLE'];
const CAUSES: readonly CentralCause[] = ['central', 'uplink', 'dns'];

export interface FactsOptions {
  readonly timeZone: string;
  /** Absent for annotations, which outlive the moment: then no "full around 11.35". */
  readonly now: number | undefined;
  readonly gate: Gate | null;
  readonly t: EmailCatalogue;
}

/** rules.ts's `values` (and labels), formatted and cut to size for the catalogue. */
export function factsOf(alert: Alert, o: FactsOptions): AlertFacts {
  const v = alert.values;
  const num = (key: string) => {
    const value = v[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  };
  const str = (value: FactValue | undefined) => (typeof value === 'string' && value.trim() !== '' ? clip(value) : undefined);
  const list = (value: FactValue | undefined) => str(value)?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const when = (at: number) => (o.now === undefined ? dateTime(at, o.timeZone, o.t.clock) : shortDateTime(at, o.now, o.timeZone, o.t.clock));
  const storage = alert.name.startsWith('Storage');
  const volume = str(alert.labels.volume);
  // StorageCritical carries no threshold of its own; the gate reason for the same volume does.
  const gateReason = [...(o.gate?.reasons ?? []), ...(o.gate?.overridden ?? [])].find((r) => r.subject === alert.labels.volume && r.code === 'STORAGE_CRITICAL');
  const haltRatio = gateReason?.facts.haltRatio;
  const threshold = num('warnRatio') ?? num('haltRatio') ?? (typeof haltRatio === 'number' ? haltRatio : undefined);
  const eta = num('fullEtaSeconds') ?? num('etaSeconds');
  const rate = num('fillRateBytesPerSecond');
  const problems = alert.name === 'StorageCritical' ? list(v.reasons)?.filter((p) => isOneOf(STORAGE_PROBLEMS, p)) : undefined;
  const lastSuccess = num('lastSuccessAt');
  const latency = num('latencyMs');
  const limit = num('thresholdMs');
  const outboxAge = num('outboxOldestPendingAgeSeconds');
  const givenUp = num('notificationsGivenUp');
  const overrideBy = alert.name === 'RecordingHalted' ? str(v.overrideBy) : undefined;
  const facts: { -readonly [K in keyof AlertFacts]: AlertFacts[K] } = {};
  if (volume !== undefined) facts.volume = volume;
  if (problems !== undefined && problems.length > 0) facts.storageProblems = problems as StorageProblem[];
  if (storage && isOneOf<VolumeFailure>(VOLUME_FAILURES, v.failure)) facts.volumeFailure = v.failure;
  if (num('availBytes') !== undefined) facts.free = bytes(num('availBytes'));
  if (num('sizeBytes') !== undefined) facts.size = bytes(num('sizeBytes'));
  if (num('usedRatio') !== undefined) facts.used = percent(num('usedRatio'));
  if (num('usedRatio') !== undefined && threshold !== undefined) facts.threshold = percent(threshold);
  if (problems?.includes('INODES_CRITICAL') === true && num('filesUsedRatio') !== undefined) facts.filesUsed = percent(num('filesUsedRatio'));
  if (eta !== undefined) facts.eta = duration(eta, o.t.durationWords);
  if (eta !== undefined && o.now !== undefined) facts.fullAt = when(o.now + eta * 1000);
  if (rate !== undefined && rate < 0) facts.ratePerHour = bytes(-rate * 3600);
  if (isOneOf(CAUSES, v.cause)) facts.cause = v.cause;
  if (!storage && isOneOf<TargetFailure>(TARGET_FAILURES, v.failure)) facts.failure = v.failure;
  if (str(v.downTargets) !== undefined) facts.downTargets = str(v.downTargets);
  if (Object.hasOwn(v, 'lastSuccessAt')) facts.lastSuccess = lastSuccess === undefined ? null : when(lastSuccess);
  if (alert.labels.target !== undefined) facts.target = str(alert.labels.target);
  if (latency !== undefined) facts.latency = `${Math.round(latency)} ms`;
  if (latency !== undefined && limit !== undefined) facts.latencyLimit = `${Math.round(limit)} ms`;
  if (list(v.problems) !== undefined) facts.jagaProblems = list(v.problems);
  if (outboxAge !== undefined) facts.outboxAge = duration(outboxAge, o.t.durationWords);
  if (givenUp !== undefined && givenUp > 0) facts.givenUp = givenUp;
  // The gate block already says who holds the gate by hand; repeat it only when it is someone else.
  if (overrideBy !== undefined && overrideBy !== o.gate?.override?.by) facts.overrideBy = overrideBy;
  return facts;
}

/** Whom to call: the cause's own contact when configured, else local IT who knows whom to call next. */
export function contactFor(alert: Alert, facts: AlertFacts, contacts: Contacts): ContactChoice {
  const own = alert.name === 'CentralUnreachable' ? facts.cause : alert.name === 'CentralSlow' ? 'central' : undefined;
  const ownContact = own === undefined ? undefined : contacts[own];
  if (own !== undefined && ownContact !== undefined && ownContact.trim() !== '') return { role: own, contact: clip(ownContact) };
  const local = contacts.local_it;
  return { role: 'local_it', contact: local === undefined || local.trim() === '' ? null : clip(local) };
}
