// The layout as a test: the core is pure, layers import only downwards, no cycle crosses a folder,
// main.ts is the only file at src/ root, and the shell side reads time only through the Clock. The judges are checked first on made-up files, so that a
// check that could never fail would show here. Reads the source tree.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { clockProblems, crossFolderCycles, importsOf, layeringProblems, purityProblems, readSources, type SourceFile } from './imports.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const file = (path: string, text: string): SourceFile => ({ path, text });

test('the purity judge: what a core file may not do', () => {
  const cases: { text: string; problem: RegExp | null }[] = [
    { text: "import { x } from './types.js';\nexport const y = x;", problem: null },
    { text: "import { RE2JS } from 're2js';", problem: null },
    { text: "import type { Store } from '../store/sqlite.js';", problem: /outside core/ },
    { text: "import { readFileSync } from 'node:fs';", problem: /not a pure package/ },
    { text: 'export const now = () => Date.now();', problem: /Date\.now/ },
    { text: 'export const today = () => new Date();', problem: /new Date\(\)/ },
    { text: 'export const at = (ms: number) => new Date(ms);', problem: null },
    { text: 'export const wait = (f: () => void) => setTimeout(f, 5);', problem: /timer/ },
    { text: 'export const id = () => Math.random();', problem: /randomness/ },
    { text: 'export const home = () => process.env.HOME;', problem: /process/ },
    { text: 'export const get = (u: string) => fetch(u);', problem: /I\/O/ },
    { text: '// Date.now() is passed in, never read here\nexport const z = 1;', problem: null },
    { text: "export const words = 'setTimeout is not used';", problem: null },
  ];
  for (const { text, problem } of cases) {
    const problems = purityProblems([file('src/core/example.ts', text)]);
    if (problem === null) assert.deepEqual(problems, [], text);
    else assert.ok(problems.some((p) => problem.test(p)), `${text}: ${problems.join('; ')}`);
  }
  assert.deepEqual(purityProblems([file('src/shell/engine.ts', 'export const now = () => Date.now();')]), [], 'only core is judged');
});

test('the layering judge: down is fine, up and sideways are not', () => {
  const edges = (from: string, text: string) => importsOf(file(from, text));
  assert.deepEqual(layeringProblems(edges('src/shell/engine.ts', "import { decideGate } from '../core/gate.js';")), []);
  assert.deepEqual(layeringProblems(edges('src/main.ts', "import { Engine } from './shell/engine.js';")), []);
  assert.match(layeringProblems(edges('src/config/schema.ts', "import { x } from '../notifiers/email.js';")).join(), /config\/ is below notifiers\//);
  assert.match(layeringProblems(edges('src/actions/webhook.ts', "import { x } from '../notifiers/outbox.js';")).join(), /side by side/);
  assert.match(layeringProblems(edges('src/extra.ts', "import { x } from './core/gate.js';")).join(), /in no layer/);
  assert.deepEqual(layeringProblems(edges('src/http/api/api.ts', "import type { X } from '../../shell/engine.js';\nexport { y } from '../app.js';")), []);
});

test('the cycle judge: a cycle across folders is found, one inside a folder is left to the folder', () => {
  const across = [
    ...importsOf(file('src/i18n/catalogue.ts', "import type { P } from '../core/requests.js';")),
    ...importsOf(file('src/core/requests.ts', "import { catalogue } from '../i18n/catalogue.js';")),
  ];
  assert.deepEqual(crossFolderCycles(across), [['src/core/requests.ts', 'src/i18n/catalogue.ts']]);
  const inside = [
    ...importsOf(file('src/store/sqlite.ts', "import { A } from './audit.js';")),
    ...importsOf(file('src/store/audit.ts', "import type { Db } from './sqlite.js';")),
  ];
  assert.deepEqual(crossFolderCycles(inside), []);
});

test('the clock judge: the shell side reads time, waits and draws only through the Clock', () => {
  const cases: { path: string; text: string; problem: RegExp | null }[] = [
    { path: 'src/shell/engine.ts', text: 'const at = this.deps.clock.now();', problem: null },
    { path: 'src/shell/engine.ts', text: 'const at = Date.now();', problem: /engine\.ts uses Date\.now 1 time/ },
    { path: 'src/actions/command.ts', text: 'const started = new Date();', problem: /new Date\(\)/ },
    { path: 'src/actions/command.ts', text: 'const since = new Date(gate.since).toISOString();', problem: null },
    { path: 'src/notifiers/outbox.ts', text: 'const t = performance.now();', problem: /performance\.now/ },
    { path: 'src/http/admin/session.ts', text: 'setTimeout(expire, 1_000);', problem: /setTimeout/ },
    { path: 'src/main.ts', text: 'const loop = setInterval(tick, 1_000);', problem: /setInterval/ },
    { path: 'src/shell/engine.ts', text: 'setImmediate(() => this.tick());', problem: /setImmediate/ },
    { path: 'src/shell/alert-pipeline.ts', text: 'const id = Math.random();', problem: /Math\.random/ },
    { path: 'src/shell/engine.ts', text: '// not setImmediate: one clock.sleep(0) turn\nconst x = 1;', problem: null },
    { path: 'src/core/gate.ts', text: 'const at = Date.now();', problem: null },
    { path: 'src/probes/probe.ts', text: 'const started = performance.now();', problem: null },
    { path: 'src/runtime/clock.ts', text: 'now: () => Date.now(),', problem: null },
  ];
  for (const { path, text, problem } of cases) {
    const problems = clockProblems([file(path, text)]);
    if (problem === null) assert.deepEqual(problems, [], `${path}: ${text}`);
    else assert.ok(problems.some((p) => problem.test(p)), `${path}: ${text}: ${problems.join('; ')}`);
  }
  // The allow-list is exact: one more real timer than argued fails, and so does one fewer (a stale entry).
  const realTimers = [{ path: 'src/actions/process.ts', uses: { setTimeout: 1 }, why: 'a kill timer' }];
  assert.deepEqual(clockProblems([file('src/actions/process.ts', 'setTimeout(kill, ms);')], realTimers), []);
  assert.match(clockProblems([file('src/actions/process.ts', 'setTimeout(kill, ms); setTimeout(reap, ms);')], realTimers).join(), /2 time\(s\) \(1 allowed as real I\/O\)/);
  assert.match(clockProblems([file('src/actions/process.ts', 'kill();')], realTimers).join(), /shrink REAL_TIMERS/);
});

const sources = readSources(ROOT);
const edges = sources.flatMap(importsOf);

test('the core is pure: it imports only the core and pure packages, and reads no clock, timer, randomness, environment or I/O', () => {
  assert.ok(sources.filter((s) => s.path.startsWith('src/core/')).length >= 15, 'core/ holds the decisions');
  assert.deepEqual(purityProblems(sources), []);
});

test('every layer imports only its own folder and the layers below it', () => {
  assert.deepEqual(layeringProblems(edges), []);
});

test('no import cycle crosses a folder', () => {
  assert.deepEqual(crossFolderCycles(edges), []);
});

test('shell/, actions/, notifiers/, outbox/, http/ and main.ts read time, wait and draw only through the Clock (real I/O timers argued in REAL_TIMERS)', () => {
  assert.deepEqual(clockProblems(sources), []);
});

test('main.ts is the only file at src/ root', () => {
  const files = readdirSync(`${ROOT}/src`, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
  assert.deepEqual(files, ['main.ts']);
});
