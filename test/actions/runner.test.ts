// GateActions as a whole: every kind of action gets the same transition, results are reported by type,
// an action configured twice runs once, none acts before start(), and without a secret webhooks go
// unsigned with a warning.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { GateActionConfig } from '../../src/config/schema.js';
import type { Store } from '../../src/store/sqlite.js';
import { actionKey } from '../../src/actions/runner.js';
import { buildActions, gateAt, startActions, type Harness } from '../helpers/gate-actions.js';
import { tempStore, type TempStore } from '../helpers/temp-store.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import { waitFor } from '../helpers/wait.js';

let temp: TempStore;
let dir: string;
let store: Store;
let receiver: WebhookReceiver;
let harness: Harness | undefined;

beforeEach(async () => {
  temp = tempStore('jaga-actions-');
  ({ dir, store } = temp);
  receiver = await WebhookReceiver.start();
});
afterEach(async () => {
  await harness?.actions.stop(1_000);
  harness = undefined;
  temp.remove();
  await receiver.close();
});

describe('GateActions', () => {
  test('one transition reaches the halt file, the webhook and the command; duplicates run once', async () => {
    const haltPath = join(dir, 'HALT');
    const out = join(dir, 'command-runs');
    const hook: GateActionConfig = { type: 'webhook', url: receiver.url(), timeout: 1_000, max_age: 60_000 };
    const command: GateActionConfig = {
      type: 'command',
      command: [process.execPath, '-e', `require('node:fs').appendFileSync(process.argv[1], process.env.JAGA_GATE_STATE + '\\n')`, out],
      timeout: 5_000,
      retries: 0,
    };
    harness = startActions([{ type: 'halt_file', path: haltPath }, hook, command, hook, command], store);
    const h = harness;
    assert.ok(h.logs.some((l) => l.msg === 'the same gate action is configured twice; running it once'));
    h.actions.update(gateAt('halted', 1_000));
    await waitFor(() => h.results.length === 3, 5_000, 'one result per action', { describe: () => JSON.stringify(h.results) });
    assert.deepEqual(h.results.map((r) => `${r.type}:${r.result}`).sort(), ['command:ok', 'halt_file:ok', 'webhook:ok']);
    assert.ok(existsSync(haltPath));
    assert.equal(receiver.received.length, 1);
    assert.deepEqual(readFileSync(out, 'utf8'), 'halted\n');
  });

  test('without JAGA_WEBHOOK_SECRET: a warning at start, deliveries without a signature header', async () => {
    harness = startActions([{ type: 'webhook', url: receiver.url(), timeout: 1_000, max_age: 60_000 }], store, { webhookSecret: null });
    const h = harness;
    assert.ok(h.logs.some((l) => l.level === 40 && /JAGA_WEBHOOK_SECRET is not set/.test(l.msg)));
    h.actions.update(gateAt('allowed', 1_000));
    await waitFor(() => receiver.received.length === 1, 5_000, 'the delivery');
    assert.equal(receiver.received[0]?.headers['x-jaga-signature'], undefined);
    assert.equal(receiver.received[0]?.headers['x-jaga-delivery'], 'palangkaraya:allowed:1000');
  });

  test('before start(), nothing acts: an update queues no webhook delivery and marks nothing handled', async () => {
    const hook: GateActionConfig = { type: 'webhook', url: receiver.url(), timeout: 1_000, max_age: 60_000 };
    const { actions } = buildActions([hook], store);
    actions.update(gateAt('halted', 1_000));
    // The webhook queues synchronously inside update(): nothing there means nothing was handed on.
    assert.deepEqual(store.outbox.list({ source: 'gate_actions', limit: 10 }), []);
    assert.equal(store.gateActionState.load(actionKey(hook)), null);
    actions.start();
    actions.update(gateAt('halted', 1_000));
    await waitFor(() => receiver.received.length === 1, 5_000, 'the delivery once started');
    await actions.stop(1_000);
  });

  test('after stop(), updates do nothing', async () => {
    harness = startActions([{ type: 'halt_file', path: join(dir, 'HALT') }], store);
    await harness.actions.stop(100);
    harness.actions.update(gateAt('halted', 1_000));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(existsSync(join(dir, 'HALT')), false);
  });
});
