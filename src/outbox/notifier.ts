// The notifier seam: what every channel (email, a gate action's webhook, ...) gives the one outbox
// sender, and how one attempt ended. Below the notifiers and the actions, so that both can plug in. Types only.
import type { BackoffOptions } from '../core/backoff.js';
import type { OutboxMessage } from '../store/outbox.js';

export type SendOutcome =
  | { readonly outcome: 'accepted'; readonly response: string }
  /**
   * `recipient`: only this recipient refused for now, others may still go.
   * `server`: the channel's server, the network, TLS or our login failed; nothing else of the channel
   * will go through either, so the sender pauses the channel until the retry.
   */
  | { readonly outcome: 'temporary'; readonly error: string; readonly scope: 'recipient' | 'server' }
  | { readonly outcome: 'permanent'; readonly error: string };

/** How one outbox row ended an attempt (or was given up). */
export type OutboxResult = 'sent' | 'retry' | 'failed' | 'expired';

/** One channel as the outbox sender drives it: the rows whose `channel` names it. */
export interface Notifier {
  /** Sends one stored row (its payload is this channel's own). Never throws. */
  send(message: OutboxMessage): Promise<SendOutcome>;
  /** The sender stops waiting for a send after this (the channel's own timeout plus a margin). */
  deadlineMs(message: OutboxMessage): number;
  /** Retries double from retryInitialMs up to retryMaxMs, with jitter (core/backoff.ts). */
  readonly backoff: BackoffOptions;
  /** What logs and metrics call each result (a gate action counts a webhook's `sent` as `ok`). */
  readonly results: Readonly<Record<OutboxResult, string>>;
  /** The log message for each result, and for a send abandoned at shutdown. */
  readonly words: Readonly<Record<OutboxResult | 'abandoned', string>>;
  /** What every log line about `message` says (never a secret: webhook URLs are redacted). */
  logFields(message: OutboxMessage): Record<string, unknown>;
  /** Ends connections; a send still running fails. */
  close(): Promise<void>;
}
