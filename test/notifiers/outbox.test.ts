// The one OutboxSender with the email notifier on a real SQLite outbox, the real mailer and a real SMTP server: order, backoff while it
// is down, 550/450, expiry, and restarts that lose nothing and resend only what was never marked sent.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { composeEmail, createEmailNotifier, createSmtpMailer, type Mailer } from '../../src/notifiers/email.js';
import { retryDelayMs } from '../../src/core/backoff.js';
import type { OutboxResult, SendOutcome } from '../../src/outbox/notifier.js';
import { OutboxSender } from '../../src/outbox/sender.js';
import { systemClock } from '../../src/runtime/clock.js';
import type { DueQuery, NewOutboxMessage, OutboxMessage, OutboxRepository } from '../../src/store/outbox.js';
import type { Store } from '../../src/store/sqlite.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';
import { tempStore, type TempStore } from '../helpers/temp-store.js';
import { waitFor } from '../helpers/wait.js';

interface Timings {
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  readonly pollMs: number;
}
const FAST: Timings = { retryInitialMs: 100, retryMaxMs: 400, pollMs: 50 };
const RENDER = { site: 'palangkaraya', timeZone: 'Asia/Jakarta', publicUrl: null, contacts: {} };

interface Attempt {
  readonly id: string;
  readonly outcome: SendOutcome['outcome'];
}

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** The real mailer, with every attempt recorded: attempts made while the server is down leave no trace there. */
function recording(inner: Mailer, attempts: Attempt[]): Mailer {
  return {
    async send(m) {
      const outcome = await inner.send(m);
      attempts.push({ id: m.notificationId, outcome: outcome.outcome });
      return outcome;
    },
    verify: () => inner.verify(),
    close: () => inner.close(),
  };
}

let temp: TempStore;
let store: Store;
let server: TestSmtpServer;
let senders: OutboxSender[];
let mailers: Mailer[];
let attempts: Attempt[];
let results: OutboxResult[];
let logs: LogLine[];

beforeEach(async () => {
  temp = tempStore('jaga-sender-');
  store = temp.store;
  server = await startSmtpServer();
  senders = [];
  mailers = [];
  attempts = [];
  results = [];
  logs = [];
});
afterEach(async () => {
  for (const sender of senders) await sender.stop(1_000);
  for (const mailer of mailers) mailer.close();
  temp.remove();
  await server.close();
});

function newSender(
  options: Timings = FAST,
  deps: { random?: () => number; onResult?: (r: OutboxResult) => void; repo?: OutboxRepository } = {},
): OutboxSender {
  const mailer = recording(
    createSmtpMailer({ host: server.host, port: server.port, tls: 'none', tls_verify: true, from: 'jaga@kantor.test', timeout: 1_000 }, null, systemClock),
    attempts,
  );
  mailers.push(mailer);
  const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line) as LogLine) });
  const outbox = { retry_initial: options.retryInitialMs, retry_max: options.retryMaxMs, max_age: 60_000 };
  const email = createEmailNotifier(mailer, { render: RENDER, outbox, timeoutMs: 1_000 });
  const onResult = deps.onResult ?? ((r) => results.push(r));
  const sender = new OutboxSender(deps.repo ?? store.outbox, { email }, {
    clock: { ...systemClock, random: deps.random ?? (() => 1) },
    logger,
    pollMs: options.pollMs,
    onResult: (_channel, r) => onResult(r as OutboxResult),
  });
  senders.push(sender);
  return sender;
}

/** An email row as written before schema 6 (rendered when written): the sender cares only for the channel. */
function message(id: string, createdAt: number, maxAgeMs = 60_000): NewOutboxMessage {
  const rendered = { subject: `Alert ${id}`, text: `text ${id}`, html: `<p>${id}</p>` };
  return {
    id,
    source: 'alerts',
    channel: 'email',
    lane: null,
    recipient: `${id}@dinas.test`,
    recipientName: `Kabid ${id}`,
    subject: rendered.subject,
    messageId: `<${id}.notif@jaga.test>`,
    payload: JSON.stringify({ to: `${id}@dinas.test`, toName: `Kabid ${id}`, rendered }),
    createdAt,
    expiresAt: createdAt + maxAgeMs,
  };
}

const receivedIds = () => server.received.map((r) => r.messageId);
const row = (id: string): OutboxMessage | undefined => store.outbox.list({ limit: 1_000 }).find((m) => m.id === id);
const attemptsOf = (id: string) => attempts.filter((a) => a.id === id).length;

describe('OutboxSender', () => {
  it('sends due messages one at a time, oldest first, and marks them sent', async () => {
    const t = Date.now();
    store.outbox.enqueue([message('c', t - 1), message('a', t - 3), message('b', t - 2)]);
    newSender().start();
    await server.waitFor(() => server.received.length === 3, 5_000, '3 messages');
    assert.deepEqual(receivedIds(), ['<a.notif@jaga.test>', '<b.notif@jaga.test>', '<c.notif@jaga.test>']);
    await waitFor(() => results.length === 3, 2_000, 'results recorded');
    assert.deepEqual(results, ['sent', 'sent', 'sent']);
    assert.deepEqual(['a', 'b', 'c'].map((id) => [row(id)?.status, row(id)?.attempts]), [['sent', 1], ['sent', 1], ['sent', 1]]);
  });

  it('wakes on kick() instead of waiting for the next poll', async () => {
    // Counts the sender's looks into the outbox, to know it has looked once and gone to sleep.
    let looks = 0;
    const outbox = store.outbox;
    const repo = Object.assign(Object.create(outbox) as OutboxRepository, {
      nextDue: (q: DueQuery) => {
        looks += 1;
        return outbox.nextDue(q);
      },
    });
    const sender = newSender({ ...FAST, pollMs: 60_000 }, { repo });
    sender.start();
    await waitFor(() => looks === 1, 2_000, 'the first look into the empty outbox');
    store.outbox.enqueue([message('a', Date.now())]);
    const kickedAt = Date.now();
    sender.kick();
    await server.waitFor(() => server.received.length === 1, 2_000, 'the kicked message');
    assert.ok(Date.now() - kickedAt < 2_000);
  });

  it('holds everything back while the server is down, backing off, then delivers each message once, in order', async () => {
    await server.stop();
    const t = Date.now();
    store.outbox.enqueue([message('a', t - 3), message('b', t - 2), message('c', t - 1)]);
    const started = Date.now();
    newSender().start();
    // random() = 1: delays are exactly 100, 200, 400, 400 ms.
    await waitFor(() => attempts.length >= 4, 5_000, '4 attempts on a dead server');
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 100 + 200 + 400 - 30, `4 attempts took only ${elapsed} ms: no backoff`);
    assert.deepEqual(new Set(attempts.map((a) => a.id)), new Set(['a']), 'b and c wait behind a: the server is not hammered');
    assert.ok(attempts.every((a) => a.outcome === 'temporary'));
    await server.start();
    // The server has a message before the sender has its answer and books the attempt: wait for both.
    await server.waitFor(() => server.received.length === 3, 5_000, 'all 3 after the server came back');
    await waitFor(() => ['a', 'b', 'c'].every((id) => row(id)?.status === 'sent'), 5_000, 'all 3 booked as sent');
    assert.deepEqual(receivedIds(), ['<a.notif@jaga.test>', '<b.notif@jaga.test>', '<c.notif@jaga.test>']);
    const failedAttempts = attempts.filter((a) => a.outcome === 'temporary').length;
    assert.ok(failedAttempts >= 4 && failedAttempts <= 8, `${failedAttempts} attempts while down (${Date.now() - started} ms)`);
    assert.equal(attemptsOf('b'), 1);
    assert.equal(attemptsOf('c'), 1);
    assert.deepEqual(['a', 'b', 'c'].map((id) => row(id)?.status), ['sent', 'sent', 'sent']);
    assert.equal(row('a')?.attempts, failedAttempts + 1);
    assert.ok(server.connections <= 2, `${server.connections} connections once it was up: the pool reuses one`);
  });

  it('fails a 550 for good after one attempt, logs it with the recipient, and sends the others', async () => {
    server.rejectRecipient('b@dinas.test', 550);
    const t = Date.now();
    store.outbox.enqueue([message('a', t - 3), message('b', t - 2), message('c', t - 1)]);
    newSender().start();
    await server.waitFor(() => server.received.length === 2, 5_000, 'a and c');
    await waitFor(() => results.length === 3, 2_000, 'three results');
    assert.deepEqual(receivedIds(), ['<a.notif@jaga.test>', '<c.notif@jaga.test>']);
    assert.deepEqual(results, ['sent', 'failed', 'sent']);
    assert.deepEqual([row('b')?.status, row('b')?.attempts], ['failed', 1]);
    assert.match(row('b')?.lastError ?? '', /550/);
    assert.equal(store.outbox.nextDue({ now: Date.now() + 3_600_000 }), null, 'nothing left that could be retried');
    assert.equal(attemptsOf('b'), 1);
    const logged = logs.find((l) => l.level === 50 && l.notification === 'b');
    assert.equal(logged?.recipient, 'b@dinas.test');
  });

  it('retries a recipient refused with 450 later without holding up the others, and delivers it once accepted', async () => {
    server.rejectRecipient('a@dinas.test', 450);
    const t = Date.now();
    store.outbox.enqueue([message('a', t - 2), message('b', t - 1)]);
    newSender().start();
    await waitFor(() => attemptsOf('a') >= 2 && server.received.length === 1, 5_000, 'b delivered while a is retried');
    assert.deepEqual(receivedIds(), ['<b.notif@jaga.test>']);
    assert.equal(row('a')?.status, 'pending');
    server.clearRejections();
    await server.waitFor(() => server.received.length === 2, 5_000, 'a once accepted');
    assert.deepEqual(receivedIds(), ['<b.notif@jaga.test>', '<a.notif@jaga.test>']);
    assert.equal(row('a')?.status, 'sent');
    assert.ok(results.includes('retry'));
  });

  it('expires a message older than max age instead of sending it', async () => {
    const t = Date.now();
    store.outbox.enqueue([message('old', t - 10_000, 5_000), message('fresh', t)]);
    newSender().start();
    await server.waitFor(() => server.received.length === 1, 5_000, 'the fresh message');
    await waitFor(() => results.length === 2, 2_000, 'two results');
    assert.deepEqual(receivedIds(), ['<fresh.notif@jaga.test>']);
    assert.deepEqual(results, ['expired', 'sent']);
    assert.deepEqual([row('old')?.status, row('old')?.attempts], ['expired', 0]);
    assert.match(row('old')?.lastError ?? '', /not delivered within max_age \(5000 ms\)/);
    assert.equal(attemptsOf('old'), 0);
  });

  it('after a stop midway, a new sender on the same database file sends the rest, each exactly once', async () => {
    const t = Date.now();
    const ids = ['m1', 'm2', 'm3', 'm4', 'm5'];
    store.outbox.enqueue(ids.map((id, i) => message(id, t - 10 + i)));
    let stopping: Promise<void> | undefined;
    const first: OutboxSender = newSender(FAST, {
      onResult: (r) => {
        results.push(r);
        if (results.length === 2) stopping = first.stop(1_000);
      },
    });
    first.start();
    await waitFor(() => stopping !== undefined, 5_000, 'two sent');
    await stopping;
    assert.equal(server.received.length, 2);
    assert.equal(store.outbox.stats(Date.now()).pending, 3);

    store = temp.reopen(); // as a process restart would
    newSender().start();
    await server.waitFor(() => server.received.length === 5, 5_000, 'the other three');
    assert.deepEqual(receivedIds(), ids.map((id) => `<${id}.notif@jaga.test>`));
    assert.equal(store.outbox.stats(Date.now()).pending, 0);
  });

  it('leaves a send still running at the end of the grace period pending, and it goes after restart', async () => {
    server.stallData(true);
    store.outbox.enqueue([message('inflight', Date.now())]);
    const sender = newSender();
    sender.start();
    await server.waitFor(() => server.dataStarted === 1, 5_000, 'the message body reaching the server');
    const stopStarted = Date.now();
    await sender.stop(100);
    assert.ok(Date.now() - stopStarted < 1_000, 'stop() does not wait past its grace');
    for (const mailer of mailers) mailer.close();
    assert.equal(row('inflight')?.status, 'pending');
    assert.equal(row('inflight')?.attempts, 0);

    server.stallData(false);
    newSender().start();
    await server.waitFor(() => server.received.length === 1, 5_000, 'the message after restart');
    assert.equal(server.received[0]?.messageId, '<inflight.notif@jaga.test>');
    await waitFor(() => row('inflight')?.status === 'sent', 2_000, 'marked sent');
  });

  it('resends with the same Message-ID a message the server accepted but that was never marked sent', async () => {
    // The crash window: the server said 250, jaga died before markSent. Build that state directly.
    store.outbox.enqueue([message('crash', Date.now())]);
    const pending = store.outbox.nextDue({ now: Date.now() });
    assert.ok(pending);
    const direct = createSmtpMailer({ host: server.host, port: server.port, tls: 'none', tls_verify: true, from: 'jaga@kantor.test', timeout: 1_000 }, null, systemClock);
    mailers.push(direct);
    const outcome = await direct.send({
      to: pending.recipient,
      toName: pending.recipientName,
      subject: pending.subject,
      text: 'text',
      html: '<p>text</p>',
      messageId: pending.messageId,
      notificationId: pending.id,
    });
    assert.equal(outcome.outcome, 'accepted');
    assert.equal(row('crash')?.status, 'pending');

    newSender().start();
    await server.waitFor(() => server.received.length === 2, 5_000, 'the resent copy');
    assert.deepEqual(receivedIds(), ['<crash.notif@jaga.test>', '<crash.notif@jaga.test>'], 'at least once, never zero, same Message-ID');
    await waitFor(() => row('crash')?.status === 'sent', 2_000, 'marked sent');
    await new Promise((resolve) => setTimeout(resolve, 200)); // a third copy would have gone by now
    assert.equal(server.received.length, 2);
  });

  it('renders an alert notification when it sends it, from the row the pipeline composed', async () => {
    const now = Date.now();
    const gate = { state: 'halted', mode: 'normal', buffering: null, forecast: null, since: now - 60_000, reasons: [], overridden: [], clearSince: null, decidedAt: now, validUntil: now + 45_000, override: null } as const;
    const alert = {
      key: 'RecordingHalted{}', name: 'RecordingHalted', severity: 'critical', labels: { alertname: 'RecordingHalted' },
      state: 'firing', activeSince: now - 60_000, firingSince: now - 60_000, values: {},
    } as const;
    const notification = { id: `kabid@dinas.test#${now}#1`, recipient: 'kabid@dinas.test', kind: 'firing', firing: [alert], resolved: [], at: now } as const;
    const recipient = { id: 'kabid@dinas.test', name: 'Bu Kabid', channel: 'email', address: 'kabid@dinas.test', role: 'department_head', minSeverity: 'critical', language: 'en', alertnames: null } as const;
    const composed = composeEmail({ notification, recipient, gate, render: RENDER });
    assert.equal(JSON.parse(composed.payload).rendered, undefined, 'the row holds the notification, not a rendered email');
    store.outbox.enqueue([
      { id: notification.id, source: 'alerts', channel: 'email', lane: null, recipient: recipient.id, recipientName: recipient.name, ...composed, createdAt: now, expiresAt: now + 60_000 },
    ]);
    newSender().start();
    await server.waitFor(() => server.received.length === 1, 5_000, 'the rendered email');
    const [mail] = server.received;
    assert.equal(mail?.subject, composed.subject, 'the subject stored for people is the one sent');
    assert.equal(mail?.messageId, composed.messageId);
    assert.deepEqual(mail?.envelopeTo, ['kabid@dinas.test']);
    assert.match(mail?.text ?? '', /Bu Kabid/);
  });

  it('stops promptly when idle and cannot be started again', async () => {
    const sender = newSender({ ...FAST, pollMs: 60_000 });
    sender.start();
    const started = Date.now();
    await sender.stop(5_000);
    assert.ok(Date.now() - started < 500);
    assert.throws(() => sender.start(), /cannot be started again/);
  });
});

describe('retryDelayMs', () => {
  const options = { retryInitialMs: 30_000, retryMaxMs: 900_000 };
  const cases: [attempts: number, random: number, expected: number][] = [
    [0, 1, 30_000],
    [0, 0, 15_000],
    [1, 1, 60_000],
    [4, 1, 480_000],
    [5, 1, 900_000],
    [5, 0, 450_000],
    [200, 1, 900_000],
    [2_000, 0.5, 675_000],
  ];
  for (const [n, random, expected] of cases) {
    it(`after ${n} attempts with random ${random}: ${expected} ms`, () => assert.equal(retryDelayMs(n, options, random), expected));
  }
});
