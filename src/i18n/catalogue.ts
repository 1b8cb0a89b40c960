// The shape every language catalogue fills, and how to pick one. Pure.
import type { AlertName, Severity } from '../alerting/types.js';
import type { CentralCause, GateStateName, Reason, TargetFailure, VolumeFailure } from '../domain/types.js';
import type { ClockStyle, DurationWords } from './format.js';
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
  };
  readonly email: EmailCatalogue;
}

/** What a StorageCritical alert is about, from the gate reasons behind it. */
export type StorageProblem = 'STORAGE_CRITICAL' | 'STORAGE_FLOOR' | 'INODES_CRITICAL' | 'VOLUME_UNAVAILABLE';

/** What JagaDegraded found wrong with jaga itself (rules.ts `problems`). */
export type JagaProblem = 'store' | 'outbox' | 'delivery' | 'probes';

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
}

/** Whom a message tells people to call; `contact` is the configured text, null when none is set. */
export interface ContactChoice {
  readonly role: 'central' | 'uplink' | 'dns' | 'local_it';
  readonly contact: string | null;
}

/** Everything an alert email says, as plain text (the renderer escapes it for HTML). */
export interface EmailCatalogue {
  readonly clock: ClockStyle;
  readonly durationWords: DurationWords;
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
