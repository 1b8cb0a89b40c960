// The wire shapes: public views never carry internal text (details, an override's reason); tokens are matched by name.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { REASON_CODES, type Gate, type TargetState } from '../../src/core/types.js';
import { TokenChecker } from '../../src/http/auth.js';
import type { OutboxSnapshot } from '../../src/views/snapshot.js';
import { gateView, outboxView, targetView } from '../../src/views/views.js';

const gate: Gate = {
  state: 'halted',
  mode: 'normal',
  buffering: null,
  forecast: null,
  since: 0,
  reasons: [
    {
      code: 'VOLUME_UNAVAILABLE',
      subject: 'rekaman',
      since: 0,
      facts: { failure: 'statfs_error', detail: 'ENOENT: no such file or directory, statfs /srv/rekaman' },
    },
  ],
  overridden: [],
  clearSince: 10_000,
  decidedAt: 20_000,
  validUntil: 65_000,
  override: null,
};

describe('gateView', () => {
  test('public: no internal detail anywhere, message without it', () => {
    const view = gateView(gate, { language: 'id', internal: false, resumeAfterMs: 120_000 });
    assert.ok(!JSON.stringify(view).includes('/srv/rekaman'));
    assert.match(String((view.reasons as { message: string }[])[0]?.message), /Penyimpanan rekaman tidak dapat dipercaya \(statfs_error\)/);
    assert.equal(view.resuming_at, new Date(130_000).toISOString());
    assert.equal(view.valid_until, new Date(65_000).toISOString());
  });

  test('public: the message reads as a sentence without the detail, not with a "?" for it', () => {
    const message = (language: 'id' | 'en') => (gateView(gate, { language, internal: false, resumeAfterMs: 0 }).reasons as { message: string }[])[0]?.message;
    assert.equal(message('id'), 'Penyimpanan rekaman tidak dapat dipercaya (statfs_error)');
    assert.equal(message('en'), 'Volume rekaman cannot be trusted (statfs_error)');
  });

  test('public: no reason code, in either language, shows a "?" or a dangling colon where internal facts were left out', () => {
    // Every fact any reason's message reads, internal ones included: what the public view drops shows.
    const facts = {
      waitingFor: 'pusat-api', downTargets: 'pusat-api', lastSuccessAt: 0, failure: 'refused', usedRatio: 0.93, availBytes: 1e9,
      haltRatio: 0.9, floorRatio: 0.95, etaSeconds: 7_200, filesUsedRatio: 0.97, detail: 'ENOENT /srv/rekaman', stale: 'pusat-api',
      oldestAgeSeconds: 90, by: 'kabid', reason: 'sandi-rahasia', expiresAt: null,
      items: 12_345, bytes: 1e9, oldestAt: 0, limit: 'halt_items', limitValue: 5_000, resumeFraction: 0.8,
      lastPingAt: 0, watchedSince: 0, graceSeconds: 900, itemsWaiting: 12_345,
    };
    // A backlog source that cannot be read says so in its own sentence, its detail internal.
    const unreadable = { ...facts, unavailable: true, failure: 'bad_output' };
    const cases = [...REASON_CODES.map((code) => ({ code, facts })), { code: 'BACKLOG_CRITICAL' as const, facts: unreadable }];
    for (const { code, facts } of cases) {
      for (const language of ['id', 'en'] as const) {
        const reasons = [{ code, subject: 'rekaman', since: 0, facts }];
        const view = gateView({ ...gate, reasons }, { language, internal: false, resumeAfterMs: 0 });
        const message = String((view.reasons as { message: string }[])[0]?.message);
        assert.doesNotMatch(message, /\?|:\s*$|ENOENT|sandi-rahasia/, `${code} (${language}): ${message}`);
      }
    }
  });

  test('internal: the detail is there for operators', () => {
    const view = gateView(gate, { language: 'en', internal: true, resumeAfterMs: 120_000 });
    assert.ok(JSON.stringify(view).includes('/srv/rekaman'));
    assert.match(String((view.reasons as { message: string }[])[0]?.message), /^Volume rekaman cannot be trusted/);
  });

  test('a manual halt: who is public, the typed reason only for token holders', () => {
    const override = { id: 'ovr-1', action: 'halt' as const, reason: 'sandi-rahasia', by: 'kabid', createdAt: 0, expiresAt: null, liftedAt: null, liftedBy: null };
    const halted: Gate = { ...gate, reasons: [{ code: 'MANUAL_HALT', subject: 'ovr-1', since: 0, facts: { by: 'kabid', reason: 'sandi-rahasia', expiresAt: null } }], override };
    const open = gateView(halted, { language: 'en', internal: false, resumeAfterMs: 0 });
    assert.ok(!JSON.stringify(open).includes('sandi-rahasia'), JSON.stringify(open));
    assert.equal((open.reasons as { message: string }[])[0]?.message, 'Halted by hand by kabid');
    const inside = gateView(halted, { language: 'id', internal: true, resumeAfterMs: 0 });
    assert.equal((inside.reasons as { message: string }[])[0]?.message, 'Dihentikan manual oleh kabid: sandi-rahasia');
    assert.equal((inside.override as { reason: string }).reason, 'sandi-rahasia');
  });

  test('a target\'s error text only for internal readers', () => {
    const target: TargetState = {
      name: 'pusat',
      kind: 'http',
      role: 'central',
      status: 'down',
      statusSince: 0,
      consecutiveFailures: 3,
      consecutiveSuccesses: 0,
      last: { target: 'pusat', at: 0, ok: false, failure: 'refused', durationMs: 1, phases: {}, detail: 'connect ECONNREFUSED 10.1.2.3:443' },
      lastSuccessAt: null,
      lastFailureAt: 0,
    };
    assert.ok(!JSON.stringify(targetView(target, false)).includes('10.1.2.3'));
    assert.ok(JSON.stringify(targetView(target, true)).includes('10.1.2.3'));
  });
});

describe('TokenChecker', () => {
  const checker = new TokenChecker([
    { name: 'kabid', token: 'kabid-secret-0123456789' },
    { name: 'it', token: 'it-secret-0123456789abc' },
  ]);
  const rows: [string | undefined, string | null][] = [
    ['Bearer kabid-secret-0123456789', 'kabid'],
    ['bearer it-secret-0123456789abc', 'it'],
    ['Bearer kabid-secret-012345678', null],
    ['Bearer kabid-secret-0123456789x', null],
    ['kabid-secret-0123456789', null],
    ['Basic kabid-secret-0123456789', null],
    ['Bearer ', null],
    [undefined, null],
    [`Bearer ${'x'.repeat(100_000)}`, null],
  ];
  for (const [header, who] of rows) {
    test(`${String(header).slice(0, 40)} -> ${who}`, () => assert.equal(checker.identify(header), who));
  }
  test('no tokens configured: nobody gets in', () => {
    assert.equal(new TokenChecker([]).identify('Bearer anything-at-all-0123'), null);
  });
});

describe('outboxView', () => {
  const T = Date.UTC(2026, 10, 30, 8);
  const outbox = (held: { count: number; oldestAt: number | null }): OutboxSnapshot => ({
    stats: { pending: 1, oldestPendingAt: T - 60_000, failedSince24h: 0, expiredSince24h: 0 },
    held,
    pending: [],
    givenUp: [],
  });

  test('notifications only memory holds (the database refused them) count as pending, and are shown apart', () => {
    const view = outboxView(outbox({ count: 2, oldestAt: T - 120_000 }), false);
    assert.equal(view.pending, 3);
    assert.equal(view.held_in_memory, 2);
    assert.equal(view.oldest_pending_at, new Date(T - 120_000).toISOString());
    const stored = outboxView(outbox({ count: 0, oldestAt: null }), false);
    assert.deepEqual([stored.pending, stored.held_in_memory, stored.oldest_pending_at], [1, 0, new Date(T - 60_000).toISOString()]);
  });
});
