// The operator page /admin of a real jaga process: a real headless Chromium logs in with a named token,
// halts and reopens recording through the forms and sees who and why in the audit and history; plain
// HTTP checks the login (generic 401, rate limit 429), the session cookie, CSRF and origin refusals that
// change nothing, logout, validation, and the security headers. Screenshots go to ARTIFACTS.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ARTIFACTS, launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { fastCentral, fastStorage, httpTarget, tempVolume } from '../helpers/config.js';
import { FakeCentral } from '../helpers/fake-central.js';
import { ADMIN_TOKEN, hasReason, JagaProcess } from '../helpers/jaga-process.js';

let central: FakeCentral;
let jaga: JagaProcess;
/** A second jaga for the rate limit: its lockout must not disturb the other tests. */
let limited: JagaProcess;
/** Started without JAGA_ADMIN_TOKENS, as the demo is by default. */
let tokenless: JagaProcess;

function config(): Record<string, unknown> {
  return {
    central: fastCentral([httpTarget(central.url, 'pusat-api')]),
    storage: fastStorage([tempVolume()]),
    gate: { resume_after: '1s' },
    alerts: { silences: [{ match: { alertname: 'CentralUnreachable' }, cron: '0 0 * * 0', duration: '2h', comment: 'pemeliharaan mingguan pusat' }] },
  };
}

before(async () => {
  central = await FakeCentral.start();
  [jaga, limited, tokenless] = await Promise.all([JagaProcess.create(config()), JagaProcess.create(config()), JagaProcess.create(config())]);
  await Promise.all([jaga.start(), limited.start(), tokenless.start(15_000, { JAGA_ADMIN_TOKENS: '' })]);
  await jaga.waitForGate((g) => g.state === 'allowed', 15_000, 'allowed after start');
});

after(async () => {
  await jaga?.cleanup();
  await limited?.cleanup();
  await tokenless?.cleanup();
  await central?.close();
});

/** fetch with a cookie jar of one cookie and no redirect following, so each answer can be checked. */
class AdminClient {
  cookie: string | null = null;

  constructor(private readonly target: JagaProcess) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.target.fetch(path, { redirect: 'manual', headers: { ...this.cookieHeader(), ...headers } });
  }

  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.target.fetch(path, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...this.cookieHeader(), ...headers },
    });
  }

  async login(token = ADMIN_TOKEN): Promise<Response> {
    const response = await this.post('/admin/login', { token });
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('jaga_admin='));
    if (cookie) this.cookie = cookie.split(';')[0] ?? null;
    return response;
  }

  /** The CSRF token of this session, as the dashboard's forms carry it. */
  async csrf(): Promise<string> {
    const page = await this.get('/admin');
    assert.equal(page.status, 200);
    const match = /name="csrf" value="([^"]+)"/.exec(await page.text());
    assert.ok(match?.[1], 'the dashboard has a CSRF field');
    return match[1];
  }

  private cookieHeader(): Record<string, string> {
    return this.cookie ? { cookie: this.cookie } : {};
  }
}

const overrides = async (): Promise<{ id: string; action: string; by: string; reason: string }[]> =>
  ((await (await jaga.adminFetch('/api/v1/overrides')).json()) as { items: { id: string; action: string; by: string; reason: string }[] }).items;

const auditCount = async (): Promise<number> => ((await (await jaga.adminFetch('/api/v1/audit?limit=1000')).json()) as { items: unknown[] }).items.length;

function assertSecurityHeaders(response: Response, where: string): void {
  const csp = response.headers.get('content-security-policy') ?? '';
  for (const directive of ["default-src 'none'", "style-src 'self'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"]) {
    assert.ok(csp.includes(directive), `${where}: CSP has ${directive} (${csp})`);
  }
  assert.equal(response.headers.get('cache-control'), 'no-store', `${where}: no-store`);
  assert.equal(response.headers.get('x-frame-options'), 'DENY', `${where}: frame deny`);
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff', `${where}: nosniff`);
  assert.equal(response.headers.get('referrer-policy'), 'same-origin', `${where}: our own posts carry their Origin`);
}

describe('with a real headless Chromium', () => {
  let browser: TestBrowser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  /** Clicks a submit button and waits for the POST-redirect-GET to land. */
  async function submit(page: Page, selector: string): Promise<void> {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
  }

  test('log in, halt with a reason, see who and why, lift, allow', async () => {
    const context = await browser.browser.newContext({ javaScriptEnabled: false, locale: 'id-ID', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });

    await page.goto(`${jaga.url}/admin`);
    assert.match(page.url(), /\/admin\/login$/, 'no session: sent to the login page');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-login.png'), fullPage: true });
    await page.fill('#token', ADMIN_TOKEN);
    await submit(page, 'form[action^="/admin/login"] button');
    assert.match(page.url(), /\/admin$/);
    assert.match(await page.locator('header').innerText(), /Masuk sebagai tester/);
    assert.equal(
      await page.evaluate(() => getComputedStyle(document.querySelector('.bar') as Element).display),
      'flex',
      'the stylesheet loads under the CSP',
    );

    const reason = 'Pemeliharaan jaringan kantor <b>lantai 2</b>';
    await page.check('input[name="action"][value="halt"]');
    await page.fill('#override-reason', reason);
    await submit(page, '#new-override button[type="submit"]');
    assert.match(await page.locator('.flash.ok').innerText(), /Override ovr-.* ditetapkan/);

    const { gate } = await jaga.waitForGate((g) => g.state === 'halted' && hasReason(g, 'MANUAL_HALT'), 5_000, 'halted by the form');
    const manual = gate.reasons.find((r) => r.code === 'MANUAL_HALT');
    assert.equal(manual?.facts.by, 'tester');
    assert.equal(manual?.facts.reason, undefined, 'the typed reason is not public');
    const internal = (await (await jaga.adminFetch('/api/v1/status')).json()) as { gate: { reasons: { code: string; facts: Record<string, unknown> }[] } };
    assert.equal(internal.gate.reasons.find((r) => r.code === 'MANUAL_HALT')?.facts.reason, reason, 'token holders see why');
    assert.equal(gate.override?.action, 'halt');

    assert.match(await page.locator('#gate .state').innerText(), /PEREKAMAN DIHENTIKAN/);
    const audit = await page.locator('#audit').innerText();
    assert.match(audit, /tester/);
    assert.ok(audit.includes(reason), 'the audit shows why, as typed (escaped, not markup)');
    assert.ok((await page.locator('#history').innerText()).includes(`Dihentikan manual oleh tester: ${reason}`));
    assert.equal(await page.locator('#audit b').count(), 0, 'typed markup stays text');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-dashboard.png'), fullPage: true });

    await submit(page, '#overrides form button');
    assert.match(await page.locator('.flash.ok').innerText(), /dicabut/);
    await jaga.waitForGate((g) => g.state === 'allowed' && g.override === null, 10_000, 'allowed after lifting in the page');
    assert.match(await page.locator('#audit').innerText(), /tester\s+mencabut override/);

    await page.check('input[name="action"][value="allow"]');
    await page.fill('#override-reason', 'uji buka sementara');
    await page.fill('#override-for', '1h');
    await submit(page, '#new-override button[type="submit"]');
    const allowed = await jaga.gate();
    assert.equal(allowed.override?.action, 'allow');
    const listed = await overrides();
    assert.deepEqual(listed.map((o) => [o.action, o.by, o.reason]), [['allow', 'tester', 'uji buka sementara']]);

    const phone = await browser.browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 }, isMobile: true, deviceScaleFactor: 2 });
    await phone.addCookies(await context.cookies());
    const phonePage = await phone.newPage();
    await phonePage.goto(`${jaga.url}/admin?lang=en`);
    assert.match(await phonePage.locator('#gate h1').innerText(), /Recording gate/);
    await phonePage.screenshot({ path: join(ARTIFACTS, 'admin-dashboard-phone.png'), fullPage: false });
    const width = await phonePage.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scrolling of the page on a phone (scrollWidth ${width})`);
    await phone.close();

    await submit(page, '#overrides form button');
    assert.deepEqual(await overrides(), []);
    assert.deepEqual(cspViolations, []);
    await context.close();
  });
});

describe('plain HTTP', () => {
  test('without a session /admin sends to the login page; security headers everywhere', async () => {
    const anonymous = new AdminClient(jaga);
    const dashboard = await anonymous.get('/admin');
    assert.equal(dashboard.status, 303);
    assert.equal(dashboard.headers.get('location'), '/admin/login');
    assertSecurityHeaders(dashboard, '/admin');
    const login = await anonymous.get('/admin/login');
    assert.equal(login.status, 200);
    assertSecurityHeaders(login, '/admin/login');
    const css = await anonymous.get('/admin/assets/admin.css');
    assert.match(css.headers.get('content-type') ?? '', /text\/css/);
    assertSecurityHeaders(css, 'the stylesheet');
    const missing = await anonymous.get('/admin/nothing');
    assert.equal(missing.status, 404);
    assertSecurityHeaders(missing, 'a 404');
    const english = await anonymous.get('/admin/login', { 'accept-language': 'en-GB,en;q=0.9' });
    assert.match(await english.text(), /Sign in to the operator page/);
  });

  test('a wrong, missing, huge or nearly right token: the same 401 page, no cookie, no dashboard', async () => {
    const client = new AdminClient(jaga);
    const bodies: string[] = [];
    for (const token of ['wrong-token-0123456789', '', 'x'.repeat(12_000), ADMIN_TOKEN.slice(0, -1)]) {
      const response = await client.login(token);
      assert.equal(response.status, 401, `token of ${token.length} characters`);
      assert.equal(response.headers.getSetCookie().length, 0);
      assertSecurityHeaders(response, 'a failed login');
      bodies.push(await response.text());
    }
    assert.equal(new Set(bodies).size, 1, 'no hint which part was wrong');
    assert.match(bodies[0] ?? '', /Gagal masuk/);
    assert.equal(client.cookie, null);
    assert.equal((await client.get('/admin')).status, 303);
    assert.ok(!jaga.logs.includes('wrong-token-0123456789'), 'tokens are never logged');
  });

  test('the session cookie: HttpOnly, SameSite=Strict, Path=/admin, random', async () => {
    const client = new AdminClient(jaga);
    const response = await client.login();
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/admin');
    const cookie = response.headers.getSetCookie()[0] ?? '';
    assert.match(cookie, /^jaga_admin=[A-Za-z0-9_-]{43};/);
    for (const flag of ['HttpOnly', 'SameSite=Strict', 'Path=/admin']) assert.ok(cookie.split('; ').includes(flag), `${flag} in ${cookie}`);
    assert.ok(!/Secure/.test(cookie), 'not Secure over plain http (it would never be sent back)');
    assert.ok(!jaga.logs.includes(ADMIN_TOKEN), 'the token is never logged');
    assert.equal((await client.get('/admin')).status, 200);
  });

  test('form posts without the right CSRF token or from another origin: 403, nothing changes', async () => {
    const client = new AdminClient(jaga);
    await client.login();
    const other = new AdminClient(jaga);
    await other.login();
    const csrf = await client.csrf();
    const foreign = await other.csrf();
    const auditBefore = await auditCount();
    const halt = { action: 'halt', reason: 'tidak boleh terjadi' };
    const attempts: [string, () => Promise<Response>][] = [
      ['no token', () => client.post('/admin/overrides', halt)],
      ['a wrong token', () => client.post('/admin/overrides', { ...halt, csrf: `${csrf.slice(0, -2)}xx` })],
      ["another session's token", () => client.post('/admin/overrides', { ...halt, csrf: foreign })],
      ['another origin', () => client.post('/admin/overrides', { ...halt, csrf }, { origin: 'http://evil.example' })],
      ['a cross-site request', () => client.post('/admin/overrides', { ...halt, csrf }, { 'sec-fetch-site': 'cross-site' })],
      ['JSON instead of a form', () => jaga.fetch('/admin/overrides', { method: 'POST', body: JSON.stringify({ ...halt, csrf }), headers: { 'content-type': 'application/json', cookie: client.cookie ?? '' } })],
      ['no session at all', () => new AdminClient(jaga).post('/admin/overrides', { ...halt, csrf })],
      ['a lift without the token', () => client.post('/admin/overrides/ovr-x/lift', {})],
      ['a silence without the token', () => client.post('/admin/silences', { matchers: 'alertname=RecordingHalted', for: '1h', comment: 'x' })],
    ];
    for (const [name, send] of attempts) {
      const response = await send();
      assert.equal(response.status, 403, name);
      assertSecurityHeaders(response, name);
    }
    assert.deepEqual(await overrides(), []);
    assert.equal(await auditCount(), auditBefore, 'no audit entry: nothing was done');
    assert.equal((await jaga.gate()).state, 'allowed');
  });

  test('validation errors re-render with a clear message; valid forms act as the token name', async () => {
    const client = new AdminClient(jaga);
    await client.login();
    const csrf = await client.csrf();
    const refusals: [string, Record<string, string>, string, RegExp][] = [
      ['allow without a duration', { action: 'allow', reason: 'uji', for: '' }, '/admin/overrides', /wajib berakhir/],
      ['allow past 24h', { action: 'allow', reason: 'uji', for: '25h' }, '/admin/overrides', /paling lama 24 jam/],
      ['no reason', { action: 'halt', reason: ' ', for: '' }, '/admin/overrides', /Alasan wajib diisi/],
      ['a silence of 8 days', { matchers: 'alertname=RecordingHalted', for: '8d', comment: 'x' }, '/admin/silences', /paling lama 7 hari/],
      ['a matcher that is not label=value', { matchers: 'RecordingHalted', for: '1h', comment: 'x' }, '/admin/silences', /label=nilai/],
    ];
    for (const [name, form, path, message] of refusals) {
      const response = await client.post(path, { ...form, csrf });
      assert.equal(response.status, 400, name);
      assert.match(await response.text(), message, name);
    }
    const typed = await client.post('/admin/overrides', { action: 'allow', reason: '<i>dipertahankan</i>', for: '30h', csrf });
    assert.match(await typed.text(), /value="&lt;i&gt;dipertahankan&lt;\/i&gt;"/, 'what was typed comes back, escaped');
    assert.deepEqual(await overrides(), []);

    const added = await client.post('/admin/silences', { matchers: 'alertname=CentralUnreachable\nseverity=critical', for: '2h', comment: 'pemeliharaan pusat', csrf });
    assert.equal(added.status, 303);
    type SilenceItem = { id: string; created_by?: string; matchers: Record<string, string>; source: string };
    const silences = async () => ((await (await jaga.adminFetch('/api/v1/silences')).json()) as { items: SilenceItem[] }).items.filter((s) => s.source === 'api');
    const [silence] = await silences();
    assert.deepEqual(silence?.matchers, { alertname: 'CentralUnreachable', severity: 'critical' });
    assert.equal(silence?.created_by, 'tester');
    const page = await (await client.get('/admin')).text();
    assert.match(page, /Silence sil-.* ditambahkan/, 'the flash after the redirect');
    assert.ok(page.includes(`action="/admin/silences/${silence?.id}/expire"`), 'an expire button');
    assert.ok(page.includes('pemeliharaan mingguan pusat'), 'the config silence is listed (without a button)');
    assert.equal((await client.post(`/admin/silences/${silence?.id}/expire`, { csrf })).status, 303);
    assert.deepEqual(await silences(), []);
    assert.equal((await client.post(`/admin/silences/${silence?.id}/expire`, { csrf })).status, 404, 'expired already');
    assert.equal((await client.post('/admin/overrides/ovr-nope/lift', { csrf })).status, 404);
    const audit = ((await (await jaga.adminFetch('/api/v1/audit?limit=2')).json()) as { items: { actor: string; action: string }[] }).items;
    assert.deepEqual(audit.map((a) => `${a.actor}:${a.action}`), ['tester:silence.expire', 'tester:silence.create']);
  });

  test('logout ends the session: the old cookie and its CSRF token no longer work', async () => {
    const client = new AdminClient(jaga);
    await client.login();
    const csrf = await client.csrf();
    const out = await client.post('/admin/logout', { csrf });
    assert.equal(out.status, 303);
    assert.equal(out.headers.get('location'), '/admin/login');
    assert.match(out.headers.getSetCookie()[0] ?? '', /^jaga_admin=; .*Max-Age=0/);
    assert.equal((await client.get('/admin')).status, 303, 'the old cookie is dead');
    assert.equal((await client.post('/admin/overrides', { action: 'halt', reason: 'x', csrf })).status, 403);
    assert.deepEqual(await overrides(), []);
  });

  test('six rapid failures from one address: 429, even for the right token', async () => {
    const client = new AdminClient(limited);
    for (let i = 1; i <= 5; i += 1) assert.equal((await client.login(`wrong-token-${i}-0123456789`)).status, 401, `failure ${i}`);
    const sixth = await client.login('wrong-token-6-0123456789');
    assert.equal(sixth.status, 429);
    assert.equal(sixth.headers.get('retry-after'), '60');
    assert.match(await sixth.text(), /Terlalu banyak percobaan/);
    const right = await client.login();
    assert.equal(right.status, 429, 'locked out for the window, whatever the token');
    assert.equal(client.cookie, null);
  });
});

describe('without any admin token (JAGA_ADMIN_TOKENS unset, as in the demo)', () => {
  test('/admin says that no token is configured and how to set one, with no form to fill in', async () => {
    const anonymous = new AdminClient(tokenless);
    for (const [lang, says] of [['', /Belum ada token admin[\s\S]*JAGA_ADMIN_TOKENS=&quot;nama=rahasia&quot;/], ['?lang=en', /No admin token is configured[\s\S]*JAGA_ADMIN_TOKENS=&quot;name=secret&quot;/]] as const) {
      const page = await anonymous.get(`/admin/login${lang}`);
      assert.equal(page.status, 200);
      assertSecurityHeaders(page, `the login page${lang}`);
      const text = await page.text();
      assert.match(text, says);
      assert.match(text, /<code>JAGA_ADMIN_TOKENS=it=\S+ npm start<\/code>/);
      assert.ok(!text.includes('<form'), 'no form that nothing could pass');
    }
    const tried = await anonymous.login('any-token-0123456789');
    assert.equal(tried.status, 401);
    assert.match(await tried.text(), /Belum ada token admin/, 'a post says the same');
    assert.equal(tried.headers.getSetCookie().length, 0);
    assert.equal((await tokenless.adminFetch('/api/v1/overrides')).status, 401, 'the API takes no token either');
    assert.match(tokenless.logs, /JAGA_ADMIN_TOKENS is not set/);
  });
});
