// Abuse of a real jaga process over HTTP: path traversal, the security headers on every kind of answer,
// uncacheable gate answers, that probe targets cannot be set, admin tokens (one 401 for every wrong one,
// never logged) and the rate limit on token failures. Tests run in order: the last one locks 127.0.0.1 out.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fastConfig } from '../helpers/config.js';
import { FakeCentral } from '../helpers/fake-central.js';
import { assertNoStack, assertSecurityHeaders } from '../helpers/http-checks.js';
import { ADMIN_TOKEN, JagaProcess } from '../helpers/jaga-process.js';
import { rawExchange, requestBytes } from '../helpers/raw-http.js';

let central: FakeCentral;
let jaga: JagaProcess;

before(async () => {
  central = await FakeCentral.start();
  jaga = await JagaProcess.create({
    ...fastConfig(central.url),
    gate: { resume_after: '1s' },
    alerts: {},
  });
  await jaga.start();
  await jaga.waitForGate((g) => g.state === 'allowed', 15_000, 'allowed');
});

after(async () => {
  await jaga?.cleanup();
  await central?.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('paths and headers', () => {
  test('path traversal never serves a file', async () => {
    const attempts = [
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/assets/..%2f..%2fpackage.json',
      '/assets/../../package.json',
      '/assets/status.css/../../../package.json',
      '/admin/assets/../../..',
      '/admin/assets/..%2f..%2f..%2fetc%2fpasswd',
      '/assets/%252e%252e%252f%252e%252e%252fpackage.json',
      '/..%5c..%5cpackage.json',
      '/api/v1/..%2f..%2f..%2fetc%2fpasswd',
      '//etc/passwd',
    ];
    for (const path of attempts) {
      const answer = await rawExchange(jaga.port, requestBytes('GET', path));
      assert.ok(answer.status === 404 || answer.status === 400, `${path}: ${answer.status}`);
      assert.ok(!/root:.*:0:0:|"dependencies"|"name": "jaga"|compilerOptions/.test(answer.body), `${path}: file contents`);
      assertSecurityHeaders(answer.headers, path);
    }
  });

  test('security headers on every kind of answer; gate answers never cacheable', async () => {
    const fetched: [string, () => Promise<Response>, number][] = [
      ['status page', () => jaga.fetch('/'), 200],
      ['stylesheet', () => jaga.fetch('/assets/status.css'), 200],
      ['feed', () => jaga.fetch('/feed.atom?lang=en'), 200],
      ['gate JSON', () => jaga.fetch('/api/v1/gate'), 200],
      ['gate plain', () => jaga.fetch('/api/v1/gate?format=plain'), 200],
      ['gate through the router', () => jaga.fetch('/API/V1/GATE?lang=en'), 200],
      ['gate HEAD', () => jaga.fetch('/api/v1/gate', { method: 'HEAD' }), 200],
      ['metrics', () => jaga.fetch('/metrics'), 200],
      ['healthz', () => jaga.fetch('/healthz'), 200],
      ['readyz', () => jaga.fetch('/readyz'), 200],
      ['status', () => jaga.fetch('/api/v1/status'), 200],
      ['history', () => jaga.fetch('/api/v1/history'), 200],
      ['report CSV', () => jaga.fetch('/api/v1/report?format=csv'), 200],
      ['admin login', () => jaga.fetch('/admin/login'), 200],
      ['404', () => jaga.fetch('/nothing/here'), 404],
      ['admin 404', () => jaga.fetch('/admin/nothing'), 404],
      ['401', () => jaga.fetch('/api/v1/overrides'), 401],
      ['400', () => jaga.fetch('/api/v1/history?reason=NOPE'), 400],
      ['415', () => jaga.fetch('/api/v1/overrides', { method: 'POST', headers: bearer(ADMIN_TOKEN), body: 'a=b' }), 415],
      ['413', () => jaga.fetch('/api/v1/overrides', { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(20_000) }), 413],
    ];
    for (const [name, send, status] of fetched) {
      const response = await send();
      assert.equal(response.status, status, name);
      assertSecurityHeaders(response.headers, name);
      if (name.startsWith('gate')) assert.equal(response.headers.get('cache-control'), 'no-store', `${name}: no-store`);
    }
    const raw = await rawExchange(jaga.port, 'NOT-HTTP\r\n\r\n');
    assert.equal(raw.status, 400);
    assertSecurityHeaders(raw.headers, 'a request express never sees');

    // The fast path and the router give the same answer.
    const [fast, routed] = await Promise.all([jaga.fetch('/api/v1/gate?lang=en'), jaga.fetch('/api/v1/GATE?lang=en')]);
    const strip = (r: Response) => [...r.headers].filter(([k]) => k !== 'date' && k !== 'keep-alive');
    assert.deepEqual(strip(fast), strip(routed));
    assert.equal(await fast.text(), await routed.text());
  });

  test('probe targets cannot be set over HTTP: no such endpoint, unknown fields refused', async () => {
    for (const path of ['/api/v1/targets', '/api/v1/targets/pusat', '/api/v1/config', '/api/v1/probes', '/api/v1/central']) {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const body = method === 'DELETE' ? null : JSON.stringify({ name: 'pusat', type: 'http', url: 'http://evil.example/' });
        const response = await jaga.adminFetch(path, { method, body });
        assert.ok(response.status === 404 || response.status === 405, `${method} ${path}: ${response.status}`);
      }
    }
    const refused: [string, Record<string, unknown>][] = [
      ['/api/v1/overrides', { action: 'halt', reason: 'x', target: 'http://evil.example/' }],
      ['/api/v1/overrides', { action: 'allow', reason: 'x', for: '1h', url: 'file:///etc/passwd' }],
      ['/api/v1/silences', { matchers: { alertname: 'X' }, comment: 'x', for: '1h', url: 'http://evil.example/' }],
      ['/api/v1/silences', { matchers: { alertname: 'X' }, comment: 'x', for: '1h', target: 'pusat' }],
    ];
    for (const [path, body] of refused) {
      const response = await jaga.adminFetch(path, { method: 'POST', body: JSON.stringify(body) });
      assert.equal(response.status, 400, `${path} ${JSON.stringify(body)}`);
      assert.match(((await response.json()) as { message: string }).message, /Unrecognized key/);
    }
    const status = (await (await jaga.adminFetch('/api/v1/status')).json()) as { targets: { name: string }[]; overrides: unknown[] };
    assert.deepEqual(status.targets.map((t) => t.name), ['pusat']);
    assert.deepEqual(status.overrides, []);
  });
});

describe('admin tokens', () => {
  const wrong = 'wrong-token-abcdefghijklmnop';
  const huge = `big-${'k'.repeat(10_000)}`;

  test('missing, wrong, wrong-length, huge: the same 401, and no token in the log', async () => {
    const attempts: [string, Record<string, string>][] = [
      ['missing', {}],
      ['wrong, same length', bearer(`${ADMIN_TOKEN.slice(0, -1)}X`)],
      ['wrong, another length', bearer(wrong)],
      ['10 KB', bearer(huge)],
      ['Basic instead of Bearer', { authorization: `Basic ${ADMIN_TOKEN}` }],
    ];
    const bodies = new Set<string>();
    for (const [name, headers] of attempts) {
      const response = await jaga.fetch('/api/v1/overrides', { headers });
      assert.equal(response.status, 401, name);
      assertSecurityHeaders(response.headers, name);
      bodies.add(await response.text());
    }
    assert.equal(bodies.size, 1, `one body for every refusal: ${[...bodies].join(' | ')}`);
    const megabyte = await rawExchange(jaga.port, requestBytes('GET', '/api/v1/overrides', { Authorization: `Bearer ${'m'.repeat(1024 * 1024)}` }));
    assert.equal(megabyte.status, 431, 'the server header limit answers a 1 MB token');
    assertNoStack(megabyte.body, '431');
    for (const token of [ADMIN_TOKEN, wrong, huge.slice(0, 200), `${ADMIN_TOKEN.slice(0, -1)}X`]) {
      assert.ok(!jaga.logs.includes(token), `a token in jaga's log: ${token.slice(0, 30)}`);
    }
  });

  test('repeated failures: 429 for every token from that address, the right one too; public reads go on', async () => {
    // The test above counted four wrong tokens (a missing one is no guess); the fifth is still a 401.
    assert.equal((await jaga.fetch('/api/v1/audit', { headers: bearer(wrong) })).status, 401);
    const locked = await jaga.fetch('/api/v1/overrides', { headers: bearer(wrong) });
    assert.equal(locked.status, 429);
    assert.equal(locked.headers.get('retry-after'), '60');
    assert.equal(((await locked.json()) as { error: string }).error, 'rate_limited');
    assertSecurityHeaders(locked.headers, '429');
    assert.equal((await jaga.adminFetch('/api/v1/overrides')).status, 429, 'the right token is not checked during the lockout');
    assert.equal((await jaga.adminFetch('/api/v1/status')).status, 429);
    const login = await jaga.fetch('/admin/login', { method: 'POST', body: new URLSearchParams({ token: ADMIN_TOKEN }), redirect: 'manual' });
    assert.equal(login.status, 429, 'the admin login shares the budget');
    assert.equal((await jaga.fetch('/api/v1/gate?format=plain')).status, 200, 'stations still read the gate');
    assert.equal((await jaga.fetch('/api/v1/status')).status, 200, 'the public status needs no token');
    assert.equal((await jaga.fetch('/api/v1/overrides')).status, 401, 'no token at all: still the plain 401');
  });
});
