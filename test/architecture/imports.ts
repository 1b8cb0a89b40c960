// Reads the import graph of src/ and judges it against the layout: which folder a file belongs to, the
// order of the layers, and what a file of the pure core may not touch. File reads only; the judging
// functions are pure and have their own table-driven test (architecture.test.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * The layers, lowest first. A file may import from its own layer and from lower ones, never from a
 * higher one; the three gate-facing seams (probes, notifiers, actions) share a rank and do not import
 * one another. `main` is src/main.ts alone, the composition root the CLI's `start` calls.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['core'],
  ['runtime'],
  ['config'],
  ['i18n'],
  ['store'],
  ['views'],
  // The durable outbox (one sender, the Notifier seam): below the seams, so that a gate action's webhook
  // and the alert channels plug into the same queue without importing one another.
  ['outbox'],
  ['probes', 'notifiers', 'actions'],
  ['shell'],
  ['http'],
  ['main'],
  ['cli'],
];

/** Packages the core may use: pure computation, no clock, I/O or global state (RE2 matching, schemas). */
export const PURE_PACKAGES: ReadonlySet<string> = new Set(['re2js', 'zod']);

/** What a core file may not name: clocks, timers, randomness, the environment, the process, I/O. */
export const IMPURE_WORDS: readonly { readonly pattern: RegExp; readonly what: string }[] = [
  { pattern: /\bDate\.now\b/, what: 'reads the clock (Date.now)' },
  { pattern: /\bnew Date\(\s*\)/, what: 'reads the clock (new Date())' },
  { pattern: /\bperformance\b/, what: 'reads the clock (performance)' },
  { pattern: /\b(?:setTimeout|setInterval|setImmediate|queueMicrotask|clearTimeout|clearInterval)\b/, what: 'uses a timer' },
  { pattern: /\bMath\.random\b|\bcrypto\b|\brandomUUID\b|\bgetRandomValues\b/, what: 'uses randomness' },
  { pattern: /\bprocess\b/, what: 'reads the process or its environment' },
  { pattern: /\b(?:fetch|require)\s*\(|\bXMLHttpRequest\b|\bWebSocket\b/, what: 'does I/O' },
  { pattern: /\bglobalThis\b/, what: 'reaches global state' },
];

export interface SourceFile {
  /** Path from the repository root, with forward slashes: `src/core/gate.ts`. */
  readonly path: string;
  readonly text: string;
}

export interface Edge {
  readonly from: string;
  /** A path like `src/core/types.ts` for a relative import, the bare specifier otherwise. */
  readonly to: string;
  readonly relative: boolean;
}

export function readSources(root: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) out.push({ path, text: readFileSync(join(root, path), 'utf8') });
    }
  };
  walk('src');
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** The text without comments and string contents, so that words in them are not taken for code. */
export function codeOnly(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/(^|[^:\\])\/\/.*$/gm, '$1')
    .replace(/`(?:\\[\s\S]|[^`\\])*`/g, '``')
    .replace(/'(?:\\.|[^'\\\n])*'/g, "''")
    .replace(/"(?:\\.|[^"\\\n])*"/g, '""');
}

const IMPORT = /(?:^|[;\s])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

export function importsOf(file: SourceFile): Edge[] {
  const text = file.text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:\\])\/\/.*$/gm, '$1');
  const edges: Edge[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2] ?? '';
    if (specifier.startsWith('.')) {
      const target = normalize(join(dirname(file.path), specifier)).replace(/\\/g, '/').replace(/\.js$/, '.ts');
      edges.push({ from: file.path, to: target, relative: true });
    } else edges.push({ from: file.path, to: specifier, relative: false });
  }
  return edges;
}

/** `src/core/alerts/rules.ts` -> `core`; `src/main.ts` -> `main`; anything else at src/ root -> its file name. */
export function folderOf(path: string): string {
  const parts = relative('src', path).replace(/\\/g, '/').split('/');
  return parts.length > 1 ? (parts[0] ?? '') : (parts[0] ?? '').replace(/\.ts$/, '');
}

function rankOf(folder: string): number {
  return LAYERS.findIndex((layer) => layer.includes(folder));
}

/** Every import that breaks the layering, as readable lines. */
export function layeringProblems(edges: readonly Edge[]): string[] {
  const problems: string[] = [];
  for (const edge of edges) {
    if (!edge.relative) continue;
    const from = folderOf(edge.from);
    const to = folderOf(edge.to);
    const fromRank = rankOf(from);
    const toRank = rankOf(to);
    if (fromRank < 0) problems.push(`${edge.from}: ${from}/ is in no layer (add it to LAYERS or move the file)`);
    else if (toRank < 0) problems.push(`${edge.from} imports ${edge.to}: ${to}/ is in no layer`);
    else if (toRank > fromRank) problems.push(`${edge.from} imports ${edge.to}: ${from}/ is below ${to}/`);
    else if (toRank === fromRank && from !== to) problems.push(`${edge.from} imports ${edge.to}: ${from}/ and ${to}/ are side by side`);
  }
  return problems;
}

/** Every way a core file reaches outside the core, as readable lines. */
export function purityProblems(files: readonly SourceFile[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    if (folderOf(file.path) !== 'core') continue;
    for (const edge of importsOf(file)) {
      if (edge.relative && folderOf(edge.to) !== 'core') problems.push(`${file.path} imports ${edge.to}, outside core/`);
      if (!edge.relative && !PURE_PACKAGES.has(edge.to)) problems.push(`${file.path} imports ${edge.to}, which is not a pure package`);
    }
    const code = codeOnly(file.text);
    for (const { pattern, what } of IMPURE_WORDS) {
      const found = pattern.exec(code);
      if (found) problems.push(`${file.path} ${what}: "${found[0]}"`);
    }
  }
  return problems;
}

/** Import cycles between files of different folders (Tarjan's strongly connected components). */
export function crossFolderCycles(edges: readonly Edge[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const edge of edges) {
    if (!edge.relative) continue;
    graph.set(edge.from, [...(graph.get(edge.from) ?? []), edge.to]);
    if (!graph.has(edge.to)) graph.set(edge.to, []);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(to) ?? 0));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node) ?? 0, index.get(to) ?? 0));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (new Set(component.map(folderOf)).size > 1) cycles.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

/**
 * Where every reading of time, every wait and every random draw goes through the Clock (runtime/clock.ts):
 * the shell, the seams that act on the world, the durable outbox's sender, HTTP and the composition root.
 */
export const CLOCK_ONLY_FOLDERS: ReadonlySet<string> = new Set(['shell', 'actions', 'notifiers', 'outbox', 'http', 'main']);

/** What such a file may not name: the clocks, timers and randomness the Clock stands for. */
export const CLOCK_WORDS: readonly { readonly word: string; readonly pattern: RegExp }[] = [
  { word: 'Date.now', pattern: /\bDate\.now\b/g },
  { word: 'new Date()', pattern: /\bnew Date\(\s*\)/g },
  { word: 'performance.now', pattern: /\bperformance\.now\b/g },
  { word: 'setTimeout', pattern: /\bsetTimeout\b/g },
  { word: 'setInterval', pattern: /\bsetInterval\b/g },
  { word: 'setImmediate', pattern: /\bsetImmediate\b/g },
  { word: 'Math.random', pattern: /\bMath\.random\b/g },
];

/**
 * Real timers that must stay real, each counted and argued: they guard real I/O that runs in real time
 * whatever clock jaga is on (on a fake clock, which waits for in-flight work before moving time on, a
 * guard on virtual time would never fire).
 */
export const REAL_TIMERS: readonly { readonly path: string; readonly uses: Readonly<Record<string, number>>; readonly why: string }[] = [
  {
    path: 'src/main.ts',
    uses: { setTimeout: 1 },
    why: 'shutdown closes the HTTP listener: after 2 s the sockets still open are closed, whatever the clock',
  },
];

/** Every reading of time, wait or random draw outside the Clock in the clock-only folders, as readable lines. */
export function clockProblems(files: readonly SourceFile[], realTimers: typeof REAL_TIMERS = REAL_TIMERS): string[] {
  const problems: string[] = [];
  for (const file of files) {
    if (!CLOCK_ONLY_FOLDERS.has(folderOf(file.path))) continue;
    const allowed = realTimers.find((r) => r.path === file.path)?.uses ?? {};
    const code = codeOnly(file.text);
    for (const { word, pattern } of CLOCK_WORDS) {
      const count = code.match(pattern)?.length ?? 0;
      const expected = allowed[word] ?? 0;
      if (count > expected) problems.push(`${file.path} uses ${word} ${count} time(s)${expected > 0 ? ` (${expected} allowed as real I/O)` : ''}: go through the Clock`);
      else if (count < expected) problems.push(`${file.path} uses ${word} ${count} time(s), the allow-list says ${expected}: shrink REAL_TIMERS`);
    }
  }
  return problems;
}
