import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatBytes, formatDurationText, parseDurationMs, parseSizeBytes } from '../../src/core/units.js';

describe('parseDurationMs', () => {
  const rows: [string, number | undefined][] = [
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['4h', 14_400_000],
    ['7d', 604_800_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1_500],
    [' 2m ', 120_000],
    ['30', undefined],
    ['3 seconds', undefined],
    ['-5s', undefined],
    ['', undefined],
    ['5x', undefined],
    // Past what a double holds: Infinity, which the schema's maxima refuse by name.
    [`${'9'.repeat(400)}d`, Infinity],
  ];
  for (const [text, expected] of rows) test(JSON.stringify(text), () => assert.equal(parseDurationMs(text), expected));
});

describe('parseSizeBytes', () => {
  const rows: [string, number | undefined][] = [
    ['1024', 1024],
    ['10GiB', 10 * 1024 ** 3],
    ['512MiB', 512 * 1024 ** 2],
    ['2GB', 2e9],
    ['1.5 KiB', 1536],
    ['10 gib', 10 * 1024 ** 3],
    ['ten', undefined],
    ['1PiB', 1024 ** 5],
    ['5PB', 5e15],
    ['5EB', undefined],
    [`${'9'.repeat(400)}TiB`, Infinity],
  ];
  for (const [text, expected] of rows) test(JSON.stringify(text), () => assert.equal(parseSizeBytes(text), expected));
});

test('formatBytes uses binary units', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(10 * 1024 ** 3), '10.0 GiB');
  assert.equal(formatBytes(200 * 1024 ** 2), '200 MiB');
});

describe('formatDurationText writes a whole duration in its largest exact unit', () => {
  const rows: [number, string][] = [
    [400 * 86_400_000, '400d'],
    [86_400_000, '1d'],
    [5 * 60_000, '5m'],
    [90_000, '90s'],
    [1_500, '1500ms'],
    [0, '0s'],
  ];
  for (const [ms, expected] of rows) test(expected, () => assert.equal(formatDurationText(ms), expected));
});
