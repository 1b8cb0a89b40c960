// What bounds a list answer and where the feed's links point, on a real jaga process whose store was
// pre-filled with transitions carrying large evidence: a history page stops at PAGE_BYTES and its
// cursor goes on from there, evidence past ITEM_BYTES is given as its size, and with `public_url` set
// the feed links there whatever Host a request names. Process, file and loopback network I/O.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { MAX_ACTIVE_SILENCES } from '../../src/core/alerts/silences.js';
import { ITEM_BYTES, PAGE_BYTES } from '../../src/http/list-bounds.js';
import { openStore } from '../../src/store/sqlite.js';
import { fastConfig } from '../helpers/config.js';
import { FakeCentral } from '../helpers/fake-central.js';
import { JagaProcess } from '../helpers/jaga-process.js';
import { httpRequest } from '../helpers/raw-http.js';

const PUBLIC_URL = 'https://jaga.kantor.example/status/';
/** Transitions written before the start: most with evidence just under ITEM_BYTES, some far over it. */
const FILLED = 240;
const BIG_EVERY = 10;

let central: FakeCentral;
let jaga: JagaProcess;

before(async () => {
  central = await FakeCentral.start();
  const dir = mkdtempSync(join(tmpdir(), 'jaga-bounds-'));
  mkdirSync(join(dir, 'data'));
  const store = openStore(join(dir, 'data', 'jaga.db'));
  // Straight into the table, as an older jaga wrote them: today's writer may bound evidence itself.
  const insert = store.db.prepare('INSERT INTO transitions (at, from_state, to_state, reasons_json, evidence_json) VALUES (?, ?, ?, ?, ?)');
  store.transaction(() => {
    for (let i = 0; i < FILLED; i += 1) {
      const size = i % BIG_EVERY === 0 ? 200_000 : ITEM_BYTES - 1_000;
      const [from, to] = i % 2 ? ['halted', 'allowed'] : ['allowed', 'halted'];
      insert.run(Date.now() - (FILLED - i) * 60_000, from, to, '[]', JSON.stringify({ blob: 'x'.repeat(size) }));
    }
  });
  store.close();
  jaga = await JagaProcess.create(
    {
      public_url: PUBLIC_URL,
      alerts: {},
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

interface Page {
  items: { id: number; evidence?: Record<string, unknown> }[];
  next_before: number | null;
}

test('a history page is bounded in bytes; the cursor goes on where it stopped and reaches every transition once', async () => {
  const ids: number[] = [];
  let before: number | null = null;
  let pages = 0;
  do {
    const response = await jaga.adminFetch(`/api/v1/history?limit=1000${before === null ? '' : `&before=${before}`}`);
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.ok(Buffer.byteLength(text) <= PAGE_BYTES + 100, `page ${pages}: ${Buffer.byteLength(text)} bytes`);
    const page = JSON.parse(text) as Page;
    assert.ok(page.items.length > 0);
    // Only the pre-filled rows (ids 1..FILLED) carry a blob: jaga may have written its own transitions since.
    for (const item of page.items.filter((i) => i.id <= FILLED)) {
      const blob = item.evidence?.blob;
      if (blob === undefined) assert.deepEqual(Object.keys(item.evidence ?? {}).sort(), ['bytes', 'truncated']);
      else assert.equal(typeof blob, 'string');
    }
    ids.push(...page.items.map((i) => i.id));
    before = page.next_before;
    pages += 1;
  } while (before !== null && pages < 20);
  assert.ok(pages >= 3, `${FILLED} transitions of ~15 KiB took ${pages} pages`);
  assert.equal(new Set(ids).size, ids.length, 'no transition twice');
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
  assert.ok(ids.length >= FILLED, `every transition (${ids.length})`);
  const big = (await (await jaga.adminFetch('/api/v1/history?limit=1000')).json()) as Page;
  const truncated = big.items.find((i) => i.evidence?.truncated === true);
  assert.ok(truncated, 'evidence past ITEM_BYTES is given by its size');
  assert.ok((truncated.evidence?.bytes as number) > 200_000);
});

test('the public history is small and complete in one page', async () => {
  const text = await (await jaga.fetch('/api/v1/history?limit=1000')).text();
  const page = JSON.parse(text) as Page;
  assert.ok(page.items.length >= FILLED);
  assert.ok(page.items.every((i) => i.evidence === undefined));
  assert.equal(page.next_before, null);
});

test('with public_url set, the feed links there whatever Host the request names', async () => {
  const answer = await httpRequest(jaga.port, '/feed.atom?lang=en', { headers: { host: 'evil.example:666' } });
  assert.equal(answer.status, 200);
  assert.ok(!answer.body.includes('evil.example'), 'no link follows the Host header');
  assert.ok(answer.body.includes('<link rel="self" type="application/atom+xml" href="https://jaga.kantor.example/status/feed.atom?lang=en"/>'), answer.body.slice(0, 800));
  assert.ok(answer.body.includes('<link rel="alternate" type="text/html" href="https://jaga.kantor.example/status/?lang=en"/>'));
});

test('silences made by hand are capped: past the cap 409 too_many_silences, nothing stored; an expired one makes room', async () => {
  const create = (n: number) =>
    jaga.adminFetch('/api/v1/silences', { method: 'POST', body: JSON.stringify({ matchers: { target: `~pusat-${n}.*` }, for: '1h', comment: `senyap ${n}` }) });
  const ids: string[] = [];
  for (let n = 0; n < MAX_ACTIVE_SILENCES; n += 1) {
    const response = await create(n);
    assert.equal(response.status, 201);
    ids.push(((await response.json()) as { silence: { id: string } }).silence.id);
  }
  const refused = await create(MAX_ACTIVE_SILENCES);
  assert.equal(refused.status, 409);
  assert.equal(((await refused.json()) as { error: string }).error, 'too_many_silences');
  const listed = (await (await jaga.adminFetch('/api/v1/silences')).json()) as { items: { source: string }[] };
  assert.equal(listed.items.filter((s) => s.source === 'api').length, MAX_ACTIVE_SILENCES);
  assert.equal((await jaga.adminFetch(`/api/v1/silences/${ids[0]}`, { method: 'DELETE' })).status, 200);
  assert.equal((await create(MAX_ACTIVE_SILENCES + 1)).status, 201);
});
