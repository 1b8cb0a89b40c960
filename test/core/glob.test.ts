// The directory source's glob patterns: which relative paths each form matches and which it does not,
// and which directories may hold a match (the scan skips the others). Pure, table-driven.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileGlob, MAX_GLOB_ALTERNATIVES } from '../../src/core/glob.js';

const PATHS = [
  'a.wav',
  'b.mp3',
  '.part.wav',
  'x/a.wav',
  'x/y/a.wav',
  'x/y/z/b.wav',
  'x/.tmp/a.wav',
  '.queue/a.wav',
  'rec-001.wav',
  'rec-01.wav',
  'rec-a01.wav',
  'REC-001.WAV',
  'incoming/2026/03/rec-001.wav',
  'incoming/2026/03/rec-001.json',
  'outgoing/rec-001.wav',
  'odd[1].wav',
  'odd{a}.wav',
  'odd*.wav',
  'a,b.wav',
  'dir.wav/c.txt',
];

describe('compileGlob', () => {
  const rows: [pattern: string, matches: string[]][] = [
    ['*.wav', ['a.wav', 'rec-001.wav', 'rec-01.wav', 'rec-a01.wav', 'odd[1].wav', 'odd{a}.wav', 'odd*.wav', 'a,b.wav']],
    ['**/*.wav', ['a.wav', 'x/a.wav', 'x/y/a.wav', 'x/y/z/b.wav', 'rec-001.wav', 'rec-01.wav', 'rec-a01.wav', 'incoming/2026/03/rec-001.wav', 'outgoing/rec-001.wav', 'odd[1].wav', 'odd{a}.wav', 'odd*.wav', 'a,b.wav']],
    ['x/**/*.wav', ['x/a.wav', 'x/y/a.wav', 'x/y/z/b.wav']],
    ['x/**', ['x/a.wav', 'x/y/a.wav', 'x/y/z/b.wav']],
    ['x/**/**/b.wav', ['x/y/z/b.wav']],
    ['x/*/a.wav', ['x/y/a.wav']],
    ['x/*', ['x/a.wav']],
    ['**', PATHS.filter((p) => !p.split('/').some((s) => s.startsWith('.')))],
    ['x**.wav', []],
    ['a**.wav', ['a.wav', 'a,b.wav']],
    ['rec-???.wav', ['rec-001.wav', 'rec-a01.wav']],
    ['rec-[0-9][0-9][0-9].wav', ['rec-001.wav']],
    ['rec-[!0-9]*.wav', ['rec-a01.wav']],
    ['rec-[^0-9]*.wav', ['rec-a01.wav']],
    ['[]a]*.wav', ['a.wav', 'a,b.wav']],
    ['[ab].*', ['a.wav', 'b.mp3']],
    ['*.{wav,mp3}', ['a.wav', 'b.mp3', 'rec-001.wav', 'rec-01.wav', 'rec-a01.wav', 'odd[1].wav', 'odd{a}.wav', 'odd*.wav', 'a,b.wav']],
    ['{incoming,outgoing}/**/rec-*.wav', ['incoming/2026/03/rec-001.wav', 'outgoing/rec-001.wav']],
    ['{incoming/2026,x/{y,q}}/**/*.wav', ['incoming/2026/03/rec-001.wav', 'x/y/a.wav', 'x/y/z/b.wav']],
    ['incoming/2026/03/rec-001.{wav,json}', ['incoming/2026/03/rec-001.wav', 'incoming/2026/03/rec-001.json']],
    ['a{,.wav}', ['a.wav']],
    // Dots: wildcards never take a leading dot; a segment written with it matches.
    ['.*.wav', ['.part.wav']],
    ['.queue/*', ['.queue/a.wav']],
    ['x/.tmp/*.wav', ['x/.tmp/a.wav']],
    ['?part.wav', []],
    ['[.]part.wav', []],
    // Escapes and braces or sets that stand for themselves.
    ['odd\\[1\\].wav', ['odd[1].wav']],
    ['odd[1.wav', []],
    ['odd[1].wav', []],
    ['odd\\*.wav', ['odd*.wav']],
    ['odd{a}.wav', ['odd{a}.wav']],
    ['odd{a.wav', []],
    ['a\\,b.wav', ['a,b.wav']],
    ['{a\\,b,b}.*', ['b.mp3', 'a,b.wav']],
    // Case matters; "/" is never matched by a wildcard; a leading "./" is ignored.
    ['REC-*.WAV', ['REC-001.WAV']],
    ['*/*', ['x/a.wav', 'outgoing/rec-001.wav', 'dir.wav/c.txt']],
    ['*.wav/*', ['dir.wav/c.txt']],
    ['./x/*', ['x/a.wav']],
    ['x//a.wav', ['x/a.wav']],
    ['rec-[9-0].wav', []],
  ];
  for (const [pattern, matches] of rows) {
    test(pattern, () => {
      const compiled = compileGlob(pattern);
      assert.ok(compiled.ok, compiled.ok ? '' : compiled.problem);
      if (!compiled.ok) return;
      assert.deepEqual(PATHS.filter(compiled.match).sort(), [...matches].sort());
    });
  }

  const dirRows: [pattern: string, dir: string, mayContain: boolean][] = [
    ['*.wav', 'x', false],
    ['x/*.wav', 'x', true],
    ['x/*.wav', 'y', false],
    ['x/*.wav', 'x/y', false],
    ['x/*/a.wav', 'x/y', true],
    ['x/*/a.wav', 'x/.y', false],
    ['x/.y/a.wav', 'x/.y', true],
    ['**/*.wav', 'x/y/z', true],
    ['**/*.wav', 'x/.tmp', false],
    ['**/.tmp/*.wav', 'x/.tmp', true],
    ['**/.tmp/*.wav', 'x/y', true],
    ['x/**', 'x/y/z', true],
    ['x/**', 'y', false],
    ['x', 'x', false],
    ['{a,b}/c/*.wav', 'b/c', true],
    ['{a,b}/c/*.wav', 'b/d', false],
    ['incoming/2026/0[1-3]/*', 'incoming/2026/03', true],
    ['incoming/2026/0[1-3]/*', 'incoming/2026/04', false],
    ['incoming/2026/0[1-3]/*', 'incoming', true],
    ['incoming/**/x/*.wav', 'incoming/a/b/x', true],
    ['incoming/**/x/*.wav', 'outgoing/a', false],
  ];
  for (const [pattern, dir, expected] of dirRows) {
    test(`mayContain: ${pattern} below ${dir} -> ${expected}`, () => {
      const compiled = compileGlob(pattern);
      assert.ok(compiled.ok);
      if (compiled.ok) assert.equal(compiled.mayContain(dir), expected);
    });
  }

  test(`a pattern expanding to more than ${MAX_GLOB_ALTERNATIVES} alternatives is refused, not expanded`, () => {
    // 2^9 = 512 alternatives.
    const compiled = compileGlob('{a,b}'.repeat(9));
    assert.deepEqual(compiled, { ok: false, problem: `expands to more than ${MAX_GLOB_ALTERNATIVES} alternatives` });
    assert.equal(compileGlob('{a,b}'.repeat(8)).ok, true);
  });

  test('a long path with many segments is matched quickly by stacked globstars', () => {
    const compiled = compileGlob('**/x/**/y/**/z/**/*.wav');
    assert.ok(compiled.ok);
    if (!compiled.ok) return;
    const deep = `${Array.from({ length: 200 }, (_, i) => `d${i}`).join('/')}/file.txt`;
    const started = performance.now();
    assert.equal(compiled.match(deep), false);
    assert.ok(performance.now() - started < 1_000, 'no catastrophic backtracking');
  });
});
