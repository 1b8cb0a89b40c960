// Alert emails end to end: jaga as a real process, a fake central server and a real SMTP server on
// 127.0.0.1. One grouped message per recipient per outage, one resolved message, nothing lost while
// the mail server is down, nothing doubled across SIGKILL and restart, 550 not retried forever.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FakeCentral } from '../helpers/fake-central.js';
import { BIN, hasReason, JagaProcess } from '../helpers/jaga-process.js';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../helpers/smtp-server.js';

const KABID = 'kabid@uji.go.id';
const OPERATOR = 'ti@uji.go.id';
const GROUP_INTERVAL_MS = 2_000;

let central: FakeCentral;
let smtp: TestSmtpServer;
let jaga: JagaProcess;

const to = (mail: ReceivedMail) => mail.envelopeTo.join(',');
const mailsTo = (address: string) => smtp.received.filter((m) => to(m) === address);
const settle = () => new Promise((resolve) => setTimeout(resolve, GROUP_INTERVAL_MS + 1_500));

interface Status {
  alerts: { name: string; severity: string; state: string; silenced_by: string | null }[];
  outbox: { pending: number; given_up: { status: string; attempts: number; recipient?: string; error?: string }[] };
}
const status = async (): Promise<Status> => (await (await jaga.adminFetch('/api/v1/status')).json()) as Status;

async function outage(): Promise<void> {
  await central.set('refuse');
  await jaga.waitForGate((g) => hasReason(g, 'CENTRAL_UNREACHABLE'), 15_000, 'the outage to halt the gate');
}

async function recovery(): Promise<void> {
  await central.set('ok');
  await jaga.waitForGate((g) => g.state === 'allowed', 15_000, 'recovery');
}

before(async () => {
  central = await FakeCentral.start();
  smtp = await startSmtpServer();
  jaga = await JagaProcess.create({
    site: 'palangkaraya',
    central: {
      schedule: '* * * * * *',
      timeout: '500ms',
      failure_threshold: 2,
      recovery_threshold: 2,
      targets: [{ name: 'pusat-api', type: 'http', url: central.url }],
    },
    storage: { schedule: '* * * * * *', timeout: '500ms', volumes: [{ name: 'rekaman', path: mkdtempSync(join(tmpdir(), 'jaga-vol-')) }] },
    gate: { resume_after: '1s' },
    alerts: {
      group_wait: '1s',
      group_interval: `${GROUP_INTERVAL_MS}ms`,
      repeat_interval: '1h',
      smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none', from: 'jaga <jaga@uji.go.id>', timeout: '2s' },
      outbox: { retry_initial: '200ms', retry_max: '1s', max_age: '1h' },
      contacts: { central: 'Helpdesk pusat 021-1234' },
      recipients: [
        { name: 'Kabid PIAK', email: KABID, role: 'department_head' },
        { name: 'Operator TI', email: OPERATOR, role: 'operator', language: 'en' },
      ],
    },
  });
  await jaga.start();
  await jaga.waitForGate((g) => g.state === 'allowed', 15_000, 'allowed');
});

after(async () => {
  await jaga?.cleanup();
  await central?.close();
  await smtp?.close();
});

describe('alert emails through a real SMTP server', () => {
  test('an outage: exactly one grouped message per recipient, in their language, with the facts', async () => {
    await outage();
    await smtp.waitFor(() => mailsTo(KABID).length >= 1 && mailsTo(OPERATOR).length >= 1, 15_000, 'one message each');
    await settle();
    assert.equal(mailsTo(KABID).length, 1, 'one grouped message for the department head');
    assert.equal(mailsTo(OPERATOR).length, 1, 'one grouped message for the operator');

    const kabid = mailsTo(KABID)[0] as ReceivedMail;
    assert.match(kabid.subject ?? '', /^\[jaga palangkaraya\] KRITIS: /);
    assert.ok((kabid.subject ?? '').length <= 78);
    const text = kabid.text ?? '';
    assert.match(text, /PEREKAMAN KTP-el DIHENTIKAN sejak .* WIB/);
    assert.match(text, /Server pusat tidak dapat dihubungi/);
    assert.match(text, /surat keterangan pengganti sementara/);
    assert.match(text, /Helpdesk pusat 021-1234/);
    assert.match(kabid.html ?? '', /PEREKAMAN KTP-el DIHENTIKAN/);
    assert.equal(kabid.to[0]?.name, 'Kabid PIAK');

    const operator = mailsTo(OPERATOR)[0] as ReceivedMail;
    assert.match(operator.subject ?? '', /CRITICAL/);
    assert.match(operator.text ?? '', /RECORDING .*HALTED/i);
    assert.match(operator.text ?? '', /Central server/i);

    const metrics = await (await jaga.fetch('/metrics')).text();
    assert.match(metrics, /^jaga_alerts_firing\{alertname="RecordingHalted",severity="critical"\} 1$/m);
    assert.match(metrics, /^jaga_alerts_firing\{alertname="CentralUnreachable",severity="critical"\} 1$/m);
    assert.match(metrics, /^jaga_notifications_total\{channel="email",result="sent"\} 2$/m);
  });

  test('recovery: one resolved message per recipient', async () => {
    await recovery();
    await smtp.waitFor(() => mailsTo(KABID).length >= 2 && mailsTo(OPERATOR).length >= 2, 15_000, 'resolved messages');
    await settle();
    assert.equal(mailsTo(KABID).length, 2);
    assert.equal(mailsTo(OPERATOR).length, 2);
    assert.match(mailsTo(KABID)[1]?.subject ?? '', /PULIH/);
    assert.match(mailsTo(OPERATOR)[1]?.subject ?? '', /RESOLVED/);
  });

  test('mail server down during an outage, then SIGKILL and restart: every message arrives exactly once', async () => {
    await smtp.stop();
    const before = smtp.received.length;
    await outage();
    await jaga.waitFor(async () => (await status()).outbox.pending >= 2, 15_000, 'two messages waiting in the outbox');
    await jaga.kill();
    await smtp.start();
    await jaga.start();
    assert.equal((await jaga.gate()).state, 'halted', 'back halted at once');
    await smtp.waitFor(() => smtp.received.length >= before + 2, 15_000, 'the waiting messages');
    await settle();
    const arrived = smtp.received.slice(before);
    assert.deepEqual(arrived.map(to).sort(), [KABID, OPERATOR].sort(), 'one each, no second "halted" email after the restart');
    const ids = arrived.map((m) => m.messageId);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal((await status()).outbox.pending, 0);

    await recovery();
    await smtp.waitFor(() => smtp.received.length >= before + 4, 15_000, 'resolved messages after the restart');
  });

  test('550 for one recipient: not retried, reported; the other still gets the message', async () => {
    await settle();
    smtp.rejectRecipient(OPERATOR, 550);
    const kabidBefore = mailsTo(KABID).length;
    await outage();
    await smtp.waitFor(() => mailsTo(KABID).length > kabidBefore, 15_000, 'the department head message');
    await jaga.waitFor(async () => (await status()).outbox.given_up.some((g) => g.status === 'failed'), 15_000, 'the rejection in status');
    await settle();
    const failed = (await status()).outbox.given_up.filter((g) => g.status === 'failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.attempts, 1, 'a permanent rejection is tried once');
    assert.equal(failed[0]?.recipient, OPERATOR);
    assert.match(failed[0]?.error ?? '', /550/);
    const metrics = await (await jaga.fetch('/metrics')).text();
    assert.match(metrics, /^jaga_notifications_total\{channel="email",result="failed"\} 1$/m);
    smtp.clearRejections();
    await recovery();
  });

  test('a silence mutes notifications, never the gate or the metrics', async () => {
    await settle();
    const created = await jaga.adminFetch('/api/v1/silences', {
      method: 'POST',
      body: JSON.stringify({ matchers: { severity: 'critical' }, for: '1h', comment: 'pemeliharaan pusat' }),
    });
    assert.equal(created.status, 201);
    const { silence } = (await created.json()) as { silence: { id: string } };
    const before = smtp.received.length;
    await outage();
    await jaga.waitFor(async () => (await status()).alerts.some((a) => a.name === 'RecordingHalted' && a.state === 'firing'), 10_000, 'firing');
    await settle();
    assert.equal(smtp.received.length, before, 'no email while silenced');
    const critical = (await status()).alerts.filter((a) => a.severity === 'critical');
    assert.ok(critical.length >= 2 && critical.every((a) => a.silenced_by === silence.id), JSON.stringify(critical));
    assert.equal((await jaga.gate()).state, 'halted');
    assert.match(await (await jaga.fetch('/metrics')).text(), /^jaga_alerts_firing\{alertname="RecordingHalted",severity="critical"\} 1$/m);
    const listed = (await (await jaga.adminFetch('/api/v1/silences')).json()) as { items: { id: string; active: boolean }[] };
    assert.ok(listed.items.some((s) => s.id === silence.id && s.active));
    assert.equal((await jaga.adminFetch(`/api/v1/silences/${silence.id}`, { method: 'DELETE' })).status, 200);
    await smtp.waitFor(() => smtp.received.length >= before + 2, 15_000, 'the alert once the silence ended');
    await recovery();
  });
});

describe('jaga test-email', () => {
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [BIN, 'test-email', '--config', jaga.configFile, ...args], { timeout: 30_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr }),
      );
    });

  test('accepted: exit 0 and a plain statement', async () => {
    const before = smtp.received.length;
    const result = await run(['--to', 'coba@uji.go.id']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /coba@uji\.go\.id/);
    await smtp.waitFor(() => smtp.received.length > before, 5_000, 'the test message');
    assert.equal(to(smtp.received.at(-1) as ReceivedMail), 'coba@uji.go.id');
  });

  test('refused: exit 1 with the server\'s answer', async () => {
    smtp.rejectRecipient('tolak@uji.go.id', 550);
    const result = await run(['--to', 'tolak@uji.go.id']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /tolak@uji\.go\.id[\s\S]*550/);
    smtp.clearRejections();
  });
});
