// Bearer tokens for the admin API: named, so the audit says who; compared in constant time. Pure.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AdminToken } from '../config/schema.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

export class TokenChecker {
  private readonly digests: readonly { readonly name: string; readonly digest: Buffer }[];

  constructor(tokens: readonly AdminToken[]) {
    this.digests = tokens.map((t) => ({ name: t.name, digest: digest(t.token) }));
  }

  /** False when JAGA_ADMIN_TOKENS named none: nobody can sign in, and /admin says how to set one. */
  get configured(): boolean {
    return this.digests.length > 0;
  }

  /**
   * The token's name, or null. Hashing first makes every comparison the same length, and every
   * configured token is compared, so neither length nor position leaks through timing.
   */
  identify(authorization: string | undefined): string | null {
    const match = /^Bearer\s+(\S{1,4096})\s*$/i.exec(authorization ?? '');
    const presented = digest(match?.[1] ?? '');
    let who: string | null = null;
    for (const candidate of this.digests) {
      if (timingSafeEqual(presented, candidate.digest) && match) who = candidate.name;
    }
    return who;
  }
}
