// The `jaga` command as a user runs it (the built bin): exit codes, readable output, errors that
// name the key, and the remote verbs against a running jaga.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { EndlessAnswer } from '../helpers/endless-answer.js';
import { FakeCentral } from '../helpers/fake-central.js';
import { ADMIN_TOKEN, BIN, JagaProcess } from '../helpers/jaga-process.js';
import { freePort } from '../helpers/servers.js';
import { fastCentral, fastStorage, httpTarget, NO_FILL_RATE_HALT } from '../helpers/config.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function jagaCli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'jaga-cli-'));
const volumeDir = mkdtempSync(join(tmpdir(), 'jaga-vol-'));
let central: FakeCentral;

function writeConfig(name: string, centralUrl: string): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    stringify({
      central: fastCentral([httpTarget(centralUrl, 'pusat-api')]),
      storage: { volumes: [{ name: 'rekaman', path: volumeDir, ...NO_FILL_RATE_HALT }] },
    }),
  );
  return file;
}

before(async () => {
  central = await FakeCentral.start();
});

after(async () => {
  await central?.close();
});

describe('check-config', () => {
  test('a valid file: exit 0 and the effective config with secrets masked', async () => {
    const run = await jagaCli(['check-config', '--config', writeConfig('ok.yaml', central.url)], { JAGA_ADMIN_TOKENS: 'kabid=0123456789abcdef' });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Konfigurasi .* valid/);
    assert.match(run.stdout, /failure_threshold: 3/);
    assert.match(run.stdout, /name: kabid/);
    assert.ok(!run.stdout.includes('0123456789abcdef'), 'the secret is masked');
  });

  test('an invalid file: non-zero exit, the file, line and key path on stderr', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'central:\n  timeout: soon\n  targets: []\nstorage:\n  volumes: [{ name: v, path: /x, halt_ratio: 2 }]\n');
    const run = await jagaCli(['check-config', '--config', file]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /bad\.yaml tidak valid/);
    assert.match(run.stderr, /line 2: central\.timeout: must be a duration/);
    assert.match(run.stderr, /central\.targets: must list at least one target/);
    assert.match(run.stderr, /line 5: storage\.volumes\[0\]\.halt_ratio: must be between 0 and 1 \(got 2\)/);
  });

  test('a missing file: non-zero exit naming it', async () => {
    const run = await jagaCli(['check-config', '--config', join(dir, 'nope.yaml'), '--lang', 'en']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /nope\.yaml is invalid[\s\S]*cannot read the file: ENOENT/);
  });

  test('start refuses a bad config with a non-zero exit', async () => {
    const file = join(dir, 'bad-start.yaml');
    writeFileSync(file, 'site: x\nunknown: 1\n');
    const run = await jagaCli(['start', '--config', file]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown: unknown key/);
  });

  test('an unknown command or option: usage and exit 2', async () => {
    assert.equal((await jagaCli(['fly'])).code, 2);
    const run = await jagaCli(['probe', '--frobnicate']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Pemakaian: jaga/);
  });
});

describe('probe: one round, a table, exit 0 allowed / 1 halted', () => {
  test('central answers: exit 0 and a table', async () => {
    const run = await jagaCli(['probe', '--config', writeConfig('probe-ok.yaml', central.url)]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^NAMA\s+JENIS\s+HASIL\s+WAKTU\s+KETERANGAN/m);
    assert.match(run.stdout, /^pusat-api\s+http\s+ok\s+\d+ ms\s+HTTP 200/m);
    assert.match(run.stdout, /^rekaman\s+storage\s+ok/m);
    assert.match(run.stdout, /Gerbang: PEREKAMAN BERJALAN/);
  });

  test('central refuses: exit 1 and the reason', async () => {
    const url = `http://127.0.0.1:${await freePort()}/health`;
    const run = await jagaCli(['probe', '--config', writeConfig('probe-down.yaml', url), '--lang', 'en']);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /^pusat-api\s+http\s+failed: refused/m);
    assert.match(run.stdout, /Gate: RECORDING HALTED/);
    assert.match(run.stdout, /CENTRAL_UNREACHABLE/);
  });
});

describe('status and override against a running jaga', () => {
  let jaga: JagaProcess;
  before(async () => {
    jaga = await JagaProcess.create({
      central: fastCentral([httpTarget(central.url, 'pusat-api')]),
      storage: fastStorage([{ name: 'rekaman', path: volumeDir, ...NO_FILL_RATE_HALT }]),
      gate: { resume_after: '1s' },
    });
    await jaga.start();
    await jaga.waitForGate((g) => g.state === 'allowed', 10_000, 'allowed');
  });
  after(async () => {
    await jaga?.cleanup();
  });

  test('status: exit 0 while allowed, with targets and volumes', async () => {
    const run = await jagaCli(['status', '--config', jaga.configFile]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Gerbang: PEREKAMAN BERJALAN/);
    assert.match(run.stdout, /pusat-api\s+central\s+up/);
    assert.match(run.stdout, /rekaman\s+storage\s+ok/);
  });

  test('override halt, list, lift', async () => {
    const env = { JAGA_TOKEN: ADMIN_TOKEN };
    const noToken = await jagaCli(['override', 'halt', '--reason', 'uji', '--url', jaga.url]);
    assert.equal(noToken.code, 2);
    assert.match(noToken.stderr, /JAGA_TOKEN/);

    const halt = await jagaCli(['override', 'halt', '--reason', 'server pusat pemeliharaan', '--for', '1h', '--url', jaga.url], env);
    assert.equal(halt.code, 1, halt.stderr);
    assert.match(halt.stdout, /Override ovr-\S+ \(halt\) dibuat/);
    assert.match(halt.stdout, /MANUAL_HALT: Dihentikan manual oleh tester: server pusat pemeliharaan/);
    const id = /Override (ovr-\S+)/.exec(halt.stdout)?.[1] ?? '';

    const list = await jagaCli(['override', 'list', '--url', jaga.url], env);
    assert.match(list.stdout, new RegExp(`${id}\\s+halt\\s+tester`));
    assert.equal((await jagaCli(['status', '--url', jaga.url])).code, 1);

    const lift = await jagaCli(['override', 'lift', id, '--url', jaga.url], env);
    assert.match(lift.stdout, /dicabut/);
    const allow = await jagaCli(['override', 'allow', '--reason', 'uji', '--url', jaga.url], env);
    assert.equal(allow.code, 2);
    assert.match(allow.stderr, /HTTP 400: for: an allow override must expire/);
  });

  test('history lists transitions', async () => {
    const run = await jagaCli(['history', '--url', jaga.url]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /halted\s+MANUAL_HALT/);
  });

  test('history filters and the report, as text and as CSV', async () => {
    const filtered = await jagaCli(['history', '--url', jaga.url, '--reason', 'MANUAL_HALT', '--lang', 'en']);
    assert.equal(filtered.code, 0);
    assert.ok(filtered.stdout.trim().split('\n').every((line) => line.includes('MANUAL_HALT')), filtered.stdout);
    const report = await jagaCli(['report', '--url', jaga.url]);
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /^Laporan .* s\.d\. /m);
    assert.match(report.stdout, /Perekaman dihentikan selama \d+ menit \([\d.]+% dari periode\), 1 kali/);
    assert.match(report.stdout, /MANUAL_HALT: \d+ min/);
    assert.match(report.stdout, /Ketersediaan server pusat: [\d.]+%/);
    const csv = await jagaCli(['report', '--url', jaga.url, '--csv', '--since', '2026-01-01', '--until', '2026-01-02']);
    assert.equal(csv.code, 0, csv.stderr);
    assert.match(csv.stdout, /^period,halted_seconds,/);
    assert.match(csv.stdout, /\r\nTOTAL,0,0\.00,0,/);
  });

  test('status when jaga is not running: exit 2 and a plain message', async () => {
    const run = await jagaCli(['status', '--url', `http://127.0.0.1:${await freePort()}`]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Tidak dapat menghubungi jaga .*ECONNREFUSED/);
  });
});

describe('probe with many targets', () => {
  test('12 targets: one round, no MaxListenersExceededWarning on stderr', async () => {
    const file = join(dir, 'probe-12.yaml');
    const targets = Array.from({ length: 12 }, (_, i) => ({ name: `pusat-${i}`, type: 'http', url: central.url }));
    writeFileSync(file, stringify({ central: { timeout: '2s', targets }, storage: { volumes: [{ name: 'rekaman', path: volumeDir, ...NO_FILL_RATE_HALT }] } }));
    const run = await jagaCli(['probe', '--config', file]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal((run.stdout.match(/^pusat-\d+\s+http\s+ok/gm) ?? []).length, 12, run.stdout);
    assert.doesNotMatch(run.stderr, /MaxListenersExceededWarning|Warning/, run.stderr);
  });
});

describe('answers that are not what jaga would send', () => {
  test('status --url against an endless or huge answer: exit 2, says it is too large, reads a bounded amount', async (t) => {
    for (const answer of [
      { status: 200, contentType: 'application/json', prefix: '{"gate":"' },
      { status: 200, contentType: 'application/json', announcedBytes: 4 * 1024 ** 3 },
      { status: 503, contentType: 'application/json', prefix: '{"message":"' },
    ]) {
      const server = await EndlessAnswer.start(answer);
      t.after(() => server.close());
      const run = await jagaCli(['status', '--url', server.url(), '--lang', 'en']);
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, /The answer from http:\/\/127\.0\.0\.1:\d+\/api\/v1\/status\S* is larger than 2\.0 MiB; stopped reading it/);
      // Loopback socket buffers hold a few MB; reading the answer through would have moved gigabytes.
      assert.ok(server.sentBytes < 32 * 1024 * 1024, `${server.sentBytes} bytes sent`);
    }
  });

  // A running jaga refuses such text now; an older database, or a server posing as jaga, may still hold it.
  test('remote text with terminal escapes and bidi overrides is shown defused in every listing', async (t) => {
    const hostile = 'maintenance\u001b[2J\u001b[H\rALL GOOD \u202egnidrocer\u202c\u0007\u009b31m\u2066x\u2069\u007f';
    const reason = { code: 'MANUAL_HALT', message: `Halted by hand by tester: ${hostile}`, since: '2026-12-01T00:00:00.000Z' };
    const gate = { state: 'halted', since: '2026-12-01T00:00:00.000Z', valid_until: '2026-12-01T00:01:00.000Z', resuming_at: null, reasons: [reason], overridden: [], override: null };
    const answers: Record<string, unknown> = {
      '/api/v1/status': { gate, targets: [{ name: `pusat${hostile}`, role: 'central', status: 'up', consecutive_failures: 0, last_probe: null }], volumes: [] },
      '/api/v1/overrides': { items: [{ id: 'ovr-1', action: 'halt', reason: hostile, by: 'tester', expires_at: null }] },
      '/api/v1/silences': { items: [{ id: 'sil-1', matchers: { alertname: hostile }, starts_at: 'a', ends_at: 'b', comment: hostile, source: 'api', active: true }] },
      '/api/v1/history': { items: [{ id: 1, at: 'now', from: 'allowed', to: 'halted', reasons: [{ code: hostile, message: hostile }] }] },
    };
    const server = http.createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      const answer = answers[path];
      if (answer === undefined) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'x', message: hostile }));
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.after(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const env = { JAGA_TOKEN: ADMIN_TOKEN };
    const runs = [
      await jagaCli(['status', '--url', url]),
      await jagaCli(['status', '--url', url, '--json']),
      await jagaCli(['override', 'list', '--url', url], env),
      await jagaCli(['silence', 'list', '--url', url], env),
      await jagaCli(['history', '--url', url]),
      await jagaCli(['report', '--url', url]),
    ];
    for (const run of runs) {
      const shown = run.stdout + run.stderr;
      assert.match(shown, /maintenance/, shown);
      // Nothing a terminal acts on: no C0 but line breaks, no DEL, no C1, no bidi embedding/override/isolate.
      assert.doesNotMatch(shown, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u, JSON.stringify(shown));
    }
    for (const run of runs.filter((_, i) => i !== 1)) {
      assert.match(run.stdout + run.stderr, /maintenance\ufffd\[2J\ufffd\[H\ufffdALL GOOD \ufffdgnidrocer\ufffd/);
    }
    // JSON escapes C0 itself; what it would pass raw (DEL, C1, bidi) is replaced, and it still parses.
    assert.match(JSON.stringify(JSON.parse(runs[1]!.stdout)), /ALL GOOD \ufffdgnidrocer\ufffd/);
    assert.equal(runs[0]!.code, 1, 'still halted');
  });
});
