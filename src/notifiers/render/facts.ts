// Reads an alert's `values` and labels (as rules.ts writes them) into the formatted, size-capped facts the
// catalogue words, and picks whom to call. Pure.
import {
  BACKLOG_FAILURES,
  REASON_CODES,
  TARGET_FAILURES,
  VOLUME_FAILURES,
  type BacklogFailure,
  type CentralCause,
  type FactValue,
  type Gate,
  type ReasonCode,
  type TargetFailure,
  type VolumeFailure,
} from '../../core/types.js';
import type { AlertFacts, BacklogLimitName, ContactChoice, EmailCatalogue, ForecastCatalogue, StorageProblem } from '../../i18n/catalogue.js';
import { bytes, clockTime, count, dateTime, duration, forecastClock, percent, shortDateTime, wallClock } from '../../i18n/format.js';
import { MODEL_NAMES, type ModelName } from '../../core/forecast/model.js';
import type { Alert, AlertName } from '../../core/alerts/types.js';

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
const BACKLOG_LIMIT_NAMES: readonly BacklogLimitName[] = ['warn_items', 'warn_bytes', 'warn_oldest_age', 'halt_items', 'halt_bytes', 'halt_oldest_age'];
/** The alerts about recordings in one copy only: their `failure` is a backlog source's, their contact local IT then central. */
const DATA_AT_RISK: ReadonlySet<AlertName> = new Set(['BacklogWarning', 'BacklogCritical', 'UploadStalled', 'BacklogSourceUnavailable']);

/** Days from `at`'s calendar day to `now`'s in the zone (0: the same day). */
function calendarDaysBetween(at: number, now: number, timeZone: string): number {
  const day = (t: number) => {
    const c = wallClock(t, timeZone);
    return Date.UTC(c.year, c.month - 1, c.day) / 86_400_000;
  };
  return day(now) - day(at);
}

/**
 * "08.12 WIB" today, "Senin 08.12 WIB" in the six days before, the full date otherwise: how people say
 * since when something waits. Without a moment to speak from (annotations), the full date.
 */
export function dayAndTime(at: number, now: number | undefined, timeZone: string, t: EmailCatalogue): string {
  if (now === undefined) return dateTime(at, timeZone, t.clock);
  const days = calendarDaysBetween(at, now, timeZone);
  if (days === 0) return clockTime(at, timeZone, t.clock);
  if (days > 0 && days < 7) {
    const c = wallClock(at, timeZone);
    return `${t.weekdays[new Date(Date.UTC(c.year, c.month - 1, c.day)).getUTCDay()] ?? ''} ${clockTime(at, timeZone, t.clock)}`;
  }
  return dateTime(at, timeZone, t.clock);
}

/** A backlog limit's value in its own unit: a count, a size, or a span (facts carry the age in seconds). */
function limitValueText(name: BacklogLimitName, value: number, t: EmailCatalogue): string {
  if (name.endsWith('_items')) return count(value, t.numberLocale);
  if (name.endsWith('_bytes')) return bytes(value);
  return duration(value, t.durationWords);
}

export interface FactsOptions {
  readonly timeZone: string;
  /** Absent for annotations, which outlive the moment: then no "full around 11.35". */
  readonly now: number | undefined;
  readonly gate: Gate | null;
  readonly t: EmailCatalogue;
  /** The halt forecast's words in the same language. */
  readonly words: ForecastCatalogue;
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
  if (alert.name.startsWith('Central') && isOneOf<TargetFailure>(TARGET_FAILURES, v.failure)) facts.failure = v.failure;
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
  if (DATA_AT_RISK.has(alert.name)) Object.assign(facts, dataAtRiskFacts(alert, o));
  if (alert.name === 'HaltForecast' || alert.name === 'CentralUnreachable') Object.assign(facts, forecastFacts(alert, o));
  return facts;
}

/**
 * "Kamis 10 Desember sekitar pukul 14.00 WIB" and "sekitar 3,5 hari kerja lagi" from an instant and the
 * working time left until it (as the rule counted it); undefined without that.
 */
function haltText(at: number, seconds: number | undefined, days: number | undefined, o: FactsOptions): { when: string; left: string } | undefined {
  if (seconds === undefined) return undefined;
  return { when: o.words.when(forecastClock(at, o.now, o.timeZone)), left: o.words.left({ seconds, days: days ?? null }) };
}

/** HaltForecast's forecast and CentralUnreachable's buffer mode (forecast-rules.ts, rules.ts), formatted. */
function forecastFacts(alert: Alert, o: FactsOptions): AlertFacts {
  const v = alert.values;
  const num = (key: string) => {
    const value = v[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  };
  const facts: { -readonly [K in keyof AlertFacts]: AlertFacts[K] } = {};
  const haltAt = num('haltAt');
  const halt = haltAt === undefined ? undefined : haltText(haltAt, num('workingSeconds'), num('workingDays'), o);
  if (alert.name === 'HaltForecast' && halt !== undefined && isOneOf<ReasonCode>(REASON_CODES, v.reason) && typeof v.subject === 'string') {
    facts.forecast = { ...halt, reason: v.reason, subject: clip(v.subject), model: isOneOf<ModelName>(MODEL_NAMES, v.model) ? v.model : null };
  }
  const since = num('bufferingSince');
  if (alert.name === 'CentralUnreachable' && since !== undefined) {
    const endsAt = num('bufferingEndsAt');
    const ends = endsAt === undefined ? undefined : haltText(endsAt, num('bufferingEndsWorkingSeconds'), num('bufferingEndsWorkingDays'), o);
    facts.buffering = { since: o.now === undefined ? dateTime(since, o.timeZone, o.t.clock) : shortDateTime(since, o.now, o.timeZone, o.t.clock), ends: ends ?? null };
  }
  return facts;
}

/** The backlog and heartbeat alerts' values (data-at-risk-rules.ts), formatted. */
function dataAtRiskFacts(alert: Alert, o: FactsOptions): AlertFacts {
  const v = alert.values;
  const num = (key: string) => {
    const value = v[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  };
  const str = (value: FactValue | undefined) => (typeof value === 'string' && value.trim() !== '' ? clip(value) : undefined);
  const when = (at: number) => (o.now === undefined ? dateTime(at, o.timeZone, o.t.clock) : shortDateTime(at, o.now, o.timeZone, o.t.clock));
  const facts: { -readonly [K in keyof AlertFacts]: AlertFacts[K] } = {};
  const source = str(alert.labels.source);
  const heartbeat = str(alert.labels.heartbeat);
  const items = num('items') ?? num('itemsWaiting');
  const oldestAt = num('oldestAt');
  const limit = v.limit;
  const limitValue = num('limitValue');
  if (source !== undefined) facts.source = source;
  if (heartbeat !== undefined) facts.heartbeat = heartbeat;
  if (items !== undefined) facts.items = count(items, o.t.numberLocale);
  if (num('bytes') !== undefined) facts.waitingSize = bytes(num('bytes'));
  if (oldestAt !== undefined) facts.oldest = dayAndTime(oldestAt, o.now, o.timeZone, o.t);
  if (num('oldestAgeSeconds') !== undefined && num('oldestAgeSeconds') !== 0) facts.oldestAge = duration(num('oldestAgeSeconds') ?? 0, o.t.durationWords);
  if (isOneOf(BACKLOG_LIMIT_NAMES, limit) && limitValue !== undefined) facts.backlogLimit = { name: limit, value: limitValueText(limit, limitValue, o.t) };
  // UploadStalled says its heartbeat's last ping; the backlog alerts the office's latest upload.
  const uploadKey = alert.name === 'UploadStalled' ? 'lastPingAt' : 'lastUploadAt';
  if (Object.hasOwn(v, uploadKey)) {
    const at = num(uploadKey);
    facts.lastUpload = at === undefined ? null : { at: when(at), ago: o.now === undefined ? null : duration(Math.max(0, (o.now - at) / 1000), o.t.durationWords) };
  }
  if (num('graceSeconds') !== undefined) facts.grace = duration(num('graceSeconds') ?? 0, o.t.durationWords);
  if (typeof v.halts === 'boolean') facts.halts = v.halts;
  if (isOneOf<BacklogFailure>(BACKLOG_FAILURES, v.failure)) facts.backlogFailure = v.failure;
  if (str(v.detail) !== undefined) facts.detail = str(v.detail);
  if (v.unavailable === true) facts.unreadable = true;
  if (num('lastReadAt') !== undefined) facts.lastRead = when(num('lastReadAt') ?? 0);
  return facts;
}

const configured = (text: string | undefined): string | null => (text === undefined || text.trim() === '' ? null : clip(text));

/**
 * Whom to call: the cause's own contact when configured, else local IT who knows whom to call next.
 * Uploads that fail go to local IT first (the application runs in the office), then to central.
 */
export function contactFor(alert: Alert, facts: AlertFacts, contacts: Contacts): ContactChoice {
  const own = alert.name === 'CentralUnreachable' ? facts.cause : alert.name === 'CentralSlow' ? 'central' : undefined;
  const ownContact = own === undefined ? null : configured(contacts[own]);
  if (own !== undefined && ownContact !== null) return { role: own, contact: ownContact };
  const local: ContactChoice = { role: 'local_it', contact: configured(contacts.local_it) };
  // A source jaga cannot read is the office's own business: central has nothing to look at.
  if (DATA_AT_RISK.has(alert.name) && alert.name !== 'BacklogSourceUnavailable') {
    return { ...local, escalation: { role: 'central', contact: configured(contacts.central) } };
  }
  return local;
}
