// `~regex` label matchers: RE2 semantics (linear time whatever the pattern, like Alertmanager), anchored
// to the whole value, with the limits a pattern must meet. Pure: the only state is a bounded memo.
import { RE2JS } from 're2js';

/** Longest `~regex` source a person may write (the `~` excluded). */
export const MAX_REGEX_LENGTH = 200;
/**
 * Largest compiled program (RE2 instructions). Matching costs value length x program size at worst;
 * realistic matchers (lists of names, `pusat-.*`) stay under 150, so 500 refuses only synthetic bulk.
 */
export const MAX_REGEX_PROGRAM_SIZE = 500;
/** Compiled matchers kept; each holds a few KiB to ~150 KiB of program and DFA cache. */
const MAX_COMPILED = 256;

type Compiled = { readonly regex: RE2JS; readonly problem: null } | { readonly regex: null; readonly problem: string };

/** Least recently used first (a Map keeps insertion order; a hit moves its entry to the end). */
const compiled = new Map<string, Compiled>();

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

function compiledOf(source: string): Compiled {
  const cached = compiled.get(source);
  if (cached !== undefined) {
    compiled.delete(source);
    compiled.set(source, cached);
    return cached;
  }
  const fresh = compile(source);
  compiled.set(source, fresh);
  if (compiled.size > MAX_COMPILED) {
    const oldest = compiled.keys().next();
    if (oldest.done !== true) compiled.delete(oldest.value);
  }
  return fresh;
}

/** Null when RE2 accepts the source (without the `~`) as a matcher; else a short English reason. */
export function regexMatcherProblem(source: string): string | null {
  return compiledOf(source).problem;
}

/** Whether the source (without the `~`) matches the whole value; a source RE2 refuses matches nothing. */
export function regexMatches(source: string, value: string): boolean {
  const { regex } = compiledOf(source);
  return regex !== null && regex.testExact(value);
}

/** Whether a `~regex` value is one RE2 refuses (e.g. stored before RE2), so the shell can say so once. */
export function hasUnusableRegex(matchers: Readonly<Record<string, string>>): boolean {
  return Object.values(matchers).some((wanted) => wanted.startsWith('~') && regexMatcherProblem(wanted.slice(1)) !== null);
}
