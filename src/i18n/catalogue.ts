// The shape every language catalogue fills, and how to pick one. Pure.
import type { AlertName, Severity } from '../core/alerts/types.js';
import type { BacklogFailure, CentralCause, GateStateName, Reason, ReasonCode, TargetFailure, TargetStatus, VolumeFailure } from '../core/types.js';
import type { BacklogLimit } from '../core/data-at-risk.js';
import type { ProblemCode } from '../core/requests.js';
import type { OutboxStatus } from '../core/alerts/types.js';
import type { ClockStyle, DurationWords, ForecastClock } from './format.js';
import type { ModelName } from '../core/forecast/model.js';
import type { WorkingLeft } from '../core/alerts/forecast-rules.js';
import { en } from './en.js';
import { id } from './id.js';

export const LANGUAGES = ['id', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface Catalogue {
  readonly gateState: Record<GateStateName, string>;
  /** One line for operators and stations: what holds the gate, with its numbers. */
  readonly reason: (reason: Reason) => string;
  readonly resumingAt: (when: string) => string;
  readonly cli: {
    readonly configOk: (file: string) => string;
    readonly configInvalid: (file: string) => string;
    readonly probeHeader: readonly [string, string, string, string, string];
    readonly ok: string;
    readonly failed: string;
    readonly gateLine: (state: string) => string;
    readonly noReasons: string;
    readonly unreachable: (url: string, why: string) => string;
    /** A remote answer past the CLI's read limit (`limit` already formatted, "2.0 MiB"). */
    readonly answerTooLarge: (url: string, limit: string) => string;
    readonly overrideCreated: (id: string, action: string, until: string) => string;
    readonly overrideLifted: (id: string) => string;
    readonly noOverrides: string;
    readonly tokenMissing: string;
    readonly usage: string;
    readonly started: (url: string) => string;
    readonly stopping: string;
    readonly noSilences: string;
    readonly silenceCreated: (id: string, until: string) => string;
    readonly silenceExpired: (id: string) => string;
    readonly badMatcher: (pair: string) => string;
    readonly smtpMissing: string;
    readonly noRecipients: string;
    readonly testEmailAccepted: (to: string, response: string) => string;
    readonly testEmailRefused: (to: string, permanent: boolean, error: string) => string;
    readonly reportPeriod: (start: string, end: string) => string;
    readonly reportHalted: (seconds: number, percent: number, halts: number) => string;
    readonly reportLongestOutage: (seconds: number | null, start: string | null) => string;
    readonly reportAvailability: (percent: number | null) => string;
    /** `jaga status`: what waits in a backlog source; bytes and the oldest age where the source says them. */
    readonly statusBacklog: (items: number, bytes: number | null, oldestAgeSeconds: number | null) => string;
    /** `jaga status`: a heartbeat's last ping (as the API wrote it), or none yet, and its grace. */
    readonly statusHeartbeat: (lastPingAt: string | null, graceSeconds: number) => string;
    /** The most recordings waiting at once over the period, all sources together; null without a read. */
    readonly reportPeakBacklog: (items: number | null) => string;
    /** One source's peak under the line above; null without a successful read. */
    readonly reportPeakBacklogSource: (source: string, items: number | null) => string;
    /** The longest time without a successful upload; null where jaga was not watching. */
    readonly reportLongestWithoutUpload: (heartbeat: string, seconds: number | null) => string;
    /** `jaga backtest` without exactly one of --timeline and --from-db (--since only with --from-db). */
    readonly backtestUsage: string;
    readonly backtestBadSince: (since: string) => string;
    /** A timeline file with bad rows; each problem (with its line) follows on its own line. */
    readonly timelineInvalid: (file: string) => string;
    /** --from-db: stored subjects the config does not name, left out of the replay. */
    readonly backtestIgnored: (subjects: string) => string;
    readonly backtestNothingStored: string;
    /** The replayed stretch, first and last observation (times already formatted). */
    readonly backtestPeriod: (start: string, end: string) => string;
    readonly backtestHeader: readonly [string, string, string];
    readonly backtestNoTransitions: string;
    /** A halted row without reasons: every reason has cleared and resume_after is running. */
    readonly backtestClearing: string;
    readonly backtestForecastHeader: readonly [string, string, string];
    readonly backtestNoForecast: string;
    /** A forecast row once no halt is foreseen any more. */
    readonly backtestForecastNone: string;
    readonly backtestHalted: (seconds: number, halts: number) => string;
    readonly backtestFirstHalt: (at: string | null) => string;
    /** The least room a volume had over the timeline; null when the timeline never measured it. */
    readonly backtestMinAvail: (volume: string, bytes: number | null) => string;
  };
  readonly email: EmailCatalogue;
  readonly page: PageCatalogue;
  readonly admin: AdminCatalogue;
  readonly forecast: ForecastCatalogue;
}

/**
 * The halt forecast and the buffer mode in people's words: the API's `message`, /admin, `jaga status`
 * and emails all say it the same way. Times come formatted in the office's zone.
 */
export interface ForecastCatalogue {
  /** "Kamis 10 Desember sekitar pukul 14.00 WIB"; the year only when it is not this year. */
  readonly when: (c: ForecastClock) => string;
  /** "sekitar 3,5 hari kerja lagi" (working days, from one day on), else working hours. */
  readonly left: (left: WorkingLeft) => string;
  /** "perkiraan: perekaman harus dihentikan Kamis 10 Desember sekitar pukul 14.00 WIB, sekitar 3,5 hari kerja lagi" */
  readonly halt: (when: string, left: string) => string;
  /** The halt sentence and why: "…, karena penyimpanan rekaman akan mencapai batas henti (halt_ratio)". */
  readonly withWhy: (halt: string, why: string) => string;
  /** While recording is allowed and the volumes' models foresee no halt within the forecast's horizon. */
  readonly noHalt: string;
  /** While no volume has anything to forecast from yet (a fresh start, no readings). */
  readonly noData: string;
  /** Why the gate will halt then (the forecast's reason and subject). */
  readonly why: (reason: ReasonCode, subject: string) => string;
  /** Which model answered, in words. */
  readonly model: Record<ModelName, string>;
  /** "model perkiraan: jam kerja kantor" */
  readonly modelLine: (model: string) => string;
  /** Buffer mode, for operators: since when recording goes on on local disk, and when it must stop (null: not foreseen). */
  readonly buffering: (since: string, ends: string | null) => string;
  /** A volume's forecast for operators: when it reaches its halt line (null: not foreseen) and its room in working hours. */
  readonly volume: (haltAt: string | null, roomWorkingHours: number | null) => string;
}

/** What a StorageCritical alert is about, from the gate reasons behind it. */
export type StorageProblem = 'STORAGE_CRITICAL' | 'STORAGE_FLOOR' | 'INODES_CRITICAL' | 'VOLUME_UNAVAILABLE';

/** What JagaDegraded found wrong with jaga itself (rules.ts `problems`). */
export type JagaProblem = 'store' | 'outbox' | 'delivery' | 'probes';

/** A backlog limit as the config names it ("halt_items"). */
export type BacklogLimitName = `${'warn' | 'halt'}_${BacklogLimit}`;

/**
 * An alert's numbers as the renderer has already formatted them (sizes, percentages, spans, times in
 * the office's zone) and cut to size. A field is absent when the alert did not carry it; the catalogue
 * only words them.
 */
export interface AlertFacts {
  readonly volume?: string;
  readonly target?: string;
  readonly used?: string;
  readonly free?: string;
  readonly size?: string;
  /** The ratio at which this alert fires (warn or halt), as a percentage. */
  readonly threshold?: string;
  readonly filesUsed?: string;
  readonly eta?: string;
  /** When the volume will be full at the current rate ("11.35 WIB"). */
  readonly fullAt?: string;
  /** Bytes per hour, formatted ("1.2 GiB"). */
  readonly ratePerHour?: string;
  readonly storageProblems?: readonly StorageProblem[];
  readonly volumeFailure?: VolumeFailure;
  readonly cause?: CentralCause;
  readonly failure?: TargetFailure;
  readonly downTargets?: string;
  /** null: no success since jaga started. */
  readonly lastSuccess?: string | null;
  readonly latency?: string;
  readonly latencyLimit?: string;
  /** Known problems are worded by the catalogue; anything else is shown as given. */
  readonly jagaProblems?: readonly (JagaProblem | string)[];
  readonly outboxAge?: string;
  readonly givenUp?: number;
  readonly overrideBy?: string;
  /** A backlog source, or a heartbeat, by its configured name. */
  readonly source?: string;
  readonly heartbeat?: string;
  /** Recordings waiting for upload, with the language's thousands separator ("12.345"). */
  readonly items?: string;
  /** Their size ("1.2 GiB"). */
  readonly waitingSize?: string;
  /** When the oldest waiting recording was made: "08.12 WIB" today, "Senin 08.12 WIB" this week, else the date. */
  readonly oldest?: string;
  /** How long the oldest has waited ("3 hari 2 jam"). */
  readonly oldestAge?: string;
  /** The limit crossed, its value formatted for its kind ("10.000", "50.0 GiB", "2 hari"). */
  readonly backlogLimit?: { readonly name: BacklogLimitName; readonly value: string };
  /**
   * The last successful upload (a heartbeat's last ping): when, and how long ago (null without a moment
   * to speak from, as in annotations). null: none since jaga began waiting.
   */
  readonly lastUpload?: { readonly at: string; readonly ago: string | null } | null;
  /** A heartbeat's grace ("30 menit"). */
  readonly grace?: string;
  /** Whether this late heartbeat halts recording (UPLOAD_STALLED) or only alerts. */
  readonly halts?: boolean;
  /** Why a backlog source could not be read, and what the reader said. */
  readonly backlogFailure?: BacklogFailure;
  readonly detail?: string;
  /** BacklogCritical holds because the source cannot be read (halt_when_unavailable), not by a limit. */
  readonly unreadable?: boolean;
  /** When the source was last read successfully. */
  readonly lastRead?: string;
  /** HaltForecast: when recording will have to stop, the working time left, why, and by which model. */
  readonly forecast?: {
    readonly when: string;
    readonly left: string;
    readonly reason: ReasonCode;
    readonly subject: string;
    readonly model: ModelName | null;
  };
  /**
   * CentralUnreachable under `on_central_down: buffer`: recording goes on on local disk since `since`;
   * when it must stop if central stays away (null: no end foreseen).
   */
  readonly buffering?: { readonly since: string; readonly ends: { readonly when: string; readonly left: string } | null };
}

/** Whom a message tells people to call; `contact` is the configured text, null when none is set. */
export interface ContactChoice {
  readonly role: 'central' | 'uplink' | 'dns' | 'local_it';
  readonly contact: string | null;
  /** Whom to call next when the first one finds nothing wrong on their side (uploads: central). */
  readonly escalation?: ContactChoice;
}

/** Everything an alert email says, as plain text (the renderer escapes it for HTML). */
export interface EmailCatalogue {
  readonly clock: ClockStyle;
  readonly durationWords: DurationWords;
  /** Counts are written with this locale's thousands separator. */
  readonly numberLocale: 'id-ID' | 'en-GB';
  /** Sunday first, as Date.getUTCDay() counts. */
  readonly weekdays: readonly [string, string, string, string, string, string, string];
  readonly severityWord: Record<Severity, string>;
  readonly resolvedWord: string;
  readonly reminder: string;
  readonly more: (count: number) => string;
  /** What is wrong, short enough for a subject line. */
  readonly title: Record<AlertName, string>;
  /** The same alert once it is over. */
  readonly resolvedTitle: Record<AlertName, string>;
  readonly greeting: (name: string) => string;
  /** Opening line of a resolved message, by the gate now. */
  readonly goodNews: Record<GateStateName, string>;
  readonly repeatNote: string;
  readonly gateHeadline: Record<GateStateName, string>;
  /** "sejak 08.15 WIB (2 jam 5 menit lalu)"; `ago` is null under a minute ("baru saja"). */
  readonly since: (when: string, ago: string | null) => string;
  readonly reasonsHeading: string;
  readonly overriddenHeading: string;
  readonly moreReasons: (count: number) => string;
  readonly override: (o: { action: 'halt' | 'allow'; by: string; reason: string; until: string | null }) => string;
  /** What happened in a department head's words, before the numbers; null where title and facts say it. */
  readonly summary: (name: AlertName, facts: AlertFacts) => string | null;
  readonly facts: (name: AlertName, facts: AlertFacts) => readonly string[];
  readonly nextStepLabel: string;
  readonly nextStep: (name: AlertName, facts: AlertFacts, contact: ContactChoice) => string;
  readonly resolvedHeading: string;
  /** "Server pusat terhubung kembali: pulih 10.20 WIB, berlangsung 2 jam 5 menit" */
  readonly resolvedLine: (title: string, at: string, lasted: string) => string;
  readonly footer: {
    readonly site: (site: string) => string;
    readonly statusPage: string;
    readonly times: (zone: string, timeZone: string) => string;
    readonly automatic: string;
  };
  readonly test: {
    readonly subject: string;
    readonly lines: (site: string, sentAt: string) => readonly string[];
  };
}

/** The public status page and its feed: words for citizens, never internal names, numbers or error text. */
export interface PageCatalogue {
  readonly headline: Record<GateStateName, string>;
  /** Under the headline: what the state means for someone in the queue. */
  readonly subline: Record<GateStateName, string>;
  /** "sejak 08.15 WIB" */
  readonly since: (when: string) => string;
  readonly reasonHeading: string;
  /** What the public is told for each reason code; codes that mean the same to a citizen share a text. */
  readonly reason: Record<ReasonCode, string>;
  /** Halted without a reason the public can be told (should not happen; never shows internals). */
  readonly unknownReason: string;
  /** Halted, every reason gone: the gate reopens at `when` unless something fails again. */
  readonly reopening: (when: string) => string;
  readonly noticeHeading: string;
  /**
   * While open through a central outage (buffer mode): recording goes on, data is sent once the central
   * server is back. No numbers, no names.
   */
  readonly buffering: string;
  /** Shown while halted when `status_page.notice_halted` is not configured. */
  readonly noticeHalted: string;
  readonly lastCheck: (when: string) => string;
  readonly refreshNote: (seconds: number) => string;
  /** The link to the page in the other language, written in that language. */
  readonly otherLanguage: { readonly language: Language; readonly label: string };
  readonly feedLink: string;
  readonly feed: {
    readonly title: (office: string) => string;
    readonly subtitle: string;
    /** The first state jaga ever recorded was open. */
    readonly opened: string;
    readonly resumed: string;
    /** `reasons` is null when there is nothing the public can be told. */
    readonly halted: (reasons: string | null) => string;
    readonly openedAt: (when: string) => string;
    readonly haltedAt: (when: string) => string;
    readonly reasonLine: (reasons: string) => string;
  };
}

/** The operator page /admin: internal words for staff (names, numbers and error text are fine here). */
export interface AdminCatalogue {
  readonly title: string;
  readonly login: {
    readonly heading: string;
    readonly intro: string;
    readonly token: string;
    readonly submit: string;
    readonly failed: string;
    readonly rateLimited: string;
    /** Instead of the form when JAGA_ADMIN_TOKENS names no token: nobody could sign in. */
    readonly unconfigured: { readonly heading: string; readonly text: string; readonly example: string };
  };
  readonly signedInAs: (who: string) => string;
  readonly logout: string;
  readonly otherLanguage: { readonly language: Language; readonly label: string };
  readonly sections: Record<'gate' | 'overrides' | 'newOverride' | 'targets' | 'volumes' | 'alerts' | 'silences' | 'newSilence' | 'outbox' | 'history' | 'audit', string>;
  readonly gate: {
    /** `ago` is null under a minute. */
    readonly since: (when: string, ago: string | null) => string;
    readonly decidedAt: (when: string) => string;
    readonly validUntil: (when: string) => string;
    readonly reasons: string;
    readonly overridden: string;
    readonly noReasons: string;
    readonly override: (action: string, by: string) => string;
  };
  /** Table headers. */
  readonly columns: Record<
    | 'name' | 'kind' | 'status' | 'failures' | 'lastProbe' | 'latency' | 'lastSuccess' | 'used' | 'avail' | 'inodes' | 'fillRate' | 'eta' | 'forecast'
    | 'time' | 'change' | 'reasons' | 'who' | 'what' | 'detail' | 'alert' | 'severity' | 'state' | 'labels' | 'values' | 'silencedBy'
    | 'action' | 'reason' | 'by' | 'created' | 'expires' | 'matchers' | 'comment' | 'starts' | 'recipient' | 'subject' | 'attempts' | 'error',
    string
  >;
  readonly targetStatus: Record<TargetStatus, string>;
  readonly probeOk: string;
  readonly volumeOk: string;
  readonly notFilling: string;
  readonly unknown: string;
  readonly perHour: (amount: string) => string;
  readonly inodesFree: (count: number) => string;
  readonly untilLifted: string;
  readonly none: string;
  readonly alertState: Record<'pending' | 'firing', string>;
  readonly alertingOff: string;
  readonly outbox: {
    readonly pending: (count: number) => string;
    readonly oldest: (when: string) => string;
    readonly pendingHeading: string;
    readonly givenUpHeading: string;
    readonly status: Record<OutboxStatus, string>;
  };
  /** Audit actions by their stored verb; unknown verbs are shown as stored. */
  readonly audit: Readonly<Record<string, string>>;
  readonly overrideAction: Record<'halt' | 'allow', string>;
  readonly silenceSource: Record<'config' | 'api', string>;
  readonly recurring: (cron: string, duration: string) => string;
  readonly lift: string;
  readonly expire: string;
  readonly form: Record<
    'action' | 'halt' | 'allow' | 'reason' | 'duration' | 'durationHint' | 'setOverride' | 'matchers' | 'silenceDuration' | 'comment' | 'addSilence',
    string
  >;
  readonly flash: Record<'overrideCreated' | 'overrideLifted' | 'silenceCreated' | 'silenceExpired', (id: string) => string>;
  /** A refused form, worded for the person who filled it in. */
  readonly problem: (field: string, code: ProblemCode) => string;
  readonly errors: Record<'title' | 'csrf' | 'notFound' | 'overrideGone' | 'silenceGone' | 'tooLarge' | 'internal' | 'back', string>;
  /** An override (or a lift) jaga did not take, by the engine's OverrideRefused code; nothing was changed. */
  readonly overrideRefused: Record<'too_many_overrides' | 'store_unavailable', string>;
  readonly silenceRefused: string;
  /** Backlog sources and upload heartbeats: what waits in one copy only, and whether uploads still succeed. */
  readonly dataAtRisk: {
    readonly backlogHeading: string;
    readonly heartbeatsHeading: string;
    readonly columns: Record<'type' | 'items' | 'bytes' | 'oldest' | 'lastRead' | 'halts' | 'lastPing' | 'grace' | 'itemsSent', string>;
    /** A count with the language's thousands separator. */
    readonly count: (n: number) => string;
    /** "3 jam 5 menit lalu" */
    readonly ago: (span: string) => string;
    readonly readable: string;
    readonly notRead: string;
    readonly late: string;
    readonly onTime: string;
    readonly neverPinged: string;
    /** The source or heartbeat may halt recording. */
    readonly halts: string;
    /** It raises alerts only. */
    readonly alertOnly: string;
  };
}

const catalogues: Record<Language, Catalogue> = { id, en };

export function catalogue(language: Language): Catalogue {
  return catalogues[language];
}

/** Picks a language from `?lang=` first, then an Accept-Language header; Indonesian by default. */
export function pickLanguage(query: unknown, acceptLanguage: string | undefined): Language {
  if (query === 'en' || query === 'id') return query;
  if (acceptLanguage) {
    const ranked = acceptLanguage
      .split(',')
      .map((part) => {
        const [tag = '', q] = part.trim().split(';q=');
        return { tag: tag.trim().toLowerCase().slice(0, 2), q: q === undefined ? 1 : Number(q) };
      })
      .filter((entry) => entry.q > 0)
      .sort((a, b) => b.q - a.q);
    for (const { tag } of ranked) if (tag === 'en' || tag === 'id') return tag;
  }
  return 'id';
}
