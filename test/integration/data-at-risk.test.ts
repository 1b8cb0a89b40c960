// The upload heartbeat in a real jaga process (the built dist/, a real SQLite file, a real SMTP server):
// SIGKILL and a start keep the last ping; and the story "central answers but uploads fail" end to end:
// central healthy, the upload script's pings stop, the gate halts with UPLOAD_STALLED within grace plus
// one storage interval, one email goes to the department head, and the gate reopens once pings return.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fastCentral, fastStorage, httpTarget, tempVolume } from '../helpers/config.js';
import { FakeCentral } from '../helpers/fake-central.js';
import { hasReason, JagaProcess, type GateAnswer } from '../helpers/jaga-process.js';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../helpers/smtp-server.js';
import { waitFor } from '../helpers/wait.js';

const UPLOAD_TOKEN = 'upload-station-token-0123456789';
const ARSIP_TOKEN = 'arsip-station-token-0123456789';
const BOTH_TOKENS = { JAGA_HEARTBEAT_TOKENS: `upload=${UPLOAD_TOKEN},arsip=${ARSIP_TOKEN}` };
const KABID = 'kabid@uji.go.id';

interface HeartbeatAnswer {
  name: string;
  grace: number;
  last_ping_at: string | null;
  late: boolean;
  halt: boolean;
  last_items_sent: number | null;
}

async function ping(jaga: JagaProcess, name: string, token: string, body?: unknown): Promise<HeartbeatAnswer> {
  const response = await jaga.fetch(`/api/v1/heartbeats/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as HeartbeatAnswer;
}

async function read(jaga: JagaProcess, name: string, token: string): Promise<HeartbeatAnswer> {
  const response = await jaga.fetch(`/api/v1/heartbeats/${name}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as HeartbeatAnswer;
}

describe('SIGKILL and a start keep the last ping', () => {
  let central: FakeCentral;
  let jaga: JagaProcess;

  before(async () => {
    central = await FakeCentral.start();
    jaga = await JagaProcess.create({
      central: fastCentral([httpTarget(central.url)]),
      storage: fastStorage([tempVolume()]),
      gate: { resume_after: '1s' },
      heartbeats: [
        { name: 'upload', grace: '1m', halt: true },
        { name: 'arsip', grace: '2s' },
      ],
    });
    await jaga.start(15_000, BOTH_TOKENS);
  });

  after(async () => {
    await jaga?.cleanup();
    await central?.close();
  });

  test('the same last_ping_at and items after the restart; within grace not late, past it late at once', async () => {
    const upload = await ping(jaga, 'upload', UPLOAD_TOKEN, { items_sent: 7 });
    const arsip = await ping(jaga, 'arsip', ARSIP_TOKEN);
    await jaga.kill();
    // arsip's grace passes while jaga is down: a start that forgot the ping would wait 2 s more.
    await waitFor(() => Date.now() > Date.parse(arsip.last_ping_at ?? '') + 2_500, 5_000, "arsip's grace to pass");
    await jaga.start(15_000, BOTH_TOKENS);

    const uploadAfter = await read(jaga, 'upload', UPLOAD_TOKEN);
    assert.deepEqual(uploadAfter, { ...upload, late: false });
    assert.equal(uploadAfter.last_items_sent, 7);
    const arsipAfter = await read(jaga, 'arsip', ARSIP_TOKEN);
    assert.equal(arsipAfter.last_ping_at, arsip.last_ping_at);
    assert.equal(arsipAfter.late, true, 'late from the stored ping, not from the start');

    const { gate } = await jaga.waitForGate((g) => g.state === 'allowed', 15_000, 'the gate to open after the restart');
    assert.ok(!hasReason(gate, 'UPLOAD_STALLED'), 'upload is within its grace');
    assert.equal((await read(jaga, 'upload', UPLOAD_TOKEN)).late, false);
  });
});

describe('central answers but uploads fail', () => {
  const GRACE_MS = 3_000;
  const STORAGE_INTERVAL_MS = 1_000;
  const RESUME_AFTER_MS = 2_000;
  /** For a loaded two-core machine: decisions, the poll and the process all run a little late. */
  const MARGIN_MS = 2_000;
  const PING_EVERY_MS = 500;

  let central: FakeCentral;
  let smtp: TestSmtpServer;
  let jaga: JagaProcess;

  /**
   * The upload script: a ping every 500 ms until stopped; a refused ping fails the test. `stop` gives
   * jaga's answers to the first and the last ping (the last one jaga recorded).
   */
  function startPinging(): { stop(): Promise<{ first: HeartbeatAnswer; last: HeartbeatAnswer }> } {
    let running = true;
    const answers: HeartbeatAnswer[] = [];
    const loop = (async () => {
      while (running) {
        answers.push(await ping(jaga, 'upload', UPLOAD_TOKEN, { items_sent: answers.length + 1 }));
        await new Promise((resolve) => setTimeout(resolve, PING_EVERY_MS));
      }
    })();
    return {
      async stop() {
        running = false;
        await loop;
        const [first, last] = [answers[0], answers.at(-1)];
        assert.ok(first !== undefined && last !== undefined, 'at least one ping');
        return { first, last };
      },
    };
  }

  /** Reads the gate every 100 ms until `until` holds; the last answer read. */
  async function watchGate(until: (g: GateAnswer) => boolean, deadlineMs: number, what: string): Promise<GateAnswer> {
    let last: GateAnswer | undefined;
    await waitFor(
      async () => {
        last = await jaga.gate();
        return until(last);
      },
      deadlineMs,
      what,
      { everyMs: 100, describe: () => JSON.stringify(last), context: () => jaga.logs.slice(-4_000) },
    );
    return last as GateAnswer;
  }

  /** Reads the gate every 100 ms for `forMs`: every answer must be allowed. */
  async function staysAllowed(forMs: number): Promise<number> {
    const end = Date.now() + forMs;
    let reads = 0;
    while (Date.now() < end) {
      const gate = await jaga.gate();
      assert.equal(gate.state, 'allowed', JSON.stringify(gate));
      reads++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return reads;
  }

  /** Milliseconds between two of jaga's ISO instants. */
  const between = (from: string | null, to: string | null): number => Date.parse(to ?? '') - Date.parse(from ?? '');

  const headMails = (): ReceivedMail[] => smtp.received.filter((m) => m.envelopeTo.includes(KABID));

  before(async () => {
    central = await FakeCentral.start();
    smtp = await startSmtpServer();
    jaga = await JagaProcess.create({
      site: 'palangkaraya',
      central: fastCentral([httpTarget(central.url)]),
      storage: fastStorage([tempVolume()], { schedule: '* * * * * *' }),
      gate: { resume_after: `${RESUME_AFTER_MS}ms` },
      heartbeats: [{ name: 'upload', grace: `${GRACE_MS}ms`, halt: true }],
      alerts: {
        group_wait: '1s',
        // Longer than the test: a change to the group after the first email waits, so "one email" is the plan's, not luck.
        group_interval: '1h',
        repeat_interval: '1h',
        smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none', from: 'jaga <jaga@uji.go.id>', timeout: '1s' },
        outbox: { retry_initial: '500ms', retry_max: '2s', max_age: '1h' },
        recipients: [{ name: 'Kabid PIAK', email: KABID, role: 'department_head' }],
      },
    });
    await jaga.start(15_000, { JAGA_HEARTBEAT_TOKENS: `upload=${UPLOAD_TOKEN}` });
  });

  after(async () => {
    await jaga?.cleanup();
    await central?.close();
    await smtp?.close();
  });

  test('pings keep it open; stopped, UPLOAD_STALLED within grace plus one storage interval, one email to the head; back, it reopens', async () => {
    // The script starts with jaga: the never-pinged heartbeat is late only after grace since the start.
    const pinger = startPinging();
    await jaga.waitForGate((g) => g.state === 'allowed', 15_000, 'the gate to open');
    assert.ok((await staysAllowed(3 * GRACE_MS)) >= 10, 'the gate read all along three graces');
    assert.equal(headMails().length, 0, 'no email while uploads succeed');

    const { last } = await pinger.stop();
    const halted = await watchGate((g) => hasReason(g, 'UPLOAD_STALLED'), GRACE_MS + STORAGE_INTERVAL_MS + MARGIN_MS + 5_000, 'UPLOAD_STALLED');
    const reason = halted.reasons.find((r) => r.code === 'UPLOAD_STALLED');
    const haltedAfterMs = between(last.last_ping_at, reason?.since ?? null);
    console.log(`UPLOAD_STALLED ${haltedAfterMs} ms after the last ping (grace ${GRACE_MS} ms, storage interval ${STORAGE_INTERVAL_MS} ms)`);
    assert.ok(haltedAfterMs > GRACE_MS, `not before grace: ${haltedAfterMs} ms`);
    assert.ok(haltedAfterMs <= GRACE_MS + STORAGE_INTERVAL_MS + MARGIN_MS, `within grace plus one storage interval (and ${MARGIN_MS} ms margin): ${haltedAfterMs} ms`);
    assert.equal(halted.state, 'halted');
    assert.deepEqual(
      halted.reasons.map((r) => [r.code, r.subject]),
      [['UPLOAD_STALLED', 'upload']],
      'central answers: the stalled upload is the only reason',
    );
    assert.equal((await read(jaga, 'upload', UPLOAD_TOKEN)).late, true);

    await smtp.waitFor(() => headMails().length >= 1, 15_000, 'the email to the department head');
    // group_wait (1 s) and a send have passed for anything planned with it; wait as long again for a second.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const mails = headMails();
    assert.equal(mails.length, 1, mails.map((m) => m.subject).join(' | '));
    const mail = mails[0] as ReceivedMail;
    assert.match(`${mail.subject ?? ''}\n${mail.text ?? ''}`, /unggah/i, 'says it is the uploads, in the head\'s words');
    assert.match(mail.text ?? '', /upload/, 'names the heartbeat');

    const resumed = startPinging();
    const reopened = await watchGate((g) => g.state === 'allowed', RESUME_AFTER_MS + STORAGE_INTERVAL_MS + MARGIN_MS + 5_000, 'the gate to reopen');
    const { first } = await resumed.stop();
    assert.deepEqual(reopened.reasons, []);
    // The first ping back clears the reason at once; the gate then waits resume_after, decided every second.
    const reopenedAfterMs = between(first.last_ping_at, reopened.since);
    console.log(`reopened ${reopenedAfterMs} ms after the first ping back (resume_after ${RESUME_AFTER_MS} ms)`);
    assert.ok(reopenedAfterMs >= RESUME_AFTER_MS, `not before resume_after: ${reopenedAfterMs} ms`);
    assert.ok(reopenedAfterMs <= RESUME_AFTER_MS + STORAGE_INTERVAL_MS + MARGIN_MS, `soon after resume_after: ${reopenedAfterMs} ms`);
    assert.equal((await read(jaga, 'upload', UPLOAD_TOKEN)).late, false);
  });
});
