// jaga behind a real TLS-terminating nginx on 127.0.0.1 (issue 16, item 10), by fetch and by a real
// headless Chromium. With `listen.trusted_proxies` the client's address and scheme come from
// X-Forwarded-For/-Proto: a login through nginx works (Secure cookie, usable session, forms act), and the
// token limiter counts each client apart. Without it, or from a peer that is not a listed proxy, those
// headers change nothing. Clients connect from their own loopback addresses (127.0.0.2, ...), so nginx
// appends a different one for each.
// Real processes and loopback sockets only.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Agent, fetch, type Response } from 'undici';
import { parse, stringify } from 'yaml';
import { launchBrowser } from '../helpers/browser.js';
import { createTestPki, type KeyPair, type TestPki } from '../helpers/certs.js';
import { fastCentral, fastStorage, httpTarget, tempVolume } from '../helpers/config.js';
import { FakeCentral } from '../helpers/fake-central.js';
import { ADMIN_TOKEN, JagaProcess } from '../helpers/jaga-process.js';
import { startNginx, type RunningNginx } from '../helpers/nginx.js';

let central: FakeCentral;
let pki: TestPki;
let tls: KeyPair;
/** Trusts 127.0.0.1, where nginx connects from; clients come from other loopback addresses. */
let behind: JagaProcess;
/** The same config with no trusted proxy. */
let plain: JagaProcess;
let toBehind: RunningNginx;
let toPlain: RunningNginx;
const agents: Agent[] = [];

function config(): Record<string, unknown> {
  return {
    central: fastCentral([httpTarget(central.url, 'pusat-api')]),
    storage: fastStorage([tempVolume()]),
    gate: { resume_after: '1s' },
  };
}

/** Adds `listen.trusted_proxies` to the config JagaProcess.create wrote (it owns `listen`). */
function trustProxies(jaga: JagaProcess, proxies: readonly string[]): void {
  const written = parse(readFileSync(jaga.configFile, 'utf8')) as { listen: Record<string, unknown> };
  writeFileSync(jaga.configFile, stringify({ ...written, listen: { ...written.listen, trusted_proxies: proxies } }));
}

before(async () => {
  central = await FakeCentral.start();
  pki = createTestPki();
  tls = pki.selfSigned(['127.0.0.1']);
  [behind, plain] = await Promise.all([JagaProcess.create(config()), JagaProcess.create(config())]);
  trustProxies(behind, ['127.0.0.1']);
  await Promise.all([behind.start(), plain.start()]);
  [toBehind, toPlain] = await Promise.all([startNginx(tls, behind.url), startNginx(tls, plain.url)]);
  await behind.waitForGate((g) => g.state === 'allowed', 15_000, 'allowed after start');
});

after(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await toBehind?.stop();
  await toPlain?.stop();
  await behind?.cleanup();
  await plain?.cleanup();
  await central?.close();
  pki?.remove();
});

/**
 * One person with a browser: their own source address, one cookie, and the headers a browser sends on a
 * form post (Origin, Sec-Fetch-Site) for the base URL it talks to. Redirects are not followed.
 */
class Browser {
  cookie: string | null = null;
  private readonly agent: Agent;

  constructor(
    private readonly base: string,
    localAddress: string,
  ) {
    this.agent = new Agent({ localAddress, connect: { ca: tls.cert } });
    agents.push(this.agent);
  }

  request(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      ...init,
      redirect: 'manual',
      dispatcher: this.agent,
      headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...init.headers },
      signal: AbortSignal.timeout(5_000),
    });
  }

  post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, {
      method: 'POST',
      body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(this.base).origin, 'sec-fetch-site': 'same-origin', ...headers },
    });
  }

  async login(token = ADMIN_TOKEN, headers: Record<string, string> = {}): Promise<Response> {
    const response = await this.post('/admin/login', { token }, headers);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('jaga_admin='));
    if (cookie) this.cookie = cookie.split(';')[0] ?? null;
    return response;
  }

  async csrf(): Promise<string> {
    const page = await this.request('/admin');
    assert.equal(page.status, 200, 'the dashboard, signed in');
    const match = /name="csrf" value="([^"]+)"/.exec(await page.text());
    assert.ok(match?.[1], 'the dashboard has a CSRF field');
    return match[1];
  }

  /** The JSON API with a Bearer token. */
  api(path: string, token = ADMIN_TOKEN, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, { headers: { authorization: `Bearer ${token}`, ...headers } });
  }
}

/** Five wrong tokens: the limit. Each answer must be 401 (the budget was not used up before). */
async function failFiveTimes(client: Browser, headers: (i: number) => Record<string, string> = () => ({})): Promise<void> {
  for (let i = 1; i <= 5; i += 1) {
    const response = await client.login(`wrong-token-${i}-0123456789`, headers(i));
    assert.equal(response.status, 401, `failure ${i}`);
  }
}

type OverrideItem = { id: string; action: string; by: string; reason: string };
const overridesOf = async (jaga: JagaProcess): Promise<OverrideItem[]> =>
  ((await (await jaga.adminFetch('/api/v1/overrides')).json()) as { items: OverrideItem[] }).items;

describe('behind nginx, with listen.trusted_proxies', () => {
  test('a login through https works: Secure cookie, a usable session, an override set and lifted by form', async () => {
    const person = new Browser(toBehind.url, '127.0.0.2');
    const page = await person.request('/admin/login');
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<form method="post" action="\/admin\/login">/);

    const login = await person.login();
    assert.equal(login.status, 303, 'not 403: the browser\u2019s https:// origin is this page\u2019s origin');
    const cookie = login.headers.getSetCookie()[0] ?? '';
    for (const flag of ['Secure', 'HttpOnly', 'SameSite=Strict', 'Path=/admin']) assert.ok(cookie.split('; ').includes(flag), `${flag} in ${cookie}`);
    await behind.waitFor(async () => /"address":"127\.0\.0\.2".*admin signed in/.test(behind.logs), 5_000, 'the log to name the person, not nginx');

    const csrf = await person.csrf();
    const set = await person.post('/admin/overrides', { action: 'halt', reason: 'uji lewat proxy', for: '', csrf });
    assert.equal(set.status, 303);
    const [override] = await overridesOf(behind);
    assert.equal(override?.by, 'tester');
    assert.equal(override?.reason, 'uji lewat proxy');
    assert.equal((await behind.gate()).state, 'halted');

    const api = await person.api('/api/v1/overrides');
    assert.equal(api.status, 200, 'the Bearer API through nginx too');

    assert.equal((await person.post(`/admin/overrides/${override?.id}/lift`, { csrf })).status, 303);
    assert.deepEqual(await overridesOf(behind), []);
    const out = await person.post('/admin/logout', { csrf });
    assert.equal(out.status, 303);
    assert.match(out.headers.getSetCookie()[0] ?? '', /^jaga_admin=; .*Max-Age=0.*; Secure$/);
    await behind.waitForGate((g) => g.state === 'allowed', 10_000, 'allowed again');
  });

  test('a login from another site through nginx is still refused', async () => {
    const person = new Browser(toBehind.url, '127.0.0.2');
    const foreign = await person.login(ADMIN_TOKEN, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    assert.equal(foreign.status, 403);
    const otherScheme = await person.login(ADMIN_TOKEN, { origin: toBehind.url.replace('https:', 'http:'), 'sec-fetch-site': 'same-site' });
    assert.equal(otherScheme.status, 403);
    assert.equal(person.cookie, null);
  });

  test('gate reads through nginx take the fast path and answer as directly', async () => {
    const station = new Browser(toBehind.url, '127.0.0.2');
    const [proxied, direct] = await Promise.all([station.request('/api/v1/gate'), behind.fetch('/api/v1/gate')]);
    assert.equal(proxied.status, 200);
    const [a, b] = [(await proxied.json()) as { state: string; reasons: unknown }, (await direct.json()) as { state: string; reasons: unknown }];
    assert.deepEqual([a.state, a.reasons], [b.state, b.reasons]);
    assert.equal(proxied.headers.get('cache-control'), 'no-store');
    assert.equal(proxied.headers.get('x-frame-options'), 'DENY');
    const plainText = await station.request('/api/v1/gate?format=plain');
    assert.deepEqual([plainText.status, await plainText.text()], [200, 'ALLOWED\n']);
  });

  test('wrong tokens lock out that person only; a forged X-Forwarded-For does not dodge the lock', async () => {
    const a = new Browser(toBehind.url, '127.0.0.3');
    const b = new Browser(toBehind.url, '127.0.0.4');
    await failFiveTimes(a);
    assert.equal((await a.login('wrong-token-6-0123456789')).status, 429);
    assert.equal((await a.login()).status, 429, 'the right token too, while locked');
    assert.equal((await a.api('/api/v1/overrides')).status, 429, 'the Bearer API shares the budget');
    // nginx appends the real peer: the right-most address not a trusted proxy is still 127.0.0.3.
    assert.equal((await a.login(ADMIN_TOKEN, { 'x-forwarded-for': '203.0.113.7' })).status, 429);
    assert.equal((await a.api('/api/v1/overrides', ADMIN_TOKEN, { 'x-forwarded-for': '203.0.113.8' })).status, 429);

    assert.equal((await b.login()).status, 303, 'another person behind the same proxy signs in');
    assert.equal((await b.api('/api/v1/overrides')).status, 200);
    assert.equal((await b.login('wrong-token-b-0123456789')).status, 401, 'and has a budget of their own');
  });

  test('from a trusted peer, X-Forwarded-For names the client: each address has its own budget', async () => {
    // 127.0.0.1 is the listed proxy: what it says in X-Forwarded-For is believed, right-most first.
    const proxy = new Browser(behind.url, '127.0.0.1');
    const from = (address: string) => ({ 'x-forwarded-for': address });
    await failFiveTimes(proxy, () => from('198.51.100.1'));
    assert.equal((await proxy.login(ADMIN_TOKEN, from('198.51.100.1'))).status, 429);
    assert.equal((await proxy.api('/api/v1/overrides', ADMIN_TOKEN, from('198.51.100.1'))).status, 429);
    assert.equal((await proxy.login(ADMIN_TOKEN, from('198.51.100.9, 198.51.100.1'))).status, 429, 'what a client prepends is not the client');
    assert.equal((await proxy.login(ADMIN_TOKEN, from('198.51.100.1, 127.0.0.1'))).status, 429, 'trusted hops are skipped');
    assert.equal((await proxy.login(ADMIN_TOKEN, from('198.51.100.1, 198.51.100.2'))).status, 303, 'the right-most untrusted address');
    assert.equal((await proxy.api('/api/v1/overrides', ADMIN_TOKEN, from('198.51.100.2'))).status, 200);
    assert.equal((await behind.adminFetch('/api/v1/overrides')).status, 200, 'the proxy itself is not locked out');
  });

  test('a LAN client that is not a listed proxy cannot claim https or another address', async () => {
    const lan = new Browser(behind.url, '127.0.0.5');
    const claims = (i: number) => ({ 'x-forwarded-for': `10.9.9.${i}`, 'x-forwarded-proto': 'https' });
    const login = await lan.login(ADMIN_TOKEN, claims(0));
    assert.equal(login.status, 303);
    assert.ok(!/Secure/.test(login.headers.getSetCookie()[0] ?? ''), 'plain http stays plain http');
    const asHttps = await lan.login(ADMIN_TOKEN, { ...claims(0), origin: behind.url.replace('http:', 'https:') });
    assert.equal(asHttps.status, 403, 'an https:// origin does not match a plain-http page');
    await failFiveTimes(lan, claims);
    assert.equal((await lan.login(ADMIN_TOKEN, claims(6))).status, 429, 'counted against 127.0.0.5 whatever it claims');
  });
});

describe('behind nginx, without listen.trusted_proxies (the default)', () => {
  test('X-Forwarded-* are ignored: a browser login through https is refused as before', async () => {
    const person = new Browser(toPlain.url, '127.0.0.2');
    const login = await person.login();
    assert.equal(login.status, 403, 'jaga sees http from nginx, the browser says https');
    assert.equal(person.cookie, null);
  });

  test('a forged X-Forwarded-For from a direct client does not change its limiter key', async () => {
    const lan = new Browser(plain.url, '127.0.0.6');
    await failFiveTimes(lan, (i) => ({ 'x-forwarded-for': `10.8.8.${i}` }));
    assert.equal((await lan.login(ADMIN_TOKEN, { 'x-forwarded-for': '10.8.8.99' })).status, 429);
    assert.equal((await lan.api('/api/v1/overrides', ADMIN_TOKEN, { 'x-forwarded-for': '10.8.8.98' })).status, 429);
    assert.equal((await plain.adminFetch('/api/v1/overrides')).status, 200, 'another address is not locked');
  });
});

describe('a real headless Chromium through nginx', () => {
  test('signs in, halts and reopens with trusted_proxies; is refused without', async () => {
    const chromium = await launchBrowser();
    try {
      // The certificate is self-signed; what matters here is what the browser sends, not who vouches for it.
      const context = await chromium.browser.newContext({ javaScriptEnabled: false, ignoreHTTPSErrors: true, locale: 'id-ID' });
      const page = await context.newPage();
      const submit = (selector: string) => Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);

      await page.goto(`${toBehind.url}/admin`);
      assert.match(page.url(), /\/admin\/login$/);
      await page.fill('#token', ADMIN_TOKEN);
      await submit('form[action^="/admin/login"] button');
      assert.equal(new URL(page.url()).pathname, '/admin', 'signed in');
      const [cookie] = await context.cookies(`${toBehind.url}/admin`);
      assert.deepEqual([cookie?.name, cookie?.secure, cookie?.httpOnly], ['jaga_admin', true, true]);

      await page.check('input[name="action"][value="halt"]');
      await page.fill('#override-reason', 'uji Chromium lewat nginx');
      await submit('#new-override button[type="submit"]');
      assert.match(await page.locator('.flash.ok').innerText(), /Override ovr-.* ditetapkan/);
      await behind.waitForGate((g) => g.state === 'halted', 5_000, 'halted by the form through nginx');
      await submit('form[action$="/lift"] button');
      assert.deepEqual(await overridesOf(behind), []);

      await page.goto(`${toPlain.url}/admin/login`);
      await page.fill('#token', ADMIN_TOKEN);
      const [refused] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('form[action^="/admin/login"] button')]);
      assert.equal(refused?.status(), 403, 'no trusted proxy: the https:// page does not match what jaga sees');
      await context.close();
    } finally {
      await chromium.close();
    }
  });
});
