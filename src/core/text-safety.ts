// Which characters free text from people and remote servers must not carry: C0 and C1 controls, DEL
// (terminal escapes, forged lines) and bidi overrides/isolates (text shown reordered). Pure.

// DEL and C1 (U+007F-U+009F), bidi embeddings and overrides (U+202A-U+202E), bidi isolates
// (U+2066-U+2069); with C0 (U+0000-U+001F, tab and line breaks included: stored free text is one line).
const BEYOND_C0 = '\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069';
const CONTROL_SOURCE = `[\\u0000-\\u001f${BEYOND_C0}]`;
const CONTROL = new RegExp(CONTROL_SOURCE);
const CONTROLS = new RegExp(CONTROL_SOURCE, 'g');

/** The controls other than C0, for output whose C0 is its own layout (a coloured log uses ESC). */
export const CONTROLS_BEYOND_C0 = new RegExp(`[${BEYOND_C0}]`, 'g');

/** What a control shows as once stripped: visible, so a reader sees that something was there. */
export const CONTROL_REPLACEMENT = '\ufffd';

export function hasControls(text: string): boolean {
  return CONTROL.test(text);
}

/** The text with every control and bidi override/isolate replaced by U+FFFD, e.g. for a terminal. */
export function stripControls(text: string): string {
  return text.replace(CONTROLS, CONTROL_REPLACEMENT);
}
