// Header safety on virtual time: jaga in process, a real SMTP server on loopback. CR/LF, Bcc: and huge
// strings from the config (a contact, a recipient's name) or an override's reason never make a header
// or a recipient: refused at input, or rendered as one line of text.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ReceivedMail } from '../helpers/smtp-server.js';
import { assertNoInjectedHeaders, INJECTING_RECIPIENTS, KABID, mailOfficeConfig, mailsTo, OPERATOR, settle } from './mail-office.js';
import { World } from './world.js';

let w: World;

before(async () => {
  w = await World.create({ config: (parts) => mailOfficeConfig(parts, INJECTING_RECIPIENTS) });
  await w.start();
  await w.waitForGate((g) => g.state === 'allowed', 15_000, 'allowed');
});

after(() => w?.close());

const createOverride = (reason: string) => w.adminFetch('/api/v1/overrides', { method: 'POST', body: JSON.stringify({ action: 'halt', reason, for: '1m' }) });

test('CR/LF, Bcc: and huge strings from config or an override reason never make a header or a recipient', async () => {
  assert.equal((await createOverride('x'.repeat(100_000))).status, 413);
  assert.equal((await createOverride('x'.repeat(10_000))).status, 400, 'past 500 characters a reason is refused');
  assert.equal((await w.gate()).state, 'allowed', 'no override was made');
  const refused = await createOverride(`pemeliharaan\r\nBcc: evil-reason@x.test\r\nSubject: palsu\r\n\r\n${'y'.repeat(400)}`);
  assert.equal(refused.status, 400, 'a reason is one line: CR/LF are refused at input');
  assert.match(((await refused.json()) as { message: string }).message, /^reason: must not contain control characters/);
  // What is taken still never becomes a header (render.test.ts covers CR/LF in stored text).
  const from = w.smtp.received.length;
  const created = await createOverride(`pemeliharaan Bcc: evil-reason@x.test Subject: palsu ${'y'.repeat(400)}`);
  assert.equal(created.status, 201);
  await w.clock.until(() => w.smtp.received.length >= from + 2, { virtualMs: 15_000, what: 'the halt messages' });
  const { override } = (await created.json()) as { override: { id: string } };
  assert.equal((await w.adminFetch(`/api/v1/overrides/${override.id}`, { method: 'DELETE' })).status, 200);
  await w.clock.until(() => w.smtp.received.length >= from + 4, { virtualMs: 15_000, what: 'the resolved messages' });
  await settle(w);

  const all = [...w.smtp.received, ...w.smtp.stalled];
  assert.deepEqual([...new Set(all.flatMap((m) => m.envelopeTo))].sort(), [KABID, OPERATOR].sort(), 'only the configured recipients, ever');
  assertNoInjectedHeaders(all);
  const kabid = mailsTo(w, KABID, from)[0] as ReceivedMail;
  assert.match(kabid.text ?? '', /pemeliharaan Bcc: evil-reason@x\.test Subject: palsu y+/, 'the reason is shown, on one line');
  assert.deepEqual(kabid.to, [{ address: KABID, name: 'Kabid PIAK Bcc: evil-name@x.test' }]);
});
