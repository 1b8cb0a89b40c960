// The backlog parsers against good and malformed output: a command's stdout, dotted paths into an
// http_json answer, and `oldest` times. Every malformed input is refused with a detail naming what is
// wrong, never a crash and never a wrong number. Pure, table-driven.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_EPOCH_SECONDS, parseCommandOutput, parseCount, parseOldest, pickPath, readingFromJson, type JsonPaths } from '../../src/core/backlog-output.js';
import type { BacklogReading } from '../../src/core/types.js';

const MAX = Number.MAX_SAFE_INTEGER;
const T0 = Date.UTC(2026, 2, 2, 1, 12, 0); // 2026-03-02T01:12:00Z = 08:12 WIB (+07:00)
const T0_SECONDS = T0 / 1000;

/** An expected reading, or a RegExp the refusal's detail must match. */
type Expected = BacklogReading | RegExp;

function check(actual: ReturnType<typeof parseCommandOutput>, expected: Expected, label: string): void {
  if (expected instanceof RegExp) {
    assert.equal(actual.ok, false, `${label}: expected a refusal, got ${JSON.stringify(actual)}`);
    if (!actual.ok) assert.match(actual.detail, expected, label);
  } else {
    assert.equal(actual.ok, true, `${label}: ${actual.ok ? '' : actual.detail}`);
    if (actual.ok) assert.deepEqual(actual.value, expected, label);
  }
}

const reading = (items: number, bytes: number | null = null, oldestAt: number | null = null): BacklogReading => ({ items, bytes, oldestAt });

describe('parseCommandOutput', () => {
  const rows: [string, Expected][] = [
    // One integer: items.
    ['12345\n', reading(12345)],
    ['0', reading(0)],
    ['  42  \r\n', reading(42)],
    ['\uFEFF7\n', reading(7)],
    ['+5', reading(5)],
    ['007', reading(7)],
    [String(MAX), reading(MAX)],
    // JSON.
    ['{"items": 3, "bytes": 3072, "oldest": "2026-03-02T08:12:00+07:00"}\n', reading(3, 3072, T0)],
    [`{"items": 3, "oldest": ${T0_SECONDS}}`, reading(3, null, T0)],
    [`{"items": 3, "oldest": "${T0_SECONDS}"}`, reading(3, null, T0)],
    ['{"items": 3}', reading(3)],
    ['{"items": 3, "bytes": null, "oldest": null}', reading(3)],
    ['{"items": 3, "extra": {"nested": true}}', reading(3)],
    ['{"items": 1e3}', reading(1000)],
    ['{"items": 4.0}', reading(4)],
    // Nothing waits, so nothing is old, whatever the program said.
    [`{"items": 0, "bytes": 0, "oldest": ${T0_SECONDS}}`, reading(0, 0, null)],
    // Malformed: each refused, saying why.
    ['', /printed nothing/],
    ['  \n\t\n', /printed nothing/],
    ['-1', /items -1 is negative/],
    ['1.5', /items "1.5" is not a whole number/],
    ['.5', /not a whole number/],
    ['9007199254740992', /larger than 9007199254740991/],
    ['99999999999999999999999', /larger than/],
    ['NaN', /not an integer or a JSON object: "NaN"/],
    ['Infinity', /not an integer/],
    ['0x10', /not an integer/],
    ['1e3', /not an integer/],
    ['12 items', /not an integer or a JSON object: "12 items"/],
    ['12abc', /not an integer/],
    ['twelve', /not an integer/],
    ['"12"', /not an integer/],
    ['[12]', /not an integer/],
    ['12\n13\n', /several lines/],
    ['12\r\n13', /several lines/],
    ['Warning: cache cold\n12', /several lines/],
    ['{"items": 3} trailing', /not one JSON object/],
    ['{"items": 3}\n{"items": 4}', /not one JSON object/],
    ['{"items": 3', /not one JSON object/],
    ['{}', /items is missing/],
    ['{"count": 3}', /items is missing/],
    ['{"items": null}', /items is null, expected a whole number/],
    ['{"items": "12"}', /items is a string "12", expected a whole number/],
    ['{"items": true}', /items is a boolean true/],
    ['{"items": [1]}', /items is an array \[1\]/],
    ['{"items": {"n": 1}}', /items is an object/],
    ['{"items": -3}', /items -3 is negative/],
    ['{"items": 2.5}', /items 2.5 is not a whole number/],
    ['{"items": 1e300}', /items 1e\+300 is larger than/],
    ['{"items": 3, "bytes": -1}', /bytes -1 is negative/],
    ['{"items": 3, "bytes": 10.5}', /bytes 10.5 is not a whole number/],
    ['{"items": 3, "bytes": "3 KiB"}', /bytes is a string "3 KiB"/],
    ['{"items": 3, "bytes": 1e20}', /bytes 100000000000000000000 is larger than/],
    ['{"items": 3, "oldest": "yesterday"}', /oldest "yesterday" is not an ISO 8601 date-time/],
    ['{"items": 3, "oldest": "2026-03-02T08:12:00"}', /oldest "2026-03-02T08:12:00" is not an ISO 8601 date-time with a time zone/],
    ['{"items": 3, "oldest": "2026-02-30T08:12:00Z"}', /not an ISO 8601/],
    ['{"items": 3, "oldest": true}', /oldest is a boolean/],
    [`{"items": 3, "oldest": ${T0}}`, /oldest 1772413920000 is past the year 9999 as epoch seconds \(milliseconds by mistake\?\)/],
    ['{"items": 3, "oldest": -5}', /oldest -5 is before 1970/],
  ];
  for (const [stdout, expected] of rows) test(JSON.stringify(stdout), () => check(parseCommandOutput(stdout), expected, JSON.stringify(stdout)));

  test('a detail quotes at most 60 characters of the output, with control characters escaped', () => {
    const result = parseCommandOutput(`junk\u0007${'x'.repeat(5000)}`);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.ok(result.detail.length < 140, result.detail);
    assert.match(result.detail, /"junk\\u0007x+\.\.\.$/);
  });
});

describe('readingFromJson (http_json answers)', () => {
  const paths: JsonPaths = { items: 'queue.pending', bytes: 'queue.bytes', oldest: 'queue.oldest' };
  const rows: [string, unknown, JsonPaths, Expected][] = [
    ['all three', { queue: { pending: 12, bytes: 4096, oldest: '2026-03-02T01:12:00Z' } }, paths, reading(12, 4096, T0)],
    ['epoch seconds', { queue: { pending: 12, bytes: 4096, oldest: T0_SECONDS } }, paths, reading(12, 4096, T0)],
    ['items only configured', { queue: { pending: 12 } }, { items: 'queue.pending' }, reading(12)],
    ['a top-level path', { pending: 5 }, { items: 'pending' }, reading(5)],
    ['an array index', { queues: [{ n: 1 }, { n: 7 }] }, { items: 'queues.1.n' }, reading(7)],
    ['null oldest: nothing waits to be dated', { queue: { pending: 12, bytes: 1, oldest: null } }, paths, reading(12, 1, null)],
    ['empty queue: oldest dropped', { queue: { pending: 0, bytes: 0, oldest: T0_SECONDS } }, paths, reading(0, 0, null)],
    ['configured bytes missing', { queue: { pending: 12, oldest: null } }, paths, /queue\.bytes is missing/],
    ['configured oldest missing', { queue: { pending: 12, bytes: 1 } }, paths, /queue\.oldest is missing/],
    ['items missing', { queue: {} }, paths, /queue\.pending is missing/],
    ['parent missing', { other: 1 }, paths, /queue\.pending is missing/],
    ['parent not an object', { queue: 5 }, paths, /queue\.pending is missing/],
    ['index past the end', { queues: [{ n: 1 }] }, { items: 'queues.1.n' }, /queues\.1\.n is missing/],
    ['inherited names are not found', {}, { items: 'constructor' }, /constructor is missing/],
    ['__proto__ is not found', JSON.parse('{"a": {}}'), { items: 'a.__proto__' }, /a\.__proto__ is missing/],
    ['items a string', { queue: { pending: '12', bytes: 1, oldest: null } }, paths, /queue\.pending is a string "12"/],
    ['items negative', { queue: { pending: -1, bytes: 1, oldest: null } }, paths, /queue\.pending -1 is negative/],
    ['bytes fractional', { queue: { pending: 1, bytes: 0.5, oldest: null } }, paths, /queue\.bytes 0\.5 is not a whole number/],
    ['oldest bad', { queue: { pending: 1, bytes: 1, oldest: 'soon' } }, paths, /queue\.oldest "soon" is not an ISO 8601/],
    ['answer an array', [1, 2], paths, /answer is an array, expected a JSON object/],
    ['answer a number', 12, paths, /answer is 12, expected a JSON object/],
    ['answer null', null, paths, /answer is null, expected a JSON object/],
  ];
  for (const [label, document, p, expected] of rows) test(label, () => check(readingFromJson(document, p), expected, label));
});

describe('pickPath', () => {
  const document = { a: { b: [10, { c: 0 }], d: null, e: false } };
  const rows: [string, { found: true; value: unknown } | { found: false }][] = [
    ['a.b.0', { found: true, value: 10 }],
    ['a.b.1.c', { found: true, value: 0 }],
    ['a.d', { found: true, value: null }],
    ['a.e', { found: true, value: false }],
    ['a.b.2', { found: false }],
    ['a.b.x', { found: false }],
    ['a.b.-1', { found: false }],
    ['a.b.length', { found: false }],
    ['a.d.x', { found: false }],
    ['a.toString', { found: false }],
    ['z', { found: false }],
  ];
  for (const [path, expected] of rows) test(path, () => assert.deepEqual(pickPath(document, path), expected));
});

describe('parseCount', () => {
  const rows: [unknown, number | RegExp][] = [
    [0, 0],
    [MAX, MAX],
    [MAX + 1, /too large to count exactly/],
    [-0.5, /negative/],
    [NaN, /NaN is not a finite number/],
    [Infinity, /Infinity is not a finite number/],
    ['5', /a string "5"/],
    [undefined, /n is undefined, expected a whole number/],
  ];
  for (const [value, expected] of rows) {
    test(String(value), () => {
      const parsed = parseCount(value, 'n');
      if (expected instanceof RegExp) {
        assert.equal(parsed.ok, false);
        if (!parsed.ok) assert.match(parsed.detail, expected);
      } else assert.deepEqual(parsed, { ok: true, value: expected });
    });
  }
});

describe('parseOldest', () => {
  const rows: [unknown, number | RegExp][] = [
    ['2026-03-02T01:12:00Z', T0],
    ['2026-03-02T01:12:00z', T0],
    ['2026-03-02t01:12:00Z', T0],
    ['2026-03-02 01:12:00Z', T0],
    ['2026-03-02T08:12:00+07:00', T0],
    ['2026-03-02T08:12:00+0700', T0],
    ['2026-03-02T08:12:00+07', T0],
    ['2026-03-01T22:12:00-03:00', T0],
    ['2026-03-02T01:12Z', T0],
    ['2026-03-02T01:12:00.250Z', T0 + 250],
    ['2026-03-02T01:12:00,5Z', T0 + 500],
    ['2026-03-02T01:12:00.123456789Z', T0 + 123],
    ['  2026-03-02T01:12:00Z  ', T0],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['1970-01-01T00:00:00Z', 0],
    ['9999-12-31T23:59:59Z', Date.UTC(9999, 11, 31, 23, 59, 59)],
    [T0_SECONDS, T0],
    [T0_SECONDS + 0.5, T0 + 500],
    [String(T0_SECONDS), T0],
    [`${T0_SECONDS}.25`, T0 + 250],
    [0, 0],
    [MAX_EPOCH_SECONDS - 1, (MAX_EPOCH_SECONDS - 1) * 1000],
    // Refused.
    [MAX_EPOCH_SECONDS, /past the year 9999/],
    [T0, /milliseconds by mistake/],
    [String(T0), /milliseconds by mistake/],
    [-1, /before 1970/],
    ['1969-12-31T23:59:59Z', /before 1970/],
    ['0050-01-01T00:00:00Z', /before 1970/],
    [NaN, /not a finite number/],
    ['2026-03-02', /not an ISO 8601 date-time with a time zone/],
    ['2026-03-02T01:12:00', /with a time zone/],
    ['2023-02-29T00:00:00Z', /not an ISO 8601/],
    ['2026-04-31T00:00:00Z', /not an ISO 8601/],
    ['2026-13-01T00:00:00Z', /not an ISO 8601/],
    ['2026-00-10T00:00:00Z', /not an ISO 8601/],
    ['2026-03-00T00:00:00Z', /not an ISO 8601/],
    ['2026-03-02T24:00:00Z', /not an ISO 8601/],
    ['2026-03-02T23:60:00Z', /not an ISO 8601/],
    ['2026-03-02T23:59:60Z', /not an ISO 8601/],
    ['2026-03-02T08:12:00+24:00', /not an ISO 8601/],
    ['2026-03-02T08:12:00Z trailing', /not an ISO 8601/],
    ['Mon, 02 Mar 2026 01:12:00 GMT', /not an ISO 8601/],
    ['-5', /not an ISO 8601/],
    ['1e9', /not an ISO 8601/],
    ['', /not an ISO 8601/],
    [{}, /an object/],
    [[T0_SECONDS], /an array/],
  ];
  for (const [value, expected] of rows) {
    test(JSON.stringify(value) ?? String(value), () => {
      const parsed = parseOldest(value, 'oldest');
      if (expected instanceof RegExp) {
        assert.equal(parsed.ok, false, `expected a refusal, got ${JSON.stringify(parsed)}`);
        if (!parsed.ok) assert.match(parsed.detail, expected);
      } else assert.deepEqual(parsed, { ok: true, value: expected });
    });
  }
});
