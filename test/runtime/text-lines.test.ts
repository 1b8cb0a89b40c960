// stripControlsKeepingLines: layout (LF, CRLF, tab) stays, everything a terminal or a bidi renderer acts on is replaced. Pure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stripControlsKeepingLines } from '../../src/runtime/text-lines.js';

const CASES: readonly [string, string, string][] = [
  ['plain text', 'Gerbang: PEREKAMAN BERJALAN', 'Gerbang: PEREKAMAN BERJALAN'],
  ['line breaks and tabs are layout', 'a\nb\r\nc\td', 'a\nb\r\nc\td'],
  ['ESC sequences lose their ESC', '\u001b[2J\u001b[Hok', '\ufffd[2J\ufffd[Hok'],
  ['a lone CR cannot rewrite the line', 'halted\rALL GOOD', 'halted\ufffdALL GOOD'],
  ['BEL, DEL and C1 (CSI)', 'a\u0007b\u007fc\u009b31m', 'a\ufffdb\ufffdc\ufffd31m'],
  ['bidi embeddings, overrides and isolates', '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069', '\ufffd'.repeat(9)],
  ['marks and non-Latin text are text', 'kantor \u200e \u0639\u0631\u0628\u064a \u4e2d\u6587 \ud83d\ude00', 'kantor \u200e \u0639\u0631\u0628\u064a \u4e2d\u6587 \ud83d\ude00'],
];

for (const [what, input, expected] of CASES) {
  test(what, () => assert.equal(stripControlsKeepingLines(input), expected));
}
