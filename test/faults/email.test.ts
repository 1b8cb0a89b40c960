// Email faults (issue 7) that need a real process, through a real jaga and a real SMTP server on
// 127.0.0.1: SIGKILL mid-send (one real email from a real jaga), a sender address refused at start.
// The others run on virtual time in test/sim/: outbox-backoff (server down for a while), mail-stalls
// (never greets, stalls in DATA), mail-recipient-busy (450) and mail-header-safety (CR/LF, Bcc:).
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { tempVolume } from '../helpers/config.js';
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

async function outage(): Promise<void> {
  await central.set('refuse');
  await jaga.waitForGate((g) => hasReason(g, 'CENTRAL_UNREACHABLE'), 15_000, 'the outage to halt the gate');
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

before(async () => {
  central = await FakeCentral.start();
  smtp = await startSmtpServer();
  jaga = await JagaProcess.create({
    site: 'palangkaraya',
    central: { schedule: '* * * * * *', timeout: '500ms', failure_threshold: 2, recovery_threshold: 2, targets: [{ name: 'pusat-api', type: 'http', url: central.url }] },
    storage: { schedule: '* * * * * *', timeout: '500ms', volumes: [tempVolume()] },
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
