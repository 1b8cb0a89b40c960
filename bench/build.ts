// Turns the floors (bench/floor.ts, bench/gate-floor.ts and the rounds.ts they import) into plain
// JavaScript with the TypeScript compiler, so each floor runs as `node file.js`: no tsx loader in the
// measured process. Writes under node_modules/.cache so that `undici` resolves from the repository.
// File I/O.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { BENCH_DIR, REPO_DIR } from './spawn.js';

const OUT_DIR = join(REPO_DIR, 'node_modules', '.cache', 'jaga-bench');

export interface FloorScripts {
  /** The probing floor (floor.ts). */
  readonly probes: string;
  /** The gate-read floor (gate-floor.ts). */
  readonly gateReads: string;
}

/** Transpiles the floors; returns the paths of their scripts. */
export function buildFloors(): FloorScripts {
  mkdirSync(OUT_DIR, { recursive: true });
  for (const name of ['floor', 'gate-floor', 'rounds']) {
    const source = readFileSync(join(BENCH_DIR, `${name}.ts`), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
      fileName: `${name}.ts`,
    });
    writeFileSync(join(OUT_DIR, `${name}.js`), outputText);
  }
  // ESM, whatever the nearest package.json says.
  writeFileSync(join(OUT_DIR, 'package.json'), '{"type":"module"}\n');
  return { probes: join(OUT_DIR, 'floor.js'), gateReads: join(OUT_DIR, 'gate-floor.js') };
}
