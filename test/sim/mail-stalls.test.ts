// A mail server that never greets, then one that stalls in DATA, on virtual time: jaga in process, a
// real SMTP server on loopback. A stalled send holds virtual time still (the clock waits for work in
// flight) until nodemailer's own timeout gives it up in real time; the gate is read all the while.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoInjectedHeaders, INJECTING_RECIPIENTS, KABID, mailOfficeConfig, mailsTo, OPERATOR, outage, recovery, settle } from './mail-office.js';
import { World } from './world.js';

/** How often the gate is read in real time, stalls included. */
const READ_EVERY_MS = 20;
/** Virtual time watched after the first try at the silent server. */
const TRIES_WINDOW_MS = 3_000;

let w: World;

before(async () => {
  w = await World.create({ config: (parts) => mailOfficeConfig(parts, INJECTING_RECIPIENTS) });
  await w.start();
  await w.waitForGate((g) => g.state === 'allowed', 15_000, 'allowed');
});

after(() => w?.close());

interface GateWatch {
  /** The slowest gate answer, real ms. */
  maxMs: number;
  /** decided_at values seen. */
  readonly decisions: Set<string>;
}

/**
 * Runs `drive` while reading the gate every READ_EVERY_MS of real time, so also while virtual time stands
 * still on a stalled send; `drive` reads it too (`look`) at the virtual instants it moves through.
 */
async function watchGate(drive: (look: () => Promise<void>) => Promise<unknown>): Promise<GateWatch> {
  const watch: GateWatch = { maxMs: 0, decisions: new Set() };
  const look = async (): Promise<void> => {
    const started = performance.now();
    const gate = await w.gate();
    watch.maxMs = Math.max(watch.maxMs, performance.now() - started);
    watch.decisions.add(gate.decided_at);
  };
  let done = false;
  const reading = (async () => {
    while (!done) {
      await look();
      await new Promise((resolve) => setTimeout(resolve, READ_EVERY_MS));
    }
  })();
  try {
    await drive(look);
  } finally {
    done = true;
    await reading;
  }
  return watch;
}

test('a server that never greets, then one that stalls in DATA: each send gives up at the deadline and is retried; the gate never waits', async () => {
  await w.smtp.stallGreeting();
  const from = w.smtp.received.length;
  const connectionsBefore = w.smtp.connections;
  const greetingStartedAt = performance.now();
  const greeting = await watchGate(async (look) => {
    await outage(w);
    const firstTry = async () => {
      await look();
      return w.smtp.connections > connectionsBefore;
    };
    await w.clock.until(firstTry, { virtualMs: 10_000, what: 'the first try' });
    for (let waited = 0; waited < TRIES_WINDOW_MS; waited += 100) {
      await w.clock.advance(100);
      await look();
    }
  });
  const greetingRealMs = performance.now() - greetingStartedAt;
  const tries = w.smtp.connections - connectionsBefore;
  // Backoff 0.5 s doubling, with jitter (0.5..1 of it): the 2nd and 3rd tries within 1.5 s of the first,
  // the 4th within 3.5 s, a 5th no sooner than 3.75 s. A stalled try takes no virtual time, so this
  // counts backoff alone: 2 to 4 tries, as in the real-time scenario this was.
  assert.ok(tries >= 2 && tries <= 4, `${tries} connections to the silent server`);
  // The 1 s SMTP timeouts are real: each try held virtual time still, while the gate was read, and
  // gave up at its deadline (a try that hung would hold it until the fake clock gives up).
  assert.ok(greetingRealMs >= tries * 900, `${tries} tries in ${greetingRealMs.toFixed(0)} ms of real time`);
  assert.ok(greetingRealMs < (tries + 1) * 2_500, `${tries} tries in ${greetingRealMs.toFixed(0)} ms of real time`);
  assert.ok(greeting.maxMs < 250, `the slowest gate answer took ${greeting.maxMs.toFixed(0)} ms`);
  assert.ok(greeting.decisions.size >= 5, 'the gate kept deciding');

  await w.smtp.start();
  w.smtp.stallData(true);
  const data = await watchGate((look) => {
    const secondStall = async () => {
      await look();
      return w.smtp.stalled.length >= 2;
    };
    return w.clock.until(secondStall, { virtualMs: 20_000, what: 'a second DATA after the first one timed out' });
  });
  assert.ok(data.maxMs < 250, `the slowest gate answer took ${data.maxMs.toFixed(0)} ms`);
  assert.equal(w.smtp.received.length, from, 'nothing was answered');
  const retried = w.smtp.stalled.map((m) => m.messageId);
  assert.equal(retried[0], retried[1], 'the same message, tried again with the same Message-ID');

  w.smtp.stallData(false);
  await w.clock.until(() => mailsTo(w, KABID, from).length === 1 && mailsTo(w, OPERATOR, from).length === 1, { virtualMs: 20_000, what: 'both halt messages' });
  await recovery(w);
  await w.clock.until(() => w.smtp.received.length >= from + 4, { virtualMs: 20_000, what: 'the resolved messages' });
  await settle(w);
  assertNoInjectedHeaders([...w.smtp.received, ...w.smtp.stalled]);
});
