// Glob patterns for the directory backlog source, compiled once into a matcher of paths relative to the
// spool ("2026/03/rec-001.wav"), and a test of whether a directory may hold a match at all, so that a
// scan leaves out what the pattern rules out. Pure.
//
// What a pattern may say, as in bash with globstar and in picomatch:
//   *        any characters of one path segment        ?      one character of a segment
//   [abc] [a-z] [!a-z] [^a-z]  one character of a set  {a,b}  either alternative (nested allowed)
//   **       as a whole segment: any number of segments, none included ("**/*.wav" matches "x.wav")
//   \c       the character c itself
// Wildcards never match "/", and never match a leading "." of a segment (".part.wav", ".tmp/"): temporary
// files of an upload client are not recordings; a segment written with its dot (".queue/*") matches it.
// An unclosed "[" or "{", and braces without a comma ("{a}", "{1..3}"), stand for themselves, as in bash.
// A leading "./" is ignored.

export interface GlobMatcher {
  /** Whether the file at this relative path matches. */
  readonly match: (relativePath: string) => boolean;
  /** Whether some file below this relative directory ("2026/03") could match: false means skip it. */
  readonly mayContain: (relativeDir: string) => boolean;
}

/** Brace alternatives one pattern may expand to: "{a,b}{c,d}..." grows as a product. */
export const MAX_GLOB_ALTERNATIVES = 256;

export type CompiledGlob = ({ readonly ok: true } & GlobMatcher) | { readonly ok: false; readonly problem: string };

export function compileGlob(pattern: string): CompiledGlob {
  const expanded = expandBraces(pattern.replace(/^(?:\.\/)+/, ''));
  if (expanded === null) return { ok: false, problem: `expands to more than ${MAX_GLOB_ALTERNATIVES} alternatives` };
  const alternatives = [...new Set(expanded)].map(segmentsOf);
  const regex = new RegExp(`^(?:${alternatives.map(patternRegex).join('|')})$`);
  const steps = alternatives.map((segments) => segments.map((s) => (s === '**' ? GLOBSTAR : new RegExp(`^${segmentRegex(s)}$`))));
  return {
    ok: true,
    match: (relativePath) => regex.test(relativePath),
    mayContain: (relativeDir) => {
      const dirs = relativeDir.split('/').filter((s) => s !== '');
      return steps.some((pattern) => mayHoldMatch(pattern, 0, dirs, 0));
    },
  };
}

const GLOBSTAR = Symbol('**');
type Step = RegExp | typeof GLOBSTAR;

/**
 * Whether a file below the directory `dirs[di..]` could match `pattern[pi..]`: the directory's
 * segments must match the pattern's leading ones with pattern left over for the file itself. "**"
 * takes zero or more directories (none starting with "."), as in the matcher.
 */
function mayHoldMatch(pattern: readonly Step[], pi: number, dirs: readonly string[], di: number): boolean {
  if (di === dirs.length) return pi < pattern.length;
  const step = pattern[pi];
  if (step === undefined) return false;
  if (step === GLOBSTAR) return mayHoldMatch(pattern, pi + 1, dirs, di) || (!(dirs[di] ?? '').startsWith('.') && mayHoldMatch(pattern, pi, dirs, di + 1));
  return step.test(dirs[di] ?? '') && mayHoldMatch(pattern, pi + 1, dirs, di + 1);
}

/** A brace-free pattern's segments: "a//b" is "a/b", and "**\/**" is "**". */
function segmentsOf(pattern: string): string[] {
  return pattern.split('/').filter((s, i, all) => s !== '' && !(s === '**' && all[i - 1] === '**'));
}

/** Every brace alternative of `pattern` spelt out, or null past MAX_GLOB_ALTERNATIVES. */
function expandBraces(pattern: string): string[] | null {
  const group = firstBraceGroup(pattern);
  if (group === null) return [pattern];
  const prefix = pattern.slice(0, group.open);
  const suffix = pattern.slice(group.close + 1);
  const out: string[] = [];
  for (const alternative of group.alternatives) {
    // The prefix holds no group of its own (this one is the first), so expanding the rest suffices.
    const rest = expandBraces(`${alternative}${suffix}`);
    if (rest === null) return null;
    for (const tail of rest) {
      out.push(`${prefix}${tail}`);
      if (out.length > MAX_GLOB_ALTERNATIVES) return null;
    }
  }
  return out;
}

/** The first "{...}" with a comma at its own depth, its alternatives, or null. */
function firstBraceGroup(pattern: string): { open: number; close: number; alternatives: string[] } | null {
  for (let open = 0; open < pattern.length; open++) {
    if (pattern[open] === '\\') {
      open++;
      continue;
    }
    if (pattern[open] !== '{') continue;
    let depth = 0;
    const commas: number[] = [];
    for (let i = open + 1; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === '\\') i++;
      else if (c === '{') depth++;
      else if (c === ',' && depth === 0) commas.push(i);
      else if (c === '}') {
        if (depth > 0) {
          depth--;
          continue;
        }
        if (commas.length === 0) break;
        const cuts = [open, ...commas, i];
        return { open, close: i, alternatives: cuts.slice(1).map((cut, k) => pattern.slice((cuts[k] ?? 0) + 1, cut)) };
      }
    }
  }
  return null;
}

/** Any number of whole segments, none starting with ".", each followed by "/". */
const GLOBSTAR_DIRS = '(?:(?!\\.)[^/]+/)*';
/** One or more whole segments, none starting with ".": "**" at the end of a pattern. */
const GLOBSTAR_TAIL = '(?!\\.)[^/]+(?:/(?!\\.)[^/]+)*';

/** One brace-free pattern's segments as a regular expression source. */
function patternRegex(segments: readonly string[]): string {
  return segments
    .map((segment, i) => {
      const last = i === segments.length - 1;
      if (segment === '**') return last ? GLOBSTAR_TAIL : GLOBSTAR_DIRS;
      return `${segmentRegex(segment)}${last ? '' : '/'}`;
    })
    .join('');
}

/** One path segment: wildcards stay inside it and keep off a leading dot. */
function segmentRegex(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charAt(i);
    const atStart = i === 0;
    const guard = atStart ? '(?!\\.)' : '';
    if (c === '\\') {
      i++;
      out += escapeRegex(i < segment.length ? segment.charAt(i) : '\\');
    } else if (c === '*') {
      while (segment[i + 1] === '*') i++;
      out += `${guard}[^/]*`;
    } else if (c === '?') {
      out += `${guard}[^/]`;
    } else if (c === '[') {
      const set = characterSet(segment, i);
      if (set === null) out += '\\[';
      else {
        out += `${guard}${set.source}`;
        i = set.end;
      }
    } else out += escapeRegex(c);
  }
  return out;
}

/** The set opening at `open` as a regex class that never matches "/", and where it ends; null if unclosed or invalid. */
function characterSet(segment: string, open: number): { source: string; end: number } | null {
  let i = open + 1;
  const negated = segment[i] === '!' || segment[i] === '^';
  if (negated) i++;
  const items: string[] = [];
  const start = i;
  for (; i < segment.length; i++) {
    let c = segment.charAt(i);
    // "]" first in the set is one of its members, not its end.
    if (c === ']' && i > start) {
      return { source: `[${negated ? '^/' : ''}${items.join('')}]`, end: i };
    }
    if (c === '\\' && i + 1 < segment.length) c = segment.charAt(++i);
    const to = segment[i + 1] === '-' && i + 2 < segment.length && segment[i + 2] !== ']' ? segment.charAt(i + 2) : null;
    if (to !== null) {
      if (to < c) return null;
      items.push(`${escapeClass(c)}-${escapeClass(to)}`);
      i += 2;
    } else items.push(escapeClass(c));
  }
  return null;
}

function escapeRegex(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

function escapeClass(c: string): string {
  return /[\\\]\[^-]/.test(c) ? `\\${c}` : c;
}
