// The admin page's form posts as the engine's and the pipeline's inputs, through the same rules as the
// JSON API (requests.ts). Pure.
import type { NewOverride, NewSilence } from '../../core/requests.js';
import { matchersFromLines, overrideRequest, RequestError, silenceRequest } from '../../core/requests.js';

/** A urlencoded field as a string; repeated or missing fields read as undefined. */
export function formField(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null || !Object.hasOwn(body, name)) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

export interface OverrideForm {
  readonly action: string;
  readonly reason: string;
  readonly for: string;
}

export interface SilenceForm {
  readonly matchers: string;
  readonly for: string;
  readonly comment: string;
}

export function overrideForm(body: unknown): OverrideForm {
  return { action: formField(body, 'action') ?? '', reason: formField(body, 'reason') ?? '', for: formField(body, 'for') ?? '' };
}

export function silenceForm(body: unknown): SilenceForm {
  return { matchers: formField(body, 'matchers') ?? '', for: formField(body, 'for') ?? '', comment: formField(body, 'comment') ?? '' };
}

/** Throws RequestError, as the API does, with the same codes. An empty duration means "until lifted". */
export function overrideFromForm(form: OverrideForm, now: number): NewOverride {
  const duration = form.for.trim();
  return overrideRequest({ action: form.action, reason: form.reason, ...(duration === '' ? {} : { for: duration }) }, now);
}

export function silenceFromForm(form: SilenceForm, now: number): NewSilence {
  const duration = form.for.trim();
  if (duration === '') throw new RequestError('for', 'bad_duration', 'for: must be a duration such as "30m" or "2h"');
  return silenceRequest({ matchers: matchersFromLines(form.matchers), comment: form.comment, for: duration }, now);
}
