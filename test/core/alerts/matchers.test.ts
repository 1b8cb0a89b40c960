// Matchers' tables: what RE2 accepts and why it refuses the rest, whole-value matching in RE2 syntax,
// linear time on patterns that freeze a backtracking engine, how compiled matchers split, and stored
// matchers RE2 refuses. Pure code.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileMatchers, hasUnusableRegex, MAX_REGEX_LENGTH, MAX_REGEX_PROGRAM_SIZE, silenceMatchersProblem } from '../../../src/core/alerts/matchers.js';

const repeat = (unit: string, times: number) => unit.repeat(times);

/** Whether `~source` matches the value, compiled as a silence compiles it; a refused source matches nothing. */
function regexMatches(source: string, value: string): boolean {
  const regex = compileMatchers({ label: `~${source}` }).regex[0]?.[1] ?? null;
  return regex !== null && regex.testExact(value);
}

/** Why a silence with this one `~regex` is refused, or null. */
const regexMatcherProblem = (source: string): string | null => silenceMatchersProblem({ label: `~${source}` })?.problem ?? null;

describe('silenceMatchersProblem', () => {
  const accepted: [name: string, source: string][] = [
    ['a prefix', 'pusat-.*'],
    ['alternation and classes', 'pusat-(kota|kab)-[0-9]+|cadangan-.*'],
    ['inline flags', '(?i)central.*'],
    ['named group, Go style', '(?P<site>kua)-.*'],
    ['an address', '\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}'],
    ['Unicode classes', '\\p{Greek}+|\\pL{3}'],
    ['braces of escapes are not repeats', '\\x{41}{50}'],
    ['backtracking-hostile, fine for RE2: alternation', '(\\w|\\w|\\w|\\w)*x'],
    ['backtracking-hostile, fine for RE2: nested stars', '(.*.*)*x'],
    ['backtracking-hostile, fine for RE2: (a+)+', '(a+)+$'],
    ['at the size limit', '.{0,148}'],
    ['the longest source', repeat('a', MAX_REGEX_LENGTH)],
  ];
  for (const [name, source] of accepted) {
    test(`accepts ${name}`, () => assert.equal(regexMatcherProblem(source), null));
  }

  const refused: [name: string, source: string, reason: RegExp][] = [
    ['lookahead', '(?=a)b', /invalid or unsupported Perl syntax/],
    ['lookbehind', '(?<!a)b', /invalid or unsupported Perl syntax|invalid named capture/],
    ['backreference', '(a)\\1', /invalid escape sequence/],
    ['unclosed group', 'Central(', /missing closing \)/],
    ['unclosed class', '[a-', /missing closing \]/],
    ['nested repetition', 'a**', /invalid nested repetition operator/],
    ['a source that changes meaning once wrapped', 'x)|(.*', /unexpected \)/],
    ['a repeat past the limits', 'a{1001}', /too complex/],
    ['too long', repeat('a', MAX_REGEX_LENGTH + 1), new RegExp(`longer than ${MAX_REGEX_LENGTH} characters`)],
    ['program past the limit', '.{0,150}', new RegExp(`too complex .* at most ${MAX_REGEX_PROGRAM_SIZE}`)],
    // Refused before compiling: compiled, these take 100 ms and more.
    ['nested counted repeats', repeat('(\\pL{0,100}){10}', 12), /too complex/],
    ['many counted repeats', repeat('.{0,100}', 22), /too complex/],
    ['three levels of repeats', '((\\pL{10}){10}){10}', /too complex/],
  ];
  for (const [name, source, reason] of refused) {
    test(`refuses ${name}`, () => assert.match(regexMatcherProblem(source) ?? 'accepted', reason));
  }

  test('all of a silence\'s regexes together stay within the program limit (they are kept compiled)', () => {
    const half = '.{0,70}'; // about 145 instructions each
    assert.equal(silenceMatchersProblem({ a: `~${half}`, b: `~${half}`, alertname: 'CentralUnreachable' }), null);
    assert.deepEqual(silenceMatchersProblem({ a: `~${half}`, b: `~${half}`, c: `~${half}` })?.label, 'c');
    assert.match(silenceMatchersProblem({ a: `~${half}`, b: `~${half}`, c: `~${half}` })?.problem ?? '', new RegExp(`together are too complex .* at most ${MAX_REGEX_PROGRAM_SIZE}`));
  });

  test('refusing a bulky source does not compile it', () => {
    // Compiled, each of these takes 50-100 ms.
    const started = performance.now();
    for (let i = 0; i < 20; i += 1) assert.notEqual(regexMatcherProblem(`${repeat('(\\pL{0,100}){10}', 11)}x{${i}}`), null);
    const ms = performance.now() - started;
    assert.ok(ms < 300, `20 refusals took ${Math.round(ms)} ms`);
  });
});

describe('regexMatches', () => {
  const rows: [name: string, source: string, value: string, expected: boolean][] = [
    ['whole value', 'pusat-.*', 'pusat-api', true],
    ['anchored at the start', 'api', 'pusat-api', false],
    ['anchored at the end', 'pusat', 'pusat-api', false],
    ['alternation anchored as a whole', 'x|pusat', 'pusat-api', false],
    ['RE2 classes', '\\d+', '2024', true],
    ['inline flags', '(?i)PUSAT-API', 'pusat-api', true],
    ['dot does not match a newline (RE2 default)', 'a.b', 'a\nb', false],
    ['an invalid source matches nothing', '(?=p).*', 'pusat-api', false],
    ['hostile alternation, near miss', '(\\w|\\w|\\w|\\w)*x', 'CentralUnreachable', false],
    ['hostile nested stars, near miss', '(.*.*)*x', repeat('a', 10_000), false],
    ['hostile (a+)+, near miss', '(a+)+', `${repeat('a', 10_000)}!`, false],
    ['hostile nested stars, a match', '(.*.*)*Unreachable', 'CentralUnreachable', true],
  ];
  for (const [name, source, value, expected] of rows) {
    test(name, () => assert.equal(regexMatches(source, value), expected));
  }

  test('linear time: hostile patterns on long values', () => {
    const started = performance.now();
    for (const source of ['(\\w|\\w|\\w|\\w)*x', '(.*.*)*x', '(a+)+', '(a|aa)+b', '(a*)*b']) {
      for (const length of [100, 1_000, 10_000]) assert.equal(regexMatches(source, repeat('a', length)), source === '(a+)+');
    }
    const ms = performance.now() - started;
    assert.ok(ms < 2_000, `15 matches took ${Math.round(ms)} ms`);
  });
});

describe('compileMatchers', () => {
  test('exact values and regexes apart, each with its label; the `~` is not part of the source', () => {
    const compiled = compileMatchers({ alertname: 'CentralUnreachable', site: '~kua-.*', severity: 'critical', target: '~(?=p).*' });
    assert.deepEqual(compiled.exact, [['alertname', 'CentralUnreachable'], ['severity', 'critical']]);
    assert.deepEqual(compiled.regex.map(([label, regex]) => [label, regex?.testExact('kua-bandung') ?? null]), [['site', true], ['target', null]]);
  });
});

describe('hasUnusableRegex', () => {
  const rows: [name: string, matchers: Record<string, string>, expected: boolean][] = [
    ['exact values only', { alertname: 'CentralUnreachable', site: '(?=x)' }, false],
    ['an RE2 regex', { alertname: '~Central.*' }, false],
    ['a lookahead stored before RE2', { alertname: 'CentralUnreachable', target: '~(?=p).*' }, true],
  ];
  for (const [name, matchers, expected] of rows) {
    test(name, () => assert.equal(hasUnusableRegex(compileMatchers(matchers)), expected));
  }
});
