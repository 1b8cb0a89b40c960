import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatBytes, parseDurationMs, parseSizeBytes } from '../../src/config/units.js';

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
    ['5PB', undefined],
  ];
  for (const [text, expected] of rows) test(JSON.stringify(text), () => assert.equal(parseSizeBytes(text), expected));
});

test('formatBytes uses binary units', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(10 * 1024 ** 3), '10.0 GiB');
  assert.equal(formatBytes(200 * 1024 ** 2), '200 MiB');
});
