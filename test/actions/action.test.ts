// The pure parts of gate actions: which gate is a transition to handle (the table), the event body
// every webhook and command gets, the signature a receiver verifies, the halt file's content.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { transitionEvent, transitionOf } from '../../src/actions/action.js';
import { gateEnvironment } from '../../src/actions/command.js';
import { haltFileContent } from '../../src/actions/halt-file.js';
import { actionKey } from '../../src/actions/runner.js';
import { signWebhook, webhookHeaders } from '../../src/actions/webhook-signing.js';
import type { GateStateName } from '../../src/core/types.js';
import type { GateMark } from '../../src/store/gate-action-state.js';
import { gateAt, SITE } from '../helpers/gate-actions.js';

describe('transitionOf: the state last handled and the gate now -> what to hand on', () => {
  const cases: { name: string; handled: GateMark | null; gate: [GateStateName, number]; expect: { from: GateStateName | null; to: GateStateName } | null }[] = [
    { name: 'nothing handled yet: the first state goes out, from null', handled: null, gate: ['halted', 10], expect: { from: null, to: 'halted' } },
    { name: 'first state allowed', handled: null, gate: ['allowed', 10], expect: { from: null, to: 'allowed' } },
    { name: 'allowed -> halted', handled: { state: 'allowed', since: 5 }, gate: ['halted', 10], expect: { from: 'allowed', to: 'halted' } },
    { name: 'halted -> allowed', handled: { state: 'halted', since: 5 }, gate: ['allowed', 10], expect: { from: 'halted', to: 'allowed' } },
    { name: 'the same period (a restart while still halted): nothing', handled: { state: 'halted', since: 5 }, gate: ['halted', 5], expect: null },
    { name: 'the same state with a newer since (flipped and back unseen): nothing new to tell', handled: { state: 'halted', since: 5 }, gate: ['halted', 9], expect: null },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const { gate } = gateAt(c.gate[0], c.gate[1]);
      const t = transitionOf(c.handled, gate, SITE);
      if (c.expect === null) return assert.equal(t, null);
      assert.deepEqual({ from: t?.from, to: t?.to }, c.expect);
      assert.equal(t?.id, `${SITE}:${c.gate[0]}:${c.gate[1]}`);
    });
  }
});

describe('transitionEvent: the webhook body and JAGA_GATE_JSON', () => {
  const since = Date.UTC(2024, 5, 11, 3, 0, 0);
  const t = transitionOf({ state: 'allowed', since: 0 }, gateAt('halted', since).gate, SITE);
  assert.ok(t);
  const body = JSON.parse(transitionEvent(t, SITE, 120_000)) as Record<string, unknown>;

  test('event fields first, then the public gate view', () => {
    assert.deepEqual(Object.keys(body), [
      'event', 'id', 'site', 'from', 'to', 'state', 'mode', 'buffering', 'forecast', 'reasons', 'overridden', 'since', 'decided_at', 'valid_until', 'resuming_at', 'override',
    ]);
    assert.equal(body.event, 'gate.transition');
    assert.equal(body.id, `${SITE}:halted:${since}`);
    assert.equal(body.site, SITE);
    assert.equal(body.from, 'allowed');
    assert.equal(body.to, 'halted');
    assert.equal(body.state, 'halted');
    assert.equal(body.mode, 'normal');
    assert.equal(body.since, '2024-06-11T03:00:00.000Z');
  });

  test('public: Indonesian messages, no internal detail (host, address)', () => {
    const [reason] = body.reasons as { code: string; message: string; facts: Record<string, unknown> }[];
    assert.equal(reason?.code, 'CENTRAL_UNREACHABLE');
    assert.ok(reason && reason.message.length > 0);
    assert.ok(!JSON.stringify(body).includes('10.1.2.3'), JSON.stringify(body));
  });
});

describe('signature', () => {
  test('sha256=hex HMAC-SHA256 of "<timestamp>.<body>" with the secret', () => {
    const body = '{"event":"gate.transition"}';
    const expected = createHmac('sha256', 'k').update(`1718074800.${body}`).digest('hex');
    assert.equal(signWebhook('k', 1718074800, body), `sha256=${expected}`);
    assert.notEqual(signWebhook('k', 1718074801, body), `sha256=${expected}`);
    assert.notEqual(signWebhook('other', 1718074800, body), `sha256=${expected}`);
  });

  test('headers: json, user agent, delivery id, timestamp, signature; no signature without a secret', () => {
    assert.deepEqual(webhookHeaders('d1', '{}', 7, 'k'), {
      'content-type': 'application/json',
      'user-agent': 'jaga',
      'x-jaga-delivery': 'd1',
      'x-jaga-timestamp': '7',
      'x-jaga-signature': signWebhook('k', 7, '{}'),
    });
    assert.equal('x-jaga-signature' in webhookHeaders('d1', '{}', 7, null), false);
  });
});

describe('halt file content and command environment', () => {
  test('halted: one line of JSON marked as jaga’s, with state, since and the reason codes (each once); allowed: no file', () => {
    const { gate } = gateAt('halted', Date.UTC(2024, 0, 2), ['CENTRAL_UNREACHABLE', 'STORAGE_CRITICAL', 'STORAGE_CRITICAL']);
    assert.equal(haltFileContent(gate), '{"written_by":"jaga","state":"halted","since":"2024-01-02T00:00:00.000Z","reasons":["CENTRAL_UNREACHABLE","STORAGE_CRITICAL"]}\n');
    assert.equal(haltFileContent(gateAt('allowed', 5).gate), null);
  });

  test('JAGA_GATE_* variables', () => {
    const t = transitionOf(null, gateAt('halted', Date.UTC(2024, 0, 2), ['CENTRAL_UNREACHABLE', 'VOLUME_UNAVAILABLE']).gate, SITE);
    assert.ok(t);
    const env = gateEnvironment(t, SITE, 60_000);
    assert.equal(env.JAGA_GATE_STATE, 'halted');
    assert.equal(env.JAGA_GATE_SINCE, '2024-01-02T00:00:00.000Z');
    assert.equal(env.JAGA_GATE_REASONS, 'CENTRAL_UNREACHABLE,VOLUME_UNAVAILABLE');
    assert.equal(env.JAGA_GATE_JSON, transitionEvent(t, SITE, 60_000));
  });

  test('action keys name what an action acts on, not its place in the list', () => {
    assert.equal(actionKey({ type: 'halt_file', path: '/run/jaga/halt' }), 'halt_file /run/jaga/halt');
    assert.equal(actionKey({ type: 'webhook', url: 'http://x/h', timeout: 1, max_age: 2 }), 'webhook http://x/h');
    assert.equal(actionKey({ type: 'command', command: ['/bin/x', 'a b'], timeout: 1, retries: 0 }), 'command ["/bin/x","a b"]');
  });
});
