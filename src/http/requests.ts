// What a person may ask for, whichever door they use (JSON API, admin form, CLI through the API):
// override and silence requests, validated into the engine's and the pipeline's inputs. Pure.
import { z } from 'zod';
import { parseDurationMs } from '../config/units.js';
import type { NewSilence } from '../alerting/pipeline.js';
import type { NewOverride } from '../engine.js';

export const MAX_ALLOW_MS = 24 * 3_600_000;
export const MAX_SILENCE_MS = 7 * 24 * 3_600_000;
export const MAX_MATCHERS = 10;

export const overrideBody = z.strictObject({
  action: z.enum(['halt', 'allow']),
  reason: z.string().trim().min(1).max(500),
  for: z.string().optional(),
  expires_at: z.iso.datetime({ offset: true }).optional(),
});

export const silenceBody = z
  .strictObject({
    matchers: z
      .record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string().min(1).max(200))
      .refine((m) => Object.keys(m).length > 0 && Object.keys(m).length <= MAX_MATCHERS, { error: 'give 1 to 10 label matchers' }),
    comment: z.string().trim().min(1).max(500),
    starts_at: z.iso.datetime({ offset: true }).optional(),
    ends_at: z.iso.datetime({ offset: true }).optional(),
    for: z.string().optional(),
  })
  .refine((b) => (b.ends_at === undefined) !== (b.for === undefined), { error: 'give either "for" (e.g. "2h") or "ends_at"', path: ['for'] });

/** Why a request was refused: `code` lets a page word it in its language; `message` is the API's English. */
export type ProblemCode =
  | 'invalid'
  | 'bad_duration'
  | 'for_and_expires_at'
  | 'expires_in_past'
  | 'allow_needs_expiry'
  | 'allow_too_long'
  | 'silence_ends_before_start'
  | 'silence_too_long'
  | 'bad_regex'
  | 'bad_matcher_line';

export class RequestError extends Error {
  constructor(
    /** The field at fault, first path segment ("reason", "for", "matchers"). */
    readonly field: string,
    readonly code: ProblemCode,
    message: string,
  ) {
    super(message);
  }
}

/** Parses with a zod schema; the first issue becomes a RequestError named after its path. */
export function parseRequest<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const path = first?.path.length ? first.path.join('.') : where;
  throw new RequestError(String(first?.path[0] ?? where), 'invalid', `${path}: ${first?.message ?? 'invalid'}`);
}

function durationMs(text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined || ms <= 0) throw new RequestError('for', 'bad_duration', 'for: must be a duration such as "30m" or "2h"');
  return ms;
}

/** An override request as the engine takes it: `allow` must expire within 24h; `halt` may run until lifted. */
export function overrideRequest(body: unknown, now: number): NewOverride {
  const parsed = parseRequest(overrideBody, body, 'body');
  if (parsed.for !== undefined && parsed.expires_at !== undefined) {
    throw new RequestError('for', 'for_and_expires_at', 'for: give either "for" or "expires_at", not both');
  }
  let expiresAt: number | null = null;
  if (parsed.for !== undefined) expiresAt = now + durationMs(parsed.for);
  if (parsed.expires_at !== undefined) {
    expiresAt = Date.parse(parsed.expires_at);
    if (expiresAt <= now) throw new RequestError('expires_at', 'expires_in_past', 'expires_at: must be in the future');
  }
  if (parsed.action === 'allow' && expiresAt === null) {
    throw new RequestError('for', 'allow_needs_expiry', 'for: an allow override must expire; give "for" (e.g. "2h") or "expires_at", at most 24h');
  }
  if (parsed.action === 'allow' && expiresAt !== null && expiresAt - now > MAX_ALLOW_MS) {
    throw new RequestError('for', 'allow_too_long', 'for: an allow override lasts at most 24h');
  }
  return { action: parsed.action, reason: parsed.reason, expiresAt };
}

/** A silence request as the pipeline takes it: ends in the future, lasts at most 7 days, valid regexes. */
export function silenceRequest(body: unknown, now: number): NewSilence {
  const parsed = parseRequest(silenceBody, body, 'body');
  for (const [label, value] of Object.entries(parsed.matchers)) {
    if (!value.startsWith('~')) continue;
    try {
      new RegExp(value.slice(1));
    } catch {
      throw new RequestError('matchers', 'bad_regex', `matchers.${label}: not a valid regular expression`);
    }
  }
  const startsAt = parsed.starts_at === undefined ? now : Date.parse(parsed.starts_at);
  const endsAt = parsed.for !== undefined ? startsAt + durationMs(parsed.for) : Date.parse(parsed.ends_at as string);
  if (endsAt <= Math.max(now, startsAt)) {
    throw new RequestError('ends_at', 'silence_ends_before_start', 'ends_at: must be after starts_at and in the future');
  }
  if (endsAt - startsAt > MAX_SILENCE_MS) throw new RequestError('for', 'silence_too_long', 'for: a silence lasts at most 7 days');
  return { matchers: parsed.matchers, startsAt, endsAt, comment: parsed.comment };
}

/**
 * `label=value` lines (value may be `~regex`) as matchers, for forms and command lines; blank lines are
 * skipped. The result still goes through silenceRequest.
 */
export function matchersFromLines(text: string): Record<string, string> {
  const entries: [string, string][] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const eq = line.indexOf('=');
    const label = eq > 0 ? line.slice(0, eq).trim() : '';
    const value = eq > 0 ? line.slice(eq + 1).trim() : '';
    if (label === '' || value === '') {
      throw new RequestError('matchers', 'bad_matcher_line', `matchers: "${line.slice(0, 80)}" is not label=value`);
    }
    if (entries.some(([seen]) => seen === label)) {
      throw new RequestError('matchers', 'bad_matcher_line', `matchers: label "${label.slice(0, 80)}" given twice`);
    }
    entries.push([label, value]);
  }
  return Object.fromEntries(entries);
}
