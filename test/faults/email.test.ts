// Email faults (issue 7), end to end through a real jaga and a real SMTP server on 127.0.0.1: a server
// down for a while, one that never greets or stalls in DATA, 450 for one recipient, SIGKILL mid-send, injection.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { FakeCentral } from '../helpers/fake-central.js';
import { hasReason, JagaProcess } from '../helpers/jaga-process.js';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../helpers/smtp-server.js';

const KABID = 'kabid@uji.go.id';
const OPERATOR = 'ti@uji.go.id';
const SMTP_TIMEOUT_MS = 1_000;
const GROUP_INTERVAL_MS = 2_000;

let central: FakeCentral;
let smtp: TestSmtpServer;
let jaga: JagaProcess;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const settle = () => sleep(GROUP_INTERVAL_MS + 1_500);
const mailsTo = (address: string, from = 0) => smtp.received.slice(from).filter((m) => m.envelopeTo.join(',') === address);
const isResolved = (m: ReceivedMail) => /PULIH|RESOLVED/.test(m.subject ?? '');

async function outage(): Promise<void> {
  await central.set('refuse');
  await jaga.waitForGate((g) => hasReason(g, 'CENTRAL_UNREACHABLE'), 15_000, 'the outage to halt the gate');
}

async function recovery(): Promise<void> {
  await central.set('ok');
  await jaga.waitForGate((g) => g.state === 'allowed', 15_000, 'recovery');
}

/** Rows of the outbox, read from jaga's database file (WAL: safe next to the running process). */
function outboxRows(where = '1 = 1', ...params: unknown[]): { id: string; message_id: string; recipient: string; status: string; attempts: number }[] {
  const db = new BetterSqlite3(join(jaga.dir, 'data', 'jaga.db'), { fileMustExist: true });
  try {
    return db.prepare(`SELECT id, message_id, recipient, status, attempts FROM notifications WHERE ${where} ORDER BY created_at, id`).all(...params) as never;
  } finally {
    db.close();
  }
}

/** Reads the gate every `everyMs` while `during` runs; returns the slowest answer in ms and the decisions seen. */
async function gateLatencyWhile(during: Promise<unknown>, everyMs = 100): Promise<{ maxMs: number; decisions: Set<string> }> {
  let done = false;
  void during.finally(() => (done = true));
  let maxMs = 0;
  const decisions = new Set<string>();
  while (!done) {
    const started = performance.now();
    const gate = await jaga.gate();
    maxMs = Math.max(maxMs, performance.now() - started);
    decisions.add(gate.decided_at);
    await sleep(everyMs);
  }
  await during;
  return { maxMs, decisions };
}

before(async () => {
  central = await FakeCentral.start();
  smtp = await startSmtpServer();
  jaga = await JagaProcess.create({
    site: 'palangkaraya',
    central: { schedule: '* * * * * *', timeout: '500ms', failure_threshold: 2, recovery_threshold: 2, targets: [{ name: 'pusat-api', type: 'http', url: central.url }] },
    storage: { schedule: '* * * * * *', timeout: '500ms', volumes: [{ name: 'rekaman', path: mkdtempSync(join(tmpdir(), 'jaga-vol-')) }] },
    gate: { resume_after: '1s' },
    alerts: {
      group_wait: '1s',
      group_interval: `${GROUP_INTERVAL_MS}ms`,
      repeat_interval: '1h',
      smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none', from: 'jaga <jaga@uji.go.id>', timeout: `${SMTP_TIMEOUT_MS}ms` },
      outbox: { retry_initial: '500ms', retry_max: '4s', max_age: '1h' },
      // Text from config that tries to add a header or a recipient.
      contacts: { central: 'Helpdesk 021-1234\r\nBcc: evil-contact@x.test\r\nX-Injected: 1' },
      recipients: [
        { name: 'Kabid PIAK\r\nBcc: evil-name@x.test', email: KABID, role: 'department_head' },
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

test('mail server down for a while: each message arrives once, in order, afterwards; attempts back off', async () => {
  await smtp.refuseService(); // accepts, says 421 and hangs up: every attempt is counted
  const from = smtp.received.length;
  const connectionsBefore = smtp.connections;
  const downAt = Date.now();
  await outage();
  await sleep(3_000);
  await recovery();
  await settle();
  const pending = outboxRows("status = 'pending'");
  assert.equal(pending.length, 4, `halt and resolved for each recipient wait: ${JSON.stringify(pending)}`);
  await sleep(Math.max(0, 14_000 - (Date.now() - downAt)));
  const attempts = smtp.connections - connectionsBefore;
  const downForS = (Date.now() - downAt) / 1000;
  // 0.5 s doubling to 4 s, with jitter: about 6 in 14 s. Without backoff it would be hundreds.
  assert.ok(attempts >= 2 && attempts <= 10, `${attempts} connection attempts in ${downForS.toFixed(1)} s`);

  await smtp.start();
  await smtp.waitFor(() => smtp.received.length >= from + 4, 15_000, 'the four waiting messages');
  await settle();
  const arrived = smtp.received.slice(from);
  assert.equal(arrived.length, 4, 'each once');
  assert.equal(new Set(arrived.map((m) => m.messageId)).size, 4);
  assert.deepEqual(arrived.map(isResolved), [false, false, true, true], 'in the order they were queued');
  for (const to of [KABID, OPERATOR]) assert.deepEqual(mailsTo(to, from).map(isResolved), [false, true], to);
  // The config's contact with CR/LF in it (see the injection test) is one line of text here.
  assert.match(mailsTo(KABID, from)[0]?.text ?? '', /Helpdesk 021-1234 Bcc: evil-contact@x\.test X-Injected: 1/);
  assert.deepEqual(outboxRows("status <> 'sent'"), []);
});

test('a server that never greets, then one that stalls in DATA: each send gives up at the deadline and is retried; the gate never waits', async () => {
  await smtp.stallGreeting();
  const from = smtp.received.length;
  const connectionsBefore = smtp.connections;
  const stalling = (async () => {
    await outage();
    await sleep(6_000);
  })();
  const greeting = await gateLatencyWhile(stalling);
  const tries = smtp.connections - connectionsBefore;
  // Deadline 1 s + 1 s slack, then 0.5..4 s backoff: 2 to 4 tries in about 7 s; each one gave up.
  assert.ok(tries >= 2 && tries <= 4, `${tries} connections to the silent server`);
  assert.ok(greeting.maxMs < 250, `the slowest gate answer took ${greeting.maxMs.toFixed(0)} ms`);
  assert.ok(greeting.decisions.size >= 5, 'the gate kept deciding');

  await smtp.start();
  smtp.stallData(true);
  const stalledData = (async () => {
    await smtp.waitFor(() => smtp.stalled.length >= 2, 20_000, 'a second DATA after the first one timed out');
  })();
  const data = await gateLatencyWhile(stalledData);
  assert.ok(data.maxMs < 250, `the slowest gate answer took ${data.maxMs.toFixed(0)} ms`);
  assert.equal(smtp.received.length, from, 'nothing was answered');
  const retried = smtp.stalled.map((m) => m.messageId);
  assert.equal(retried[0], retried[1], 'the same message, tried again with the same Message-ID');

  smtp.stallData(false);
  await smtp.waitFor(() => mailsTo(KABID, from).length === 1 && mailsTo(OPERATOR, from).length === 1, 20_000, 'both halt messages');
  await recovery();
  await smtp.waitFor(() => smtp.received.length >= from + 4, 20_000, 'the resolved messages');
  await settle();
});

test('450 for one recipient: the other has the message at once, this one is retried until accepted, once', async () => {
  smtp.rejectRecipient(OPERATOR, 450);
  const from = smtp.received.length;
  await outage();
  await smtp.waitFor(() => mailsTo(KABID, from).length === 1, 15_000, 'the department head message');
  await jaga.waitFor(async () => outboxRows('recipient = ? AND status = ? AND attempts >= 2', OPERATOR, 'pending').length === 1, 15_000, 'the refused recipient retried');
  assert.equal(mailsTo(OPERATOR, from).length, 0);
  smtp.clearRejections();
  await smtp.waitFor(() => mailsTo(OPERATOR, from).length === 1, 15_000, 'the operator message once accepted');
  await recovery();
  await smtp.waitFor(() => smtp.received.length >= from + 4, 15_000, 'the resolved messages');
  await settle();
  assert.equal(mailsTo(OPERATOR, from).length, 2, 'halt and resolved, each once');
});

test('CR/LF, Bcc: and huge strings from config or an override reason never make a header or a recipient', async () => {
  const huge = await jaga.adminFetch('/api/v1/overrides', { method: 'POST', body: JSON.stringify({ action: 'halt', reason: 'x'.repeat(100_000), for: '1m' }) });
  assert.equal(huge.status, 413);
  const long = await jaga.adminFetch('/api/v1/overrides', { method: 'POST', body: JSON.stringify({ action: 'halt', reason: 'x'.repeat(10_000), for: '1m' }) });
  assert.equal(long.status, 400, 'past 500 characters a reason is refused');
  assert.equal((await jaga.gate()).state, 'allowed', 'no override was made');
  const injected = `pemeliharaan\r\nBcc: evil-reason@x.test\r\nSubject: palsu\r\n\r\n${'y'.repeat(400)}`;
  const refused = await jaga.adminFetch('/api/v1/overrides', { method: 'POST', body: JSON.stringify({ action: 'halt', reason: injected, for: '1m' }) });
  assert.equal(refused.status, 400, 'a reason is one line: CR/LF are refused at input');
  assert.match(((await refused.json()) as { message: string }).message, /^reason: must not contain control characters/);
  // What is taken still never becomes a header (render.test.ts covers CR/LF in stored text).
  const reason = `pemeliharaan Bcc: evil-reason@x.test Subject: palsu ${'y'.repeat(400)}`;
  const from = smtp.received.length;
  const created = await jaga.adminFetch('/api/v1/overrides', { method: 'POST', body: JSON.stringify({ action: 'halt', reason, for: '1m' }) });
  assert.equal(created.status, 201);
  await smtp.waitFor(() => smtp.received.length >= from + 2, 15_000, 'the halt messages');
  const { override } = (await created.json()) as { override: { id: string } };
  assert.equal((await jaga.adminFetch(`/api/v1/overrides/${override.id}`, { method: 'DELETE' })).status, 200);
  await smtp.waitFor(() => smtp.received.length >= from + 4, 15_000, 'the resolved messages');
  await settle();

  const all = [...smtp.received, ...smtp.stalled];
  assert.deepEqual([...new Set(all.flatMap((m) => m.envelopeTo))].sort(), [KABID, OPERATOR].sort(), 'only the configured recipients, ever');
  for (const mail of all) {
    assert.equal(mail.envelopeTo.length, 1);
    assert.equal(mail.envelopeFrom, 'jaga@uji.go.id');
    assert.equal(mail.headers.has('bcc'), false);
    assert.equal(mail.headers.has('x-injected'), false);
    const headers = mail.raw.slice(0, mail.raw.indexOf('\r\n\r\n'));
    assert.doesNotMatch(headers, /^(bcc|x-injected|subject: palsu)/im, headers);
    assert.equal(headers.match(/^subject:/gim)?.length, 1);
  }
  const kabid = mailsTo(KABID, from)[0] as ReceivedMail;
  assert.match(kabid.text ?? '', /pemeliharaan Bcc: evil-reason@x\.test Subject: palsu y+/, 'the reason is shown, on one line');
  assert.deepEqual(kabid.to, [{ address: KABID, name: 'Kabid PIAK Bcc: evil-name@x.test' }]);
});

test('a sender address with a line break in the config: jaga refuses to start', async () => {
  const bad = await JagaProcess.create({
    central: { targets: [{ name: 'pusat', type: 'http', url: central.url }] },
    storage: { volumes: [{ name: 'rekaman', path: tmpdir() }] },
    alerts: {
      smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none', from: 'jaga <jaga@uji.go.id>\r\nBcc: evil-from@x.test' },
      recipients: [{ name: 'Kabid', email: KABID }],
    },
  });
  try {
    await assert.rejects(bad.start(10_000), /exited[\s\S]*alerts\.smtp\.from/);
  } finally {
    await bad.cleanup();
  }
});

test('SIGKILL once the server has the message but before it answers: resent after restart with the same Message-ID, stored sent once', async () => {
  await settle();
  smtp.stallData(true);
  let killed: ReceivedMail | undefined;
  smtp.onDataReceived((mail) => {
    const pid = jaga.pid;
    if (killed !== undefined || pid === undefined || !smtp.stalled.includes(mail)) return;
    killed = mail;
    process.kill(pid, 'SIGKILL');
  });
  const from = smtp.received.length;
  await outage();
  await smtp.waitFor(() => killed !== undefined, 15_000, 'the first message body at the server');
  await jaga.kill();
  const messageId = killed?.messageId ?? '';
  assert.deepEqual(outboxRows('message_id = ?', messageId).map((r) => [r.status, r.attempts]), [['pending', 0]], 'not known to be sent');

  smtp.stallData(false);
  await jaga.start();
  await smtp.waitFor(() => smtp.received.length >= from + 2, 15_000, 'both halt messages after the restart');
  await settle();
  assert.deepEqual(smtp.received.slice(from).filter((m) => m.messageId === messageId).length, 1, 'sent again, same Message-ID');
  assert.equal(await jaga.stop(), 0);
  assert.deepEqual(outboxRows('message_id = ?', messageId).map((r) => r.status), ['sent'], 'one row, sent');
  assert.deepEqual(outboxRows("status <> 'sent'"), []);
});
