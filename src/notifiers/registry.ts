// The alert channels in one table: a channel's name -> its entry (channel.ts): where a recipient's
// address is, how a notification is written and how the channel is built. The `satisfies` makes the
// compiler reject an entry that does not fit. Pure table.
import type { RecipientConfig } from '../config/schema.js';
import type { AlertChannel } from './channel.js';
import { buildEmailChannel, composeEmail } from './email.js';

export const alertChannels = {
  email: { addressOf: (recipient) => recipient.email, compose: composeEmail, build: buildEmailChannel },
} as const satisfies Record<string, AlertChannel>;

export type AlertChannelName = keyof typeof alertChannels;

/** Every channel name, for series that exist from the first scrape. */
export const ALERT_CHANNEL_NAMES = Object.keys(alertChannels) as AlertChannelName[];

/**
 * One delivery address per channel a recipient has an address on. The id keys the recipient's groups
 * and starts its notification ids: an email recipient's is its address (as before there were other
 * channels, so saved groups and Message-IDs carry over); another channel's is `channel:address`.
 */
export function recipientAddresses(recipient: RecipientConfig): { id: string; channel: AlertChannelName; address: string }[] {
  return ALERT_CHANNEL_NAMES.flatMap((channel) => {
    const address = alertChannels[channel].addressOf(recipient);
    return address === undefined ? [] : [{ id: channel === 'email' ? address : `${channel}:${address}`, channel, address }];
  });
}

/** The channel named by a recipient, or null for a name no entry has (config and table disagree). */
export function alertChannel(name: string): AlertChannel | null {
  return Object.hasOwn(alertChannels, name) ? alertChannels[name as AlertChannelName] : null;
}
