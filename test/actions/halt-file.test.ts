// The halt_file action on real files: there while halted, gone while allowed, made so on start (jaga's own
// stale file from before is removed), put back when someone removes it, retried after EROFS (a real
// read-only tmpfs) without ever throwing; a file jaga did not write is never touched, a missing parent
// directory is never made; a path it cannot read is a reason, never a throw; a symlink planted at its
// temporary file's name is never followed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { haltFilePathProblem, isOwnHaltFile } from '../../src/actions/halt-file.js';
import type { Store } from '../../src/store/sqlite.js';
import { ACTIONS_CLOCK, gateAt, startActions, type Harness } from '../helpers/gate-actions.js';
import { tempStore, type TempStore } from '../helpers/temp-store.js';
import { mountTmpfs, type Tmpfs } from '../helpers/tmpfs.js';
import { waitFor } from '../helpers/wait.js';

let temp: TempStore;
let dir: string;
let store: Store;
let harnesses: Harness[];

beforeEach(() => {
  temp = tempStore('jaga-haltfile-');
  ({ dir, store } = temp);
  harnesses = [];
});
afterEach(async () => {
  for (const h of harnesses) await h.actions.stop(1_000);
  temp.remove();
});

/** `now`: the wall clock the action reads, when the test moves it by hand. */
function haltFile(path: string, now?: () => number): Harness {
  const h = startActions([{ type: 'halt_file', path }], store, now ? { clock: { ...ACTIONS_CLOCK, now } } : {});
  harnesses.push(h);
  return h;
}

/** Hands `view` on every 10 ms (as the engine does every second) until `predicate` holds. */
async function driveUntil(h: Harness, view: ReturnType<typeof gateAt>, predicate: () => boolean, what: string): Promise<void> {
  await waitFor(
    () => {
      h.actions.update(view);
      return predicate();
    },
    3_000,
    what,
  );
}

describe('halt_file', () => {
  test('appears on halt, disappears on allow', async () => {
    mkdirSync(join(dir, 'run', 'jaga'), { recursive: true });
    const path = join(dir, 'run', 'jaga', 'HALT');
    const h = haltFile(path);
    await driveUntil(h, gateAt('allowed', 1_000), () => h.count('halt_file', 'ok') === 0 && h.logs.length === 0, 'nothing to do while allowed');
    assert.equal(existsSync(path), false);

    const halted = gateAt('halted', Date.UTC(2024, 5, 11), ['CENTRAL_UNREACHABLE', 'STORAGE_CRITICAL']);
    await driveUntil(h, halted, () => existsSync(path), 'the halt file');
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), {
      written_by: 'jaga',
      state: 'halted',
      since: '2024-06-11T00:00:00.000Z',
      reasons: ['CENTRAL_UNREACHABLE', 'STORAGE_CRITICAL'],
    });
    assert.deepEqual(readdirSync(join(dir, 'run', 'jaga')), ['HALT'], 'no temporary file left behind');

    await driveUntil(h, gateAt('allowed', Date.UTC(2024, 5, 11, 1)), () => h.count('halt_file', 'ok') === 2, 'the halt file to go');
    assert.equal(existsSync(path), false);
    const done = h.logs.filter((l) => l.action === 'halt_file' && l.result === 'ok').map((l) => [l.msg, l.state]);
    assert.deepEqual(done, [
      ['halt file created', 'halted'],
      ['halt file removed', 'allowed'],
    ]);
    assert.equal(h.count('halt_file', 'ok'), 2);
  });

  test('on start while allowed, its own stale file from before is removed; while halted, its own old one is rewritten', async () => {
    const path = join(dir, 'HALT');
    writeFileSync(path, '{"written_by":"jaga","state":"halted","since":"2024-06-01T00:00:00.000Z","reasons":["STORAGE_FLOOR"]}\n');
    const h = haltFile(path);
    await driveUntil(h, gateAt('allowed', 5), () => !existsSync(path), 'the stale halt file to be removed');

    // Written by a version before the marker: still recognised as jaga's own.
    writeFileSync(path, '{"state":"halted","since":"2024-06-01T00:00:00.000Z","reasons":["STORAGE_FLOOR"]}\n');
    const again = haltFile(join(dir, 'HALT'));
    await driveUntil(again, gateAt('halted', 0, ['PROBES_STALE']), () => readFileSync(path, 'utf8').includes('PROBES_STALE'), 'the content to be put right');
  });

  test('a file jaga did not write stays byte for byte through halt -> allow cycles, and each refusal is reported', async () => {
    const path = join(dir, 'rekam.conf');
    const foreign = '# rekam station config\nserver=10.0.0.5\n';
    writeFileSync(path, foreign);
    let now = 0;
    const h = haltFile(path, () => now);
    for (const [i, view] of [gateAt('halted', 0), gateAt('allowed', 1), gateAt('halted', 2), gateAt('allowed', 3)].entries()) {
      now += 1_000; // past haltFileRetryMs: every update is a new attempt
      const before = h.count('halt_file', 'failed');
      await driveUntil(h, view, () => h.count('halt_file', 'failed') > before, `refusal ${i + 1}`);
      assert.equal(readFileSync(path, 'utf8'), foreign);
    }
    assert.equal(h.count('halt_file', 'ok'), 0);
    assert.deepEqual(readdirSync(dir).filter((f) => f !== 'jaga.db' && !f.startsWith('jaga.db-')), ['rekam.conf'], 'no temporary file left');
    const errors = h.logs.filter((l) => l.level === 50);
    assert.equal(errors.length, 1, 'loud once, then quiet');
    assert.equal(errors[0]?.problem, 'holds a file jaga did not write');
    assert.match(String(errors[0]?.msg), /leaves it untouched/);
  });

  test('a foreign file put where jaga\'s own was (after the start check) is left alone', async () => {
    const path = join(dir, 'HALT');
    const h = haltFile(path);
    await driveUntil(h, gateAt('halted', 0), () => existsSync(path), 'the halt file');
    writeFileSync(path, 'mine now\n');
    await driveUntil(h, gateAt('allowed', 1), () => h.count('halt_file', 'failed') === 1, 'the refusal to remove it');
    assert.equal(readFileSync(path, 'utf8'), 'mine now\n');
  });

  test('a missing parent directory is not made: the write fails and is retried', async () => {
    const path = join(dir, 'typo', 'HALT');
    const h = haltFile(path);
    await driveUntil(h, gateAt('halted', 0), () => h.count('halt_file', 'retry') >= 1, 'the failed write');
    assert.equal(existsSync(join(dir, 'typo')), false);
    assert.match(String((h.logs.find((l) => l.level === 50)?.err as { code?: string } | undefined)?.code), /ENOENT/);
  });

  test('haltFilePathProblem: null for an absent path in an existing directory or jaga\'s own file, else why', () => {
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'own'), '{"written_by":"jaga","state":"halted","since":"2024-06-01T00:00:00.000Z","reasons":[]}\n');
    writeFileSync(join(dir, 'conf'), 'server=10.0.0.5\n');
    writeFileSync(join(dir, 'json'), '{"state":"halted","owner":"someone"}\n');
    writeFileSync(join(dir, 'big'), `{"written_by":"jaga","pad":"${'x'.repeat(20_000)}"}`);
    writeFileSync(join(dir, 'empty'), '');
    symlinkSync(join(dir, 'own'), join(dir, 'link'));
    symlinkSync(join(dir, 'loop'), join(dir, 'loop'));
    const cases: [string, string | null][] = [
      [join(dir, 'absent'), null],
      [join(dir, 'own'), null],
      [join(dir, 'conf'), 'holds a file jaga did not write'],
      [join(dir, 'json'), 'holds a file jaga did not write'],
      [join(dir, 'big'), 'holds a file jaga did not write'],
      [join(dir, 'empty'), 'holds a file jaga did not write'],
      [join(dir, 'sub'), 'is a directory'],
      [join(dir, 'link'), 'is a symbolic link'],
      [join(dir, 'nope', 'HALT'), `parent directory ${join(dir, 'nope')} does not exist`],
      [join(dir, 'conf', 'HALT'), `parent ${join(dir, 'conf')} is not a directory`],
      [join(dir, 'loop', 'HALT'), 'cannot be checked (ELOOP)'],
      // A small regular file whose read fails even for root: offset 0 of a process's memory is unmapped.
      ['/proc/self/mem', 'cannot be read (EIO)'],
    ];
    for (const [path, problem] of cases) assert.equal(haltFilePathProblem(path), problem, path);
  });

  test('haltFilePathProblem as an unprivileged user: what it may not read is a reason, not a throw out of the start', () => {
    // Root reads mode 000 files, so the check runs in a child as nobody, as jaga does when not run as root.
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'unreadable'), '{"written_by":"jaga"}\n', { mode: 0o000 });
    mkdirSync(join(dir, 'closed'), { mode: 0o700 });
    const cases: [string, string][] = [
      [join(dir, 'unreadable'), 'cannot be read (EACCES)'],
      [join(dir, 'closed', 'HALT'), 'cannot be checked (EACCES)'],
    ];
    const module = fileURLToPath(new URL('../../src/actions/halt-file.ts', import.meta.url));
    const script = `import { haltFilePathProblem } from ${JSON.stringify(module)};
      const problems = ${JSON.stringify(cases.map(([path]) => path))}.map((path) => { try { return haltFilePathProblem(path); } catch (error) { return 'threw ' + error.code; } });
      console.log(JSON.stringify(problems));`;
    const child = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(child.status, 0, `the child as nobody: ${child.error?.message ?? child.stderr}`);
    assert.deepEqual(JSON.parse(child.stdout), cases.map(([, problem]) => problem));
  });

  test('a halt file path jaga cannot read is refused at run time too, and left alone', async () => {
    const h = haltFile('/proc/self/mem'); // a small regular file whose read fails with EIO, even for root
    await driveUntil(h, gateAt('halted', 0), () => h.count('halt_file', 'failed') === 1, 'the refusal');
    assert.equal(h.count('halt_file', 'retry'), 0);
    assert.equal(h.logs.find((l) => l.level === 50)?.problem, 'cannot be read (EIO)');
  });

  test('a symlink planted at the temporary file\'s name is not followed: its target stays as it was', async () => {
    const victim = join(dir, 'shadow');
    writeFileSync(victim, 'root:x:0:0\n');
    const path = join(dir, 'HALT');
    // The harness runs the action in this process, so its temporary name carries this pid.
    symlinkSync(victim, `${path}.jaga-${process.pid}.tmp`);
    const h = haltFile(path);
    await driveUntil(h, gateAt('halted', 0), () => h.count('halt_file', 'ok') === 1, 'the halt file');
    assert.equal(readFileSync(victim, 'utf8'), 'root:x:0:0\n');
    assert.equal(h.count('halt_file', 'retry'), 0, 'what was at the name did not delay the halt file');
    assert.ok(lstatSync(path).isFile(), 'the halt file is a file of its own, not the planted link');
    assert.ok(isOwnHaltFile(readFileSync(path, 'utf8')));
    assert.deepEqual(readdirSync(dir).filter((f) => !f.startsWith('jaga.db')).sort(), ['HALT', 'shadow']);
  });

  test('isOwnHaltFile: the marker, or exactly the unmarked shape older versions wrote', () => {
    const cases: [string, boolean][] = [
      ['{"written_by":"jaga","state":"halted","since":"x","reasons":[]}', true],
      ['{"written_by":"jaga"}', true],
      ['{"state":"halted","since":"2024-06-01T00:00:00.000Z","reasons":["PROBES_STALE"]}', true],
      ['{"state":"halted","since":"2024-06-01T00:00:00.000Z","reasons":["PROBES_STALE"],"x":1}', false],
      ['{"state":"allowed","since":"2024-06-01T00:00:00.000Z","reasons":[]}', false],
      ['{"written_by":"someone"}', false],
      ['["written_by","jaga"]', false],
      ['null', false],
      ['written_by: jaga', false],
      ['', false],
    ];
    for (const [text, own] of cases) assert.equal(isOwnHaltFile(text), own, text);
  });

  test('reasons that change while halted update the content; a file removed by someone comes back', async () => {
    const path = join(dir, 'HALT');
    const h = haltFile(path);
    await driveUntil(h, gateAt('halted', 0, ['CENTRAL_UNREACHABLE']), () => existsSync(path), 'the halt file');
    await driveUntil(h, gateAt('halted', 0, ['STORAGE_FLOOR']), () => readFileSync(path, 'utf8').includes('STORAGE_FLOOR'), 'new reasons');
    rmSync(path);
    await driveUntil(h, gateAt('halted', 0, ['STORAGE_FLOOR']), () => existsSync(path), 'the removed file to be put back (recheck)');
    assert.ok(h.logs.some((l) => l.level === 40 && /changed outside jaga/.test(l.msg)), 'the repair is logged as a warning');
  });

  test('a failure (EROFS) is logged once, retried on later updates, and never thrown', async () => {
    // Needs root, like every tmpfs test: where mount is refused this fails loudly, it never skips.
    const tmpfs: Tmpfs = mountTmpfs('size=1m');
    try {
      tmpfs.remount('ro');
      const path = join(tmpfs.dir, 'HALT');
      const h = haltFile(path);
      const halted = gateAt('halted', 0);
      await driveUntil(h, halted, () => h.count('halt_file', 'retry') >= 3, 'three failed attempts');
      const errors = h.logs.filter((l) => l.level === 50);
      assert.equal(errors.length, 1, 'loud once, then quiet');
      assert.match(String((errors[0]?.err as { code?: string } | undefined)?.code), /EROFS/);
      tmpfs.remount('rw');
      await driveUntil(h, halted, () => existsSync(path), 'the halt file once the mount is writable again');
      assert.ok(h.logs.some((l) => l.msg === 'halt file created' && l.recovered === true));
    } finally {
      tmpfs.unmount();
      tmpfs.remove();
    }
  });

  test('retries are spaced by haltFileRetryMs, not made on every decision', async () => {
    const blocker = join(dir, 'not-a-directory');
    writeFileSync(blocker, '');
    let now = 0;
    const h = haltFile(join(blocker, 'HALT'), () => now);
    const halted = gateAt('halted', 0);
    h.actions.update(halted);
    await waitFor(() => h.count('halt_file', 'retry') === 1, 2_000, 'the first failure (ENOTDIR)');
    for (let i = 0; i < 5; i++) {
      now += 10; // 50 ms of fake time: below the 100 ms retry interval
      h.actions.update(halted);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(h.count('halt_file', 'retry'), 1);
    now += 100;
    h.actions.update(halted);
    await waitFor(() => h.count('halt_file', 'retry') === 2, 2_000, 'the second attempt once the interval passed');
  });
});
