// The Prometheus text format (version 0.0.4) for series jaga writes itself: label pairs, sample
// values and family headers. Pure string building.

/** `name="value"` with the value escaped as the text format requires (backslash, quote, newline). */
export function labelPair(name: string, value: string): string {
  return `${name}="${value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`;
}

/** A sample value: Go's spelling of the special values, JavaScript's shortest round-trip otherwise. */
export function sampleValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}

/** A metric family as jaga declares it: name, type, help. */
export type Family = readonly [name: string, type: 'gauge' | 'counter' | 'histogram', help: string];

/** The `# HELP` and `# TYPE` lines that open a family. */
export function familyHeader([name, type, help]: Family): string {
  return `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} ${type}`;
}
