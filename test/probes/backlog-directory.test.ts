// The directory backlog source on real tmpfs mounts (needs root): a spool filled and drained by the test,
// patterns, nested directories, symlinks and other non-files, max_files, missing and unreadable paths
// (as nobody, since root reads everything), deadlines, and a 200,000-file tree scanned within its
// timeout while the event loop stays responsive.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { DirectorySourceConfig } from '../../src/config/schema.js';
import type { BacklogResult } from '../../src/core/types.js';
import { readDirectorySource } from '../../src/probes/backlog/directory.js';
import { mountTmpfs, type Tmpfs } from '../helpers/tmpfs.js';
import { waitFor } from '../helpers/wait.js';

const T = { timeout: 30_000 };

function source(spool: string, extra: Partial<DirectorySourceConfig> = {}): DirectorySourceConfig {
  return { name: 'spool', type: 'directory', path: spool, max_files: 1_000_000, resume_fraction: 0.8, halt_when_unavailable: false, ...extra };
}

function read(spool: string, extra: Partial<DirectorySourceConfig> = {}, timeoutMs = 10_000, signal = new AbortController().signal): Promise<BacklogResult> {
  return readDirectorySource(source(spool, extra), { timeoutMs, signal });
}

function assertReading(result: BacklogResult, items: number, bytes: number, oldestAt: number | null): void {
  assert.equal(result.ok, true, result.ok ? '' : `${result.failure}: ${result.detail}`);
  if (!result.ok) return;
  assert.deepEqual({ items: result.items, bytes: result.bytes, oldestAt: result.oldestAt }, { items, bytes, oldestAt });
  assert.ok(result.durationMs >= 0 && Number.isFinite(result.durationMs));
}

function assertFailure(result: BacklogResult, failure: string, detail: RegExp): void {
  assert.equal(result.ok, false, `expected ${failure}, got ${JSON.stringify(result)}`);
  if (result.ok) return;
  assert.equal(result.failure, failure, result.detail);
  assert.match(result.detail, detail);
  assert.ok(result.durationMs >= 0 && Number.isFinite(result.durationMs));
}

/** Writes `size` bytes at `rel` under `dir` (parents made) with the given mtime (ms), and returns that mtime. */
function put(dir: string, rel: string, size: number, mtimeMs: number): number {
  const full = path.join(dir, rel);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, Buffer.alloc(size, 0x61));
  fs.utimesSync(full, mtimeMs / 1000, mtimeMs / 1000);
  return mtimeMs;
}

describe('readDirectorySource on a tmpfs spool', () => {
  let tmpfs: Tmpfs;
  let spool: string;
  const now = Date.UTC(2026, 2, 2, 8, 0, 0);
  before(() => {
    tmpfs = mountTmpfs('size=64m,nr_inodes=20000,mode=755');
    spool = path.join(tmpfs.dir, 'spool');
  });
  after(() => tmpfs.remove());

  test('filled and drained: items, apparent bytes and the oldest mtime follow the files', T, async () => {
    fs.mkdirSync(spool);
    assertReading(await read(spool), 0, 0, null);
    put(spool, 'rec-1.wav', 1000, now - 60_000);
    const oldest = put(spool, 'rec-2.wav', 2500, now - 3 * 86_400_000);
    put(spool, 'rec-3.wav', 0, now);
    assertReading(await read(spool), 3, 3500, oldest);
    // A sparse file counts with its apparent size, not its blocks.
    fs.truncateSync(path.join(spool, 'rec-3.wav'), 10 * 1024 * 1024);
    fs.utimesSync(path.join(spool, 'rec-3.wav'), now / 1000, now / 1000);
    assertReading(await read(spool), 3, 3500 + 10 * 1024 * 1024, oldest);
    // The oldest is uploaded: the next oldest is what the age is counted from.
    fs.rmSync(path.join(spool, 'rec-2.wav'));
    assertReading(await read(spool), 2, 1000 + 10 * 1024 * 1024, now - 60_000);
    fs.rmSync(path.join(spool, 'rec-1.wav'));
    fs.rmSync(path.join(spool, 'rec-3.wav'));
    assertReading(await read(spool), 0, 0, null);
    fs.rmSync(spool, { recursive: true });
  });

  test('nested directories and the pattern: which files count', T, async () => {
    fs.mkdirSync(spool);
    const t = (days: number) => now - days * 86_400_000;
    put(spool, 'a.wav', 10, t(1));
    put(spool, 'a.json', 1, t(9));
    put(spool, '.a.wav.part', 100, t(8));
    put(spool, '2026/03/01/b.wav', 20, t(2));
    put(spool, '2026/03/01/b.json', 2, t(7));
    put(spool, '2026/03/02/c.wav', 30, t(3));
    put(spool, '2026/.tmp/d.wav', 40, t(6));
    fs.mkdirSync(path.join(spool, 'empty/deeper'), { recursive: true });
    const rows: [string | undefined, number, number, number][] = [
      // No pattern: every regular file, dotfiles and dot directories included.
      [undefined, 7, 203, t(9)],
      ['**/*.wav', 3, 60, t(3)],
      ['*.wav', 1, 10, t(1)],
      ['2026/**/*.{wav,json}', 3, 52, t(7)],
      ['2026/03/0[2-9]/*', 1, 30, t(3)],
      ['**/.tmp/*.wav', 1, 40, t(6)],
      ['**/*.mp3', 0, 0, 0],
    ];
    for (const [pattern, items, bytes, oldestAt] of rows) {
      const result = await read(spool, pattern === undefined ? {} : { pattern });
      assert.deepEqual(result.ok && { items: result.items, bytes: result.bytes, oldestAt: result.oldestAt }, { items, bytes, oldestAt: items === 0 ? null : oldestAt }, String(pattern));
    }
    fs.rmSync(spool, { recursive: true });
  });

  test('symlinks are neither followed nor counted; fifos and sockets are not files', T, async () => {
    fs.mkdirSync(spool);
    const outside = path.join(tmpfs.dir, 'outside');
    put(outside, 'big.wav', 5000, now - 86_400_000);
    put(spool, 'real.wav', 10, now);
    fs.symlinkSync(path.join(outside, 'big.wav'), path.join(spool, 'link-to-file.wav'));
    fs.symlinkSync(outside, path.join(spool, 'link-to-dir'));
    fs.symlinkSync('.', path.join(spool, 'loop'));
    fs.symlinkSync('/nonexistent', path.join(spool, 'dangling.wav'));
    execFileSync('mkfifo', [path.join(spool, 'pipe.wav')]);
    assertReading(await read(spool), 1, 10, now);
    assertReading(await read(spool, { pattern: '**/*.wav' }), 1, 10, now);
    fs.rmSync(spool, { recursive: true });
    fs.rmSync(outside, { recursive: true });
  });

  test('max_files bounds the entries visited (files matched or not, and directories): past it the source is too_many_files', T, async () => {
    fs.mkdirSync(spool);
    for (let i = 0; i < 6; i++) put(spool, `sub/r${i}.wav`, 1, now);
    for (let i = 0; i < 4; i++) put(spool, `n${i}.txt`, 1, now);
    // Ten files and the directory sub/: eleven entries.
    assertReading(await read(spool, { max_files: 11 }), 10, 10, now);
    assertReading(await read(spool, { max_files: 11, pattern: '**/*.wav' }), 6, 6, now);
    assertFailure(await read(spool, { max_files: 10 }), 'too_many_files', /more than 10 entries \(max_files\)/);
    assertFailure(await read(spool, { max_files: 10, pattern: '**/*.wav' }), 'too_many_files', /more than 10 entries/);
    fs.rmSync(spool, { recursive: true });
  });

  test('a missing spool, or one that is a file, is unreadable, with the path and the code', T, async () => {
    assertFailure(await read(path.join(tmpfs.dir, 'nope')), 'unreadable', new RegExp(`cannot read ${tmpfs.dir}/nope: ENOENT`));
    const file = path.join(tmpfs.dir, 'a-file');
    fs.writeFileSync(file, 'x');
    assertFailure(await read(file), 'unreadable', new RegExp(`cannot read ${file}: ENOTDIR`));
    fs.rmSync(file);
  });

  test('as an unprivileged user, a subdirectory or file it cannot read makes the whole reading unreadable, unless the pattern rules it out', T, () => {
    fs.mkdirSync(spool, { mode: 0o755 });
    fs.chmodSync(spool, 0o755);
    put(spool, 'ok.wav', 10, now);
    put(spool, 'closed/secret.wav', 10, now);
    put(spool, 'listable/hidden.wav', 10, now);
    fs.chmodSync(path.join(spool, 'closed'), 0o700); // nobody may not list it
    fs.chmodSync(path.join(spool, 'listable'), 0o744); // nobody may list it, but not look at its files
    const cases = [
      { pattern: 'ok.wav', expect: /^ok$/ },
      { pattern: '*/ok.wav', expect: /^unreadable cannot read \S+\/spool\/closed: EACCES/ },
      { pattern: 'closed/*.wav', expect: /^unreadable cannot read \S+\/spool\/closed: EACCES/ },
      { pattern: 'listable/*.wav', expect: /^unreadable cannot read \S+\/spool\/listable\/hidden\.wav: EACCES/ },
      { pattern: null, expect: /^unreadable cannot read \S+\/spool\/(closed|listable\/hidden\.wav): EACCES/ },
    ];
    const module = fileURLToPath(new URL('../../src/probes/backlog/directory.ts', import.meta.url));
    const script = `import { readDirectorySource } from ${JSON.stringify(module)};
      const results = [];
      for (const pattern of ${JSON.stringify(cases.map((c) => c.pattern))}) {
        const r = await readDirectorySource({ name: 's', type: 'directory', path: ${JSON.stringify(spool)}, ...(pattern === null ? {} : { pattern }), max_files: 100, resume_fraction: 0.8, halt_when_unavailable: false },
          { timeoutMs: 5000, signal: new AbortController().signal });
        results.push(r.ok ? 'ok' : r.failure + ' ' + r.detail);
      }
      console.log(JSON.stringify(results));`;
    const child = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(child.status, 0, `the child as nobody: ${child.error?.message ?? child.stderr}`);
    const results = JSON.parse(child.stdout) as string[];
    cases.forEach((c, i) => assert.match(results[i] ?? '', c.expect, String(c.pattern)));
    fs.rmSync(spool, { recursive: true });
  });

  test('read while it is drained: files and directories that vanish mid-scan are uploaded, not a failure', T, async () => {
    fs.mkdirSync(spool);
    for (let d = 0; d < 40; d++) {
      const dir = path.join(spool, `d${d}`);
      fs.mkdirSync(dir);
      for (let f = 0; f < 100; f++) fs.writeFileSync(path.join(dir, `f${f}.wav`), '');
    }
    let draining = true;
    const drain = (async () => {
      for (let d = 39; d >= 0 && draining; d--) {
        await fs.promises.rm(path.join(spool, `d${d}`), { recursive: true });
      }
    })();
    const results: BacklogResult[] = [];
    while (fs.readdirSync(spool).length > 0) results.push(await read(spool));
    draining = false;
    await drain;
    assert.ok(results.length > 0);
    for (const r of results) {
      assert.equal(r.ok, true, r.ok ? '' : `${r.failure}: ${r.detail}`);
      if (r.ok) assert.ok(r.items >= 0 && r.items <= 4000 && r.items % 1 === 0, String(r.items));
    }
    assertReading(await read(spool), 0, 0, null);
    fs.rmSync(spool, { recursive: true });
  });
});

describe('readDirectorySource on a 200,000-file tree', () => {
  let tmpfs: Tmpfs;
  let spool: string;
  const DIRS = 200;
  const PER_DIR = 1000;
  before(() => {
    tmpfs = mountTmpfs('size=256m,nr_inodes=250000,mode=755');
    spool = path.join(tmpfs.dir, 'spool');
    fs.mkdirSync(spool);
    // touch through xargs: a few seconds for 200,000 files, where a loop of writeFileSync takes longer.
    execFileSync('sh', ['-c', `cd "$1" && for d in $(seq 1 ${DIRS}); do mkdir "d$d" && (cd "d$d" && seq -f 'r%06g.wav' 1 ${PER_DIR} | xargs touch); done`, 'sh', spool], { stdio: 'pipe' });
    fs.writeFileSync(path.join(spool, 'd1', 'r000001.wav'), 'sized');
  });
  after(() => tmpfs.remove());

  // About 2.5 s on an idle 2-core machine, three times that when other tests load it: the source is given
  // the timeout an office with such a spool would set (under the 30 s schedule), not the 10 s default.
  test('scanned within its timeout while the event loop stays responsive', { timeout: 60_000 }, async (t) => {
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    let lastTick = performance.now();
    let maxGapMs = 0;
    const ticker = setInterval(() => {
      const at = performance.now();
      maxGapMs = Math.max(maxGapMs, at - lastTick);
      lastTick = at;
    }, 10);
    histogram.enable();
    const started = performance.now();
    let result: BacklogResult;
    try {
      result = await read(spool, { pattern: '**/*.wav' }, 25_000);
    } finally {
      histogram.disable();
      clearInterval(ticker);
    }
    const scanMs = performance.now() - started;
    const maxDelayMs = histogram.max / 1e6;
    t.diagnostic(`200,000 files: scan ${scanMs.toFixed(0)} ms, event-loop delay max ${maxDelayMs.toFixed(1)} ms (p99 ${(histogram.percentile(99) / 1e6).toFixed(1)} ms), longest gap between 10 ms ticks ${maxGapMs.toFixed(1)} ms`);
    assert.equal(result.ok, true, result.ok ? '' : `${result.failure}: ${result.detail}`);
    if (!result.ok) return;
    assert.equal(result.items, DIRS * PER_DIR);
    assert.equal(result.bytes, 5);
    assert.ok(maxDelayMs < 200, `event-loop delay max ${maxDelayMs} ms`);
    assert.ok(maxGapMs < 200, `a 10 ms timer waited ${maxGapMs} ms`);
  });

  test('a deadline too short for the tree: timeout with how far it got; the next read waits for the last to stop', T, async () => {
    const result = await read(spool, {}, 100);
    assertFailure(result, 'timeout', /scan of .* not done within 100ms \(\d+ files seen\)/);
    assert.ok(result.durationMs < 2_000, `returned after ${result.durationMs} ms`);
    // The scan notices the deadline at its next entry; until it has stopped, no second scan piles on.
    assertFailure(await read(spool), 'timeout', /the previous scan of .* has not returned yet/);
    await waitFor(newScanRuns, 10_000, 'the timed-out scan to stop');
  });

  test('an outer abort ends a scan at once', T, async () => {
    const controller = new AbortController();
    const reading = read(spool, {}, 10_000, controller.signal);
    setTimeout(() => controller.abort(), 50);
    assertFailure(await reading, 'timeout', /^aborted$/);
    await waitFor(newScanRuns, 10_000, 'the aborted scan to stop');
  });

  /** A new scan of the spool runs (it stops at once at max_files 1), so the one before it has stopped. */
  async function newScanRuns(): Promise<boolean> {
    const r = await read(spool, { max_files: 1 });
    return !r.ok && r.failure === 'too_many_files';
  }
});
