// The kinds of value the config schema's fields share, each with its bounds and its error text:
// durations, sizes, http(s) URLs, IP addresses and CIDRs. Pure.
import { isIP } from 'node:net';
import { z } from 'zod';
import { shownValue } from './redact.js';
import { formatDurationText, parseDurationMs, parseSizeBytes } from '../core/units.js';

const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/**
 * What a duration may be. Every one has a maximum: past it a value means nothing to jaga, and far past
 * it a date computed from it leaves JavaScript's range and breaks every view (issue 16). `positive`
 * refuses zero where zero cannot work (a timeout of 0 fails every attempt).
 */
export interface DurationBounds {
  readonly maxMs: number;
  readonly positive?: boolean;
}

/** Probes, SMTP, webhook and Alertmanager calls: an answer slower than this is no answer. */
export const TIMEOUT: DurationBounds = { maxMs: 5 * MINUTE_MS, positive: true };
/** Waits inside an incident (a rule's `for`, the gate's resume_after): longer ones would hide it. */
export const WAIT: DurationBounds = { maxMs: DAY_MS };
/** The widest duration anything in jaga reaches over (retention, silences, ETAs). */
export const LONGEST: DurationBounds = { maxMs: 400 * DAY_MS, positive: true };

/** Why `ms` (undefined: not a duration) cannot be the value, or null when it can. */
function durationProblem(ms: number | undefined, bounds: DurationBounds): string | null {
  if (ms === undefined) return 'must be a duration such as "500ms", "30s", "5m", "4h"';
  if (ms > bounds.maxMs) return `must be at most ${formatDurationText(bounds.maxMs)}`;
  if (bounds.positive === true && ms === 0) return 'must be longer than 0s';
  return null;
}

export const durationText = (bounds: DurationBounds) =>
  z.custom<string | number>().transform((value, ctx) => {
    const ms = typeof value === 'string' ? parseDurationMs(value) : undefined;
    const problem = durationProblem(ms, bounds);
    if (ms === undefined || problem !== null) {
      ctx.addIssue({ code: 'custom', message: `${problem} (got ${shownValue(value)})` });
      return z.NEVER;
    }
    return ms;
  });

export const duration = (fallback: string, bounds: DurationBounds) => durationText(bounds).prefault(fallback);

/** Past this no disk exists that jaga watches; far past it a size leaves the range of exact numbers. */
const SIZE_MAX = '1PiB';
const SIZE_MAX_BYTES = parseSizeBytes(SIZE_MAX) as number;

export const size = z.custom<string | number>().transform((value, ctx) => {
  const bytes = typeof value === 'number' ? value : typeof value === 'string' ? parseSizeBytes(value) : undefined;
  const problem =
    bytes === undefined || Number.isNaN(bytes) || bytes < 0
      ? 'must be a size such as "512MiB", "10GiB" or a number of bytes'
      : bytes > SIZE_MAX_BYTES
        ? `must be at most ${SIZE_MAX}`
        : null;
  if (bytes === undefined || problem !== null) {
    ctx.addIssue({ code: 'custom', message: `${problem} (got ${shownValue(value)})` });
    return z.NEVER;
  }
  return bytes;
});

/**
 * Where an http(s) URL is used, and so why credentials in it (`https://user:pass@host/`) are refused:
 * jaga never sends them, and a config that looks as if it logs in but does not is worse than an error.
 */
const CREDENTIALS_INSTEAD = {
  target: 'a central server that needs a login cannot be probed: probe a health URL that answers without one, or the port with a tcp target',
  webhook: 'receivers authenticate deliveries by their x-jaga-signature header (HMAC-SHA256 keyed with JAGA_WEBHOOK_SECRET)',
  alertmanager: 'an Alertmanager login is not supported: let jaga reach it without one (the office network, or a local proxy that adds it)',
  public: 'this address is printed in emails and on pages, so they would be published: give the address people open',
  backlog: 'a backlog endpoint that needs a login cannot be read: use a command source, which may hold the credentials in its own config',
} as const;

/** Why `text` cannot be an http(s) URL used as `use`, or null when it can. Messages quote it masked. */
function httpUrlProblem(text: string, use: keyof typeof CREDENTIALS_INSTEAD): string | null {
  const got = `(got ${shownValue(text)})`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The URL parser refuses a port past 65535 with the same error as any malformed URL.
    const port = /^https?:\/\/[^/?#]*:(\d+)(?:[/?#]|$)/i.exec(text)?.[1];
    return port !== undefined && Number(port) > 65535 ? `port ${port} is out of range 1-65535 ${got}` : `must be an http:// or https:// URL ${got}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be an http:// or https:// URL ${got}`;
  if (url.port === '0') return `port 0 is out of range 1-65535 ${got}`;
  if (url.username !== '' || url.password !== '') {
    return `must not hold credentials (user:password@), which jaga never sends; ${CREDENTIALS_INSTEAD[use]} ${got}`;
  }
  return null;
}

export const httpUrl = (use: keyof typeof CREDENTIALS_INSTEAD) =>
  z.string().superRefine((text, ctx) => {
    const problem = httpUrlProblem(text, use);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });

/** "10.0.0.0/8", "fd00::/8" or one address ("127.0.0.1", "::1"). */
export const ipOrCidr = z.string().refine(
  (text) => {
    const [address = '', prefix, extra] = text.split('/');
    const family = isIP(address);
    if (family === 0 || extra !== undefined) return false;
    return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
  },
  { error: 'must be an IP address or CIDR such as 10.0.0.0/8' },
);
