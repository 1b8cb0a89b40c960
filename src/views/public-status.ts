// What the public may be told about the gate: reason codes as plain phrases, the office's notices in
// the reader's language, and markup escaping for HTML and XML. Reads only codes, states and times,
// never a reason's subject, facts or an override's text. Pure.
import type { LocalizedText, StatusPageConfig } from '../config/schema.js';
import type { Gate, GateStateName, ReasonCode } from '../core/types.js';
import { catalogue, type Language } from '../i18n/catalogue.js';
import { stripControlsKeepingLines } from '../runtime/text-lines.js';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Safe in HTML and XML element content and quoted attribute values. Characters that XML 1.0 forbids
 * even as references (controls, lone surrogates, U+FFFE/U+FFFF) are dropped: config text may hold them.
 * Bidi overrides and isolates (and DEL, C1) are replaced as everywhere jaga shows text: an office name
 * or notice must not reorder the page around it.
 */
export function escapeMarkup(text: string): string {
  const kept = text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
  return stripControlsKeepingLines(kept).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** The public phrases for these reason codes, in order, each once (several codes share a phrase). */
export function publicReasons(codes: readonly ReasonCode[], language: Language): string[] {
  const words = catalogue(language).page.reason;
  return [...new Set(codes.map((code) => words[code]))];
}

/** A text shown to the public and the language it is actually in (English falls back to Indonesian). */
export interface PublicText {
  readonly text: string;
  readonly language: Language;
}

export function localized(text: LocalizedText | undefined, language: Language): PublicText | null {
  if (text === undefined) return null;
  if (language === 'en' && text.en !== undefined) return { text: text.en, language: 'en' };
  return { text: text.id, language: 'id' };
}

/** While halted: the configured `notice_halted`, or the catalogue's word on the temporary certificate. */
export function haltedNotice(config: StatusPageConfig, language: Language): PublicText {
  return localized(config.notice_halted, language) ?? { text: catalogue(language).page.noticeHalted, language };
}

/** The notices to show in a state, most urgent first. */
export function noticesFor(state: GateStateName, config: StatusPageConfig, language: Language): PublicText[] {
  const general = localized(config.notice, language);
  return [...(state === 'halted' ? [haltedNotice(config, language)] : []), ...(general ? [general] : [])];
}

/** The gate as the public sees it. */
export interface PublicGate {
  readonly state: GateStateName;
  readonly since: number;
  /** Public phrases; empty while the gate is about to reopen. */
  readonly reasons: readonly string[];
  /** Halted with every reason gone: when it reopens unless something fails again. */
  readonly reopensAt: number | null;
  /** Open through a central outage: recordings wait on the office's disk and are sent once central is back. */
  readonly buffering: boolean;
  readonly checkedAt: number;
}

/**
 * An answer past `validUntil` is no answer (recording stations treat it as halted), so the page says
 * halted too, because checks are late, rather than repeat an old "open".
 */
export function publicGate(gate: Gate, now: number, resumeAfterMs: number, language: Language): PublicGate {
  const words = catalogue(language).page;
  if (now > gate.validUntil) {
    return {
      state: 'halted',
      since: gate.state === 'halted' ? gate.since : gate.validUntil,
      reasons: publicReasons(['PROBES_STALE'], language),
      reopensAt: null,
      buffering: false,
      checkedAt: gate.decidedAt,
    };
  }
  if (gate.state === 'allowed') {
    return { state: 'allowed', since: gate.since, reasons: [], reopensAt: null, buffering: gate.mode === 'buffering', checkedAt: gate.decidedAt };
  }
  const reasons = publicReasons(gate.reasons.map((r) => r.code), language);
  const clearing = reasons.length === 0 && gate.clearSince !== null;
  return {
    state: 'halted',
    since: gate.since,
    reasons: reasons.length > 0 || clearing ? reasons : [words.unknownReason],
    reopensAt: clearing && gate.clearSince !== null ? gate.clearSince + resumeAfterMs : null,
    buffering: false,
    checkedAt: gate.decidedAt,
  };
}
