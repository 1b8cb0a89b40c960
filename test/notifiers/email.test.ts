// The SMTP mailer against a real smtp-server on loopback: what each server answer becomes (accepted /
// temporary / permanent), bounded waits on stalled servers, STARTTLS, login, and header injection.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { isPlainAddress, parseFrom } from '../../src/core/alerts/address.js';
import { classifySmtpError, createSmtpMailer, type Mailer, type OutgoingEmail } from '../../src/notifiers/email.js';
import type { SendOutcome } from '../../src/outbox/notifier.js';
import { systemClock } from '../../src/runtime/clock.js';
import type { SmtpConfig } from '../../src/config/schema.js';
import { createTestPki, type TestPki } from '../helpers/certs.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';

const TIMEOUT_MS = 500;

function smtpConfig(port: number, overrides: Partial<SmtpConfig> = {}): SmtpConfig {
  return { host: '127.0.0.1', port, tls: 'none', tls_verify: true, allow_plaintext_auth: true, from: 'Jaga Kantor <jaga@kantor.test>', timeout: TIMEOUT_MS, ...overrides };
}

function email(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    to: 'kabid@dinas.test',
    toName: 'Kabid Pencatatan',
    subject: 'Perekaman dihentikan',
    text: 'Server pusat tidak terjangkau.',
    html: '<p>Server pusat tidak terjangkau.</p>',
    messageId: '<notif-1.kantor@jaga.test>',
    notificationId: 'kabid@dinas.test#1#0',
    ...overrides,
  };
}

async function timed(work: Promise<SendOutcome>): Promise<{ outcome: SendOutcome; ms: number }> {
  const started = Date.now();
  const outcome = await work;
  return { outcome, ms: Date.now() - started };
}

let server: TestSmtpServer;
let mailer: Mailer | null = null;
beforeEach(async () => {
  server = await startSmtpServer();
});
afterEach(async () => {
  mailer?.close();
  mailer = null;
  await server.close();
});
const open = (config: SmtpConfig, password: string | null = null): Mailer => {
  mailer = createSmtpMailer(config, password, systemClock);
  return mailer;
};

describe('createSmtpMailer', () => {
  it('delivers one message with the given Message-ID, both bodies and the notification header', async () => {
    const outcome = await open(smtpConfig(server.port)).send(email());
    assert.equal(outcome.outcome, 'accepted');
    assert.match(outcome.outcome === 'accepted' ? outcome.response : '', /^250 /);
    assert.equal(server.received.length, 1);
    const got = server.received[0];
    assert.equal(got?.messageId, '<notif-1.kantor@jaga.test>');
    assert.deepEqual(got?.envelopeTo, ['kabid@dinas.test']);
    assert.equal(got?.envelopeFrom, 'jaga@kantor.test');
    assert.deepEqual(got?.to, [{ address: 'kabid@dinas.test', name: 'Kabid Pencatatan' }]);
    assert.equal(got?.subject, 'Perekaman dihentikan');
    assert.equal(got?.text?.trim(), 'Server pusat tidak terjangkau.');
    assert.equal(got?.html?.trim(), '<p>Server pusat tidak terjangkau.</p>');
    assert.equal(got?.headers.get('x-jaga-notification'), 'kabid@dinas.test#1#0');
  });

  it('keeps names with non-ASCII letters and quotes intact', async () => {
    const outcome = await open(smtpConfig(server.port)).send(email({ toName: 'Bu "Sri" Wahyuningsih, S.Kom — Kabid' }));
    assert.equal(outcome.outcome, 'accepted');
    assert.deepEqual(server.received[0]?.to, [{ address: 'kabid@dinas.test', name: 'Bu "Sri" Wahyuningsih, S.Kom — Kabid' }]);
  });

  it('calls 550 for the only recipient permanent', async () => {
    server.rejectRecipient('kabid@dinas.test', 550);
    const outcome = await open(smtpConfig(server.port)).send(email());
    assert.equal(outcome.outcome, 'permanent');
    assert.match(outcome.outcome === 'permanent' ? outcome.error : '', /EENVELOPE RCPT TO: .*550 Mailbox unavailable/);
    assert.equal(server.received.length, 0);
  });

  it('calls 450 for the recipient temporary, for that recipient only', async () => {
    server.rejectRecipient('kabid@dinas.test', 450);
    const outcome = await open(smtpConfig(server.port)).send(email());
    assert.deepEqual(outcome.outcome === 'temporary' && { scope: outcome.scope, has450: /450/.test(outcome.error) }, { scope: 'recipient', has450: true });
  });

  it('calls a stopped server temporary (ECONNREFUSED), and sends again once it is back', async () => {
    const m = open(smtpConfig(server.port));
    assert.equal((await m.send(email())).outcome, 'accepted', 'a pooled connection exists before the stop');
    await server.stop();
    // The pooled connection was cut: the first send may find it dead (ECONNECTION); then refused.
    const stale = await m.send(email({ messageId: '<stale@jaga.test>' }));
    assert.deepEqual(stale.outcome === 'temporary' && stale.scope, 'server');
    const down = await m.send(email({ messageId: '<down@jaga.test>' }));
    assert.match(down.outcome === 'temporary' ? `${down.scope} ${down.error}` : '', /^server ESOCKET CONN: connect ECONNREFUSED/);
    await server.start();
    assert.equal((await m.send(email({ messageId: '<back@jaga.test>' }))).outcome, 'accepted');
    assert.deepEqual(server.received.map((r) => r.messageId), ['<notif-1.kantor@jaga.test>', '<back@jaga.test>']);
  });

  it('gives up on a server that never greets within the timeout, then recovers', async () => {
    await server.stallGreeting();
    const m = open(smtpConfig(server.port));
    const { outcome, ms } = await timed(m.send(email()));
    assert.equal(outcome.outcome, 'temporary');
    assert.match(outcome.outcome === 'temporary' ? outcome.error : '', /ETIMEDOUT/);
    assert.ok(ms >= TIMEOUT_MS - 50 && ms < TIMEOUT_MS + 2_000, `took ${ms} ms`);
    assert.equal(server.connections, 1, 'the stalling listener accepted the connection');
    await server.start();
    assert.equal((await m.send(email())).outcome, 'accepted');
  });

  it('gives up on a server that stalls after DATA within the timeout', async () => {
    server.stallData(true);
    const m = open(smtpConfig(server.port));
    const { outcome, ms } = await timed(m.send(email()));
    assert.equal(outcome.outcome, 'temporary');
    assert.equal(server.dataStarted, 1, 'the message body was sent before the stall');
    assert.ok(ms < TIMEOUT_MS + 2_000, `took ${ms} ms`);
    assert.equal(server.received.length, 0);
    server.stallData(false);
    assert.equal((await m.send(email())).outcome, 'accepted');
  });

  it('cuts off a server that keeps talking but never finishes an answer, at timeout + slack', async () => {
    // Greets, then answers EHLO with an endless multi-line reply: no nodemailer timeout ever fires.
    const sockets: net.Socket[] = [];
    const chatty = net.createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
      socket.write('220 chatty.test ESMTP\r\n');
      socket.once('data', () => {
        const timer = setInterval(() => socket.write('250-still here\r\n'), 100);
        socket.on('close', () => clearInterval(timer));
      });
    });
    chatty.listen(0, '127.0.0.1');
    await once(chatty, 'listening');
    try {
      const port = (chatty.address() as net.AddressInfo).port;
      const { outcome, ms } = await timed(open(smtpConfig(port)).send(email()));
      assert.deepEqual(outcome.outcome === 'temporary' && { scope: outcome.scope, error: outcome.error }, {
        scope: 'server',
        error: `no answer from the SMTP server within ${TIMEOUT_MS + 1_000} ms`,
      });
      assert.ok(ms >= TIMEOUT_MS + 1_000 - 50 && ms < TIMEOUT_MS + 2_000, `took ${ms} ms`);
      const socket = sockets[0];
      assert.ok(socket);
      if (!socket.closed) await once(socket, 'close', { signal: AbortSignal.timeout(1_000) });
    } finally {
      for (const socket of sockets) socket.destroy();
      chatty.close();
    }
  });

  it('sends a message whose name and subject try to inject headers as exactly one message to one recipient', async () => {
    const outcome = await open(smtpConfig(server.port)).send(
      email({ toName: 'Kabid\r\nBcc: evil@x.test', subject: 'Halt\r\nBcc: evil2@x.test', notificationId: 'n\r\nBcc: evil3@x.test' }),
    );
    assert.equal(outcome.outcome, 'accepted');
    assert.equal(server.received.length, 1);
    const got = server.received[0];
    assert.deepEqual(got?.envelopeTo, ['kabid@dinas.test']);
    assert.equal(got?.headers.has('bcc'), false);
    assert.doesNotMatch(got?.raw ?? '', /^bcc:/im);
    assert.deepEqual(got?.to.map((a) => a.address), ['kabid@dinas.test']);
  });

  it('refuses an address with a line break or a second address as permanent, without connecting', async () => {
    const m = open(smtpConfig(server.port));
    for (const to of ['kabid@dinas.test\r\nBcc: evil@x.test', 'kabid@dinas.test, evil@x.test', 'Kabid <kabid@dinas.test>', 'no-at-sign']) {
      const outcome = await m.send(email({ to }));
      assert.equal(outcome.outcome, 'permanent', to);
    }
    assert.equal(server.connections, 0);
  });

  it('logs in when a user is set; a wrong password is temporary (an admin fixes it)', async () => {
    await server.close();
    server = await startSmtpServer({ users: { jaga: 'rahasia' } });
    const wrong = await open(smtpConfig(server.port, { user: 'jaga' }), 'salah').send(email());
    assert.deepEqual(wrong.outcome === 'temporary' && { scope: wrong.scope, auth: /EAUTH .*535/.test(wrong.error) }, { scope: 'server', auth: true });
    mailer?.close();
    assert.equal((await open(smtpConfig(server.port, { user: 'jaga' }), 'rahasia').send(email())).outcome, 'accepted');
  });

  it('verifies: null when the server answers, the reason when it does not', async () => {
    const m = open(smtpConfig(server.port));
    assert.equal(await m.verify(), null);
    await server.stop();
    assert.match((await m.verify()) ?? '', /ECONNREFUSED/);
  });

  it('answers temporary after close instead of sending', async () => {
    const m = open(smtpConfig(server.port));
    m.close();
    assert.equal((await m.send(email())).outcome, 'temporary');
    assert.equal(server.connections, 0);
  });
});

describe('createSmtpMailer with STARTTLS', () => {
  let pki: TestPki;
  let tlsServer: TestSmtpServer;
  before(async () => {
    pki = createTestPki();
    tlsServer = await startSmtpServer({ tls: pki.selfSigned(['127.0.0.1', 'localhost']) });
  });
  after(async () => {
    await tlsServer.close();
    pki.remove();
  });

  it('upgrades and delivers to a self-signed server when tls_verify is false', async () => {
    const outcome = await open(smtpConfig(tlsServer.port, { tls: 'starttls', tls_verify: false })).send(email());
    assert.equal(outcome.outcome, 'accepted');
    assert.equal(tlsServer.received.at(-1)?.secure, true);
  });

  it('refuses the self-signed certificate when tls_verify is true: temporary, nothing sent', async () => {
    const before = tlsServer.received.length;
    const outcome = await open(smtpConfig(tlsServer.port, { tls: 'starttls', tls_verify: true })).send(email());
    assert.equal(outcome.outcome, 'temporary');
    assert.match(outcome.outcome === 'temporary' ? outcome.error : '', /self-signed certificate/);
    assert.equal(tlsServer.received.length, before);
  });

  it('refuses to go on in plain text when STARTTLS is required and not offered', async () => {
    const outcome = await open(smtpConfig(server.port, { tls: 'starttls' })).send(email());
    assert.deepEqual(outcome.outcome === 'temporary' && { scope: outcome.scope, tls: /^ETLS STARTTLS/.test(outcome.error) }, { scope: 'server', tls: true });
    assert.equal(server.received.length, 0);
  });
});

describe('classifySmtpError', () => {
  // Shapes as nodemailer 7 produces them (see the tests above for the ones a test server can make).
  const err = (message: string, props: Record<string, unknown>) => Object.assign(new Error(message), props);
  const cases: [string, unknown, string][] = [
    ['550 at RCPT TO', err("Can't send mail - all recipients were rejected: 550 x", { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550, rejectedErrors: [{ responseCode: 550 }] }), 'permanent'],
    ['553 at RCPT TO', err('x', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 553 }), 'permanent'],
    ['450 at RCPT TO', err('x', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 450, rejectedErrors: [{ responseCode: 450 }] }), 'temporary/recipient'],
    ['554 after DATA (content refused)', err('Message failed: 554 spam', { code: 'EMESSAGE', command: 'DATA', responseCode: 554 }), 'permanent'],
    ['552 at DATA', err('Data command failed: 552', { code: 'EENVELOPE', command: 'DATA', responseCode: 552 }), 'permanent'],
    ['451 after DATA', err('Message failed: 451', { code: 'EMESSAGE', command: 'DATA', responseCode: 451 }), 'temporary/server'],
    ['553 at MAIL FROM (sender not allowed: config)', err('Mail command failed: 553', { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 553 }), 'temporary/server'],
    ['530 at MAIL FROM (login required: config)', err('Mail command failed: 530', { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 530 }), 'temporary/server'],
    ['535 at AUTH', err('Invalid login: 535', { code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 535 }), 'temporary/server'],
    ['500 at STARTTLS', err('Error upgrading connection with STARTTLS: 500', { code: 'ETLS', command: 'STARTTLS', responseCode: 500 }), 'temporary/server'],
    ['554 greeting', err('x', { code: 'EPROTOCOL', command: 'CONN', responseCode: 554 }), 'temporary/server'],
    ['ECONNREFUSED', err('connect ECONNREFUSED 127.0.0.1:25', { code: 'ESOCKET', command: 'CONN', errno: -111 }), 'temporary/server'],
    ['timeout', err('Timeout', { code: 'ETIMEDOUT', command: 'CONN' }), 'temporary/server'],
    ['DNS', err('getaddrinfo ENOTFOUND smtp.x', { code: 'EDNS', command: 'CONN' }), 'temporary/server'],
    ['pool requeue limit', err('Reached maximum number of retries after connection was closed', {}), 'temporary/server'],
    ['invalid recipient (API)', err('Invalid recipient "x"', { code: 'EENVELOPE', command: 'API' }), 'permanent'],
    ['too large (API)', err('Message size larger than allowed 1000', { code: 'EMESSAGE', command: 'MAIL FROM' }), 'permanent'],
    ['not an Error', 'boom', 'temporary/server'],
  ];
  for (const [name, error, expected] of cases) {
    it(`${name} -> ${expected}`, () => {
      const o = classifySmtpError(error);
      assert.equal(o.outcome === 'temporary' ? `temporary/${o.scope}` : o.outcome, expected);
    });
  }
});

describe('isPlainAddress', () => {
  const cases: [string, boolean][] = [
    ['kabid@dinas.test', true],
    ['kabid.pencatatan+alerts@sub.dinas.go.id', true],
    ['kabid@dinas.test\r\nBcc: evil@x.test', false],
    ['kabid@dinas.test\n', false],
    ['a b@dinas.test', false],
    ['"quoted"@dinas.test', false],
    ['kabid@dinas.test, evil@x.test', false],
    ['Kabid <kabid@dinas.test>', false],
    ['kabid@localhost', false],
    ['@dinas.test', false],
    [`${'a'.repeat(250)}@x.test`, false],
  ];
  for (const [address, ok] of cases) {
    it(`${JSON.stringify(address).slice(0, 40)} -> ${ok}`, () => assert.equal(isPlainAddress(address), ok));
  }
});

describe('parseFrom', () => {
  const cases: [string, { name: string; address: string } | null][] = [
    ['jaga@dinas.test', { name: '', address: 'jaga@dinas.test' }],
    ['Jaga Kantor <jaga@dinas.test>', { name: 'Jaga Kantor', address: 'jaga@dinas.test' }],
    ['"Jaga, Kantor" <jaga@dinas.test>', { name: 'Jaga, Kantor', address: 'jaga@dinas.test' }],
    ['jaga@localhost', { name: '', address: 'jaga@localhost' }],
    ['jaga <jaga@dinas.test>\r\nBcc: evil@x.test', null],
    ['jaga\n<jaga@dinas.test>', null],
    ['jaga@dinas.test, evil@x.test', null],
    ['<jaga@dinas.test>, <evil@x.test>', null],
    ['jaga <jaga@dinas.test', null],
    ['no-at-sign', null],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} -> ${expected === null ? 'refused' : expected.address}`, () => {
      if (expected === null) assert.throws(() => parseFrom(text), /alerts\.smtp\.from/);
      else assert.deepEqual(parseFrom(text), expected);
    });
  }
});
