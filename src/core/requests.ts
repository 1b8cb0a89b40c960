// What a person may ask for, whichever door they use (JSON API, admin form, CLI through the API):
// override and silence requests, validated into the engine's and the pipeline's inputs. Pure.
import { z } from 'zod';
import { MAX_REGEX_LENGTH, silenceMatchersProblem } from './alerts/matchers.js';
import { parseDurationMs } from './units.js';
import type { Matchers } from './alerts/types.js';
import type { Override } from './types.js';
import { hasControls } from './text-safety.js';

/** An override as a person asked for it, validated: what the engine records. */
export interface NewOverride {
  readonly action: Override['action'];
  readonly reason: string;
  readonly expiresAt: number | null;
}

/** A silence as a person asked for it, validated: what the alert pipeline records. */
export interface NewSilence {
  readonly matchers: Matchers;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly comment: string;
}

const DAY_MS = 24 * 3_600_000;
// Every duration and instant a person may send has a maximum, checked before it is added to now: an
// instant past the Date range (year 275760) stored once made every view answer 500 for good.
export const MAX_ALLOW_MS = DAY_MS;
/** A halt override with an end: longer than this, leave the end out (it then holds until lifted). */
export const MAX_HALT_MS = 366 * DAY_MS;
export const MAX_SILENCE_MS = 7 * DAY_MS;
/** How far ahead a silence may be planned to start. */
export const MAX_SILENCE_START_AHEAD_MS = 366 * DAY_MS;
export const MAX_MATCHERS = 10;

/** Refuses C0/C1 controls, DEL and bidi overrides (text-safety.ts); parseRequest gives it its own code. */
const CONTROLS_PROBLEM = 'control_characters' satisfies ProblemCode;
const withoutControls = (text: z.ZodString) =>
  text.refine((t) => !hasControls(t), { error: 'must not contain control characters', params: { problem: CONTROLS_PROBLEM } });

/** Stored text a person types: one line (untrimmed, so a stray line break is refused, not hidden). */
const freeText = withoutControls(z.string()).trim().min(1).max(500);

export const overrideBody = z.strictObject({
  action: z.enum(['halt', 'allow']),
  reason: freeText,
  for: z.string().optional(),
  expires_at: z.iso.datetime({ offset: true }).optional(),
});

export const silenceBody = z
  .strictObject({
    matchers: z
      .record(
        z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/),
        // `~` plus the longest regex matchers.ts takes; exact values have the same bound.
        withoutControls(z.string().min(1).max(1 + MAX_REGEX_LENGTH)),
      )
      .refine((m) => Object.keys(m).length > 0 && Object.keys(m).length <= MAX_MATCHERS, { error: 'give 1 to 10 label matchers' }),
    comment: freeText,
    starts_at: z.iso.datetime({ offset: true }).optional(),
    ends_at: z.iso.datetime({ offset: true }).optional(),
    for: z.string().optional(),
  })
  .refine((b) => (b.ends_at === undefined) !== (b.for === undefined), { error: 'give either "for" (e.g. "2h") or "ends_at"', path: ['for'] });

/** Why a request was refused: `code` lets a page word it in its language; `message` is the API's English. */
export type ProblemCode =
  | 'invalid'
  | 'control_characters'
  | 'bad_duration'
  | 'for_and_expires_at'
  | 'expires_in_past'
  | 'allow_needs_expiry'
  | 'allow_too_long'
  | 'halt_too_long'
  | 'silence_ends_before_start'
  | 'silence_too_long'
  | 'silence_starts_too_late'
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

/**
 * Parses with a zod schema; the first issue becomes a RequestError named after its path, with the
 * problem code a schema's own check gives in `params.problem` (else "invalid").
 */
export function parseRequest<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const path = first?.path.length ? first.path.join('.') : where;
  const code = first?.code === 'custom' && first.params?.['problem'] === CONTROLS_PROBLEM ? CONTROLS_PROBLEM : 'invalid';
  throw new RequestError(String(first?.path[0] ?? where), code, `${path}: ${first?.message ?? 'invalid'}`);
}

/** A positive duration, not yet bounded: each caller compares it with its own maximum before adding it. */
function durationMs(text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined || !(ms > 0)) throw new RequestError('for', 'bad_duration', 'for: must be a duration such as "30m" or "2h"');
  return ms;
}

function overrideTooLong(action: NewOverride['action'], field: 'for' | 'expires_at'): RequestError {
  return action === 'allow'
    ? new RequestError(field, 'allow_too_long', `${field}: an allow override lasts at most 24h`)
    : new RequestError(field, 'halt_too_long', `${field}: a halt override with an end lasts at most 366d; give no end to halt until lifted`);
}

/** An override request as the engine takes it: `allow` must expire within 24h; `halt` within 366 days or never. */
export function overrideRequest(body: unknown, now: number): NewOverride {
  const parsed = parseRequest(overrideBody, body, 'body');
  if (parsed.for !== undefined && parsed.expires_at !== undefined) {
    throw new RequestError('for', 'for_and_expires_at', 'for: give either "for" or "expires_at", not both');
  }
  const maxMs = parsed.action === 'allow' ? MAX_ALLOW_MS : MAX_HALT_MS;
  let expiresAt: number | null = null;
  if (parsed.for !== undefined) {
    const ms = durationMs(parsed.for);
    if (ms > maxMs) throw overrideTooLong(parsed.action, 'for');
    expiresAt = now + ms;
  }
  if (parsed.expires_at !== undefined) {
    expiresAt = Date.parse(parsed.expires_at);
    if (expiresAt <= now) throw new RequestError('expires_at', 'expires_in_past', 'expires_at: must be in the future');
    if (expiresAt - now > maxMs) throw overrideTooLong(parsed.action, 'expires_at');
  }
  if (parsed.action === 'allow' && expiresAt === null) {
    throw new RequestError('for', 'allow_needs_expiry', 'for: an allow override must expire; give "for" (e.g. "2h") or "expires_at", at most 24h');
  }
  return { action: parsed.action, reason: parsed.reason, expiresAt };
}

/**
 * A silence request as the pipeline takes it: starts within 366 days, ends in the future, lasts at most
 * 7 days, and every `~regex` is one RE2 matches in linear time (matchers.ts).
 */
export function silenceRequest(body: unknown, now: number): NewSilence {
  const parsed = parseRequest(silenceBody, body, 'body');
  const bad = silenceMatchersProblem(parsed.matchers);
  if (bad !== null) throw new RequestError('matchers', 'bad_regex', `matchers.${bad.label}: ${bad.problem}`);
  const startsAt = parsed.starts_at === undefined ? now : Date.parse(parsed.starts_at);
  if (startsAt - now > MAX_SILENCE_START_AHEAD_MS) {
    throw new RequestError('starts_at', 'silence_starts_too_late', 'starts_at: at most 366d ahead');
  }
  let endsAt: number;
  if (parsed.for !== undefined) {
    const ms = durationMs(parsed.for);
    if (ms > MAX_SILENCE_MS) throw new RequestError('for', 'silence_too_long', 'for: a silence lasts at most 7 days');
    endsAt = startsAt + ms;
  } else {
    endsAt = Date.parse(parsed.ends_at as string);
  }
  if (endsAt <= Math.max(now, startsAt)) {
    throw new RequestError('ends_at', 'silence_ends_before_start', 'ends_at: must be after starts_at and in the future');
  }
  if (endsAt - startsAt > MAX_SILENCE_MS) throw new RequestError('ends_at', 'silence_too_long', 'ends_at: a silence lasts at most 7 days');
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
