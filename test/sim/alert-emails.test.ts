// Alert emails on virtual time: jaga in process, a fake central server and a real SMTP server on
// loopback. One grouped message per recipient per outage, one resolved message, nothing lost while the
// mail server is down, nothing doubled across a crash and restart, 550 not retried forever, a silence
// mutes mail only. The real-process SIGKILL mid-send stays in test/faults/email.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ReceivedMail } from '../helpers/smtp-server.js';
import { adminStatus, KABID, mailOfficeConfig, mailsTo, OPERATOR, outage, recovery, settle } from './mail-office.js';
import { World } from './world.js';

let w: World;

before(async () => {
  w = await World.create({
    config: (parts) =>
      mailOfficeConfig(parts, {
        smtp: { host: '127.0.0.1', port: parts.smtp.port, tls: 'none', from: 'jaga <jaga@uji.go.id>', timeout: '2s' },
        outbox: { retry_initial: '200ms', retry_max: '1s', max_age: '1h' },
        contacts: { central: 'Helpdesk pusat 021-1234' },
        recipients: [
          { name: 'Kabid PIAK', email: KABID, role: 'department_head' },
          { name: 'Operator TI', email: OPERATOR, role: 'operator', language: 'en' },
        ],
      }),
  });
  await w.start();
  await w.waitForGate((g) => g.state === 'allowed', 15_000, 'allowed');
});

after(() => w?.close());

describe('alert emails through a real SMTP server', () => {
  test('an outage: exactly one grouped message per recipient, in their language, with the facts', async () => {
    await outage(w);
    await w.clock.until(() => mailsTo(w, KABID).length >= 1 && mailsTo(w, OPERATOR).length >= 1, { virtualMs: 15_000, what: 'one message each' });
    await settle(w);
    assert.equal(mailsTo(w, KABID).length, 1, 'one grouped message for the department head');
    assert.equal(mailsTo(w, OPERATOR).length, 1, 'one grouped message for the operator');

    const kabid = mailsTo(w, KABID)[0] as ReceivedMail;
    assert.match(kabid.subject ?? '', /^\[jaga palangkaraya\] KRITIS: /);
    assert.ok((kabid.subject ?? '').length <= 78);
    const text = kabid.text ?? '';
    assert.match(text, /PEREKAMAN KTP-el DIHENTIKAN sejak .* WIB/);
    assert.match(text, /Server pusat tidak dapat dihubungi/);
    assert.match(text, /surat keterangan pengganti sementara/);
    assert.match(text, /Helpdesk pusat 021-1234/);
    assert.match(kabid.html ?? '', /PEREKAMAN KTP-el DIHENTIKAN/);
    assert.equal(kabid.to[0]?.name, 'Kabid PIAK');

    const operator = mailsTo(w, OPERATOR)[0] as ReceivedMail;
    assert.match(operator.subject ?? '', /CRITICAL/);
    assert.match(operator.text ?? '', /RECORDING .*HALTED/i);
    assert.match(operator.text ?? '', /Central server/i);

    const metrics = await (await w.fetch('/metrics')).text();
    assert.match(metrics, /^jaga_alerts_firing\{alertname="RecordingHalted",severity="critical"\} 1$/m);
    assert.match(metrics, /^jaga_alerts_firing\{alertname="CentralUnreachable",severity="critical"\} 1$/m);
    assert.match(metrics, /^jaga_notifications_total\{channel="email",result="sent"\} 2$/m);
  });

  test('recovery: one resolved message per recipient', async () => {
    await recovery(w);
    await w.clock.until(() => mailsTo(w, KABID).length >= 2 && mailsTo(w, OPERATOR).length >= 2, { virtualMs: 15_000, what: 'resolved messages' });
    await settle(w);
    assert.equal(mailsTo(w, KABID).length, 2);
    assert.equal(mailsTo(w, OPERATOR).length, 2);
    assert.match(mailsTo(w, KABID)[1]?.subject ?? '', /PULIH/);
    assert.match(mailsTo(w, OPERATOR)[1]?.subject ?? '', /RESOLVED/);
  });

  test('mail server down during an outage, then a crash and restart: every message arrives exactly once', async () => {
    await w.smtp.stop();
    const before = w.smtp.received.length;
    await outage(w);
    await w.clock.until(async () => (await adminStatus(w)).outbox.pending >= 2, { virtualMs: 15_000, what: 'two messages waiting in the outbox' });
    w.crash();
    await w.smtp.start();
    await w.start();
    assert.equal((await w.gate()).state, 'halted', 'back halted at once');
    await w.clock.until(() => w.smtp.received.length >= before + 2, { virtualMs: 15_000, what: 'the waiting messages' });
    await settle(w);
    const arrived = w.smtp.received.slice(before);
    assert.deepEqual(arrived.map((m) => m.envelopeTo.join(',')).sort(), [KABID, OPERATOR].sort(), 'one each, no second "halted" email after the restart');
    const ids = arrived.map((m) => m.messageId);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal((await adminStatus(w)).outbox.pending, 0);

    await recovery(w);
    await w.clock.until(() => w.smtp.received.length >= before + 4, { virtualMs: 15_000, what: 'resolved messages after the restart' });
  });

  test('550 for one recipient: not retried, reported; the other still gets the message', async () => {
    await settle(w);
    w.smtp.rejectRecipient(OPERATOR, 550);
    const kabidBefore = mailsTo(w, KABID).length;
    await outage(w);
    await w.clock.until(() => mailsTo(w, KABID).length > kabidBefore, { virtualMs: 15_000, what: 'the department head message' });
    await w.clock.until(async () => (await adminStatus(w)).outbox.given_up.some((g) => g.status === 'failed'), { virtualMs: 15_000, what: 'the rejection in status' });
    await settle(w);
    const failed = (await adminStatus(w)).outbox.given_up.filter((g) => g.status === 'failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.attempts, 1, 'a permanent rejection is tried once');
    assert.equal(failed[0]?.recipient, OPERATOR);
    assert.match(failed[0]?.error ?? '', /550/);
    const metrics = await (await w.fetch('/metrics')).text();
    assert.match(metrics, /^jaga_notifications_total\{channel="email",result="failed"\} 1$/m);
    w.smtp.clearRejections();
    await recovery(w);
  });

  test('a silence mutes notifications, never the gate or the metrics', async () => {
    await settle(w);
    const created = await w.adminFetch('/api/v1/silences', {
      method: 'POST',
      body: JSON.stringify({ matchers: { severity: 'critical' }, for: '1h', comment: 'pemeliharaan pusat' }),
    });
    assert.equal(created.status, 201);
    const { silence } = (await created.json()) as { silence: { id: string } };
    const before = w.smtp.received.length;
    await outage(w);
    await w.clock.until(async () => (await adminStatus(w)).alerts.some((a) => a.name === 'RecordingHalted' && a.state === 'firing'), { virtualMs: 10_000, what: 'firing' });
    await settle(w);
    assert.equal(w.smtp.received.length, before, 'no email while silenced');
    const critical = (await adminStatus(w)).alerts.filter((a) => a.severity === 'critical');
    assert.ok(critical.length >= 2 && critical.every((a) => a.silenced_by === silence.id), JSON.stringify(critical));
    assert.equal((await w.gate()).state, 'halted');
    assert.match(await (await w.fetch('/metrics')).text(), /^jaga_alerts_firing\{alertname="RecordingHalted",severity="critical"\} 1$/m);
    const listed = (await (await w.adminFetch('/api/v1/silences')).json()) as { items: { id: string; active: boolean }[] };
    assert.ok(listed.items.some((s) => s.id === silence.id && s.active));
    assert.equal((await w.adminFetch(`/api/v1/silences/${silence.id}`, { method: 'DELETE' })).status, 200);
    await w.clock.until(() => w.smtp.received.length >= before + 2, { virtualMs: 15_000, what: 'the alert once the silence ended' });
    await recovery(w);
  });
});
