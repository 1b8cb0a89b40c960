// Who may ask the JSON API what, and how often: a bearer token checked once per request (a wrong one
// counts against the client's address, shared with /admin's login), a heartbeat's own token that opens
// that heartbeat and nothing else, and the per-client limits on the public answers that cost work, so
// that no one client crowds out the stations' gate reads. Pure but for the limiters' state.
import type { Request, Response } from 'express';
import { DEFAULT_LIMITER_POLICY, type LoginLimiter } from '../admin/session.js';
import type { TokenChecker } from '../auth.js';
import { HttpError } from '../errors.js';
import { clientKey, type RateLimiter } from '../rate-limit.js';

/**
 * Tokens each limited public answer takes from its client's bucket (rate-limit.ts), by the work it
 * costs. Gate reads are never limited, and neither is anyone who shows a valid token.
 */
export const PUBLIC_COSTS = { status: 1, page: 1, feed: 5, history: 5, report: 10 } as const;

const RETRY_AFTER_S = String(DEFAULT_LIMITER_POLICY.windowMs / 1000);

type Middleware = (req: Request, res: Response, next: () => void) => void;

export interface ApiAccess {
  /** The token holder's name, or null for a reader who sent no token or a wrong one. Once per request. */
  identify(req: Request): string | null;
  /** The token holder's name, or 401. */
  requireToken(req: Request): string;
  /**
   * For a heartbeat's ping and read: an admin token or the heartbeat's own, else 401. Another
   * heartbeat's token is a wrong token here, counted as any wrong token is.
   */
  requireHeartbeatToken(req: Request, heartbeat: string): void;
  /** For answers that take no token (the page, the feed, the report): every client pays. */
  limitedPublic(cost: number): Middleware;
  /** For answers with more for a token holder (status, history): the holder is not limited. */
  limited(cost: number): Middleware;
}

/** `heartbeatTokens` names each JAGA_HEARTBEAT_TOKENS token by the heartbeat it opens. */
export function apiAccess(tokens: TokenChecker, failures: LoginLimiter, publicLimiter: RateLimiter, heartbeatTokens: TokenChecker): ApiAccess {
  /**
   * Who presented a token `check` accepts, or null. A wrong token counts against the client's address;
   * while an address is locked out every token from it gets 429 unchecked, the right one too, so a
   * lockout says nothing about the guess. Readers who send no token are never limited.
   */
  const authenticate = (req: Request, check: (header: string) => string | null): string | null => {
    const header = req.headers.authorization;
    if (header === undefined) return null;
    const address = req.ip ?? 'unknown';
    if (failures.blocked(address)) {
      throw new HttpError(429, 'rate_limited', 'too many failed token attempts from this address; try again later', { 'Retry-After': RETRY_AFTER_S });
    }
    const who = check(header);
    if (who === null) failures.recordFailure(address);
    return who;
  };

  /** An admin token, once per request: the limit and the handler both ask, and a wrong token counts once. */
  const identified = new WeakMap<Request, string | null>();
  const identify = (req: Request): string | null => {
    if (!identified.has(req)) identified.set(req, authenticate(req, (header) => tokens.identify(header)));
    return identified.get(req) ?? null;
  };

  /** Takes `cost` from the client's tokens, or answers 429 with when to come back. */
  const take = (req: Request, cost: number): void => {
    const waitMs = publicLimiter.take(clientKey(req.ip), cost);
    if (waitMs > 0) {
      throw new HttpError(429, 'rate_limited', 'too many requests from this address; slow down and try again later', {
        'Retry-After': String(Math.ceil(waitMs / 1000)),
      });
    }
  };

  return {
    identify,
    requireToken(req) {
      const who = identify(req);
      if (who === null) throw new HttpError(401, 'unauthorized', 'a valid admin token is required (Authorization: Bearer <token>)');
      return who;
    },
    requireHeartbeatToken(req, heartbeat) {
      const who = authenticate(req, (header) => tokens.identify(header) ?? (heartbeatTokens.identify(header) === heartbeat ? heartbeat : null));
      if (who === null) throw new HttpError(401, 'unauthorized', "a valid token is required (Authorization: Bearer <token>): an admin token or this heartbeat's own");
    },
    // An Authorization header is not read here, so a stray one (a proxy's Basic login) counts no failed token.
    limitedPublic: (cost) => (req, _res, next) => {
      take(req, cost);
      next();
    },
    limited: (cost) => (req, _res, next) => {
      if (identify(req) === null) take(req, cost);
      next();
    },
  };
}
