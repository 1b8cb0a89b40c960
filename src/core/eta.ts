// How fast a volume fills and when it will be full: a least-squares line through (time, available bytes).
// Pure: samples in, numbers out.
import type { FillSample } from './types.js';

/** A line through fewer points than this is a guess, not a trend. */
const MIN_SAMPLES = 3;

/**
 * Least-squares slope of availBytes over time, in bytes per second (negative while the volume fills).
 * Null with fewer than 3 samples or when they all share one instant (no line to fit).
 */
export function fitFillRate(samples: readonly FillSample[]): number | null {
  const first = samples[0];
  if (first === undefined || samples.length < MIN_SAMPLES) return null;
  // Epoch ms are ~1.7e12 and disks hold ~1e13 bytes: sums of their products would eat every significant
  // digit. Shift to the first sample (exact for integers), then center on the means before multiplying.
  const n = samples.length;
  let sumT = 0;
  let sumV = 0;
  for (const s of samples) {
    sumT += s.at - first.at;
    sumV += s.availBytes - first.availBytes;
  }
  const meanT = sumT / n;
  const meanV = sumV / n;
  let sxx = 0;
  let sxy = 0;
  for (const s of samples) {
    const dt = s.at - first.at - meanT;
    const dv = s.availBytes - first.availBytes - meanV;
    sxx += dt * dt;
    sxy += dt * dv;
  }
  if (sxx === 0) return null;
  const bytesPerMs = sxy / sxx;
  return bytesPerMs * 1000;
}

/**
 * Seconds until availBytes reaches 0 at `rateBytesPerSecond`. Null when the rate is unknown, zero or
 * positive (not filling: no time to full); 0 when nothing is available any more.
 */
export function fullEtaSeconds(availBytes: number, rateBytesPerSecond: number | null): number | null {
  if (rateBytesPerSecond === null || !(rateBytesPerSecond < 0)) return null;
  if (availBytes <= 0) return 0;
  return availBytes / -rateBytesPerSecond;
}
