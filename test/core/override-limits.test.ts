// The override rules written once in core/reasons.ts: what "active" means at its edges, and how a log
// line lists reasons (at most LOG_REASONS_MAX, then "and K more").
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeReasons, isOverrideActive, LOG_REASONS_MAX } from '../../src/core/reasons.js';
import type { Override, Reason } from '../../src/core/types.js';

const NOW = 1_700_000_000_000;
const override = (o: Partial<Override>): Override => ({ id: 'o', action: 'halt', reason: 'r', by: 'b', createdAt: NOW - 1, expiresAt: null, liftedAt: null, liftedBy: null, ...o });
const reasons = (n: number): Reason[] => Array.from({ length: n }, (_, i) => ({ code: 'MANUAL_HALT', subject: `ovr-${i}`, since: NOW, facts: {} }));

describe('isOverrideActive', () => {
  const rows: [string, Partial<Override>, boolean][] = [
    ['no expiry', {}, true],
    ['expires 1 ms from now', { expiresAt: NOW + 1 }, true],
    ['expires now (exclusive)', { expiresAt: NOW }, false],
    ['lifted', { liftedAt: NOW - 1, liftedBy: 'x' }, false],
  ];
  for (const [name, o, active] of rows) test(name, () => assert.equal(isOverrideActive(override(o), NOW), active));
});

describe('describeReasons', () => {
  const rows: [number, RegExp][] = [
    [0, /^$/],
    [1, /^MANUAL_HALT\(ovr-0\)$/],
    [LOG_REASONS_MAX, /^(MANUAL_HALT\(ovr-\d\), ){9}MANUAL_HALT\(ovr-9\)$/],
    [LOG_REASONS_MAX + 1, /MANUAL_HALT\(ovr-9\) and 1 more$/],
    [1_500, /MANUAL_HALT\(ovr-9\) and 1490 more$/],
  ];
  for (const [n, expected] of rows) test(`${n} reasons`, () => assert.match(describeReasons(reasons(n)), expected));
  test('a line for 1,500 reasons is as short as one for 10', () => assert.ok(describeReasons(reasons(1_500)).length < describeReasons(reasons(10)).length + 20));
});
