// The process's life as an operator meets it, with jaga as a real process (the built dist/): a start
// that cannot listen exits 2 having acted on nothing; one jaga per data_dir (the lock dies with its
// holder, SIGKILL included); a broken or read-only state directory is explained; a first start hands
// the gate to each action once; stdout carries JSON log lines only; a closed stdout pipe is no error.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { FakeCentral } from '../helpers/fake-central.js';
import { freePort } from '../helpers/servers.js';
import { ADMIN_TOKEN, BIN, JagaProcess } from '../helpers/jaga-process.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';
import { withTmpfs } from '../helpers/tmpfs.js';
import { waitFor } from '../helpers/wait.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import { fastCentral, fastStorage, httpTarget, NO_FILL_RATE_HALT, tempVolume } from '../helpers/config.js';

const SECRET = 'rahasia-siklus-hidup-0123456789';
/** A failed start must be over well within this, on a loaded machine too. */
const EXIT_DEADLINE_MS = 10_000;

let central: FakeCentral;
let receiver: WebhookReceiver;
let smtp: TestSmtpServer;
let work: string;
const processes: JagaProcess[] = [];
let savedSecret: string | undefined;

before(async () => {
  savedSecret = process.env.JAGA_WEBHOOK_SECRET;
  process.env.JAGA_WEBHOOK_SECRET = SECRET; // JagaProcess and spawnJaga pass process.env on to jaga
  central = await FakeCentral.start();
  receiver = await WebhookReceiver.start();
  smtp = await startSmtpServer();
  work = mkdtempSync(join(tmpdir(), 'jaga-lifecycle-'));
});

after(async () => {
  for (const jaga of processes) await jaga.cleanup();
  await central?.close();
  await receiver?.close();
  await smtp?.close();
  rmSync(work, { recursive: true, force: true });
  if (savedSecret === undefined) delete process.env.JAGA_WEBHOOK_SECRET;
  else process.env.JAGA_WEBHOOK_SECRET = savedSecret;
});

/** A config with a halt file, a webhook and alert emails: everything that could act too early. */
async function create(extra: Record<string, unknown> = {}): Promise<JagaProcess & { haltFile: string }> {
  const volume = mkdtempSync(join(work, 'volume-'));
  const haltFile = join(mkdtempSync(join(work, 'station-')), 'HALT');
  const jaga = await JagaProcess.create({
    central: fastCentral([httpTarget(central.url, 'pusat-api')], { failure_threshold: 2, recovery_threshold: 2 }),
    storage: fastStorage([{ name: 'rekaman', path: volume, ...NO_FILL_RATE_HALT }]),
    gate_actions: [
      { type: 'halt_file', path: haltFile },
      { type: 'webhook', url: receiver.url(), timeout: '1s', max_age: '1h' },
    ],
    alerts: {
      smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none', from: 'jaga <jaga@uji.go.id>', timeout: '2s' },
      recipients: [{ name: 'Operator TI', email: 'ti@uji.go.id', role: 'operator' }],
    },
    ...extra,
  });
  processes.push(jaga);
  return Object.assign(jaga, { haltFile });
}

interface Spawned {
  readonly pid: number;
  readonly output: { stdout: string; stderr: string };
  /** Resolves with the exit code (or signal); rejects after `deadlineMs`, killing the process. */
  exit(deadlineMs: number): Promise<number | string>;
}

/** `jaga <args>` with stdout and stderr kept apart. */
function spawnJaga(args: readonly string[]): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, JAGA_ADMIN_TOKENS: `tester=${ADMIN_TOKEN}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  return {
    pid: child.pid ?? 0,
    output,
    async exit(deadlineMs) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`jaga ${args.join(' ')} still running after ${deadlineMs} ms\n--- stdout ---\n${output.stdout}\n--- stderr ---\n${output.stderr}`));
        }, deadlineMs);
      });
      try {
        return await Promise.race([exited, late]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** `jaga start` that must fail: its exit code and stderr. */
async function failedStart(jaga: JagaProcess): Promise<{ code: number | string; stderr: string; stdout: string }> {
  const run = spawnJaga(['start', '--config', jaga.configFile]);
  const code = await run.exit(EXIT_DEADLINE_MS);
  return { code, ...run.output };
}

describe('a start that cannot listen', () => {
  test('listen.port already taken, alerts and a webhook configured: exit 2 naming listen.port; nothing acted', async () => {
    const jaga = await create();
    const blocker = net.createServer().listen(jaga.port, '127.0.0.1');
    await once(blocker, 'listening');
    try {
      const { code, stderr } = await failedStart(jaga);
      assert.equal(code, 2, stderr);
      assert.match(stderr, new RegExp(`listen\\.port: ${jaga.port} is already in use on 127\\.0\\.0\\.1`));
      assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    } finally {
      blocker.close();
    }
    // The process is gone: whatever it would have sent has been sent.
    assert.equal(receiver.received.length, 0, 'no webhook delivery (no "halted (STARTING)")');
    assert.equal(smtp.connections, 0, 'no SMTP connection (no verify, no sender)');
    assert.equal(existsSync(jaga.haltFile), false, 'no halt file');
  });

  test('listen.host that is no address of this machine: exit 2 naming listen.host', async () => {
    const jaga = await create();
    // TEST-NET-1 (RFC 5737): never assigned to a machine.
    writeFileSync(jaga.configFile, readFileSync(jaga.configFile, 'utf8').replace('host: 127.0.0.1', 'host: 192.0.2.1'));
    const { code, stderr } = await failedStart(jaga);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /listen\.host: .*192\.0\.2\.1/);
    assert.equal(receiver.received.length, 0);
  });
});

describe('check-config', () => {
  test('runs the same machine checks as start: a listen.host that is no address here exits 2 naming it', async () => {
    const jaga = await create();
    writeFileSync(jaga.configFile, readFileSync(jaga.configFile, 'utf8').replace('host: 127.0.0.1', 'host: 192.0.2.1'));
    const run = spawnJaga(['check-config', '--config', jaga.configFile]);
    assert.equal(await run.exit(EXIT_DEADLINE_MS), 2, run.output.stderr);
    assert.match(run.output.stderr, /listen\.host: .*192\.0\.2\.1/);
  });
});

describe('one jaga per data_dir', () => {
  test('a second jaga on the same data_dir exits 2 naming the first one\'s pid; after a SIGKILL of the first, another starts', async () => {
    const first = await create();
    await first.start();
    const pid = first.pid;
    assert.ok(pid !== undefined);
    const second = await create({ data_dir: join(first.dir, 'data') });
    const refused = await failedStart(second);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, new RegExp(`data_dir: .* is in use by another jaga process \\(pid ${pid}\\)`));
    assert.equal((await first.fetch('/healthz')).status, 200, 'the first one is untouched');

    await first.kill();
    await second.start(); // the kernel released the lock with the SIGKILLed holder
    assert.equal(await second.stop(), 0);
  });
});

describe('a state directory jaga cannot use', () => {
  test('a garbage jaga.db: exit 2 naming the file, what is wrong and what to do; the file is left as it was', async () => {
    const jaga = await create();
    const dataDir = join(jaga.dir, 'data');
    mkdirSync(dataDir);
    const db = join(dataDir, 'jaga.db');
    const garbage = 'this is no SQLite database\n'.repeat(300);
    writeFileSync(db, garbage);
    const { code, stderr } = await failedStart(jaga);
    assert.equal(code, 2, stderr);
    assert.ok(stderr.includes(`${db}: the state database is damaged or not a database`), stderr);
    assert.match(stderr, /move the file aside/);
    assert.match(stderr, /overrides/);
    assert.match(stderr, /starts halted/);
    assert.equal(readFileSync(db, 'utf8'), garbage);
  });

  test('data_dir on a read-only mount: exit 2 saying read-only (EROFS), not ENOENT', async () => {
    await withTmpfs('size=1m', async (tmpfs) => {
      tmpfs.remount('ro');
      const jaga = await create({ data_dir: join(tmpfs.dir, 'state') });
      const { code, stderr } = await failedStart(jaga);
      assert.equal(code, 2, stderr);
      assert.match(stderr, /data_dir: .* is on a read-only filesystem \(EROFS\)/);
      assert.doesNotMatch(stderr, /ENOENT/);
    });
  });
});

describe('a first start', () => {
  test('with a healthy central: each action acts once (allowed), no halt file; stdout is JSON log lines only', async () => {
    // Probes with room to answer on a loaded machine: a first probe past a 500 ms timeout is a real
    // failure, which halts (STARTING) first, as it should, and is not what this test is about.
    const roomy = { schedule: '*/5 * * * * *', timeout: '4s' };
    const jaga = await create({
      central: fastCentral([httpTarget(central.url, 'pusat-api')], { failure_threshold: 2, recovery_threshold: 2, ...roomy }),
      storage: fastStorage([tempVolume()], roomy),
    });
    const before = receiver.received.length;
    const run = spawnJaga(['start', '--config', jaga.configFile]);
    try {
      await waitFor(() => /"msg":"webhook delivered"/.test(run.output.stdout), 15_000, 'the first delivery', {
        context: () => run.output.stdout + run.output.stderr,
      });
      const events = receiver.received.slice(before).map((r) => JSON.parse(r.body) as { from: string | null; to: string });
      assert.deepEqual(events.map((e) => [e.from, e.to]), [[null, 'allowed']], 'one delivery: allowed, not halted (STARTING) first');
      assert.doesNotMatch(run.output.stdout, /halt file created/);
      assert.equal(existsSync(jaga.haltFile), false);
    } finally {
      process.kill(run.pid, 'SIGTERM');
    }
    assert.equal(await run.exit(EXIT_DEADLINE_MS), 0);
    const lines = run.output.stdout.split('\n').filter((line) => line !== '');
    assert.ok(lines.length > 0);
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), `not a JSON log line: ${line}`);
    assert.match(run.output.stderr, /jaga berjalan di http:\/\/127\.0\.0\.1:\d+/, 'the human line is on stderr');
  });
});

describe('a restart while halted', () => {
  test('the stored halted gate reaches the halt file at once, before any probe answers', async () => {
    const jaga = await create();
    await jaga.start();
    await central.set('refuse');
    try {
      await jaga.waitForGate((g) => g.state === 'halted' && g.reasons.some((r) => r.code === 'CENTRAL_UNREACHABLE'), 15_000, 'the outage to halt');
      await waitFor(() => existsSync(jaga.haltFile), 5_000, 'the halt file');
      assert.equal(await jaga.stop(), 0);
      rmSync(jaga.haltFile);
      // Probes that take 8 s to fail, every 10 s: no decision comes for seconds after the restart.
      await central.set('blackhole');
      const config = parse(readFileSync(jaga.configFile, 'utf8')) as { central: Record<string, unknown> };
      writeFileSync(jaga.configFile, stringify({ ...config, central: { ...config.central, schedule: '*/10 * * * * *', timeout: '8s' } }));
      const startedAt = Date.now();
      await jaga.start();
      await waitFor(() => existsSync(jaga.haltFile), 3_000, 'the halt file back from the stored gate');
      assert.ok(Date.now() - startedAt < 8_000, 'before the first probe could fail');
    } finally {
      await central.set('ok');
      await jaga.stop();
    }
  });
});

describe('stdout closed by its reader', () => {
  test('`jaga check-config | head -1`: exits 0 without a stack trace', async () => {
    const jaga = await create();
    const child = spawn(process.execPath, [BIN, 'check-config', '--config', jaga.configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Closed before jaga writes a byte: every write of its output meets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
  });

  test('`jaga probe | head -1` while the gate would halt: the exit code is still 1, not 0', async () => {
    const jaga = await JagaProcess.create({
      central: { timeout: '500ms', targets: [{ name: 'pusat', type: 'tcp', host: '127.0.0.1', port: await freePort() }] },
      storage: { volumes: [{ name: 'rekaman', path: mkdtempSync(join(work, 'volume-')) }] },
    });
    try {
      const child = spawn(process.execPath, [BIN, 'probe', '--config', jaga.configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 1, stderr);
      assert.equal(stderr, '');
    } finally {
      await jaga.cleanup();
    }
  });
});
