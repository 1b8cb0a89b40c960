// The webhook action through the one outbox sender, against a real receiver on 127.0.0.1 and a real
// SQLite file: each transition arrives exactly once, signed, in order, also after the receiver was down,
// across restarts; non-2xx and hanging receivers are retried; max_age gives up.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { GateActionConfig } from '../../src/config/schema.js';
import type { Store } from '../../src/store/sqlite.js';
import { EndlessAnswer } from '../helpers/endless-answer.js';
import { collectGarbageEvery } from '../helpers/gc.js';
import { ACTIONS_CLOCK, gateAt, SECRET, SITE, startActions, type Harness } from '../helpers/gate-actions.js';
import { tempStore, type TempStore } from '../helpers/temp-store.js';
import { signatureValid, WebhookReceiver, type ReceivedHook } from '../helpers/webhook-receiver.js';
import { waitFor } from '../helpers/wait.js';

let temp: TempStore;
let store: Store;
let receiver: WebhookReceiver;
let harnesses: Harness[];

beforeEach(() => {
  temp = tempStore('jaga-webhook-');
  store = temp.store;
  harnesses = [];
});
afterEach(async () => {
  for (const h of harnesses) await h.actions.stop(1_000);
  temp.remove();
  await receiver?.close();
});

const webhook = (url: string, extra: Partial<Extract<GateActionConfig, { type: 'webhook' }>> = {}): GateActionConfig => ({
  type: 'webhook',
  url,
  timeout: 1_000,
  max_age: 60_000,
  ...extra,
});

function start(config: GateActionConfig, deps: Parameters<typeof startActions>[2] = {}): Harness {
  const h = startActions([config], store, deps);
  harnesses.push(h);
  return h;
}

/** Pretends `state` was handled before, so the test starts from a known state instead of "first ever". */
function handledBefore(url: string, state: 'allowed' | 'halted', since = 0): void {
  store.gateActionState.save(`webhook ${url}`, { state, since }, 0);
}

const pending = () => store.outbox.stats(0, 'gate_actions').pending;
const deliveries = () => store.outbox.list({ source: 'gate_actions', limit: 10 });
const event = (hook: ReceivedHook) => JSON.parse(hook.body) as { event: string; id: string; site: string; from: string | null; to: string; state: string };

describe('webhook deliveries', () => {
  test('each transition exactly once, in order, signed, with the documented headers', async () => {
    receiver = await WebhookReceiver.start();
    const h = start(webhook(receiver.url()));
    const views = [gateAt('allowed', 1_000), gateAt('halted', 2_000), gateAt('allowed', 3_000)];
    for (const view of views) {
      // The engine hands on the same gate about once a second: only the first time counts.
      for (let i = 0; i < 5; i++) h.actions.update(view);
    }
    await waitFor(() => receiver.received.length >= 3 && pending() === 0, 5_000, 'three deliveries');
    assert.equal(receiver.received.length, 3, 'nothing sent twice');
    assert.deepEqual(
      receiver.received.map((r) => [event(r).from, event(r).to]),
      [
        [null, 'allowed'],
        ['allowed', 'halted'],
        ['halted', 'allowed'],
      ],
    );
    for (const hook of receiver.received) {
      assert.equal(hook.method, 'POST');
      assert.equal(hook.path, '/hooks/jaga');
      assert.equal(hook.headers['content-type'], 'application/json');
      assert.equal(hook.headers['user-agent'], 'jaga');
      assert.equal(hook.headers['x-jaga-delivery'], event(hook).id);
      assert.ok(signatureValid(SECRET, hook), `valid signature on ${hook.body}`);
      assert.ok(!signatureValid('another-secret', hook));
      assert.ok(Math.abs(Number(hook.headers['x-jaga-timestamp']) - Date.now() / 1000) < 10);
      assert.equal(event(hook).event, 'gate.transition');
      assert.equal(event(hook).site, SITE);
      assert.equal(event(hook).state, event(hook).to);
    }
    assert.deepEqual(
      receiver.received.map((r) => r.headers['x-jaga-delivery']),
      [`${SITE}:allowed:1000`, `${SITE}:halted:2000`, `${SITE}:allowed:3000`],
    );
    assert.equal(h.count('webhook', 'ok'), 3);
    assert.equal(h.count('webhook', 'retry'), 0);
  });

  test('a receiver that was down gets both transitions once it is up, once each, in order', async () => {
    receiver = await WebhookReceiver.down();
    handledBefore(receiver.url(), 'allowed');
    const h = start(webhook(receiver.url()));
    h.actions.update(gateAt('halted', 1_000));
    h.actions.update(gateAt('allowed', 2_000));
    await waitFor(() => h.count('webhook', 'retry') >= 3, 5_000, 'attempts while the receiver is down');
    assert.equal(pending(), 2);
    assert.ok(h.logs.some((l) => l.msg === 'webhook not delivered; will retry' && /ECONNREFUSED/.test(String(l.error))));

    await receiver.listen();
    await waitFor(() => pending() === 0, 5_000, 'both delivered');
    assert.deepEqual(
      receiver.received.map((r) => [event(r).from, event(r).to, r.headers['x-jaga-delivery']]),
      [
        ['allowed', 'halted', `${SITE}:halted:1000`],
        ['halted', 'allowed', `${SITE}:allowed:2000`],
      ],
    );
    assert.ok(receiver.received.every((r) => signatureValid(SECRET, r)));
  });

  test('non-2xx answers are retried with the same id and body until a 2xx', async () => {
    receiver = await WebhookReceiver.start();
    receiver.answer = 503;
    handledBefore(receiver.url(), 'allowed');
    const h = start(webhook(receiver.url()));
    h.actions.update(gateAt('halted', 1_000));
    await waitFor(() => receiver.received.length >= 3, 5_000, 'three refused attempts');
    receiver.answer = 204;
    await waitFor(() => pending() === 0, 5_000, 'delivery after the receiver accepts');
    const ids = new Set(receiver.received.map((r) => r.headers['x-jaga-delivery']));
    const bodies = new Set(receiver.received.map((r) => r.body));
    assert.deepEqual([ids.size, bodies.size], [1, 1]);
    assert.ok(receiver.received.every((r) => signatureValid(SECRET, r)), 'each attempt signed with its own timestamp');
    const [row] = deliveries();
    assert.equal(row?.status, 'sent');
    assert.equal(row?.attempts, receiver.received.length);
    assert.equal(h.count('webhook', 'retry'), receiver.received.length - 1);
    assert.ok(h.logs.some((l) => /HTTP 503: not now/.test(String(l.error))));
  });

  test('an attempt is bounded by timeout: a receiver that never answers is retried, also across garbage collections', async (t) => {
    receiver = await WebhookReceiver.start();
    receiver.answer = 'hang';
    handledBefore(receiver.url(), 'allowed');
    const h = start(webhook(receiver.url(), { timeout: 200 }));
    // A timeout held only weakly (AbortSignal.any + AbortSignal.timeout on Node 20) is collected here and never fires.
    t.after(collectGarbageEvery(20));
    const startedAt = Date.now();
    h.actions.update(gateAt('halted', 1_000));
    await waitFor(() => h.count('webhook', 'retry') >= 2, 5_000, 'two timed-out attempts');
    assert.ok(Date.now() - startedAt < 2_000);
    assert.ok(h.logs.some((l) => /timeout|aborted/i.test(String(l.error))), JSON.stringify(h.logs.map((l) => l.error)));
    receiver.answer = 200;
    await waitFor(() => pending() === 0, 5_000, 'delivery once it answers');
  });

  // A receiver answering gigabytes once took jaga to 2.2 GB RSS: the answer is read a few KiB deep, then dropped.
  test('a receiver answering an endless error body: a short excerpt, a few KiB read, the connection closed', async (t) => {
    const endless = await EndlessAnswer.start({ status: 500, prefix: 'overloaded ' });
    t.after(() => endless.close());
    handledBefore(endless.url(), 'allowed');
    // A timeout long enough that reading the whole answer would end in it, not in "HTTP 500".
    const h = start(webhook(endless.url(), { timeout: 10_000 }));
    h.actions.update(gateAt('halted', 1_000));
    await waitFor(() => h.count('webhook', 'retry') >= 2, 5_000, 'two refused attempts');
    const errors = h.logs.filter((l) => l.msg === 'webhook not delivered; will retry').map((l) => String(l.error));
    for (const error of errors) assert.match(error, /^HTTP 500: overloaded x{189}…$/);
    assert.match(String(deliveries()[0]?.lastError), /^HTTP 500: overloaded x+…$/);
    // Loopback socket buffers hold a few MB; reading the answer through would have moved gigabytes.
    assert.ok(endless.sentBytes < 32 * 1024 * 1024, `${endless.sentBytes} bytes sent`);
    await waitFor(() => endless.openConnections === 0, 5_000, 'jaga to close the connections', { describe: () => String(endless.openConnections) });
  });

  test('a receiver accepting with an endless (or huge announced) body: delivered at once', async (t) => {
    for (const answer of [{ status: 200 }, { status: 202, announcedBytes: 4 * 1024 ** 3 }]) {
      const endless = await EndlessAnswer.start(answer);
      t.after(() => endless.close());
      handledBefore(endless.url(), 'allowed');
      const h = start(webhook(endless.url(), { timeout: 10_000 }));
      const startedAt = Date.now();
      h.actions.update(gateAt('halted', 1_000));
      await waitFor(() => h.count('webhook', 'ok') === 1, 5_000, 'the delivery', { describe: () => JSON.stringify(h.logs.map((l) => l.error ?? l.msg)) });
      assert.ok(Date.now() - startedAt < 5_000);
      assert.equal(h.count('webhook', 'retry'), 0);
      assert.ok(endless.sentBytes < 32 * 1024 * 1024, `${endless.sentBytes} bytes sent`);
    }
  });

  test('max_age: given up as expired, logged as an error; later transitions are not held up', async () => {
    receiver = await WebhookReceiver.down();
    handledBefore(receiver.url(), 'allowed');
    let offsetMs = 0;
    const h = start(webhook(receiver.url(), { max_age: 5_000 }), { clock: { ...ACTIONS_CLOCK, now: () => Date.now() + offsetMs } });
    h.actions.update(gateAt('halted', 1_000));
    await waitFor(() => h.count('webhook', 'retry') >= 1, 5_000, 'a failed attempt');
    offsetMs = 6_000;
    await waitFor(() => h.count('webhook', 'failed') === 1, 5_000, 'expiry');
    const [row] = deliveries();
    assert.equal(row?.status, 'expired');
    assert.match(String(row?.lastError), /max_age.*ECONNREFUSED/);
    assert.ok(h.logs.some((l) => l.level === 50 && /given up/.test(l.msg) && l.result === 'failed'));

    await receiver.listen();
    h.actions.update(gateAt('allowed', 2_000));
    await waitFor(() => pending() === 0 && receiver.received.length === 1, 5_000, 'the next transition');
    assert.equal(event(receiver.received[0]!).to, 'allowed', 'the expired one never arrives');
  });

  test('restarts: pending deliveries resume, delivered ones and a still-halted gate are not sent again, a change made meanwhile is', async () => {
    receiver = await WebhookReceiver.down();
    const url = receiver.url();
    const first = start(webhook(url));
    first.actions.update(gateAt('halted', 1_000));
    await waitFor(() => first.count('webhook', 'retry') >= 1, 5_000, 'an attempt while down');
    await first.actions.stop(1_000);
    store.close();

    // Second run: the receiver is up; the pending delivery goes out before any update.
    await receiver.listen();
    store = temp.reopen();
    const second = start(webhook(url));
    await waitFor(() => receiver.received.length === 1 && pending() === 0, 5_000, 'the pending delivery after restart');
    second.actions.update(gateAt('halted', 1_000));
    await second.actions.stop(1_000);
    store.close();

    // Third run: still halted since 1000: nothing new; then a change is delivered once.
    store = temp.reopen();
    const third = start(webhook(url));
    third.actions.update(gateAt('halted', 1_000));
    assert.equal(pending(), 0);
    third.actions.update(gateAt('allowed', 5_000));
    await waitFor(() => receiver.received.length === 2 && pending() === 0, 5_000, 'the allow');
    await third.actions.stop(1_000);
    store.close();

    // Fourth run: the first gate it sees was decided while no GateActions ran: it is one transition.
    store = temp.reopen();
    const fourth = start(webhook(url));
    for (let i = 0; i < 3; i++) fourth.actions.update(gateAt('halted', 9_000));
    await waitFor(() => receiver.received.length === 3 && pending() === 0, 5_000, 'the change made while down');
    assert.deepEqual(
      receiver.received.map((r) => [event(r).from, event(r).to]),
      [
        [null, 'halted'],
        ['halted', 'allowed'],
        ['allowed', 'halted'], // from: what the third run handled, read back from the database
      ],
    );
    assert.equal(deliveries().length, 3);
    assert.deepEqual(store.gateActionState.load(`webhook ${url}`), { state: 'halted', since: 9_000 });
  });

  test('stop while an attempt hangs: the delivery stays pending and is not counted', async () => {
    receiver = await WebhookReceiver.start();
    receiver.answer = 'hang';
    handledBefore(receiver.url(), 'allowed');
    const h = startActions([webhook(receiver.url(), { timeout: 30_000 })], store);
    h.actions.update(gateAt('halted', 1_000));
    await waitFor(() => receiver.received.length === 1, 5_000, 'the attempt to reach the receiver');
    const startedAt = Date.now();
    await h.actions.stop(200);
    assert.ok(Date.now() - startedAt < 2_000, 'stop does not wait for the 30 s timeout');
    const [row] = deliveries();
    assert.deepEqual([row?.status, row?.attempts], ['pending', 0]);
    assert.ok(h.logs.some((l) => /still in flight at shutdown/.test(l.msg)));
  });
});
