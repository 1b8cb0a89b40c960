// The Prometheus text format (version 0.0.4) for series jaga writes itself: label pairs, sample
// values and family headers. Pure text building.

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

/** Characters gathered before they are encoded: small enough to die young, large enough to cost nothing. */
const CHUNK_CHARS = 16_384;

/**
 * A response body written piece by piece and encoded in chunks. Built as one string, the 1.5 MB of
 * /metrics for 1,000 targets stays a rope of some 100,000 small strings until the end, and with V8's
 * young generation capped at 4 MiB (heap-policy.ts) every scrape promoted about 6 MB to the old one;
 * encoded every 16 KB, almost nothing outlives a scavenge.
 */
export class ChunkedText {
  private pending = '';
  private readonly chunks: Buffer[] = [];

  add(text: string): void {
    this.pending += text;
    if (this.pending.length >= CHUNK_CHARS) this.seal();
  }

  toBuffer(): Buffer {
    this.seal();
    return Buffer.concat(this.chunks);
  }

  private seal(): void {
    if (this.pending === '') return;
    this.chunks.push(Buffer.from(this.pending, 'utf8'));
    this.pending = '';
  }
}
