// The public status page and Atom feed of a real jaga process, read by a real headless Chromium with
// JavaScript off: halted after a forced outage with the office's notice and a public reason, open
// after recovery, both languages, and never a host, address, port, path, target or volume name, or a
// person's override text in what the public gets. Screenshots go to ARTIFACTS.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { checkAtom } from '../helpers/atom.js';
import { ARTIFACTS, launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { fastCentral, fastStorage, httpTarget, NO_FILL_RATE_HALT } from '../helpers/config.js';
import { FakeCentral } from '../helpers/fake-central.js';
import { hasReason, JagaProcess } from '../helpers/jaga-process.js';

const TARGET = 'pusat-api-rahasia-x1';
const VOLUME = 'disk-rekam-rahasia-y2';
const OVERRIDE_REASON = 'kunci-rahasia-Z9 hubungi 10.20.30.40';
const NOTICE_HALTED_ID = 'SUKET-SEMENTARA: surat keterangan pengganti sementara diterbitkan di loket 2 & berlaku sama.';
const NOTICE_HALTED_EN = 'TEMP-CERT: a temporary certificate is issued at counter 2 & has the same standing.';
const NOTICE_ID = 'Antrean dibuka pukul 08.00.';
const NOTICE_EN = 'The queue opens at 08:00.';
const PHONE = { width: 390, height: 844 };

let central: FakeCentral;
let jaga: JagaProcess;
let browser: TestBrowser;
let volumePath: string;

before(async () => {
  central = await FakeCentral.start();
  volumePath = mkdtempSync(join(tmpdir(), 'jaga-vol-gudang-rahasia-'));
  jaga = await JagaProcess.create({
    site: 'kota-uji',
    central: fastCentral([httpTarget(central.url, TARGET)]),
    storage: fastStorage([{ name: VOLUME, path: volumePath, ...NO_FILL_RATE_HALT }]),
    gate: { resume_after: '1s' },
    status_page: {
      office_name: 'Disdukcapil Kota Uji',
      refresh: '20s',
      notice: { id: NOTICE_ID, en: NOTICE_EN },
      notice_halted: { id: NOTICE_HALTED_ID, en: NOTICE_HALTED_EN },
    },
  });
  await jaga.start();
  await jaga.waitForGate((g) => g.state === 'allowed', 15_000, 'allowed after start');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await jaga?.cleanup();
  await central?.close();
});

/** Everything internal the public must never see, in the page's HTML or the feed. */
function assertPublicSafe(text: string, where: string): void {
  const secrets = ['127.0.0.1', String(central.port), '/health', TARGET, VOLUME, volumePath, 'gudang-rahasia', 'kunci-rahasia', '10.20.30.40', 'ECONNREFUSED', 'tester'];
  for (const secret of secrets) assert.ok(!text.includes(secret), `${where} shows "${secret}"`);
}

/** A phone-sized context with JavaScript off; its locale sets the Accept-Language it sends. */
async function phone(locale: 'id-ID' | 'en-GB' = 'id-ID'): Promise<BrowserContext> {
  return browser.browser.newContext({ javaScriptEnabled: false, viewport: PHONE, deviceScaleFactor: 2, isMobile: true, locale });
}

interface Visit {
  readonly page: Page;
  readonly html: string;
  readonly headers: Record<string, string>;
  readonly cspViolations: readonly string[];
  readonly stylesheetLoaded: boolean;
}

async function visit(context: BrowserContext, path: string, screenshot: string): Promise<Visit> {
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  let stylesheetLoaded = false;
  page.on('response', (response) => {
    if (response.url().endsWith('/assets/status.css') && response.status() === 200 && /^text\/css/.test(response.headers()['content-type'] ?? '')) stylesheetLoaded = true;
  });
  const response = await page.goto(`${jaga.url}${path}`, { waitUntil: 'load' });
  assert.ok(response, 'no response');
  assert.equal(response.status(), 200);
  await page.screenshot({ path: join(ARTIFACTS, screenshot), fullPage: true });
  return { page, html: await page.content(), headers: response.headers(), cspViolations, stylesheetLoaded };
}

const headline = (v: Visit) => v.page.locator('h1').innerText();

describe('status page in a real browser, JavaScript off', () => {
  test('open: large headline, headers, no script, refresh, stylesheet under the CSP', async () => {
    const context = await phone();
    try {
      const v = await visit(context, '/', 'status-open-id.png');
      assert.equal(await headline(v), 'PEREKAMAN KTP-el DIBUKA');
      assert.equal(await v.page.locator('html').getAttribute('lang'), 'id');
      assert.equal(v.headers['content-security-policy'], "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
      assert.equal(v.headers['x-content-type-options'], 'nosniff');
      assert.equal(v.headers['x-frame-options'], 'DENY');
      assert.equal(v.headers['referrer-policy'], 'no-referrer');
      assert.equal(v.headers['cache-control'], 'no-store');
      assert.match(v.headers['content-type'] ?? '', /^text\/html; charset=utf-8/);
      assert.ok(!/<script/i.test(v.html), 'no script element');
      assert.match(v.html, /<meta http-equiv="refresh" content="20">/);
      assert.match(v.html, /<link rel="alternate" type="application\/atom\+xml" href="feed.atom"/);
      assert.ok(v.stylesheetLoaded, 'the stylesheet loads');
      assert.deepEqual(v.cspViolations, []);
      const size = await v.page.locator('h1').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      assert.ok(size >= 28, `the headline is large (${size}px)`);
      assert.ok(v.html.includes(NOTICE_ID));
      assert.ok(!v.html.includes('SUKET-SEMENTARA'), 'the halted notice only while halted');
      assertPublicSafe(v.html, 'open page');
    } finally {
      await context.close();
    }
  });

  test('halted after a forced outage: notice, public reason, no internals even under a halt override', async () => {
    await central.set('refuse');
    await jaga.waitForGate((g) => hasReason(g, 'CENTRAL_UNREACHABLE'), 15_000, 'central unreachable');
    const created = await jaga.adminFetch('/api/v1/overrides', { method: 'POST', body: JSON.stringify({ action: 'halt', reason: OVERRIDE_REASON, for: '1h' }) });
    assert.equal(created.status, 201);
    await jaga.waitForGate((g) => hasReason(g, 'MANUAL_HALT'), 5_000, 'manual halt');

    const context = await phone();
    try {
      const v = await visit(context, '/', 'status-halted-id.png');
      assert.equal(await headline(v), 'PEREKAMAN KTP-el DIHENTIKAN SEMENTARA');
      const text = await v.page.locator('main').innerText();
      assert.match(text, /sejak \d{2}\.\d{2} WIB/);
      assert.match(text, /gangguan jaringan ke server pusat/);
      assert.match(text, /dihentikan sementara oleh petugas/);
      assert.ok(text.includes(NOTICE_HALTED_ID), 'the configured halted notice');
      assert.ok(text.includes(NOTICE_ID), 'the general notice');
      assert.match(text, /Pemeriksaan terakhir: \d{2}\.\d{2} WIB/);
      assertPublicSafe(v.html, 'halted page');

      // The language switch is a plain link.
      await v.page.getByRole('link', { name: 'English' }).click();
      await v.page.waitForURL(/\?lang=en$/);
      assert.equal(await headline(v), 'e-KTP RECORDING IS TEMPORARILY HALTED');
    } finally {
      await context.close();
    }
  });

  test('English by ?lang=en and by Accept-Language; Indonesian again by ?lang=id', async () => {
    const byQuery = await phone();
    const byHeader = await phone('en-GB');
    try {
      const q = await visit(byQuery, '/?lang=en', 'status-halted-en.png');
      assert.equal(await q.page.locator('html').getAttribute('lang'), 'en');
      const text = await q.page.locator('main').innerText();
      assert.match(text, /a network problem reaching the central server/);
      assert.match(text, /since \d{2}:\d{2} WIB/);
      assert.ok(text.includes(NOTICE_HALTED_EN));
      assertPublicSafe(q.html, 'English page');

      const h = await visit(byHeader, '/', 'status-halted-en-accept-language.png');
      assert.equal(await headline(h), 'e-KTP RECORDING IS TEMPORARILY HALTED');
      assert.equal(h.headers.vary, 'Accept-Language');
      await h.page.getByRole('link', { name: 'Bahasa Indonesia' }).click();
      await h.page.waitForURL(/\?lang=id$/);
      assert.equal(await headline(h), 'PEREKAMAN KTP-el DIHENTIKAN SEMENTARA');
    } finally {
      await byQuery.close();
      await byHeader.close();
    }
  });

  test('after recovery the page shows open again, in both languages', async () => {
    const overrides = (await (await jaga.adminFetch('/api/v1/overrides')).json()) as { items: { id: string }[] };
    for (const o of overrides.items) assert.equal((await jaga.adminFetch(`/api/v1/overrides/${o.id}`, { method: 'DELETE' })).status, 200);
    await central.set('ok');
    await jaga.waitForGate((g) => g.state === 'allowed', 20_000, 'allowed after recovery');
    const context = await phone();
    try {
      const id = await visit(context, '/', 'status-open-again-id.png');
      assert.equal(await headline(id), 'PEREKAMAN KTP-el DIBUKA');
      const en = await visit(context, '/?lang=en', 'status-open-en.png');
      assert.equal(await headline(en), 'e-KTP RECORDING IS OPEN');
      assert.ok(en.html.includes(NOTICE_EN));
      assertPublicSafe(en.html, 'open page (en)');
    } finally {
      await context.close();
    }
  });
});

describe('Atom feed', () => {
  test('validates as Atom 1.0 with the halt and the resume, newest first, in public words', async () => {
    const response = await jaga.fetch('/feed.atom');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/atom+xml; charset=utf-8');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    const xml = await response.text();
    // Its own links name jaga's address, as the reader asked for it; nothing else may.
    assertPublicSafe(xml.replaceAll(jaga.url, 'JAGA'), 'feed');

    const feed = await checkAtom(browser.browser, xml);
    assert.equal(feed.lang, 'id');
    assert.equal(feed.id, 'tag:jaga,2026:kota-uji/status');
    assert.equal(feed.title, 'Disdukcapil Kota Uji: status perekaman KTP-el');
    assert.equal(feed.selfHref, `${jaga.url}/feed.atom`);
    const titles = feed.entries.map((e) => e.title);
    const resumed = titles.indexOf('Perekaman KTP-el dibuka kembali');
    const halted = titles.indexOf('Perekaman KTP-el dihentikan sementara: gangguan jaringan ke server pusat');
    assert.equal(resumed, 0, `newest entry is the resume: ${JSON.stringify(titles)}`);
    assert.ok(halted > resumed, `the halt comes after (older than) the resume: ${JSON.stringify(titles)}`);
    const times = feed.entries.map((e) => Date.parse(e.updated));
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
    assert.equal(feed.updated, feed.entries[0]?.updated);
    const haltContent = feed.entries[halted]?.content ?? '';
    assert.match(haltContent, /Penyebab: gangguan jaringan ke server pusat\./);
    assert.ok(haltContent.includes('SUKET-SEMENTARA: surat keterangan pengganti sementara diterbitkan di loket 2 &amp; berlaku sama.'));

    const english = await checkAtom(browser.browser, await (await jaga.fetch('/feed.atom?lang=en')).text());
    assert.equal(english.lang, 'en');
    assert.equal(english.entries[0]?.title, 'e-KTP recording has resumed');
    assert.ok(english.entries.some((e) => e.title === 'e-KTP recording temporarily halted: a network problem reaching the central server'));
    assert.deepEqual(english.entries.map((e) => e.id), feed.entries.map((e) => e.id), 'the same entries in either language');
  });

  test('a hostile Host header does not reach the feed\'s links', async () => {
    // fetch() will not send a forged Host; a raw request does.
    const xml = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: jaga.port, path: '/feed.atom', headers: { host: 'evil.example"><x' } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
    assert.ok(!xml.includes('evil.example'));
    assert.ok(xml.includes('<link rel="self" type="application/atom+xml" href="/feed.atom"/>'));
  });
});
