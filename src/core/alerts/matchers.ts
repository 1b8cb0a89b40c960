// Label matchers compiled once per silence: exact values, and `~regex` with RE2 semantics (linear time
// whatever the pattern, like Alertmanager) anchored to the whole value, within the limits a pattern must
// meet. Pure, and without a cache: each silence holds its own compiled matchers, so neither input
// validation nor many silences can push a live matcher out and make matching recompile.
import { RE2JS } from 're2js';
import type { Matchers } from './types.js';

/** Longest `~regex` source a person may write (the `~` excluded). */
export const MAX_REGEX_LENGTH = 200;
/**
 * Largest compiled program (RE2 instructions) of one regex, and of all of one silence's regexes
 * together. Matching costs value length x program size at worst, and a compiled regex is kept for its
 * silence's life at about 0.6 KiB per instruction (measured), so 50 hand-made silences hold at most
 * ~9 MiB. Realistic matchers (lists of names, `pusat-.*`) compile to 12-150.
 */
export const MAX_REGEX_PROGRAM_SIZE = 300;
type Compiled = { readonly regex: RE2JS; readonly problem: null } | { readonly regex: null; readonly problem: string };

/** What matching needs of a compiled regex: RE2JS, or in tests a stand-in that counts its calls. */
export interface WholeValueTest {
  testExact(value: string): boolean;
}

/**
 * A silence's matchers, ready to match: split so the cheap checks (exact values, labels present) can
 * run before the time window, and the regexes after it.
 */
export interface CompiledMatchers {
  readonly exact: readonly (readonly [label: string, value: string])[];
  /** Null where RE2 refuses the source (stored before RE2): it matches nothing. */
  readonly regex: readonly (readonly [label: string, regex: WholeValueTest | null])[];
}

const COUNTED_REPEAT = /^\{(\d+)(,(\d*))?\}/;

/**
 * About RE2's program size, read off the source in one pass: compiling is what costs (a 200-character
 * source of nested counted repeats compiles to 24,000 instructions in over 100 ms), so a source far
 * past the limit is refused before it is compiled. Counts one per atom and operator, two per group,
 * and copies for counted repeats, as RE2 expands them; within a factor of two of programSize().
 */
function estimatedProgramSize(source: string): number {
  interface Group {
    total: number;
    /** The weight of the last atom, which a following repeat multiplies. */
    last: number;
  }
  const groups: Group[] = [{ total: 0, last: 0 }];
  let i = 0;
  while (i < source.length) {
    const char = source[i] as string;
    const group = groups.at(-1) as Group;
    const counted = char === '{' ? COUNTED_REPEAT.exec(source.slice(i)) : null;
    let atom = 0;
    if (char === '\\') {
      // \p{Greek}, \x{10FFFF}: the braces belong to the escape, not a repeat.
      const braced = source[i + 2] === '{' && 'pPx'.includes(source[i + 1] ?? '');
      i = braced ? Math.max(source.indexOf('}', i), i + 1) + 1 : i + 2;
      atom = 1;
    } else if (char === '[') {
      let j = i + (source[i + 1] === '^' ? 2 : 1);
      if (source[j] === ']') j += 1; // a leading "]" is a member, not the end
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      i = j + 1;
      atom = 1;
    } else if (char === '(') {
      groups.push({ total: 0, last: 0 });
      i += 1;
    } else if (char === ')') {
      atom = (groups.length > 1 ? (groups.pop() as Group).total : 0) + 2;
      i += 1;
    } else if (counted !== null) {
      const [whole, low, comma, high] = counted;
      const least = Number(low);
      // x{n}: n copies; x{n,}: n copies and a loop; x{n,m}: n copies, then m - n optional ones (a split each).
      const optional = comma === undefined ? 0 : high === undefined || high === '' ? 1 : Math.max(0, Number(high) - least) * (group.last + 1);
      const repeated = group.last * least + optional;
      group.total += repeated - group.last;
      group.last = repeated;
      i += whole.length;
    } else if ('*+?|'.includes(char)) {
      group.total += 1;
      i += 1;
    } else {
      atom = 1;
      i += 1;
    }
    if (atom > 0) {
      const current = groups.at(-1) as Group;
      current.total += atom;
      current.last = atom;
    }
  }
  return groups.reduce((sum, g) => sum + g.total, 0);
}

const tooComplex = (size: number) => `too complex (about ${size} RE2 instructions, at most ${MAX_REGEX_PROGRAM_SIZE})`;

function compile(source: string): Compiled {
  if (source.length > MAX_REGEX_LENGTH) return { regex: null, problem: `longer than ${MAX_REGEX_LENGTH} characters` };
  const estimate = estimatedProgramSize(source);
  if (estimate > 2 * MAX_REGEX_PROGRAM_SIZE) return { regex: null, problem: tooComplex(estimate) };
  try {
    // The source alone first: `a)|(b` must not become a different pattern once wrapped, and the error
    // then quotes what the person wrote rather than the wrapper.
    RE2JS.compile(source);
    // Anchored like Alertmanager's matchers: "pusat-.*" must match the whole value, not a part of it.
    const regex = RE2JS.compile(`^(?:${source})$`);
    const size = regex.programSize();
    return size > MAX_REGEX_PROGRAM_SIZE ? { regex: null, problem: tooComplex(size) } : { regex, problem: null };
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
    return { regex: null, problem: reason.slice(0, 200) };
  }
}

/**
 * What is wrong with a silence's matchers, by label, or null: a `~regex` RE2 refuses, or all its
 * regexes together past MAX_REGEX_PROGRAM_SIZE. `problem` reads after the field's name.
 */
export function silenceMatchersProblem(matchers: Matchers): { readonly label: string; readonly problem: string } | null {
  let total = 0;
  for (const [label, wanted] of Object.entries(matchers)) {
    if (!wanted.startsWith('~')) continue;
    const { regex, problem } = compile(wanted.slice(1));
    if (regex === null) return { label, problem: `not a valid regular expression for RE2: ${problem}` };
    total += regex.programSize();
    if (total > MAX_REGEX_PROGRAM_SIZE) {
      return { label, problem: `the silence's regexes together are too complex (about ${total} RE2 instructions, at most ${MAX_REGEX_PROGRAM_SIZE})` };
    }
  }
  return null;
}

/** Compiles every `~regex` once; done when a silence is created or loaded, never while matching. */
export function compileMatchers(matchers: Matchers): CompiledMatchers {
  const entries = Object.entries(matchers);
  return {
    exact: entries.filter(([, wanted]) => !wanted.startsWith('~')),
    regex: entries.filter(([, wanted]) => wanted.startsWith('~')).map(([label, wanted]) => [label, compile(wanted.slice(1)).regex]),
  };
}

/** Whether a regex is one RE2 refuses (e.g. stored before RE2), so the shell can say so once. */
export function hasUnusableRegex(matchers: CompiledMatchers): boolean {
  return matchers.regex.some(([, regex]) => regex === null);
}
