// The outbox while the mail server is down for a while, on virtual time: jaga in process, a real SMTP
// server on loopback that answers 421 and hangs up. Attempts back off; afterwards each message arrives
// once, in the order it was queued. The contact in the config tries to add headers (CR/LF, Bcc:).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoInjectedHeaders, INJECTING_RECIPIENTS, isResolved, KABID, mailOfficeConfig, mailsTo, OPERATOR, outage, outboxRows, recovery, settle } from './mail-office.js';
import { World } from './world.js';

/** How long the server stays down, counted from the first refusal on (virtual). */
const DOWN_MS = 14_000;

let w: World;

before(async () => {
  w = await World.create({
    config: (parts) =>
      mailOfficeConfig(parts, INJECTING_RECIPIENTS),
  });
  await w.start();
  await w.waitForGate((g) => g.state === 'allowed', 15_000, 'allowed');
});

after(() => w?.close());

test('mail server down for a while: each message arrives once, in order, afterwards; attempts back off', async () => {
  await w.smtp.refuseService(); // accepts, says 421 and hangs up: every attempt is counted
  const from = w.smtp.received.length;
  const connectionsBefore = w.smtp.connections;
  const downAt = w.clock.monotonic();
  await outage(w);
  await w.clock.advance(3_000);
  await recovery(w);
  await settle(w);
  const pending = outboxRows(w, "status = 'pending'");
  assert.equal(pending.length, 4, `halt and resolved for each recipient wait: ${JSON.stringify(pending)}`);
  await w.clock.advance(Math.max(0, DOWN_MS - (w.clock.monotonic() - downAt)));
  const attempts = w.smtp.connections - connectionsBefore;
  const downForS = (w.clock.monotonic() - downAt) / 1000;
  // 0.5 s doubling to 4 s, with jitter: about 6 in 14 s. Without backoff it would be hundreds.
  assert.ok(attempts >= 2 && attempts <= 10, `${attempts} connection attempts in ${downForS.toFixed(1)} s`);

  await w.smtp.start();
  await w.clock.until(() => w.smtp.received.length >= from + 4, { virtualMs: 15_000, what: 'the four waiting messages' });
  await settle(w);
  const arrived = w.smtp.received.slice(from);
  assert.equal(arrived.length, 4, 'each once');
  assert.equal(new Set(arrived.map((m) => m.messageId)).size, 4);
  assert.deepEqual(arrived.map(isResolved), [false, false, true, true], 'in the order they were queued');
  for (const to of [KABID, OPERATOR]) assert.deepEqual(mailsTo(w, to, from).map(isResolved), [false, true], to);
  // The config's contact with CR/LF in it is one line of text here (test/faults/email.test.ts: never a header).
  assert.match(mailsTo(w, KABID, from)[0]?.text ?? '', /Helpdesk 021-1234 Bcc: evil-contact@x\.test X-Injected: 1/);
  assertNoInjectedHeaders(arrived);
  assert.deepEqual(outboxRows(w, "status <> 'sent'"), []);
});
