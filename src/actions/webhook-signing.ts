// The headers of a webhook delivery and its HMAC signature, as receivers verify them. Pure (hashing only).
import { createHmac } from 'node:crypto';

/**
 * `sha256=` + hex HMAC-SHA256, keyed with JAGA_WEBHOOK_SECRET, of `${timestamp}.${body}`: the
 * x-jaga-timestamp value (unix seconds, decimal), a dot, and the request body bytes exactly as sent.
 */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

/** Every attempt of one delivery has the same id and body; the timestamp (and so the signature) is per attempt. */
export function webhookHeaders(deliveryId: string, body: string, timestampSeconds: number, secret: string | null): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'jaga',
    'x-jaga-delivery': deliveryId,
    'x-jaga-timestamp': String(timestampSeconds),
    ...(secret === null ? {} : { 'x-jaga-signature': signWebhook(secret, timestampSeconds, body) }),
  };
}
