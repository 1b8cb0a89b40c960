// What a backlog source's program or endpoint says, turned into a reading or into the reason it cannot
// be one: a command's stdout (one integer, or {"items", "bytes", "oldest"}), values picked by dotted
// path from an http_json answer, and `oldest` times. Pure.
//
// Never a guess: a count is a JSON number (or, on a command's stdout, decimal digits) that is whole, not
// negative and at most Number.MAX_SAFE_INTEGER; anything else is refused with a detail that names the
// field and quotes the value. `oldest` is an ISO 8601 date-time with a time zone (a time without one
// would depend on the zone jaga runs in) or epoch seconds (a number, or digits in a string); epoch
// seconds past the year 9999 are refused, because that is what epoch milliseconds look like and reading
// them as seconds would put the oldest item in the future, its age 0 and its limit silently dead. A
// `null` bytes or oldest means the application does not know or nothing waits: the reading says null.
// When no item waits, no item is old: `oldestAt` is then null whatever the application said.
import type { BacklogReading } from './types.js';

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly detail: string };

/** Where an http_json source finds its numbers in the answer (config keys `items`, `bytes`, `oldest`). */
export interface JsonPaths {
  readonly items: string;
  readonly bytes?: string | undefined;
  readonly oldest?: string | undefined;
}

/** Epoch seconds of 10000-01-01T00:00:00Z: larger values are taken for milliseconds by mistake. */
export const MAX_EPOCH_SECONDS = 253_402_300_800;

/** How much of a bad value a detail quotes. */
const QUOTE_CHARS = 60;

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(detail: string): Parsed<T> => ({ ok: false, detail });

/** A value as a detail shows it: JSON (control characters escaped), cut at QUOTE_CHARS. */
function quote(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS)}...` : text;
}

/**
 * A command's stdout: one integer (items), or one JSON object {"items": N, "bytes": N, "oldest": T}
 * with `bytes` and `oldest` optional. Surrounding white space is ignored; anything else (a second
 * line, trailing text, an array) is refused.
 */
export function parseCommandOutput(stdout: string): Parsed<BacklogReading> {
  const text = stdout.trim();
  if (text === '') return bad('printed nothing; expected an integer or a JSON object with "items"');
  if (text.startsWith('{')) {
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      return bad(`output is not one JSON object: ${quote(text)}`);
    }
    return readingFromJson(document, { items: 'items', bytes: 'bytes', oldest: 'oldest' }, { bytes: 'optional', oldest: 'optional' });
  }
  if (/[\r\n]/.test(text)) return bad(`printed several lines; expected one integer: ${quote(text)}`);
  if (!/^[+-]?\d+$/.test(text)) {
    return bad(/^[+-]?(\d+\.\d*|\.\d+)$/.test(text) ? `items ${quote(text)} is not a whole number` : `output is not an integer or a JSON object: ${quote(text)}`);
  }
  const items = parseCount(Number(text), 'items');
  return items.ok ? ok({ items: items.value, bytes: null, oldestAt: null }) : items;
}

/** Whether a field absent from the answer is refused (http_json paths named in the config) or null. */
type Presence = 'required' | 'optional';

/**
 * A reading from a JSON document: `items` at its path, `bytes` and `oldest` at theirs when given. A
 * configured path that is absent is refused (http_json: the config says it is there); `optional`
 * makes it null instead (a command's JSON, where bytes and oldest may be left out).
 */
export function readingFromJson(
  document: unknown,
  paths: JsonPaths,
  presence: { readonly bytes: Presence; readonly oldest: Presence } = { bytes: 'required', oldest: 'required' },
): Parsed<BacklogReading> {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return bad(`answer is ${Array.isArray(document) ? 'an array' : quote(document)}, expected a JSON object`);
  }
  const items = pickPath(document, paths.items);
  if (!items.found) return bad(`${paths.items} is missing`);
  const count = parseCount(items.value, paths.items);
  if (!count.ok) return count;
  const bytes = optionalField(document, paths.bytes, presence.bytes, parseCount);
  if (!bytes.ok) return bytes;
  const oldest = optionalField(document, paths.oldest, presence.oldest, parseOldest);
  if (!oldest.ok) return oldest;
  return ok({ items: count.value, bytes: bytes.value, oldestAt: count.value === 0 ? null : oldest.value });
}

function optionalField(
  document: object,
  path: string | undefined,
  presence: Presence,
  parse: (value: unknown, what: string) => Parsed<number>,
): Parsed<number | null> {
  if (path === undefined) return ok(null);
  const picked = pickPath(document, path);
  if (!picked.found) return presence === 'required' ? bad(`${path} is missing`) : ok(null);
  if (picked.value === null) return ok(null);
  return parse(picked.value, path);
}

/**
 * The value at a dotted path ("queue.items", "queues.0.count"): an own property of an object, or an
 * index of an array. Inherited names ("constructor", "__proto__") are never found.
 */
export function pickPath(document: unknown, path: string): { readonly found: true; readonly value: unknown } | { readonly found: false } {
  let node: unknown = document;
  for (const key of path.split('.')) {
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(key) || Number(key) >= node.length) return { found: false };
      node = node[Number(key)];
    } else if (typeof node === 'object' && node !== null && Object.hasOwn(node, key)) {
      node = (node as Record<string, unknown>)[key];
    } else return { found: false };
  }
  return { found: true, value: node };
}

/** A count (items or bytes): a whole JSON number from 0 to Number.MAX_SAFE_INTEGER. */
export function parseCount(value: unknown, what: string): Parsed<number> {
  if (typeof value !== 'number') return bad(`${what} is ${shown(value)}, expected a whole number`);
  if (!Number.isFinite(value)) return bad(`${what} ${String(value)} is not a finite number`);
  if (value < 0) return bad(`${what} ${value} is negative`);
  if (!Number.isInteger(value)) return bad(`${what} ${value} is not a whole number`);
  if (value > Number.MAX_SAFE_INTEGER) return bad(`${what} ${quote(value)} is larger than ${Number.MAX_SAFE_INTEGER}, too large to count exactly`);
  return ok(value);
}

/** An ISO 8601 date-time with its zone: date, "T" or a space, hours and minutes, optional seconds and fraction. */
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;
const EPOCH_TEXT = /^\d+(?:\.\d+)?$/;

/** The oldest item's time in epoch milliseconds, from ISO 8601 text or epoch seconds (number or digits). */
export function parseOldest(value: unknown, what: string): Parsed<number> {
  if (typeof value === 'number') return epochSeconds(value, quote(value), what);
  if (typeof value !== 'string') return bad(`${what} is ${shown(value)}, expected an ISO 8601 time or epoch seconds`);
  const text = value.trim();
  if (EPOCH_TEXT.test(text)) return epochSeconds(Number(text), quote(value), what);
  const iso = isoMs(text);
  if (iso === null) return bad(`${what} ${quote(value)} is not an ISO 8601 date-time with a time zone (2026-03-02T08:12:00+07:00) or epoch seconds`);
  if (iso < 0) return bad(`${what} ${quote(value)} is before 1970`);
  return ok(iso);
}

function epochSeconds(seconds: number, shown: string, what: string): Parsed<number> {
  if (!Number.isFinite(seconds)) return bad(`${what} ${shown} is not a finite number`);
  if (seconds < 0) return bad(`${what} ${shown} is before 1970`);
  if (seconds >= MAX_EPOCH_SECONDS) return bad(`${what} ${shown} is past the year 9999 as epoch seconds (milliseconds by mistake?)`);
  return ok(Math.round(seconds * 1000));
}

/** Epoch ms of an ISO 8601 date-time with a zone, or null when the text is not one or names no real day. */
function isoMs(text: string): number | null {
  const m = ISO_DATE_TIME.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const fractionMs = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const offsetHours = Number(m[10] ?? 0);
  const offsetMinutes = Number(m[11] ?? 0);
  if (offsetHours > 23 || offsetMinutes > 59) return null;
  // setUTCFullYear, not Date.UTC, which reads years 0 to 99 as 1900 to 1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  // A day that does not exist (31 April) would roll over into the next month: refused, not moved.
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) return null;
  date.setUTCHours(hour, minute, second, fractionMs);
  const offsetMs = (m[8] !== undefined ? 0 : (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes)) * 60_000;
  return date.getTime() - offsetMs;
}

/** A value of the wrong type, as a detail names it: `a string "12"`, `an array [1]`, `null`. */
function shown(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  const kind = Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  return `${kind} ${quote(value)}`;
}
