// The command action with real processes: the gate in its environment, arguments without a shell,
// retries on failure, a hanging program and its children killed at the timeout, a newer transition
// cancelling an older run, and what a restart runs again.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { GateActionConfig } from '../../src/config/schema.js';
import type { Store } from '../../src/store/sqlite.js';
import { gateAt, SITE, startActions, type Harness, type LogLine } from '../helpers/gate-actions.js';
import { tempStore, type TempStore } from '../helpers/temp-store.js';
import { waitFor } from '../helpers/wait.js';

let temp: TempStore;
let dir: string;
let store: Store;
let harnesses: Harness[];

beforeEach(() => {
  temp = tempStore('jaga-command-');
  ({ dir, store } = temp);
  harnesses = [];
});
afterEach(async () => {
  for (const h of harnesses) await h.actions.stop(2_000);
  temp.remove();
});

/** A node program as a command: `script` sees the output file as process.argv[1]. */
function nodeCommand(script: string, out: string, extra: Partial<Extract<GateActionConfig, { type: 'command' }>> = {}): GateActionConfig {
  return { type: 'command', command: [process.execPath, '-e', script, out], timeout: 5_000, retries: 0, ...extra };
}

function start(config: GateActionConfig): Harness {
  const h = startActions([config], store);
  harnesses.push(h);
  return h;
}

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

/** Gone, or a zombie nobody reaped yet: it runs no more code either way. */
function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    // "pid (comm) S ...": the state follows the command name.
    return /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

const commandLogs = (h: Harness): LogLine[] => h.logs.filter((l) => l.action === 'command');

describe('command', () => {
  test('gets the gate in JAGA_GATE_* and jaga\'s own environment; arguments reach it as given, no shell', async () => {
    const out = join(dir, 'env.json');
    process.env.JAGA_TEST_INHERITED = 'dari-jaga';
    const script = `require('node:fs').writeFileSync(process.argv[1], JSON.stringify({ argv: process.argv.slice(2), env: process.env }))`;
    const config: GateActionConfig = { type: 'command', command: [process.execPath, '-e', script, out, 'a b', '$HOME;`id`'], timeout: 5_000, retries: 0 };
    const h = start(config);
    h.actions.update(gateAt('halted', Date.UTC(2024, 5, 11), ['CENTRAL_UNREACHABLE', 'STORAGE_CRITICAL']));
    await waitFor(() => h.count('command', 'ok') === 1, 5_000, 'the command to succeed');
    delete process.env.JAGA_TEST_INHERITED;
    const seen = JSON.parse(readFileSync(out, 'utf8')) as { argv: string[]; env: Record<string, string> };
    assert.deepEqual(seen.argv, ['a b', '$HOME;`id`']);
    assert.equal(seen.env.JAGA_GATE_STATE, 'halted');
    assert.equal(seen.env.JAGA_GATE_SINCE, '2024-06-11T00:00:00.000Z');
    assert.equal(seen.env.JAGA_GATE_REASONS, 'CENTRAL_UNREACHABLE,STORAGE_CRITICAL');
    assert.equal(seen.env.JAGA_TEST_INHERITED, 'dari-jaga');
    const event = JSON.parse(seen.env.JAGA_GATE_JSON ?? '{}') as Record<string, unknown>;
    assert.deepEqual([event.event, event.site, event.from, event.to, event.state], ['gate.transition', SITE, null, 'halted', 'halted']);
    const [done] = commandLogs(h);
    assert.deepEqual([done?.msg, done?.result, done?.exitCode, done?.attempt], ['command succeeded', 'ok', 0, 1]);
    assert.equal((done?.transition as { to: string }).to, 'halted');
  });

  test('a failing command is retried `retries` times, then given up with its exit code and stderr logged', async () => {
    const out = join(dir, 'attempts');
    const script = `require('node:fs').appendFileSync(process.argv[1], 'x\\n'); console.error('systemctl: unit rekam.service not found\\nsecond line'); process.exit(3)`;
    const h = start(nodeCommand(script, out, { retries: 2 }));
    h.actions.update(gateAt('halted', 1_000));
    await waitFor(() => h.count('command', 'failed') === 1, 5_000, 'the command to be given up');
    assert.equal(lines(out).length, 3, 'one run and two retries');
    assert.deepEqual(h.results.map((r) => r.result), ['retry', 'retry', 'failed']);
    const logs = commandLogs(h);
    assert.deepEqual(logs.map((l) => [l.level, l.attempt, l.exitCode]), [
      [40, 1, 3],
      [40, 2, 3],
      [50, 3, 3],
    ]);
    assert.equal(logs[2]?.stderr, 'systemctl: unit rekam.service not found\nsecond line');
    assert.match(String(logs[2]?.msg), /command failed; giving up/);
  });

  test('a program that cannot be started (ENOENT) is retried and logged like a failure', async () => {
    const h = start({ type: 'command', command: [join(dir, 'no-such-program')], timeout: 1_000, retries: 1 });
    h.actions.update(gateAt('halted', 1_000));
    await waitFor(() => h.count('command', 'failed') === 1, 5_000, 'giving up');
    assert.match(String(commandLogs(h).at(-1)?.error), /ENOENT/);
  });

  test('a hanging command is killed at its timeout, with its whole process group, and logged', async () => {
    const out = join(dir, 'pids');
    // Ignores SIGTERM, so only the SIGKILL after the grace ends it; its child sleeps for 100 s.
    const script = `
      const { spawn } = require('node:child_process');
      process.on('SIGTERM', () => {});
      const child = spawn('sleep', ['100'], { stdio: 'ignore' });
      require('node:fs').writeFileSync(process.argv[1], process.pid + ' ' + child.pid);
      console.error('waiting for the recorder to stop...');
      setInterval(() => {}, 1000);`;
    // Long enough for node to start and write its pids on a loaded machine (500 ms was not, under load 7).
    const h = start(nodeCommand(script, out, { timeout: 2_000 }));
    const startedAt = Date.now();
    h.actions.update(gateAt('halted', 1_000));
    await waitFor(() => lines(out).length === 1, 5_000, 'the program to start its child');
    const pids = (lines(out)[0] ?? '').split(' ').map(Number);
    assert.equal(pids.length, 2);
    await waitFor(() => h.count('command', 'failed') === 1, 5_000, 'the timeout');
    const elapsed = Date.now() - startedAt;
    assert.ok(elapsed >= 2_000 + 300, `killed after timeout + grace, not before (${elapsed} ms)`);
    assert.ok(elapsed < 6_000, `killed promptly (${elapsed} ms)`);
    for (const pid of pids) assert.ok(processGone(pid), `process ${pid} is gone`);
    const [log] = commandLogs(h);
    assert.equal(log?.timedOut, true);
    assert.equal(log?.signal, 'SIGKILL');
    assert.equal(log?.stderr, 'waiting for the recorder to stop...');
    assert.match(String(log?.msg), /timed out after 2000 ms and was killed; giving up/);
  });

  test('a command that obeys SIGTERM ends at the timeout without waiting for the grace', async () => {
    const h = start({ type: 'command', command: ['sleep', '100'], timeout: 300, retries: 0 });
    const startedAt = Date.now();
    h.actions.update(gateAt('halted', 1_000));
    await waitFor(() => h.count('command', 'failed') === 1, 5_000, 'the timeout');
    assert.ok(Date.now() - startedAt < 300 + 300, 'no SIGKILL grace needed');
    assert.equal(commandLogs(h)[0]?.signal, 'SIGTERM');
  });

  test('a newer transition cancels the older run (and its retries): only the latest state is applied', async () => {
    const out = join(dir, 'runs');
    const script = `
      const fs = require('node:fs');
      fs.appendFileSync(process.argv[1], 'start ' + process.env.JAGA_GATE_STATE + '\\n');
      if (process.env.JAGA_GATE_STATE === 'halted') setInterval(() => {}, 1000);
      else fs.appendFileSync(process.argv[1], 'done ' + process.env.JAGA_GATE_STATE + '\\n');`;
    const h = start(nodeCommand(script, out, { timeout: 10_000, retries: 3 }));
    h.actions.update(gateAt('halted', 1_000));
    await waitFor(() => lines(out).length === 1, 5_000, 'the halted run to start');
    const startedAt = Date.now();
    h.actions.update(gateAt('allowed', 2_000));
    await waitFor(() => h.count('command', 'ok') === 1, 5_000, 'the allowed run');
    assert.ok(Date.now() - startedAt < 2_000, 'the older run did not hold up the newer one');
    assert.deepEqual(lines(out), ['start halted', 'start allowed', 'done allowed']);
    assert.deepEqual(h.results.map((r) => r.result), ['ok']);
    assert.ok(commandLogs(h).some((l) => l.msg === 'command cancelled: a newer transition came' && l.result === 'cancelled'));
  });

  test('restart: a finished command is not run again for the same state; one cut off by shutdown is', async () => {
    const out = join(dir, 'runs');
    const ok = nodeCommand(`require('node:fs').appendFileSync(process.argv[1], process.env.JAGA_GATE_STATE + '\\n')`, out);
    const first = startActions([ok], store);
    first.actions.update(gateAt('halted', 1_000));
    await waitFor(() => first.count('command', 'ok') === 1, 5_000, 'the first run');
    await first.actions.stop(1_000);

    const second = start(ok);
    second.actions.update(gateAt('halted', 1_000));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(lines(out), ['halted'], 'still halted: nothing to run');

    const slowOut = join(dir, 'slow');
    const slow = nodeCommand(`require('node:fs').appendFileSync(process.argv[1], 'run\\n'); setInterval(() => {}, 1000)`, slowOut, { timeout: 10_000 });
    const third = startActions([slow], store);
    third.actions.update(gateAt('halted', 1_000));
    await waitFor(() => lines(slowOut).length === 1, 5_000, 'the slow run');
    await third.actions.stop(100);
    assert.ok(commandLogs(third).some((l) => l.msg === 'command cancelled: jaga is stopping'));

    const fourth = startActions([slow], store);
    fourth.actions.update(gateAt('halted', 1_000));
    await waitFor(() => lines(slowOut).length === 2, 5_000, 'the cut-off run to go again after restart');
    await fourth.actions.stop(100);
  });
});
