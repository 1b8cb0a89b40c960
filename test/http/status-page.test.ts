// The public status page and feed as pure renderings: public words for every reason code in both
// languages, escaping of config text, the clearing and stale states, and nothing internal leaking.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StatusPageConfig } from '../../src/config/schema.js';
import { REASON_CODES, type Gate, type Reason, type ReasonCode } from '../../src/core/types.js';
import { escapeMarkup, publicGate } from '../../src/views/public-status.js';
import { renderFeed } from '../../src/http/status-page/feed.js';
import { renderStatusPage, STATUS_PAGE_CSP } from '../../src/http/status-page/status-page.js';
import type { StoredTransition } from '../../src/store/transitions.js';

const T0 = Date.UTC(2026, 10, 30, 1, 15); // 08.15 WIB
const NOW = T0 + 2 * 60_000; // 08.17 WIB
const MIN = 60_000;

const config: StatusPageConfig = { office_name: 'Disdukcapil Kota Contoh', refresh: 30_000 };

/** Facts and subjects as the engine fills them: full of things the public must never see. */
const reason = (code: ReasonCode): Reason => ({
  code,
  subject: 'vol-rahasia-7',
  since: T0,
  cause: 'central',
  facts: { detail: 'connect ECONNREFUSED 10.9.8.7:8443 /srv/rekaman-rahasia', downTargets: 'pusat-api-rahasia', by: 'kabid', reason: 'kata sandi bocor', usedRatio: 0.93 },
});

const gate = (over: Partial<Gate>): Gate => ({
  state: 'halted',
  mode: 'normal',
  buffering: null,
  forecast: null,
  since: T0,
  reasons: [],
  overridden: [],
  clearSince: null,
  decidedAt: NOW - 1_000,
  validUntil: NOW + 45_000,
  override: null,
  ...over,
});

const page = (g: Gate, over: Partial<{ config: StatusPageConfig; language: 'id' | 'en'; now: number }> = {}) =>
  renderStatusPage({ gate: g, config, language: 'id', timeZone: 'Asia/Jakarta', resumeAfterMs: 2 * MIN, now: NOW, ...over });

const SECRETS = ['10.9.8.7', '8443', '/srv/', 'rekaman-rahasia', 'pusat-api-rahasia', 'vol-rahasia-7', 'kata sandi bocor', 'ECONNREFUSED', 'kabid', '93'];
const assertNoSecrets = (text: string) => {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `leaked ${secret}`);
};

const PUBLIC_TEXT: Record<ReasonCode, { id: string; en: string }> = {
  STARTING: { id: 'sistem sedang dimulai', en: 'the system is starting up' },
  CENTRAL_UNREACHABLE: { id: 'gangguan jaringan ke server pusat', en: 'a network problem reaching the central server' },
  STORAGE_CRITICAL: { id: 'kapasitas penyimpanan server penuh', en: 'the server&#39;s storage is full' },
  STORAGE_FLOOR: { id: 'kapasitas penyimpanan server penuh', en: 'the server&#39;s storage is full' },
  STORAGE_FILLING: { id: 'kapasitas penyimpanan server penuh', en: 'the server&#39;s storage is full' },
  INODES_CRITICAL: { id: 'kapasitas penyimpanan server penuh', en: 'the server&#39;s storage is full' },
  VOLUME_UNAVAILABLE: { id: 'gangguan pada server penyimpanan', en: 'a problem with the storage server' },
  BACKLOG_CRITICAL: { id: 'data rekaman belum terkirim ke server pusat', en: 'recorded data has not yet been sent to the central server' },
  UPLOAD_STALLED: { id: 'pengiriman data ke server pusat terhenti', en: 'sending data to the central server has stopped' },
  PROBES_STALE: { id: 'pemeriksaan sistem tertunda', en: 'system checks are delayed' },
  MANUAL_HALT: { id: 'dihentikan sementara oleh petugas', en: 'paused by staff' },
};

describe('status page: each reason code in public words', () => {
  for (const code of REASON_CODES) {
    for (const language of ['id', 'en'] as const) {
      test(`${code} (${language})`, () => {
        const html = page(gate({ reasons: [reason(code)] }), { language });
        assert.ok(html.includes(`<li>${PUBLIC_TEXT[code][language]}</li>`), html);
        assert.match(html, language === 'id' ? /PEREKAMAN KTP-el DIHENTIKAN SEMENTARA/ : /e-KTP RECORDING IS TEMPORARILY HALTED/);
        assertNoSecrets(html);
      });
    }
  }

  test('codes that mean the same to a citizen are said once', () => {
    const html = page(gate({ reasons: [reason('STORAGE_CRITICAL'), reason('STORAGE_FILLING'), reason('CENTRAL_UNREACHABLE')] }));
    assert.equal(html.split('kapasitas penyimpanan server penuh').length - 1, 1);
    assert.ok(html.indexOf('kapasitas penyimpanan') < html.indexOf('gangguan jaringan'));
  });
});

describe('status page: states', () => {
  test('open: headline, since, last check in WIB; no reason list, no halted notice', () => {
    const html = page(gate({ state: 'allowed' }));
    assert.match(html, /<h1>PEREKAMAN KTP-el DIBUKA<\/h1>/);
    assert.match(html, /sejak 08\.15 WIB/);
    assert.match(html, /Pemeriksaan terakhir: 08\.16 WIB/);
    assert.ok(!html.includes('class="reason"'));
    assert.ok(!html.includes('surat keterangan pengganti sementara'));
    assert.match(page(gate({ state: 'allowed' }), { language: 'en' }), /since 08:15 WIB/);
  });

  test('clearing: halted with no reason left says when it reopens', () => {
    const g = gate({ clearSince: NOW - 30_000 });
    assert.match(page(g), /Perekaman dibuka kembali sekitar pukul 08\.18 WIB/);
    assert.match(page(g, { language: 'en' }), /Recording reopens at about 08:18 WIB/);
    assert.ok(!page(g).includes('class="reason"'));
    assert.deepEqual(publicGate(g, NOW, 2 * MIN, 'id').reopensAt, NOW + 90_000);
  });

  test('halted with no reason and not clearing still gives a public reason', () => {
    assert.match(page(gate({})), /<li>gangguan sistem<\/li>/);
  });

  test('an answer past valid_until is shown as halted, checks delayed (as stations treat it)', () => {
    const html = page(gate({ state: 'allowed', validUntil: NOW - 1 }));
    assert.match(html, /PEREKAMAN KTP-el DIHENTIKAN SEMENTARA/);
    assert.match(html, /<li>pemeriksaan sistem tertunda<\/li>/);
  });

  test('since another day shows the date', () => {
    assert.match(page(gate({ state: 'allowed', since: T0 - 2 * 86_400_000 })), /sejak 28 Nov 2026 08\.15 WIB/);
  });
});

describe('status page: buffer mode in safe words', () => {
  /** Open through a central outage, with every number and name the gate holds about it. */
  const buffering = gate({
    state: 'allowed',
    mode: 'buffering',
    buffering: { since: T0, roomWorkingSeconds: 93_600, endsAt: T0 + 3 * 86_400_000 },
    forecast: { haltAt: T0 + 3 * 86_400_000, reason: 'CENTRAL_UNREACHABLE', subject: 'vol-rahasia-7', model: 'weekly' },
  });
  const paragraph = (html: string) => /<p class="buffering">([^<]*)<\/p>/.exec(html)?.[1];

  test('open, and the public is told recording goes on and data is sent once central is back', () => {
    const id = page(buffering);
    assert.match(id, /<h1>PEREKAMAN KTP-el DIBUKA<\/h1>/);
    assert.equal(
      paragraph(id),
      'Perekaman tetap berjalan seperti biasa. Sambungan ke server pusat sedang terganggu; data rekaman Anda tersimpan aman di kantor ini dan dikirim ke server pusat setelah sambungan pulih.',
    );
    assert.match(paragraph(page(buffering, { language: 'en' })) ?? '', /^Recording goes on as usual\. .* sent to the central server once the connection is back\.$/);
  });

  test('no numbers, names, models or times of the forecast', () => {
    for (const language of ['id', 'en'] as const) {
      const html = page(buffering, { language });
      assert.doesNotMatch(paragraph(html) ?? '?', /\d/);
      assertNoSecrets(html);
      assert.ok(!html.includes('weekly') && !html.includes('forecast') && !html.includes('perkiraan'));
    }
  });

  test('not while open normally, nor once the answer is past valid_until (then it is a halt)', () => {
    assert.equal(paragraph(page(gate({ state: 'allowed' }))), undefined);
    assert.equal(paragraph(page({ ...buffering, validUntil: NOW - 1 })), undefined);
  });
});

describe('status page: notices and escaping', () => {
  const hostile: StatusPageConfig = {
    ...config,
    office_name: 'Kantor <b>"A" & B</b>',
    notice: { id: 'Buka 08.00 <script>alert(1)</script> & antre\ndi loket 2\n\nParagraf dua' },
    notice_halted: { id: 'Suket <img src=x onerror=alert(1)> & sah', en: 'Certificate & valid' },
  };

  test('config text is escaped, keeps its paragraphs, and the page has no script', () => {
    const html = page(gate({ reasons: [reason('MANUAL_HALT')] }), { config: hostile });
    assert.ok(!/<script|<img|<b>/i.test(html), html);
    assert.ok(html.includes('Buka 08.00 &lt;script&gt;alert(1)&lt;/script&gt; &amp; antre<br>di loket 2</p><p>Paragraf dua</p>'));
    assert.ok(html.includes('Suket &lt;img src=x onerror=alert(1)&gt; &amp; sah'));
    assert.ok(html.includes('Kantor &lt;b&gt;&quot;A&quot; &amp; B&lt;/b&gt;'));
  });

  test('notice_halted only while halted, the general notice always; English falls back to Indonesian', () => {
    const open = page(gate({ state: 'allowed' }), { config: hostile, language: 'en' });
    assert.ok(!open.includes('Certificate'));
    assert.ok(open.includes('<div class="notice-text" lang="id"><p>Buka 08.00'));
    const halted = page(gate({ reasons: [reason('CENTRAL_UNREACHABLE')] }), { config: hostile, language: 'en' });
    assert.ok(halted.includes('<div class="notice-text"><p>Certificate &amp; valid</p></div>'));
  });

  test('without notice_halted the catalogue speaks of the temporary certificate', () => {
    assert.match(page(gate({ reasons: [reason('CENTRAL_UNREACHABLE')] })), /surat keterangan pengganti sementara\. Surat ini berlaku sama/);
    assert.match(page(gate({ reasons: [reason('CENTRAL_UNREACHABLE')] }), { language: 'en' }), /temporary certificate \(surat keterangan pengganti sementara\)\. It has the same standing/);
  });

  test('head: lang, viewport, refresh in seconds, own stylesheet, feed link, language switch', () => {
    const html = page(gate({ state: 'allowed' }), { config: { ...config, refresh: 45_000 } });
    assert.match(html, /^<!doctype html>\n<html lang="id">/);
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.match(html, /<meta http-equiv="refresh" content="45">/);
    assert.match(html, /<link rel="stylesheet" href="assets\/status.css">/);
    assert.match(html, /<link rel="alternate" type="application\/atom\+xml" href="feed.atom"/);
    assert.match(html, /<a class="lang" href="\?lang=en" hreflang="en" lang="en">English<\/a>/);
    assert.match(page(gate({}), { language: 'en' }), /<html lang="en">[\s\S]*href="\?lang=id" hreflang="id" lang="id">Bahasa Indonesia</);
    assert.ok(!/style=|<style|<script/i.test(html), 'no inline style or script: the CSP forbids both');
    assert.equal(STATUS_PAGE_CSP, "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  });

  test('bidi overrides and isolates in config text cannot reorder the page or the feed', () => {
    const bidi = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];
    const spoof: StatusPageConfig = {
      ...config,
      office_name: 'Disdukcapil \u202Eatok\u202C',
      notice: { id: 'Loket \u2067buka\u2069 08.00\n\nlalu \u202Dtutup', en: 'Desk \u202Bopen\u202C' },
      notice_halted: { id: 'Suket \u2066sah\u2069\u2068!\u2069 \u202A' },
    };
    const outputs = [
      page(gate({ reasons: [reason('CENTRAL_UNREACHABLE')] }), { config: spoof }),
      page(gate({ state: 'allowed' }), { config: spoof, language: 'en' }),
      renderFeed({ transitions: [], config: spoof, site: 'kota-contoh', language: 'id', timeZone: 'Asia/Jakarta', origin: null, now: NOW }),
    ];
    for (const output of outputs) {
      for (const c of bidi) assert.ok(!output.includes(c), `U+${c.codePointAt(0)?.toString(16)} on the page`);
    }
    assert.ok(outputs[0]!.includes('<p class="office">Disdukcapil \uFFFDatok\uFFFD</p>'), 'shown where it was, in logical order');
    assert.ok(outputs[0]!.includes('<p>Loket \uFFFDbuka\uFFFD 08.00</p><p>lalu \uFFFDtutup</p>'), 'paragraphs kept');
  });

  test('escapeMarkup drops characters XML forbids and escapes the five', () => {
    assert.equal(escapeMarkup('a\u0000b\u0008c\td\u000Be&<>"\'\uD800f\uD83D\uDE00'), 'abc\tde&amp;&lt;&gt;&quot;&#39;f\uD83D\uDE00');
  });
});

describe('feed', () => {
  const transitions: StoredTransition[] = [
    { id: 4, at: T0 + 40 * MIN, from: 'halted', to: 'allowed', reasons: [] },
    { id: 2, at: T0, from: 'allowed', to: 'halted', reasons: [reason('CENTRAL_UNREACHABLE'), reason('MANUAL_HALT')] },
    { id: 1, at: T0 - 60 * MIN, from: null, to: 'allowed', reasons: [] },
  ];
  const feed = (over: Partial<Parameters<typeof renderFeed>[0]> = {}) =>
    renderFeed({ transitions, config, site: 'kota-contoh', language: 'id', timeZone: 'Asia/Jakarta', origin: 'http://jaga.local:9469', now: NOW, ...over });

  test('one entry per state change, newest first, public words, stable ids', () => {
    const xml = feed();
    const titles = [...xml.matchAll(/<entry>[\s\S]*?<title type="text">([^<]*)<\/title>/g)].map((m) => m[1]);
    assert.deepEqual(titles, [
      'Perekaman KTP-el dibuka kembali',
      'Perekaman KTP-el dihentikan sementara: gangguan jaringan ke server pusat, dihentikan sementara oleh petugas',
      'Perekaman KTP-el dibuka',
    ]);
    assert.match(xml, /<id>tag:jaga,2026:kota-contoh\/transition\/2-\d+<\/id>/);
    assert.match(xml, /<id>tag:jaga,2026:kota-contoh\/status<\/id>/);
    assert.match(xml, new RegExp(`<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="id">\\n  <id>[^<]+</id>\\n  <title type="text">Disdukcapil Kota Contoh: status perekaman KTP-el</title>`));
    assert.ok(xml.includes(`<updated>${new Date(T0 + 40 * MIN).toISOString()}</updated>\n  <author>`));
    assert.ok(xml.includes('<link rel="self" type="application/atom+xml" href="http://jaga.local:9469/feed.atom"/>'));
    assert.ok(xml.includes('dihentikan sementara pada 30 Nov 2026 08.15 WIB'));
    assert.ok(xml.includes('surat keterangan pengganti sementara'), 'the halt entry carries the halted notice');
    assertNoSecrets(xml);
  });

  test('English titles, relative links without a safe origin, updated = now with no entries', () => {
    const xml = feed({ language: 'en', origin: null, transitions: [] });
    assert.ok(xml.includes('<link rel="self" type="application/atom+xml" href="/feed.atom?lang=en"/>'));
    assert.ok(xml.includes(`<updated>${new Date(NOW).toISOString()}</updated>`));
    assert.ok(!xml.includes('<entry>'));
    assert.match(feed({ language: 'en' }), /<title type="text">e-KTP recording temporarily halted: a network problem reaching the central server, paused by staff<\/title>/);
  });

  test('config text is escaped twice inside html content, and once in titles', () => {
    const xml = feed({ config: { office_name: 'A & <B>', refresh: 30_000, notice: { id: '<script>x</script> & y' } } });
    assert.ok(xml.includes('<author><name>A &amp; &lt;B&gt;</name></author>'));
    assert.ok(xml.includes('&lt;p&gt;&amp;lt;script&amp;gt;x&amp;lt;/script&amp;gt; &amp;amp; y&lt;/p&gt;'));
    assert.ok(!xml.includes('<script'));
  });
});

describe('status page and feed: the data at risk in safe words only', () => {
  // As the engine fills them: a source name, counts, ages, the limit, a path, a URL and error text.
  const dataAtRisk: Reason[] = [
    {
      code: 'BACKLOG_CRITICAL',
      subject: 'spool-kecamatan-7',
      since: T0,
      facts: { items: 12_345, bytes: 9_876_543_210, oldestAt: T0 - 86_400_000, oldestAgeSeconds: 86_400, limit: 'halt_items', limitValue: 5_000, resumeFraction: 0.8 },
    },
    {
      code: 'BACKLOG_CRITICAL',
      subject: 'aplikasi-sinkron',
      since: T0,
      facts: { items: 4_321, unavailable: true, failure: 'bad_output', detail: 'GET http://10.9.8.7:8443/antrean answered "<html>" for /srv/spool-rahasia' },
    },
    { code: 'UPLOAD_STALLED', subject: 'unggah-pusat', since: T0, facts: { lastPingAt: T0 - 3 * 86_400_000, watchedSince: T0, graceSeconds: 900, itemsWaiting: 16_666 } },
  ];
  const leaks = ['spool-kecamatan-7', 'aplikasi-sinkron', 'unggah-pusat', '12.345', '12,345', '12345', '4321', '16666', '16.666', '5000', 'halt_items', 'bad_output', '10.9.8.7', 'http://10', '/srv/', 'antrean', '900'];

  for (const language of ['id', 'en'] as const) {
    test(`the page and the feed say what stopped, never which source, how many files or why it failed (${language})`, () => {
      const html = page(gate({ reasons: dataAtRisk }), { language });
      assert.ok(html.includes(`<li>${PUBLIC_TEXT.BACKLOG_CRITICAL[language]}</li>`), html);
      assert.ok(html.includes(`<li>${PUBLIC_TEXT.UPLOAD_STALLED[language]}</li>`), html);
      assert.equal(html.split(PUBLIC_TEXT.BACKLOG_CRITICAL[language]).length - 1, 1, 'two sources, one phrase');
      const xml = renderFeed({
        transitions: [{ id: 7, at: T0, from: 'allowed', to: 'halted', reasons: dataAtRisk }],
        config,
        site: 'kota-contoh',
        language,
        timeZone: 'Asia/Jakarta',
        origin: null,
        now: NOW,
      });
      assert.ok(xml.includes(PUBLIC_TEXT.UPLOAD_STALLED[language]), xml);
      for (const text of [html, xml]) for (const leak of leaks) assert.ok(!text.includes(leak), `leaked ${leak}`);
    });
  }
});
