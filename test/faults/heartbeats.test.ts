// Hostile input to the heartbeat endpoint of a real jaga process: bodies past the limit (declared and
// chunked without end), JSON built to trip a parser or a prototype, names built to break a router or be
// reflected, a flood of pings while stations read the gate, and token guessing. Every answer JSON, never
// a 500, a stack trace, a hang or a token in the log. Tests run in order: the last one locks 127.0.0.1 out.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fastConfig } from '../helpers/config.js';
import { FakeCentral } from '../helpers/fake-central.js';
import { assertNoStack, assertSecurityHeaders } from '../helpers/http-checks.js';
import { ADMIN_TOKEN, JagaProcess } from '../helpers/jaga-process.js';
import { rawExchange, requestBytes } from '../helpers/raw-http.js';

const UPLOAD_TOKEN = 'upload-station-token-0123456789';
const ARSIP_TOKEN = 'arsip-station-token-0123456789';
const PATH = '/api/v1/heartbeats/upload';

let central: FakeCentral;
let jaga: JagaProcess;

before(async () => {
  central = await FakeCentral.start();
  jaga = await JagaProcess.create({
    ...fastConfig(central.url),
    gate: { resume_after: '1s' },
    heartbeats: [
      { name: 'upload', grace: '1h' },
      { name: 'arsip', grace: '1h' },
    ],
  });
  await jaga.start(15_000, { JAGA_HEARTBEAT_TOKENS: `upload=${UPLOAD_TOKEN},arsip=${ARSIP_TOKEN}` });
  await jaga.waitForGate((g) => g.state === 'allowed', 15_000, 'allowed');
});

after(async () => {
  await jaga?.cleanup();
  await central?.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return jaga.fetch(path, { method: 'POST', headers: { ...bearer(UPLOAD_TOKEN), 'content-type': 'application/json', ...headers }, body });
}

async function lastPing(): Promise<{ last_ping_at: string | null; last_items_sent: number | null }> {
  const response = await jaga.fetch(PATH, { headers: bearer(ADMIN_TOKEN) });
  assert.equal(response.status, 200);
  return (await response.json()) as { last_ping_at: string | null; last_items_sent: number | null };
}

describe('bodies past the limit', () => {
  const chunked = (path: string, headers: Record<string, string>) =>
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n` +
    `${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${(17 * 1024).toString(16)}\r\n{"items_sent": ${' '.repeat(17 * 1024 - 15)}\r\n`;

  test('declared 1 GiB or chunked past 16 KiB without end: 413 at once, closed, for every token and name alike', async () => {
    const before = await lastPing();
    for (const [who, headers] of [
      ['the heartbeat token', { Authorization: `Bearer ${UPLOAD_TOKEN}` }],
      ['no token', {}],
    ] as const) {
      for (const path of [PATH, '/api/v1/heartbeats/nope']) {
        const declared = await rawExchange(
          jaga.port,
          requestBytes('POST', path, { ...headers, 'Content-Type': 'application/json', 'Content-Length': String(1024 ** 3) }, '{"items_sent": 1'),
        );
        const endless = await rawExchange(jaga.port, chunked(path, headers), { drip: 'a\r\nxxxxxxxxxx\r\n', dripEveryMs: 50 });
        for (const [kind, answer] of [
          ['declared', declared],
          ['chunked', endless],
        ] as const) {
          const what = `${kind} to ${path} with ${who}`;
          assert.equal(answer.status, 413, what);
          assert.equal((JSON.parse(answer.body) as { error: string }).error, 'body_too_large', what);
          assert.ok(answer.closedByServer && answer.closedAfterMs < 2_000, `${what}: closed after ${Math.round(answer.closedAfterMs)} ms`);
          assertSecurityHeaders(answer.headers, what);
        }
      }
    }
    assert.deepEqual(await lastPing(), before, 'no refused body counted as a ping');
  });
});

describe('JSON built to break things', () => {
  test('400 with a message, never a 500, and no ping recorded', async () => {
    const rows: [string, string][] = [
      ['5,000 nested arrays', `{"items_sent": ${'['.repeat(5_000)}${']'.repeat(5_000)}}`],
      ['a nested body', `${'['.repeat(5_000)}${']'.repeat(5_000)}`],
      ['a prototype key', '{"__proto__": {"items_sent": 5}}'],
      ['a constructor key', '{"constructor": {"prototype": {"items_sent": 5}}}'],
      ['the key twice, the last one bad', '{"items_sent": 5, "items_sent": -5}'],
      ['a number past the doubles', `{"items_sent": 1${'0'.repeat(400)}}`],
      ['a negative fraction', '{"items_sent": -0.5}'],
      ['a huge string', `{"items_sent": "${'9'.repeat(15_000)}"}`],
      ['many keys', `{${Array.from({ length: 1_000 }, (_, i) => `"k${i}": 1`).join(', ')}}`],
    ];
    const before = await lastPing();
    for (const [name, body] of rows) {
      const response = await post(PATH, body);
      const text = await response.text();
      assert.equal(response.status, 400, `${name}: ${text.slice(0, 200)}`);
      assert.match((JSON.parse(text) as { message: string }).message, /items_sent/, name);
      assertNoStack(text, name);
    }
    assert.deepEqual(await lastPing(), before);
  });

  test('encodings, charsets and media types it cannot read: 415; a byte-order mark: a ping', async () => {
    assert.equal((await post(PATH, '{}', { 'content-encoding': 'gzip' })).status, 415);
    assert.equal((await post(PATH, '{}', { 'content-type': 'application/json; charset=latin1' })).status, 415);
    assert.equal((await post(PATH, '{"items_sent": 4}', { 'content-type': 'text/plain' })).status, 415);
    assert.equal((await post(PATH, '\uFEFF{"items_sent": 4}')).status, 200);
    assert.equal((await lastPing()).last_items_sent, 4);
  });
});

describe('names built to break the router', () => {
  test('never a 500, never reflected, JSON with the security headers', async () => {
    const names = [
      '%E0%A4%A',
      '%00',
      'upload%00',
      '..%2F..%2Fadmin',
      '%2e%2e',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
      'n'.repeat(8_000),
      '%F0%9F%92%A5',
    ];
    for (const name of names) {
      const answer = await rawExchange(jaga.port, requestBytes('POST', `/api/v1/heartbeats/${name}`, { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Length': '0' }));
      const what = name.slice(0, 40);
      assert.ok(answer.status === 404 || answer.status === 400, `${what}: ${answer.status} ${answer.body.slice(0, 200)}`);
      assert.match(answer.headers['content-type'] ?? '', /^application\/json/, what);
      assertSecurityHeaders(answer.headers, what);
      assertNoStack(answer.body, what);
      assert.ok(!answer.body.includes('<script>') && !answer.body.includes('nnnnnnnnnn'), `${what}: the name is reflected`);
    }
  });
});

describe('a flood of pings', () => {
  test('2,000 pings, 20 at a time: every one answered and stored, gate reads answered meanwhile', async () => {
    const PINGS = 2_000;
    let sent = 0;
    let done = false;
    const gateMs: number[] = [];
    const reader = (async () => {
      while (!done) {
        const started = performance.now();
        assert.equal((await jaga.fetch('/api/v1/gate')).status, 200);
        gateMs.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const statuses = new Map<number, number>();
    const worker = async () => {
      while (sent < PINGS) {
        const n = ++sent;
        const response = await post(PATH, JSON.stringify({ items_sent: n }));
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    };
    try {
      await Promise.all(Array.from({ length: 20 }, worker));
    } finally {
      done = true;
      await reader;
    }
    assert.deepEqual([...statuses], [[200, PINGS]]);
    const slowest = Math.max(...gateMs);
    console.log(`${gateMs.length} gate reads during the flood, slowest ${Math.round(slowest)} ms`);
    assert.ok(gateMs.length >= 5, `${gateMs.length} gate reads`);
    assert.ok(slowest < 2_000, `a gate read took ${Math.round(slowest)} ms during the flood`);
    const last = await lastPing();
    assert.ok(last.last_items_sent !== null && last.last_items_sent > PINGS - 20, `last items_sent ${last.last_items_sent}`);
    assert.equal((await jaga.fetch('/healthz')).status, 200);
  });
});

describe('token guessing', () => {
  test("another heartbeat's token, wrong and huge tokens: 401, then 429 for every token; gate reads go on; no token logged", async () => {
    const huge = `Bearer ${'t'.repeat(10_000)}`;
    const guesses = [bearer(ARSIP_TOKEN), bearer('wrong-token-0123456789'), { authorization: huge }, bearer(`${UPLOAD_TOKEN}x`), bearer(UPLOAD_TOKEN.slice(1))];
    for (const headers of guesses) {
      const response = await jaga.fetch(PATH, { method: 'POST', headers });
      assert.equal(response.status, 401, headers.authorization.slice(0, 40));
      assert.equal(response.headers.get('cache-control'), 'no-store');
    }
    for (const token of [UPLOAD_TOKEN, ADMIN_TOKEN, ARSIP_TOKEN]) {
      const response = await jaga.fetch(PATH, { method: 'POST', headers: bearer(token) });
      assert.equal(response.status, 429, 'the right token is not checked during the lockout');
      assert.ok(Number(response.headers.get('retry-after')) > 0);
    }
    assert.equal((await jaga.fetch('/api/v1/gate')).status, 200, 'gate reads take no token and go on');
    for (const token of [UPLOAD_TOKEN, ARSIP_TOKEN, ADMIN_TOKEN, 'wrong-token-0123456789']) {
      assert.ok(!jaga.logs.includes(token), `a token in jaga's log: ${token.slice(0, 12)}`);
    }
  });
});
