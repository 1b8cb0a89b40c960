// Tables for the fill-rate fit and the time-to-full: exact lines, noise, too little data, epoch-scale times.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fitFillRate, fullEtaSeconds } from '../../src/core/eta.js';
import type { FillSample } from '../../src/core/types.js';

const T0 = 1_700_000_000_000; // real epoch ms: the numerically hard case
const TB = 1_000_000_000_000;

/** `n` samples every `stepMs`, avail = start + rate * seconds elapsed (+ optional noise per sample). */
function line(n: number, stepMs: number, start: number, ratePerSecond: number, noise: readonly number[] = []): FillSample[] {
  return Array.from({ length: n }, (_, i) => ({
    at: T0 + i * stepMs,
    availBytes: start + ratePerSecond * ((i * stepMs) / 1000) + (noise[i] ?? 0),
  }));
}

describe('fitFillRate', () => {
  const cases: { name: string; samples: FillSample[]; expected: number | null; tolerance?: number }[] = [
    { name: 'no samples', samples: [], expected: null },
    { name: 'one sample', samples: line(1, 30_000, TB, -1000), expected: null },
    { name: 'two samples are not a trend', samples: line(2, 30_000, TB, -1000), expected: null },
    { name: 'three samples on a line', samples: line(3, 30_000, TB, -1000), expected: -1000 },
    { name: 'filling 1 MB/s over an hour', samples: line(121, 30_000, 5 * TB, -1_000_000), expected: -1_000_000 },
    { name: 'emptying is a positive rate', samples: line(10, 60_000, TB, 2500), expected: 2500 },
    { name: 'flat is zero', samples: line(10, 60_000, TB, 0), expected: 0 },
    // Naive sums of t*t (~3e24 each) and t*v (~1e25) at these magnitudes would lose this slope entirely.
    {
      name: 'one byte a minute on a 7 TB volume at epoch scale',
      samples: Array.from({ length: 60 }, (_, i) => ({ at: T0 + i * 60_000, availBytes: 7 * TB - i })),
      expected: -1 / 60,
      tolerance: 1e-12,
    },
    {
      name: 'uneven spacing on a line',
      samples: [0, 1_000, 7_000, 30_000, 31_000].map((ms) => ({ at: T0 + ms, availBytes: TB - 4 * ms })),
      expected: -4000,
    },
    {
      name: 'all at one instant',
      samples: [TB, TB - 5, TB - 9].map((availBytes) => ({ at: T0, availBytes })),
      expected: null,
    },
    {
      // Symmetric noise (+e, -e, -e, +e around a line) cancels exactly in least squares: the true slope.
      name: 'symmetric noise cancels',
      samples: line(4, 60_000, TB, -1000, [50_000, -50_000, -50_000, 50_000]),
      expected: -1000,
    },
    {
      name: 'noisy line stays near the trend',
      samples: line(12, 60_000, TB, -1000, [3e5, -2e5, 1e5, -4e5, 2e5, 0, -1e5, 3e5, -3e5, 1e5, -2e5, 2e5]),
      expected: -1000,
      tolerance: 50, // ±400 kB of noise against 60 kB a minute moves the fit (to about -1023), not its size
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const rate = fitFillRate(c.samples);
      if (c.expected === null) return assert.equal(rate, null);
      assert.notEqual(rate, null);
      const tolerance = c.tolerance ?? Math.abs(c.expected) * 1e-9 + 1e-9;
      assert.ok(Math.abs((rate as number) - c.expected) <= tolerance, `rate ${rate} expected ${c.expected} ± ${tolerance}`);
    });
  }
});

describe('fullEtaSeconds', () => {
  const cases: { name: string; avail: number; rate: number | null; expected: number | null }[] = [
    { name: 'filling: avail / -rate', avail: 3_600_000, rate: -1000, expected: 3600 },
    { name: 'filling slowly', avail: 1_000, rate: -0.5, expected: 2000 },
    { name: 'already full', avail: 0, rate: -1000, expected: 0 },
    { name: 'reserved blocks push avail below zero', avail: -5, rate: -1000, expected: 0 },
    { name: 'unknown rate', avail: 1_000, rate: null, expected: null },
    { name: 'flat: never full', avail: 1_000, rate: 0, expected: null },
    { name: 'emptying: never full', avail: 1_000, rate: 10, expected: null },
    { name: 'no number is no rate', avail: 1_000, rate: Number.NaN, expected: null },
  ];
  for (const c of cases) {
    test(c.name, () => assert.equal(fullEtaSeconds(c.avail, c.rate), c.expected));
  }
});
