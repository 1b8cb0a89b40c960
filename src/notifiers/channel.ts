// What an alert channel is: how a notification to one of its recipients is written to the outbox, and
// how the channel is built from the config to send those rows. Types only.
import type { Logger } from 'pino';
import type { PlannedNotification, Recipient } from '../core/alerts/types.js';
import type { Gate } from '../core/types.js';
import type { AlertsConfig, Config, RecipientConfig } from '../config/schema.js';
import type { Notifier } from '../outbox/notifier.js';
import type { Clock } from '../runtime/clock.js';
import type { NewOutboxMessage } from '../store/outbox.js';
import type { RenderContext } from './render/render.js';

/** Render settings from the config; the gate, the moment and the language come with each notification. */
export type RenderSettings = Omit<RenderContext, 'gate' | 'now' | 'language'>;

/** One planned notification for one recipient, as the alert pipeline hands it to the recipient's channel. */
export interface AlertNotice {
  readonly notification: PlannedNotification;
  readonly recipient: Recipient;
  /** The gate when it was planned: every message states it first. */
  readonly gate: Gate;
  readonly render: RenderSettings;
}

/** The channel's part of an outbox row for an alert notification. */
export type ComposedMessage = Pick<NewOutboxMessage, 'subject' | 'messageId' | 'payload'>;

/** A channel built from the config, ready to send. */
export interface BuiltChannel {
  readonly notifier: Notifier;
  /** Checks, once at start, that the channel's server can be reached; logs what it found, never throws. */
  check(logger: Logger): Promise<void>;
}

export interface ChannelBuildDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly render: RenderSettings;
}

export interface AlertChannel {
  /** The recipient's address on this channel (its key in `alerts.recipients[]`), or undefined when it has none. */
  readonly addressOf: (recipient: RecipientConfig) => string | undefined;
  /** The outbox row's channel part for one notification. Pure. */
  readonly compose: (notice: AlertNotice) => ComposedMessage;
  /** The channel as the config sets it up, or null when it does not (its rows then wait in the outbox). */
  readonly build: (config: Config, alerts: AlertsConfig, deps: ChannelBuildDeps) => BuiltChannel | null;
}
