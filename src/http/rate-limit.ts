// Token buckets per client address for the public answers that cost work (report, history, status,
// the status page and its feed), so that no one client crowds out the stations' gate reads. Holds
// its own state; time comes from the Clock passed in, and nothing else is read.
import type { Clock } from '../runtime/clock.js';

export interface RatePolicy {
  /** Tokens a new or rested client has: a burst a person clicking around never reaches. */
  readonly burst: number;
  readonly refillPerSecond: number;
  /** Clients remembered at once; past it the least recently seen are forgotten (they start full again). */
  readonly maxClients: number;
}

const PUBLIC_RATE_POLICY: RatePolicy = { burst: 120, refillPerSecond: 20, maxClients: 10_000 };

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  /** Buckets refill by the monotonic clock: a wall-clock step neither refills nor drains them. */
  constructor(
    private readonly clock: Pick<Clock, 'monotonic'>,
    private readonly policy: RatePolicy = PUBLIC_RATE_POLICY,
  ) {}

  get size(): number {
    return this.buckets.size;
  }

  /** Takes `cost` tokens from the client's bucket: 0 when granted, else the ms until it would be. */
  take(client: string, cost: number): number {
    const now = this.clock.monotonic();
    const bucket = this.current(client, now);
    // Re-inserted last: Map order is then least recently seen first, the order to forget in.
    this.buckets.delete(client);
    while (this.buckets.size >= this.policy.maxClients) {
      const oldest = this.buckets.keys().next().value;
      if (oldest === undefined) break;
      this.buckets.delete(oldest);
    }
    this.buckets.set(client, bucket);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return 0;
    }
    return Math.ceil(((cost - bucket.tokens) / this.policy.refillPerSecond) * 1000);
  }

  private current(client: string, now: number): Bucket {
    const seen = this.buckets.get(client);
    if (seen === undefined) return { tokens: this.policy.burst, at: now };
    const refill = ((now - seen.at) / 1000) * this.policy.refillPerSecond;
    return { tokens: Math.min(this.policy.burst, seen.tokens + refill), at: now };
  }
}

/**
 * The client a limit applies to: an IPv4 address, or an IPv6 address's /64 (one host is given a
 * whole /64 and can pick any address in it).
 */
export function clientKey(address: string | undefined): string {
  if (address === undefined || address === '') return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1] as string;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('%')[0]?.split('::') ?? [];
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
