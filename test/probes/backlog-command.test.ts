// The command backlog source with real programs (sh scripts written to a temporary directory): an
// integer, JSON, garbage, a non-zero exit with stderr, a program that cannot start, output past the
// limit, and one sleeping past the deadline whose whole process group is killed. Process I/O.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CommandSourceConfig } from '../../src/config/schema.js';
import type { BacklogResult } from '../../src/core/types.js';
import { readCommandSource, STDOUT_LIMIT_BYTES } from '../../src/probes/backlog/command.js';
import { waitFor } from '../helpers/wait.js';

const T = { timeout: 20_000 };
const T0 = Date.UTC(2026, 2, 2, 1, 12, 0);

let dir: string;

/** Writes an executable sh script and returns its path. */
function script(name: string, body: string, mode = 0o755): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode });
  fs.chmodSync(file, mode);
  return file;
}

function source(command: string[], extra: Partial<CommandSourceConfig> = {}): CommandSourceConfig {
  return { name: 'cmd', type: 'command', command, env: {}, resume_fraction: 0.8, halt_when_unavailable: false, ...extra };
}

function read(s: CommandSourceConfig, timeoutMs = 5_000, signal = new AbortController().signal): Promise<BacklogResult> {
  return readCommandSource(s, { timeoutMs, signal });
}

function assertReading(result: BacklogResult, items: number, bytes: number | null, oldestAt: number | null): void {
  assert.equal(result.ok, true, result.ok ? '' : `${result.failure}: ${result.detail}`);
  if (!result.ok) return;
  assert.deepEqual({ items: result.items, bytes: result.bytes, oldestAt: result.oldestAt }, { items, bytes, oldestAt });
  assert.ok(result.durationMs > 0 && result.durationMs < 5_000);
}

function assertFailure(result: BacklogResult, failure: string, detail: RegExp): void {
  assert.equal(result.ok, false, `expected ${failure}, got ${JSON.stringify(result)}`);
  if (result.ok) return;
  assert.equal(result.failure, failure, result.detail);
  assert.match(result.detail, detail);
  assert.ok(result.durationMs >= 0 && Number.isFinite(result.durationMs));
}

/** Gone, or a zombie nobody reaped yet: it runs no more code either way. */
function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** The pids a script wrote to `file`, one a line, once it has written `count` of them. */
async function pidsIn(file: string, count: number): Promise<number[]> {
  const read = () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number) : []);
  await waitFor(() => read().length >= count, 5_000, `${count} pids in ${file}`);
  return read();
}

describe('readCommandSource', () => {
  before(() => {
    dir = fs.mkdtempSync(path.join(tmpdir(), 'jaga-backlog-command-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('one integer is the items; JSON gives bytes and oldest too', T, async () => {
    assertReading(await read(source([script('int.sh', 'echo 12345')])), 12345, null, null);
    assertReading(await read(source([script('zero.sh', 'echo 0')])), 0, null, null);
    const json = script('json.sh', `printf '{"items": 3, "bytes": 3072, "oldest": "2026-03-02T08:12:00+07:00"}\\n'`);
    assertReading(await read(source([json])), 3, 3072, T0);
    const epoch = script('epoch.sh', `printf '{"items": 3, "oldest": ${T0 / 1000}}'`);
    assertReading(await read(source([epoch])), 3, null, T0);
  });

  test('arguments reach the program as given, without a shell; env is added to jaga\'s environment', T, async () => {
    // A shell would have run $(echo 5): the program gets the text, prints it, and that is not a number.
    assertFailure(await read(source(['printf', '%s', '$(echo 5)'])), 'bad_output', /printf: output is not an integer or a JSON object: "\$\(echo 5\)"/);
    // "sh" is found through jaga's PATH, and N comes from `env`.
    assertReading(await read(source(['sh', '-c', 'printf "%s" "$N"'], { env: { N: '77' } })), 77, null, null);
  });

  test('garbage, several lines and empty output are bad_output, saying what was printed', T, async () => {
    assertFailure(await read(source([script('garbage.sh', 'echo hello')])), 'bad_output', /garbage\.sh: output is not an integer or a JSON object: "hello"/);
    assertFailure(await read(source([script('lines.sh', 'echo 1; echo 2')])), 'bad_output', /several lines/);
    assertFailure(await read(source([script('empty.sh', 'true')])), 'bad_output', /printed nothing/);
    assertFailure(await read(source([script('neg.sh', 'echo -5')])), 'bad_output', /items -5 is negative/);
    assertFailure(await read(source([script('frac.sh', 'echo 2.5')])), 'bad_output', /not a whole number/);
    assertFailure(await read(source([script('bad-json.sh', `echo '{"items": "many"}'`)])), 'bad_output', /items is a string "many"/);
  });

  test('a non-zero exit is failed with the code and the first stderr line; a signal too', T, async () => {
    const exit3 = script('exit3.sh', 'echo 12; echo "queue database locked" >&2; echo "second line" >&2; exit 3');
    assertFailure(await read(source([exit3])), 'failed', /exit3\.sh exited with code 3: queue database locked$/);
    assertFailure(await read(source([script('exit1.sh', 'exit 1')])), 'failed', /exited with code 1$/);
    assertFailure(await read(source([script('killed.sh', 'kill -9 $$')])), 'failed', /was killed by SIGKILL/);
  });

  test('a program that cannot start is unreadable', T, async () => {
    assertFailure(await read(source([path.join(dir, 'missing')])), 'unreadable', /cannot run .*missing: .*ENOENT/);
    const notExecutable = script('noexec.sh', 'echo 1', 0o644);
    assertFailure(await read(source([notExecutable])), 'unreadable', /cannot run .*noexec\.sh: .*EACCES/);
  });

  test(`output past ${STDOUT_LIMIT_BYTES / 1024} KiB is bad_output at once, and the program is killed`, T, async () => {
    const pidFile = path.join(dir, 'yes.pid');
    const endless = script('endless.sh', `echo $$ > "${pidFile}"; exec yes 1`);
    const started = performance.now();
    assertFailure(await read(source([endless]), 10_000), 'bad_output', /printed more than 64 KiB; killed/);
    assert.ok(performance.now() - started < 5_000, 'ended at the limit, not at the deadline');
    const [pid] = await pidsIn(pidFile, 1);
    await waitFor(() => processGone(pid ?? 0), 5_000, 'the program to be gone');
  });

  test('past the deadline: timeout at the deadline, and the whole process group is killed', T, async () => {
    const pidFile = path.join(dir, 'sleep.pids');
    // The script, and a child of its own in the same group that would outlive it.
    const sleeper = script('sleeper.sh', `sleep 30 & echo $! >> "${pidFile}"; echo $$ >> "${pidFile}"; wait`);
    const s = source([sleeper]);
    const started = performance.now();
    const result = await read(s, 500);
    const took = performance.now() - started;
    assertFailure(result, 'timeout', /sleeper\.sh did not finish within 500ms; its process group is killed/);
    assert.ok(took >= 490 && took < 2_000, `returned after ${took} ms`);
    const pids = await pidsIn(pidFile, 2);
    await waitFor(() => pids.every(processGone), 5_000, 'the script and its child to be killed', { describe: () => pids.filter((p) => !processGone(p)).join(',') });
  });

  test('a group that ignores SIGTERM is SIGKILLed; until it is gone, the next read does not start another', T, async () => {
    const pidFile = path.join(dir, 'stubborn.pids');
    const stubborn = script('stubborn.sh', `trap '' TERM; sleep 30 & echo $! >> "${pidFile}"; echo $$ >> "${pidFile}"; wait; wait`);
    const s = source([stubborn], { name: 'stubborn' });
    assertFailure(await read(s, 300), 'timeout', /did not finish within 300ms/);
    assertFailure(await read(s, 300), 'timeout', /the previous run of .*stubborn\.sh has not ended yet/);
    const pids = await pidsIn(pidFile, 2);
    await waitFor(() => pids.every(processGone), 10_000, 'SIGKILL after the grace');
    await waitFor(async () => {
      const next = await read(s, 300);
      return next.ok || !/previous run/.test(next.detail);
    }, 10_000, 'a new run to start');
  });

  test('an outer abort ends the run at once and kills it', T, async () => {
    const pidFile = path.join(dir, 'abort.pid');
    const sleeper = script('abort.sh', `echo $$ > "${pidFile}"; exec sleep 30`);
    const controller = new AbortController();
    const reading = read(source([sleeper]), 10_000, controller.signal);
    const [pid] = await pidsIn(pidFile, 1);
    controller.abort();
    assertFailure(await reading, 'timeout', /^aborted$/);
    await waitFor(() => processGone(pid ?? 0), 5_000, 'the aborted program to be killed');
  });
});
