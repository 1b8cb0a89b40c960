// 450 for one recipient, on virtual time: jaga in process, a real SMTP server on loopback that answers
// RCPT TO for the operator with "try again later". The other recipient is not held back by it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { INJECTING_RECIPIENTS, KABID, mailOfficeConfig, mailsTo, OPERATOR, outage, outboxRows, recovery, settle } from './mail-office.js';
import { World } from './world.js';

let w: World;

before(async () => {
  w = await World.create({ config: (parts) => mailOfficeConfig(parts, INJECTING_RECIPIENTS) });
  await w.start();
  await w.waitForGate((g) => g.state === 'allowed', 15_000, 'allowed');
});

after(() => w?.close());

test('450 for one recipient: the other has the message at once, this one is retried until accepted, once', async () => {
  w.smtp.rejectRecipient(OPERATOR, 450);
  const from = w.smtp.received.length;
  await outage(w);
  await w.clock.until(() => mailsTo(w, KABID, from).length === 1, { virtualMs: 15_000, what: 'the department head message' });
  await w.clock.until(() => outboxRows(w, 'recipient = ? AND status = ? AND attempts >= 2', OPERATOR, 'pending').length === 1, {
    virtualMs: 15_000,
    what: 'the refused recipient retried',
  });
  assert.equal(mailsTo(w, OPERATOR, from).length, 0);
  w.smtp.clearRejections();
  await w.clock.until(() => mailsTo(w, OPERATOR, from).length === 1, { virtualMs: 15_000, what: 'the operator message once accepted' });
  await recovery(w);
  await w.clock.until(() => w.smtp.received.length >= from + 4, { virtualMs: 15_000, what: 'the resolved messages' });
  await settle(w);
  assert.equal(mailsTo(w, OPERATOR, from).length, 2, 'halt and resolved, each once');
});
