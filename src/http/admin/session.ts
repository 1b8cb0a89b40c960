// /admin's sessions (in memory, bound to a token's name, idle and absolute expiry, a CSRF token each), the
// login rate limiter and the same-origin check. Pure but for crypto randomness (session ids and CSRF
// tokens are secrets: node:crypto, never the Clock's random()); ages are read from the Clock passed in.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../runtime/clock.js';
import { clientKey } from '../rate-limit.js';

/**
 * Sessions and failed logins age by the monotonic clock: how much time really passed, so that a
 * wall-clock step (NTP, a person) neither ends every session at once nor lifts a lockout early.
 */
type Ages = Pick<Clock, 'monotonic'>;

export interface AdminSession {
  /** The token's name: the audit's actor. The token itself is never kept. */
  readonly who: string;
  /** Sent back in every form; compared in constant time. */
  readonly csrf: string;
  /** Monotonic milliseconds (Clock.monotonic), for expiry only. */
  readonly createdAt: number;
  lastSeenAt: number;
  /** One message for the next page view (after a redirect). */
  flash: { readonly kind: 'ok' | 'error'; readonly text: string } | null;
}

export interface SessionPolicy {
  readonly idleMs: number;
  readonly absoluteMs: number;
  /** Oldest sessions are dropped beyond this: memory stays bounded whatever clients do. */
  readonly maxSessions: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000, maxSessions: 200 };

const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();
const randomToken = (): string => randomBytes(32).toString('base64url');

/** Hashing first makes both sides 32 bytes, so neither length nor content leaks through timing. */
export function constantTimeEqual(expected: string, presented: unknown): boolean {
  if (typeof presented !== 'string' || expected === '') return false;
  return timingSafeEqual(sha256(expected), sha256(presented));
}

export class SessionStore {
  /** By the SHA-256 of the session id: the map's key comparisons never touch the id itself. */
  private readonly sessions = new Map<string, AdminSession>();

  constructor(
    private readonly clock: Ages,
    private readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY,
    private readonly random: () => string = randomToken,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  /** A new session with a fresh random id (never reused: no fixation); returns the id for the cookie. */
  create(who: string): { readonly id: string; readonly session: AdminSession } {
    const now = this.clock.monotonic();
    this.prune(now);
    while (this.sessions.size >= this.policy.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    const id = this.random();
    const session: AdminSession = { who, csrf: this.random(), createdAt: now, lastSeenAt: now, flash: null };
    this.sessions.set(this.key(id), session);
    return { id, session };
  }

  /** The live session for a cookie value, touched; null (and forgotten) when unknown or expired. */
  get(id: string | undefined): AdminSession | null {
    if (id === undefined || id === '' || id.length > 100) return null;
    const key = this.key(id);
    const session = this.sessions.get(key);
    if (!session) return null;
    const now = this.clock.monotonic();
    if (this.expired(session, now)) {
      this.sessions.delete(key);
      return null;
    }
    session.lastSeenAt = now;
    return session;
  }

  destroy(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(this.key(id));
  }

  private expired(session: AdminSession, now: number): boolean {
    return now - session.lastSeenAt >= this.policy.idleMs || now - session.createdAt >= this.policy.absoluteMs;
  }

  private prune(now: number): void {
    for (const [key, session] of this.sessions) if (this.expired(session, now)) this.sessions.delete(key);
  }

  private key(id: string): string {
    return sha256(id).toString('hex');
  }
}

export interface LimiterPolicy {
  readonly maxFailures: number;
  readonly windowMs: number;
  /** Addresses remembered at most; the oldest are forgotten first. */
  readonly maxAddresses: number;
}

export const DEFAULT_LIMITER_POLICY: LimiterPolicy = { maxFailures: 5, windowMs: 60_000, maxAddresses: 10_000 };

/** Failed logins per client address in a sliding window; once at the limit, every attempt is refused. */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Ages,
    private readonly policy: LimiterPolicy = DEFAULT_LIMITER_POLICY,
  ) {}

  get size(): number {
    return this.failures.size;
  }

  /** True while `address` has used up its failures in the window: answer 429 without checking. */
  blocked(address: string): boolean {
    return this.recent(clientKey(address), this.clock.monotonic()).length >= this.policy.maxFailures;
  }

  recordFailure(address: string): void {
    const now = this.clock.monotonic();
    // One budget per client as the public rate limits count them: an IPv6 host owns its whole /64.
    const key = clientKey(address);
    const recent = [...this.recent(key, now), now].slice(-this.policy.maxFailures);
    this.failures.delete(key); // re-inserted last: Map order is then least recently failed first
    if (this.failures.size >= this.policy.maxAddresses) this.prune(now);
    while (this.failures.size >= this.policy.maxAddresses) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) break;
      this.failures.delete(oldest);
    }
    this.failures.set(key, recent);
  }

  recordSuccess(address: string): void {
    this.failures.delete(clientKey(address));
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((at) => now - at < this.policy.windowMs);
  }

  private prune(now: number): void {
    for (const [address, times] of this.failures) {
      if (times.every((at) => now - at >= this.policy.windowMs)) this.failures.delete(address);
    }
  }
}

export interface OriginHeaders {
  readonly origin: string | undefined;
  readonly secFetchSite: string | undefined;
  /** The Host header, and the scheme this request came in on (X-Forwarded-Proto from a trusted proxy). */
  readonly host: string | undefined;
  readonly protocol: string;
  /** The direct peer is a trusted reverse proxy (`listen.trusted_proxies`). */
  readonly viaTrustedProxy: boolean;
}

/** "jaga.lan:8443", "[::1]:8443": the Host names a port. */
const hostHasPort = (host: string): boolean => /:\d+$/.test(host);

/** "https://jaga.lan:8443" -> "https://jaga.lan"; null for what is not a URL ("null"). */
function withoutPort(origin: string): string | null {
  try {
    const url = new URL(origin);
    return `${url.protocol}//${url.hostname}`;
  } catch {
    return null;
  }
}

/**
 * Whether a state-changing request may come from this page: when a browser says where it came from
 * (Sec-Fetch-Site, Origin), it must be this very origin. Clients that send neither (curl, tests) rely on
 * the CSRF token alone.
 */
export function sameOrigin(h: OriginHeaders): boolean {
  if (h.secFetchSite !== undefined && h.secFetchSite !== 'same-origin') return false;
  if (h.origin === undefined) return true;
  if (h.host === undefined) return false;
  const here = `${h.protocol}://${h.host}`.toLowerCase();
  const origin = h.origin.toLowerCase();
  if (origin === here) return true;
  // nginx's usual `proxy_set_header Host $host` drops the port the browser used (https://jaga.lan:8443):
  // from a trusted proxy, a Host without a port can only be compared by scheme and name. Never so for a
  // direct client, whose browser always sends the port it connected to.
  return h.viaTrustedProxy && !hostHasPort(h.host) && withoutPort(origin) === here;
}
