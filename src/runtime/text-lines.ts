// Multi-line text made safe to show: a terminal's output, a page's paragraphs. Line breaks and tabs
// are layout and stay; every other control and bidi override/isolate goes, as text-safety.ts says. Pure.
import { stripControls } from '../core/text-safety.js';

/** Line breaks (LF, CRLF) and tabs, kept as the separators of the pieces that are cleaned. */
const LAYOUT = /(\r?\n|\t)/;

/** `text` with stripControls applied between its line breaks and tabs. */
export function stripControlsKeepingLines(text: string): string {
  // split() with a capturing group alternates pieces (even indices) and separators (odd indices).
  return text
    .split(LAYOUT)
    .map((part, index) => (index % 2 === 1 ? part : stripControls(part)))
    .join('');
}
