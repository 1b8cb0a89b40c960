// Parses the human units the YAML file uses: durations ("30s", "4h", "1h30m") and sizes ("10GiB").
// Pure.

const DURATION_UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
const DURATION_WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;

/**
 * Milliseconds for a duration such as "500ms", "30s", "1h30m"; undefined when the text is not one.
 * Digits past what a double holds give Infinity: the schema's maxima refuse it.
 */
export function parseDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DURATION_WHOLE.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(DURATION_PART)) {
    total += Number(amount) * (DURATION_UNIT_MS[unit as string] as number);
  }
  return Math.round(total);
}

/** A whole number of milliseconds as the YAML file writes it, in its largest exact unit ("400d", "90s"). */
export function formatDurationText(ms: number): string {
  const units = Object.entries(DURATION_UNIT_MS).sort(([, a], [, b]) => b - a);
  const [unit, factor] = units.find(([, f]) => ms !== 0 && ms % f === 0) ?? ['s', 1_000];
  return `${ms / factor}${unit}`;
}

const SIZE_UNIT_BYTES: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
  pib: 1024 ** 5,
  pb: 1e15,
};

const SIZE = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i;

/**
 * Bytes for a size such as "512MiB", "10GiB", "2GB" or a bare number of bytes; undefined otherwise.
 * Digits past what a double holds give Infinity: the schema's maximum refuses it.
 */
export function parseSizeBytes(text: string): number | undefined {
  const match = SIZE.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? '').toLowerCase() || 'b';
  const factor = SIZE_UNIT_BYTES[unit];
  if (factor === undefined) return undefined;
  return Math.round(Number(match[1]) * factor);
}

/** A size in binary units for people ("1.5 GiB"). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let index = 0;
  while (Math.abs(value) >= 1024 && index < units.length - 1) {
    value /= 1024;
    index += 1;
  }
  const digits = index === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[index]}`;
}
