// The alert channels in one table: a recipient's channel -> its entry (channel.ts). The `satisfies`
// makes the compiler reject an entry that does not fit. Pure table.
import type { AlertChannel } from './channel.js';
import { buildEmailChannel, composeEmail } from './email.js';

export const alertChannels = {
  email: { compose: composeEmail, build: buildEmailChannel },
} as const satisfies Record<string, AlertChannel>;

export type AlertChannelName = keyof typeof alertChannels;

/** The channel named by a recipient, or null for a name no entry has (config and table disagree). */
export function alertChannel(name: string): AlertChannel | null {
  return Object.hasOwn(alertChannels, name) ? alertChannels[name as AlertChannelName] : null;
}
