// The data-at-risk parts of /admin: each backlog source with its numbers, its failure and the internal
// detail for operators; each heartbeat with its last upload, lateness, grace and effect; neither part
// for an office that watches nothing. Pure (rendered HTML).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backlogSection, heartbeatSection } from '../../src/http/admin/data-at-risk.js';
import type { AdminView } from '../../src/http/admin/sections.js';
import { catalogue, type Language } from '../../src/i18n/catalogue.js';
import type { BacklogSnapshot, HeartbeatSnapshot } from '../../src/views/snapshot.js';

/** 2026-11-30 15:00 WIB */
const NOW = Date.UTC(2026, 10, 30, 8);
const MIN = 60_000;
const HOUR = 60 * MIN;

const view = (language: Language): AdminView => ({ c: catalogue(language), language, timeZone: 'Asia/Jakarta', now: NOW, langQuery: '', csrf: 'x' });
const text = (fragment: { value: string } | null): string => (fragment === null ? '' : fragment.value.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' '));

const spool: BacklogSnapshot = {
  name: 'spool',
  type: 'directory',
  halting: true,
  last: { ok: true, durationMs: 3, items: 12_345, bytes: 3 * 1024 ** 3, oldestAt: NOW - 26 * HOUR, source: 'spool', at: NOW - MIN },
  lastReading: { items: 12_345, bytes: 3 * 1024 ** 3, oldestAt: NOW - 26 * HOUR, at: NOW - MIN },
};
const app: BacklogSnapshot = {
  name: 'aplikasi',
  type: 'http_json',
  halting: false,
  last: { ok: false, failure: 'timeout', durationMs: 10_000, detail: 'no answer from http://127.0.0.1:8080/queue within 10s', source: 'aplikasi', at: NOW - MIN },
  lastReading: null,
};
const fresh: BacklogSnapshot = { name: 'baru', type: 'command', halting: false, last: null, lastReading: null };

const late: HeartbeatSnapshot = { name: 'unggah', lastPingAt: NOW - 3 * 24 * HOUR, lastItemsSent: 1_500, watchedSince: NOW - 30 * 24 * HOUR, graceMs: 15 * MIN, halt: true, late: true };
const never: HeartbeatSnapshot = { name: 'sinkron', lastPingAt: null, lastItemsSent: null, watchedSince: NOW - HOUR, graceMs: 2 * HOUR, halt: false, late: false };

describe('backlogSection', () => {
  test('Indonesian: numbers with the thousands dot, the size, the oldest with how long ago, and the effect', () => {
    const shown = text(backlogSection(view('id'), [spool]));
    assert.match(shown, /Antrean unggah/);
    assert.match(shown, /spool directory dapat dibaca 12\.345 3\.0 GiB/);
    assert.match(shown, /29 Nov 2026 13\.00 WIB 1 hari 2 jam lalu/);
    assert.match(shown, /menghentikan perekaman/);
  });

  test('English: a source that cannot be read shows the failure and the detail (operators only see this page)', () => {
    const shown = text(backlogSection(view('en'), [app, fresh]));
    assert.match(shown, /aplikasi http_json timeout no answer from http:\/\/127\.0\.0\.1:8080\/queue within 10s – – – – alert only/);
    assert.match(shown, /baru command not read yet/);
  });

  test('no source configured: no section at all', () => {
    assert.equal(backlogSection(view('id'), []), null);
  });
});

describe('heartbeatSection', () => {
  test('late and never pinged, with grace and effect, in both languages', () => {
    const en = text(heartbeatSection(view('en'), [late, never]));
    assert.match(en, /Upload heartbeats/);
    assert.match(en, /unggah late 27 Nov 2026 15:00 WIB 3 d ago 15 min halts recording 1,500/);
    assert.match(en, /sinkron on time no upload reported yet 2 h alert only –/);
    const id = text(heartbeatSection(view('id'), [late]));
    assert.match(id, /unggah terlambat 27 Nov 2026 15\.00 WIB 3 hari lalu 15 menit menghentikan perekaman 1\.500/);
  });

  test('no heartbeat configured: no section at all', () => {
    assert.equal(heartbeatSection(view('en'), []), null);
  });
});
