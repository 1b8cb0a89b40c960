// The request rules' limits (issue 16 items 1, 7, 12): every duration and instant has a maximum checked
// before it is added to now, impossible or out-of-range dates are refused, RE2 decides regexes, and
// stored free text carries no control or bidi-override characters; each refusal names its field. Pure.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_HALT_MS, MAX_SILENCE_START_AHEAD_MS, overrideRequest, RequestError, silenceRequest, type ProblemCode } from '../../src/core/requests.js';
import { catalogue } from '../../src/i18n/catalogue.js';

const NOW = Date.parse('2026-11-30T08:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const halt = (extra: Record<string, unknown>) => () => overrideRequest({ action: 'halt', reason: 'uji', ...extra }, NOW);
const allow = (extra: Record<string, unknown>) => () => overrideRequest({ action: 'allow', reason: 'uji', ...extra }, NOW);
const silence = (extra: Record<string, unknown>) => () =>
  silenceRequest({ matchers: { alertname: 'CentralUnreachable' }, comment: 'pemeliharaan', for: '1h', ...extra }, NOW);

function refusal(run: () => unknown): RequestError {
  try {
    run();
  } catch (error) {
    if (error instanceof RequestError) return error;
    throw error;
  }
  assert.fail('accepted');
}

describe('durations and instants past their maximum are refused at input, naming the field', () => {
  const rows: [name: string, run: () => unknown, field: string, code: ProblemCode, message: RegExp][] = [
    ['halt for 100000000d', halt({ for: '100000000d' }), 'for', 'halt_too_long', /^for: a halt override with an end lasts at most 366d/],
    ['halt for 367d', halt({ for: '367d' }), 'for', 'halt_too_long', /^for: /],
    ['halt for a duration past any number', halt({ for: `${'9'.repeat(400)}d` }), 'for', 'halt_too_long', /^for: /],
    ['halt until year 9999', halt({ expires_at: '9999-12-31T23:59:59Z' }), 'expires_at', 'halt_too_long', /^expires_at: a halt override/],
    ['halt until past the Date range', halt({ expires_at: '+275760-09-13T00:00:00Z' }), 'expires_at', 'invalid', /^expires_at: /],
    ['halt until 31 February', halt({ expires_at: '2026-02-31T00:00:00Z' }), 'expires_at', 'invalid', /^expires_at: /],
    ['halt until hour 24', halt({ expires_at: '2026-12-01T24:00:00Z' }), 'expires_at', 'invalid', /^expires_at: /],
    ['allow for 100000000d', allow({ for: '100000000d' }), 'for', 'allow_too_long', /^for: an allow override lasts at most 24h/],
    ['allow until 25h ahead', allow({ expires_at: '2026-12-01T09:00:00Z' }), 'expires_at', 'allow_too_long', /^expires_at: an allow override lasts at most 24h/],
    ['silence for 100000000d', silence({ for: '100000000d' }), 'for', 'silence_too_long', /^for: a silence lasts at most 7 days/],
    ['silence starting in year 9999', silence({ starts_at: '9999-01-01T00:00:00Z' }), 'starts_at', 'silence_starts_too_late', /^starts_at: at most 366d ahead/],
    ['silence starting past the Date range', silence({ starts_at: '+275760-09-13T00:00:00Z' }), 'starts_at', 'invalid', /^starts_at: /],
    ['silence ending 30 April 31st', silence({ for: undefined, ends_at: '2027-04-31T00:00:00Z' }), 'ends_at', 'invalid', /^ends_at: /],
    ['silence ending in year 9999', silence({ for: undefined, ends_at: '9999-12-31T00:00:00Z' }), 'ends_at', 'silence_too_long', /^ends_at: a silence lasts at most 7 days/],
  ];
  for (const [name, run, field, code, message] of rows) {
    test(name, () => {
      const error = refusal(run);
      assert.deepEqual({ field: error.field, code: error.code }, { field, code }, error.message);
      assert.match(error.message, message);
    });
  }

  test('the limits themselves are accepted', () => {
    assert.equal(halt({ for: '366d' })().expiresAt, NOW + MAX_HALT_MS);
    assert.equal(halt({ expires_at: new Date(NOW + MAX_HALT_MS).toISOString() })().expiresAt, NOW + MAX_HALT_MS);
    assert.equal(halt({})().expiresAt, null, 'a halt without an end holds until lifted');
    assert.equal(allow({ for: '24h' })().expiresAt, NOW + DAY);
    const planned = silence({ starts_at: new Date(NOW + MAX_SILENCE_START_AHEAD_MS).toISOString(), for: '7d' })();
    assert.deepEqual([planned.startsAt, planned.endsAt], [NOW + MAX_SILENCE_START_AHEAD_MS, NOW + MAX_SILENCE_START_AHEAD_MS + 7 * DAY]);
  });
});

describe('silence regexes are RE2 and bounded', () => {
  const rows: [name: string, target: string, message: RegExp][] = [
    ['lookahead', '~(?=pusat).*', /^matchers\.target: not a valid regular expression for RE2: invalid or unsupported Perl syntax/],
    ['backreference', '~(a)\\1', /^matchers\.target: not a valid regular expression for RE2: invalid escape sequence/],
    ['changes meaning once wrapped', '~x)|(.*', /^matchers\.target: not a valid regular expression for RE2: /],
    ['too complex', `~${'.{0,100}'.repeat(10)}`, /^matchers\.target: not a valid regular expression for RE2: too complex/],
  ];
  for (const [name, target, message] of rows) {
    test(name, () => {
      const error = refusal(silence({ matchers: { alertname: 'CentralUnreachable', target } }));
      assert.deepEqual({ field: error.field, code: error.code }, { field: 'matchers', code: 'bad_regex' });
      assert.match(error.message, message);
    });
  }

  test('hostile for a backtracking engine, fine for RE2: accepted', () => {
    assert.deepEqual(silence({ matchers: { alertname: '~(\\w|\\w|\\w|\\w)*x' } })().matchers, { alertname: '~(\\w|\\w|\\w|\\w)*x' });
  });

  test('a regex of 200 characters is accepted, 201 is not', () => {
    assert.equal(silence({ matchers: { target: `~${'a'.repeat(200)}` } })().matchers['target']?.length, 201);
    assert.equal(refusal(silence({ matchers: { target: `~${'a'.repeat(201)}` } })).field, 'matchers');
  });
});

describe('stored free text carries no control or bidi-override characters', () => {
  const BAD: [name: string, text: string][] = [
    ['a terminal escape (clear screen)', 'ok\u001b[2J\u001b[HALL GOOD'],
    ['CR LF', 'ok\r\nALL GOOD'],
    ['a trailing line break', 'ok\n'],
    ['a tab', 'ok\tthen'],
    ['NUL', 'ok\u0000'],
    ['DEL', 'ok\u007f'],
    ['C1 (CSI)', 'ok\u009b2J'],
    ['C1 (NEL)', 'ok\u0085'],
    ['right-to-left override', 'ok \u202egnp.exe'],
    ['left-to-right embedding', '\u202aok'],
    ['first-strong isolate', 'ok \u2068x\u2069'],
  ];
  for (const [name, text] of BAD) {
    test(`reason: ${name}`, () => {
      const error = refusal(halt({ reason: text }));
      assert.deepEqual({ field: error.field, code: error.code, message: error.message }, { field: 'reason', code: 'control_characters', message: 'reason: must not contain control characters' });
    });
    test(`comment: ${name}`, () => {
      const error = refusal(silence({ comment: text }));
      assert.deepEqual({ field: error.field, code: error.code, message: error.message }, { field: 'comment', code: 'control_characters', message: 'comment: must not contain control characters' });
    });
    test(`matcher value: ${name}`, () => {
      const error = refusal(silence({ matchers: { target: text } }));
      assert.deepEqual(
        { field: error.field, code: error.code, message: error.message },
        { field: 'matchers', code: 'control_characters', message: 'matchers.target: must not contain control characters' },
      );
    });
  }

  test('letters of any script, right-to-left ones included, are fine', () => {
    const reason = 'Pemeliharaan server pusat — café ✓ שלום مرحبا 日本';
    assert.equal(halt({ reason })().reason, reason);
    assert.equal(silence({ comment: reason })().comment, reason);
  });

  test('every new refusal has words in both languages', () => {
    for (const language of ['id', 'en'] as const) {
      const problem = catalogue(language).admin.problem;
      for (const code of ['halt_too_long', 'silence_starts_too_late', 'control_characters'] as const) {
        assert.ok(problem('reason', code).length > 10, `${language} ${code}`);
      }
    }
  });
});
