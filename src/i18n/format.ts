// Number formatting shared by the language catalogues. Pure.
import type { FactValue } from '../domain/types.js';
import { formatBytes } from '../config/units.js';

export function percent(value: FactValue | undefined): string {
  return typeof value === 'number' ? `${(value * 100).toFixed(1)}%` : '?';
}

export function bytes(value: FactValue | undefined): string {
  return typeof value === 'number' ? formatBytes(value) : '?';
}

/** "3h 20m", "45s": short enough for a phone screen. */
export function span(seconds: FactValue | undefined, units: { d: string; h: string; m: string; s: string }): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '?';
  let rest = Math.max(0, Math.round(seconds));
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${units[unit]}`);
      rest %= size;
    }
    if (parts.length === 2) return parts.join(' ');
  }
  if (parts.length === 0 || rest > 0) parts.push(`${rest}${units.s}`);
  return parts.slice(0, 2).join(' ');
}

export function text(value: FactValue | undefined): string {
  return value === undefined || value === null ? '?' : String(value);
}
