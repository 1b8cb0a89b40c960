// Which characters count as controls (C0, DEL, C1, bidi overrides and isolates) and how they are made
// visible for a terminal. Pure code, table-driven.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CONTROL_REPLACEMENT, hasControls, stripControls } from '../../src/core/text-safety.js';

const R = CONTROL_REPLACEMENT;

describe('hasControls and stripControls', () => {
  const rows: [name: string, text: string, stripped: string][] = [
    ['plain text', 'Pemeliharaan server pusat', 'Pemeliharaan server pusat'],
    ['other scripts and symbols', 'café — ✓ שלום مرحبا 日本', 'café — ✓ שלום مرحبا 日本'],
    ['left-to-right and right-to-left marks (not overrides)', 'a\u200eb\u200fc', 'a\u200eb\u200fc'],
    ['empty', '', ''],
    ['ESC sequence (clear screen, cursor home)', 'x\u001b[2J\u001b[Hy', `x${R}[2J${R}[Hy`],
    ['line breaks and tab', 'a\r\nb\tc', `a${R}${R}b${R}c`],
    ['NUL and the last C0', '\u0000\u001f', `${R}${R}`],
    ['DEL', 'a\u007f', `a${R}`],
    ['C1: CSI, NEL, the last one', '\u009b\u0085\u009f', `${R}${R}${R}`],
    ['not C1: the first character after it', '\u00a0', '\u00a0'],
    ['bidi embeddings and overrides', '\u202a\u202b\u202c\u202d\u202e', R.repeat(5)],
    ['bidi isolates', '\u2066\u2067\u2068\u2069', R.repeat(4)],
    ['around the bidi ranges', '\u2029\u202f\u2065\u206a', '\u2029\u202f\u2065\u206a'],
  ];
  for (const [name, text, stripped] of rows) {
    test(name, () => {
      assert.equal(stripControls(text), stripped);
      assert.equal(hasControls(text), stripped !== text);
      assert.equal(hasControls(stripControls(text)), false);
    });
  }
});
