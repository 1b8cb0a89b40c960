// The words of alerting as types: alerts, severities, silences, recipients' routes, notification
// groups and planned notifications. Pure data. Times are epoch ms.
import type { FactValue } from '../types.js';

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ALERT_NAMES = [
  'CentralUnreachable',
  'CentralSlow',
  'StorageWarning',
  'StorageCritical',
  'StorageFillingUp',
  'HaltForecast',
  'BacklogWarning',
  'BacklogCritical',
  'UploadStalled',
  'BacklogSourceUnavailable',
  'RecordingHalted',
  'JagaDegraded',
] as const;
export type AlertName = (typeof ALERT_NAMES)[number];

/**
 * An alert whose condition holds now. `pending` until its condition has held for the rule's `for`;
 * then `firing`. An alert that no longer holds is simply absent: resolution is the notifier's news.
 */
export interface Alert {
  /** Stable identity: alertname plus sorted labels ("StorageCritical{volume=rekaman}", "UploadStalled{heartbeat=unggah}"). */
  readonly key: string;
  readonly name: AlertName;
  readonly severity: Severity;
  /** alertname, severity, site, and target, volume, source or heartbeat where the alert is about one. */
  readonly labels: Readonly<Record<string, string>>;
  readonly state: 'pending' | 'firing';
  /** When the condition started to hold. */
  readonly activeSince: number;
  /** When it started firing (activeSince + for), null while pending. */
  readonly firingSince: number | null;
  /** The numbers behind it, e.g. { usedRatio, availBytes, fullEtaSeconds, lastSuccessAt }. */
  readonly values: Readonly<Record<string, FactValue>>;
}

/** What evaluation remembers between runs: since when each condition holds. */
export type AlertMemory = Readonly<Record<string, number>>;

/** A label matcher: exact value, or a regular expression when written `~regex`. */
export type Matchers = Readonly<Record<string, string>>;

export interface Silence {
  readonly id: string;
  readonly matchers: Matchers;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly createdBy: string;
  readonly comment: string;
}

/** A silence from config that comes back on a cron schedule (e.g. weekly central maintenance). */
export interface RecurringSilence {
  readonly id: string;
  readonly matchers: Matchers;
  /** Five-field cron (minute granularity): when each window starts. */
  readonly cron: string;
  readonly durationMs: number;
  readonly comment: string;
}

export type Language = 'id' | 'en';

export interface Recipient {
  /**
   * Stable identity: keys the recipient's notification group and starts each notification's id. From
   * the config (shell/policy.ts): an email recipient's id is its address, the key groups had before.
   */
  readonly id: string;
  readonly name: string;
  /** The notifier that reaches this recipient (notifiers/registry.ts), and the address it uses there. */
  readonly channel: string;
  readonly address: string;
  readonly role: 'department_head' | 'operator' | 'other';
  readonly minSeverity: Severity;
  readonly language: Language;
  /** When set, only these alerts reach this recipient. */
  readonly alertnames: readonly AlertName[] | null;
}

/** What the last message to a recipient said was firing, so the next one can say what resolved. */
export interface GroupState {
  /** The recipient's id. */
  readonly recipient: string;
  /** Alerts as last notified firing, by key. */
  readonly notified: Readonly<Record<string, Alert>>;
  /** When the group first had something to say and nothing was sent yet (group_wait counts from it). */
  readonly waitingSince: number | null;
  readonly lastSentAt: number | null;
  /** Number of messages sent in this group's life; part of each notification's id. */
  readonly sequence: number;
}

export interface Timing {
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
  readonly sendResolved: boolean;
}

/** One message to one recipient, decided but not yet rendered or sent. */
export interface PlannedNotification {
  /** Deterministic: recipient, group start and sequence; the Message-ID derives from it. */
  readonly id: string;
  /** The recipient's id. */
  readonly recipient: string;
  readonly kind: 'firing' | 'repeat' | 'resolved';
  readonly firing: readonly Alert[];
  readonly resolved: readonly (Alert & { readonly resolvedAt: number })[];
  readonly at: number;
}

/** Where a notification stands in the outbox. */
export type OutboxStatus = 'pending' | 'sent' | 'failed' | 'expired';
