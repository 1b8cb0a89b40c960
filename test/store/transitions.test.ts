// TransitionRepository against a real SQLite file: order, cursor pagination, time and reason filters, prune,
// manual halts stored as their override's id, and reads that leave evidence out or unparsed.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ReasonCode, Transition } from '../../src/core/types.js';
import type { Store } from '../../src/store/sqlite.js';
import { TransitionRepository } from '../../src/store/transitions.js';
import { tempStore, type TempStore } from '../helpers/temp-store.js';

let temp: TempStore;
let store: Store;
beforeEach(() => {
  temp = tempStore('jaga-transitions-');
  store = temp.store;
});
afterEach(() => temp.remove());

function transition(at: number, codes: readonly ReasonCode[]): Transition {
  return {
    at,
    from: codes.length === 0 ? 'halted' : 'allowed',
    to: codes.length === 0 ? 'allowed' : 'halted',
    reasons: codes.map((code) => ({ code, subject: 'central', since: at, facts: { n: at } })),
    evidence: { at },
  };
}

/** ats 100..1000, every third one about storage. */
function seed(): number[] {
  return Array.from({ length: 10 }, (_, i) =>
    store.transitions.append(transition((i + 1) * 100, i % 3 === 0 ? ['STORAGE_CRITICAL', 'CENTRAL_UNREACHABLE'] : ['CENTRAL_UNREACHABLE'])),
  );
}

const ats = (items: readonly { at: number }[]): number[] => items.map((t) => t.at);

describe('TransitionRepository', () => {
  it('returns increasing ids and round-trips a transition, including a null from', () => {
    const t: Transition = { at: 5, from: null, to: 'halted', reasons: [], evidence: { nested: { a: [1, null] } } };
    const id = store.transitions.append(t);
    assert.equal(store.transitions.append(transition(6, [])), id + 1);
    assert.deepEqual(store.transitions.list({ limit: 10 }).items[1], { ...t, id });
  });

  it('lists newest first', () => {
    seed();
    assert.deepEqual(ats(store.transitions.list({ limit: 3 }).items), [1000, 900, 800]);
  });

  it('pages with the before cursor until nextBefore is null, without gaps or repeats', () => {
    seed();
    const seen: number[] = [];
    let before: number | undefined;
    let pages = 0;
    for (;;) {
      const page = store.transitions.list({ limit: 4, ...(before === undefined ? {} : { before }) });
      seen.push(...ats(page.items));
      pages += 1;
      if (page.nextBefore === null) break;
      assert.equal(page.nextBefore, page.items.at(-1)?.id);
      before = page.nextBefore;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, [1000, 900, 800, 700, 600, 500, 400, 300, 200, 100]);
  });

  it('gives nextBefore null when the page is exactly the remainder', () => {
    seed();
    assert.equal(store.transitions.list({ limit: 10 }).nextBefore, null);
    assert.notEqual(store.transitions.list({ limit: 9 }).nextBefore, null);
  });

  it('filters by since (inclusive) and until (exclusive)', () => {
    seed();
    assert.deepEqual(ats(store.transitions.list({ limit: 50, since: 300, until: 600 }).items), [500, 400, 300]);
    assert.deepEqual(ats(store.transitions.list({ limit: 50, since: 1000 }).items), [1000]);
    assert.deepEqual(ats(store.transitions.list({ limit: 50, until: 100 }).items), []);
  });

  it('filters by reason code anywhere in the reasons, combined with the cursor', () => {
    seed();
    const storage = store.transitions.list({ limit: 2, reason: 'STORAGE_CRITICAL' });
    assert.deepEqual(ats(storage.items), [1000, 700]);
    assert.ok(storage.nextBefore !== null);
    const rest = store.transitions.list({ limit: 2, reason: 'STORAGE_CRITICAL', before: storage.nextBefore });
    assert.deepEqual(ats(rest.items), [400, 100]);
    assert.equal(rest.nextBefore, null);
    assert.equal(store.transitions.list({ limit: 50, reason: 'CENTRAL_UNREACHABLE' }).items.length, 10);
    assert.equal(store.transitions.list({ limit: 50, reason: 'MANUAL_HALT' }).items.length, 0);
  });

  it("stores a manual halt as its override's id and reads it back with the override's facts", () => {
    const reason = 'pemeliharaan '.repeat(38);
    store.overrides.insert({ id: 'ovr-a', action: 'halt', reason, by: 'kabid', createdAt: 1, expiresAt: 9_000, liftedAt: null, liftedBy: null });
    const manual = { code: 'MANUAL_HALT' as const, subject: 'ovr-a', since: 5, facts: { by: 'kabid', reason, expiresAt: 9_000 } };
    const central = { code: 'CENTRAL_UNREACHABLE' as const, subject: 'central', since: 5, facts: { downTargets: 'pusat' } };
    store.transitions.append({ at: 5, from: 'allowed', to: 'halted', reasons: [central, manual], evidence: {} });
    const stored = store.db.prepare('SELECT reasons_json FROM transitions').pluck().get() as string;
    assert.ok(!stored.includes('pemeliharaan') && !stored.includes('kabid'), stored);
    const [read] = store.transitions.list({ limit: 1, reason: 'MANUAL_HALT' }).items;
    assert.deepEqual(read?.reasons, [central, manual]);
    assert.deepEqual(store.transitions.period(0, 10).items[0]?.reasons, [central, manual]);
  });

  it('reads a manual halt stored with its facts (before ids) as it was, and one whose override is gone with null facts', () => {
    const legacy = { code: 'MANUAL_HALT' as const, subject: 'ovr-old', since: 5, facts: { by: 'ops', reason: 'lama', expiresAt: null } };
    store.db.prepare('INSERT INTO transitions (at, from_state, to_state, reasons_json, evidence_json) VALUES (?, ?, ?, ?, ?)').run(5, 'allowed', 'halted', JSON.stringify([legacy]), '{}');
    store.transitions.append({ at: 6, from: 'halted', to: 'halted', reasons: [{ ...legacy, subject: 'ovr-gone' }], evidence: {} });
    const [gone, old] = store.transitions.list({ limit: 2 }).items;
    assert.deepEqual(old?.reasons, [legacy]);
    assert.deepEqual(gone?.reasons[0]?.facts, { by: null, reason: null, expiresAt: null });
  });

  it('looks up override facts only for a manual halt, through the lookup it was given', () => {
    store.overrides.insert({ id: 'ovr-a', action: 'halt', reason: 'pemeliharaan', by: 'kabid', createdAt: 1, expiresAt: null, liftedAt: null, liftedBy: null });
    // A reason stored without facts that is not a manual halt is read as stored, even when its subject
    // happens to name an override.
    const odd = { code: 'CENTRAL_UNREACHABLE', subject: 'ovr-a', since: 5 };
    const manual = { code: 'MANUAL_HALT', subject: 'ovr-a', since: 5 };
    store.db.prepare('INSERT INTO transitions (at, from_state, to_state, reasons_json, evidence_json) VALUES (?, ?, ?, ?, ?)').run(5, 'allowed', 'halted', JSON.stringify([odd, manual]), '{}');
    const looked: string[] = [];
    const transitions = new TransitionRepository(store.db, { get: (id) => (looked.push(id), store.overrides.get(id)) });
    const [read] = transitions.list({ limit: 1 }).items;
    assert.deepEqual(read?.reasons, [odd, { ...manual, facts: { by: 'kabid', reason: 'pemeliharaan', expiresAt: null } }]);
    assert.deepEqual(looked, ['ovr-a']);
  });

  it('rejects a limit that is not a positive integer', () => {
    assert.throws(() => store.transitions.list({ limit: 0 }), RangeError);
    assert.throws(() => store.transitions.list({ limit: 1.5 }), RangeError);
  });

  it('prunes older transitions but always keeps the newest, and ids are never reused', () => {
    const ids = seed();
    assert.equal(store.transitions.pruneOlderThan(500), 4);
    assert.deepEqual(ats(store.transitions.list({ limit: 50 }).items), [1000, 900, 800, 700, 600, 500]);
    assert.equal(store.transitions.pruneOlderThan(10_000), 5);
    assert.deepEqual(ats(store.transitions.list({ limit: 50 }).items), [1000]);
    assert.equal(store.transitions.pruneOlderThan(10_000), 0);
    assert.ok(store.transitions.append(transition(2000, [])) > Math.max(...ids));
  });
});

describe('TransitionRepository reads that leave evidence out', () => {
  const insert = (at: number, evidenceJson: string) =>
    store.db.prepare('INSERT INTO transitions (at, from_state, to_state, reasons_json, evidence_json) VALUES (?, ?, ?, ?, ?)').run(at, 'allowed', 'halted', '[]', evidenceJson);

  it('listWithoutEvidence and period never parse evidence: a row whose evidence is not JSON reads fine', () => {
    insert(5, '{not json');
    insert(6, '{"ok":true}');
    assert.throws(() => store.transitions.list({ limit: 10 }), SyntaxError, 'list parses evidence');
    const page = store.transitions.listWithoutEvidence({ limit: 10 });
    assert.deepEqual(page.items.map((t) => [t.at, 'evidence' in t]), [[6, false], [5, false]]);
    const period = store.transitions.period(6, 10);
    assert.deepEqual([period.before?.at, ...period.items.map((t) => t.at)], [5, 6]);
    assert.ok(!(period.before && 'evidence' in period.before) && period.items.every((t) => !('evidence' in t)));
  });

  it('listBoundingEvidence parses evidence up to the bound in UTF-8 bytes and gives a longer one by its size, unparsed', () => {
    const BOUND = 1_000;
    // 'é' is one character and two bytes: the bound is on bytes, as the API measures them.
    const evidenceOf = (bytes: number) => JSON.stringify({ text: `${'é'.repeat(494)}${'x'.repeat(bytes - 11 - 2 * 494)}` });
    const atBound = evidenceOf(BOUND);
    // Past the bound by one byte, far under it in characters, and not JSON: it must not be parsed.
    const pastBound = `[${evidenceOf(BOUND + 1).slice(1)}`;
    assert.deepEqual([Buffer.byteLength(atBound), Buffer.byteLength(pastBound), pastBound.length], [BOUND, BOUND + 1, 507]);
    insert(1, atBound);
    insert(2, pastBound);
    const [past, at] = store.transitions.listBoundingEvidence({ limit: 10 }, BOUND).items;
    assert.deepEqual([at?.evidence, at?.evidenceBytes], [JSON.parse(atBound), BOUND]);
    assert.deepEqual([past?.evidence, past?.evidenceBytes], [{ truncated: true, bytes: BOUND + 1 }, BOUND + 1]);
  });
});
