// What reads of the history leave unparsed, on a real jaga whose store holds transitions written straight
// into the table: the public history, the feed and the report never parse evidence, and the internal
// history does not parse evidence past ITEM_BYTES, yet gives it by the same size as before.
// Process, file and loopback network I/O.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ITEM_BYTES } from '../../src/http/list-bounds.js';
import { openStore } from '../../src/store/sqlite.js';
import { fastConfig } from '../helpers/config.js';
import { FakeCentral } from '../helpers/fake-central.js';
import { JagaProcess } from '../helpers/jaga-process.js';

/** Evidence of about `bytes` UTF-8 bytes, with two-byte characters: its size in characters is smaller. */
const evidenceOf = (bytes: number): string => JSON.stringify({ targets: { pusat: { detail: 'é'.repeat(bytes / 2) } } });
/** Reasons that alone take an item past ITEM_BYTES. */
const LONG_REASONS = JSON.stringify([{ code: 'CENTRAL_UNREACHABLE', subject: 'central', since: 1, facts: { detail: 'x'.repeat(ITEM_BYTES) } }]);
const SHORT_REASONS = JSON.stringify([{ code: 'CENTRAL_UNREACHABLE', subject: 'central', since: 1, facts: { downTargets: 'pusat' } }]);

/** Rows by what they test; evidence JSON as stored. */
const ROWS = {
  small: { reasons: SHORT_REASONS, evidence: JSON.stringify({ central: { unreachable: true } }) },
  big: { reasons: SHORT_REASONS, evidence: evidenceOf(3 * ITEM_BYTES) },
  bigWithLongReasons: { reasons: LONG_REASONS, evidence: evidenceOf(2 * ITEM_BYTES) },
  smallWithLongReasons: { reasons: LONG_REASONS, evidence: JSON.stringify({ a: 1 }) },
  // Not JSON: reading it at all would answer 500. The newest row, so the report reads it whatever its period.
  unreadable: { reasons: SHORT_REASONS, evidence: `{${'x'.repeat(ITEM_BYTES)}` },
} as const;
type RowName = keyof typeof ROWS;

let central: FakeCentral;
let jaga: JagaProcess;
const ids = new Map<RowName, number>();

before(async () => {
  central = await FakeCentral.start();
  const dir = mkdtempSync(join(tmpdir(), 'jaga-history-evidence-'));
  mkdirSync(join(dir, 'data'));
  const store = openStore(join(dir, 'data', 'jaga.db'));
  const insert = store.db.prepare('INSERT INTO transitions (at, from_state, to_state, reasons_json, evidence_json) VALUES (?, ?, ?, ?, ?)');
  const names = Object.keys(ROWS) as RowName[];
  names.forEach((name, i) => {
    const [from, to] = i % 2 ? ['halted', 'allowed'] : ['allowed', 'halted'];
    ids.set(name, Number(insert.run(Date.now() - (names.length - i) * 1_000, from, to, ROWS[name].reasons, ROWS[name].evidence).lastInsertRowid));
  });
  store.close();
  jaga = await JagaProcess.create(
    {
      ...fastConfig(central.url),
    },
    dir,
  );
  await jaga.start();
});

after(async () => {
  await jaga?.cleanup();
  await central?.close();
});

interface Item {
  id: number;
  reasons: unknown[];
  evidence?: unknown;
}

async function history(internal: boolean): Promise<Map<RowName, Item>> {
  const response = await (internal ? jaga.adminFetch : jaga.fetch).call(jaga, '/api/v1/history?limit=1000');
  const text = await response.text();
  assert.equal(response.status, 200, text);
  const items = (JSON.parse(text) as { items: Item[] }).items;
  return new Map([...ids].map(([name, id]) => [name, items.find((i) => i.id === id) as Item]));
}

test('the internal history gives evidence past ITEM_BYTES by its UTF-8 size, unparsed, whatever the reasons; smaller evidence as before', async () => {
  const items = await history(true);
  const size = (name: RowName) => ({ truncated: true, bytes: Buffer.byteLength(ROWS[name].evidence) });
  assert.deepEqual(items.get('small')?.evidence, JSON.parse(ROWS.small.evidence));
  assert.deepEqual(items.get('big')?.evidence, size('big'));
  assert.deepEqual(items.get('unreadable')?.evidence, size('unreadable'));
  // The reasons alone are past ITEM_BYTES: the size is still the stored evidence's, not of its stand-in.
  assert.ok(JSON.stringify(items.get('bigWithLongReasons')?.reasons).length > ITEM_BYTES);
  assert.deepEqual(items.get('bigWithLongReasons')?.evidence, size('bigWithLongReasons'));
  assert.deepEqual(items.get('smallWithLongReasons')?.evidence, size('smallWithLongReasons'));
});

test('the public history, the feed and the report answer without reading any evidence', async () => {
  const items = await history(false);
  assert.equal(items.size, Object.keys(ROWS).length);
  assert.ok([...items.values()].every((i) => i !== undefined && !('evidence' in i)));
  for (const path of ['/feed.atom', '/api/v1/report']) {
    const response = await jaga.fetch(path);
    assert.equal(response.status, 200, `${path}: ${await response.text()}`);
  }
});
