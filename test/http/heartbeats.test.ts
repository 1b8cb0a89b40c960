// POST and GET /api/v1/heartbeats/{name} against the real service in this process (startService: the
// real app, engine and SQLite store, real HTTP on loopback) on a hand-moved clock, so that grace passes
// when the test says. Tokens (admin, the heartbeat's own, another's), unknown names, items_sent, bodies,
// lateness and the failed-token limit.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { startService, type RunningService } from '../../src/main.js';
import { fastConfig, tempVolume } from '../helpers/config.js';
import { ADMIN_TOKEN } from '../helpers/jaga-process.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { rawExchange, requestBytes } from '../helpers/raw-http.js';
import { freePort } from '../helpers/servers.js';

const UPLOAD_TOKEN = 'upload-token-0123456789abcdef';
const ARSIP_TOKEN = 'arsip-token-0123456789abcdef';
const START = Date.parse('2026-03-02T08:00:00.000Z');
const UPLOAD_GRACE_MS = 15 * 60_000;
const PATH = '/api/v1/heartbeats/upload';

interface HeartbeatAnswer {
  name: string;
  grace: number;
  last_ping_at: string | null;
  late: boolean;
  halt: boolean;
  last_items_sent: number | null;
}

let clock: ManualClock;
let service: RunningService;
let dataDir: string;
let port: number;

beforeEach(async () => {
  clock = new ManualClock(START);
  dataDir = join(mkdtempSync(join(tmpdir(), 'jaga-heartbeat-http-')), 'data');
  port = await freePort();
  service = await start(port);
});

/**
 * jaga on `dataDir` and the hand-moved clock. The clock never wakes a sleep: no probe runs and the gate
 * is never decided; nothing but the requests below moves the engine.
 */
async function start(listenPort: number): Promise<RunningService> {
  const config = parseConfig(
    stringify({
      ...fastConfig('http://127.0.0.1:9/health', { storage: { volumes: [tempVolume()] } }),
      listen: { host: '127.0.0.1', port: listenPort },
      data_dir: dataDir,
      heartbeats: [
        { name: 'upload', grace: '15m', halt: true },
        { name: 'arsip', grace: '1d' },
      ],
    }),
    'jaga.yaml',
    { JAGA_ADMIN_TOKENS: `tester=${ADMIN_TOKEN}`, JAGA_HEARTBEAT_TOKENS: `upload=${UPLOAD_TOKEN},arsip=${ARSIP_TOKEN}` },
  );
  return startService(config, pino({ level: 'silent' }), clock);
}

afterEach(() => {
  service.abandon();
  rmSync(join(dataDir, '..'), { recursive: true, force: true });
});

function call(path: string, init: { method?: string; token?: string; body?: string; type?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { connection: 'close' };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  if (init.type !== undefined) headers['content-type'] = init.type;
  return fetch(`${service.url}${path}`, { method: init.method ?? 'GET', headers, body: init.body, signal: AbortSignal.timeout(5_000) });
}

const ping = (token: string, body?: unknown, path = PATH) =>
  call(path, { method: 'POST', token, ...(body === undefined ? {} : { body: JSON.stringify(body), type: 'application/json' }) });

async function read(token = ADMIN_TOKEN, path = PATH): Promise<HeartbeatAnswer> {
  const response = await call(path, { token });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as HeartbeatAnswer;
}

async function refusal(response: Response, status: number): Promise<{ error: string; message: string }> {
  const text = await response.text();
  assert.equal(response.status, status, text);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  return JSON.parse(text) as { error: string; message: string };
}

describe('a ping', () => {
  test("with an admin token: recorded at the clock's time, answered with the heartbeat, not cached", async () => {
    clock.pass(90_000);
    const response = await ping(ADMIN_TOKEN);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const expected: HeartbeatAnswer = {
      name: 'upload',
      grace: 900,
      last_ping_at: new Date(START + 90_000).toISOString(),
      late: false,
      halt: true,
      last_items_sent: null,
    };
    assert.deepEqual(await response.json(), expected);
    assert.deepEqual(await read(), expected, 'GET answers the same object');
  });

  test("with the heartbeat's own token, items_sent recorded and kept by a ping that does not say it", async () => {
    assert.deepEqual(
      await (await ping(UPLOAD_TOKEN, { items_sent: 12 })).json(),
      { name: 'upload', grace: 900, last_ping_at: new Date(START).toISOString(), late: false, halt: true, last_items_sent: 12 },
    );
    clock.pass(1_000);
    const next = (await (await ping(UPLOAD_TOKEN)).json()) as HeartbeatAnswer;
    assert.deepEqual([next.last_ping_at, next.last_items_sent], [new Date(START + 1_000).toISOString(), 12]);
    assert.equal((await ping(UPLOAD_TOKEN, { items_sent: 0 })).status, 200);
    assert.equal((await read(UPLOAD_TOKEN)).last_items_sent, 0, 'zero is a count, not "unsaid"');
  });

  test('no body, an empty body and {} are all a plain ping', async () => {
    const bodies: [string, { body?: string; type?: string }][] = [
      ['no body, no type', {}],
      ['no body, JSON type', { type: 'application/json' }],
      ['empty JSON body', { body: '', type: 'application/json' }],
      ['blank JSON body', { body: '  \n', type: 'application/json' }],
      ['{}', { body: '{}', type: 'application/json; charset=utf-8' }],
    ];
    for (const [name, init] of bodies) {
      clock.pass(1_000);
      const response = await call(PATH, { method: 'POST', token: UPLOAD_TOKEN, ...init });
      assert.equal(response.status, 200, `${name}: ${await response.clone().text()}`);
      assert.equal(((await response.json()) as HeartbeatAnswer).last_ping_at, new Date(clock.now()).toISOString(), name);
    }
  });

  test('the ping is stored: the same data_dir opened again has it', async () => {
    clock.pass(5_000);
    await ping(UPLOAD_TOKEN, { items_sent: 3 });
    service.abandon();
    service = await start(await freePort());
    const after = await read();
    assert.deepEqual([after.last_ping_at, after.last_items_sent, after.late], [new Date(START + 5_000).toISOString(), 3, false]);
  });
});

describe('tokens', () => {
  test("another heartbeat's token is a wrong token here: 401 for POST and GET, nothing recorded", async () => {
    for (const method of ['POST', 'GET']) {
      const body = await refusal(await call(PATH, { method, token: ARSIP_TOKEN }), 401);
      assert.equal(body.error, 'unauthorized');
    }
    assert.equal((await read()).last_ping_at, null);
    assert.equal((await ping(ARSIP_TOKEN, undefined, '/api/v1/heartbeats/arsip')).status, 200, 'its own heartbeat takes it');
  });

  test('no token, a wrong one, a malformed header: 401', async () => {
    const headerSets: Record<string, string>[] = [{}, { authorization: 'Bearer nope-nope-nope-nope' }, { authorization: `Basic ${UPLOAD_TOKEN}` }, { authorization: `Bearer ${UPLOAD_TOKEN}x` }];
    for (const headers of headerSets) {
      const response = await fetch(`${service.url}${PATH}`, { method: 'POST', headers: { connection: 'close', ...headers }, signal: AbortSignal.timeout(5_000) });
      assert.equal((await refusal(response, 401)).error, 'unauthorized', JSON.stringify(headers));
      assert.equal(response.headers.get('cache-control'), 'no-store');
    }
    assert.equal((await read()).last_ping_at, null);
  });

  test('a heartbeat token opens nothing else: overrides, silences, audit, the internal status, /admin', async () => {
    const refused: [string, string][] = [
      ['GET', '/api/v1/overrides'],
      ['POST', '/api/v1/overrides'],
      ['GET', '/api/v1/silences'],
      ['GET', '/api/v1/audit'],
    ];
    for (const [method, path] of refused) {
      const response = await call(path, { method, token: UPLOAD_TOKEN, body: method === 'POST' ? '{"action":"halt","reason":"x"}' : undefined, type: 'application/json' });
      assert.equal(response.status, 401, `${method} ${path}`);
    }
    // Four wrong tokens so far: past the lockout's window before the next two.
    clock.pass(60_001);
    const withToken = await (await call('/api/v1/status', { token: UPLOAD_TOKEN })).json();
    const without = await (await call('/api/v1/status')).json();
    assert.deepEqual(withToken, without, 'the status of a heartbeat token is the public one');
    const login = await fetch(`${service.url}/admin/login`, {
      method: 'POST',
      headers: { connection: 'close', origin: service.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${UPLOAD_TOKEN}`,
      redirect: 'manual',
      signal: AbortSignal.timeout(5_000),
    });
    assert.equal(login.status, 401, '/admin does not sign a heartbeat token in');
  });

  test('five wrong tokens lock the address out: 429 even for the right token, shared with the API; it passes', async () => {
    for (let i = 0; i < 3; i++) await refusal(await ping('wrong-token-0123456789'), 401);
    // The same budget as the rest of the API: a wrong admin token elsewhere counts too.
    for (let i = 0; i < 2; i++) assert.equal((await call('/api/v1/overrides', { token: 'wrong-token-0123456789' })).status, 401);
    for (const token of ['wrong-token-0123456789', UPLOAD_TOKEN, ADMIN_TOKEN]) {
      const response = await ping(token);
      assert.equal((await refusal(response, 429)).error, 'rate_limited', token);
      assert.equal(response.headers.get('retry-after'), '60');
    }
    assert.equal((await call('/api/v1/heartbeats/arsip', { token: ADMIN_TOKEN })).status, 429, 'GET is locked out too');
    assert.equal((await call('/api/v1/gate')).status, 200, 'gate reads take no token and are never locked out');
    clock.pass(60_001);
    assert.equal((await ping(UPLOAD_TOKEN)).status, 200, 'a minute later');
    assert.equal((await read()).last_ping_at, new Date(clock.now()).toISOString());
  });
});

describe('names', () => {
  test('an unknown name is 404 for an admin token', async () => {
    for (const method of ['POST', 'GET']) {
      const body = await refusal(await call('/api/v1/heartbeats/unggah', { method, token: ADMIN_TOKEN }), 404);
      assert.equal(body.error, 'not_found', method);
    }
  });

  test('without a valid token a name that exists and one that does not answer alike: 401', async () => {
    const answers: string[] = [];
    for (const token of [undefined, 'wrong-token-0123456789', UPLOAD_TOKEN]) {
      for (const name of ['arsip', 'unggah', '__proto__']) {
        const response = await call(`/api/v1/heartbeats/${name}`, { method: 'POST', ...(token === undefined ? {} : { token }) });
        assert.equal(response.status, 401, `${name} with ${token ?? 'no token'}`);
        answers.push(await response.text());
      }
      // Three wrong guesses per round; the lockout (five) must not decide this test.
      clock.pass(60_001);
    }
    assert.equal(new Set(answers).size, 1, `one answer for every name: ${[...new Set(answers)].join(' | ')}`);
  });
});

describe('the body', () => {
  test('items_sent that is not a whole number of 0 or more: 400 naming items_sent, nothing recorded', async () => {
    const bad: [string, string][] = [
      ['negative', '{"items_sent": -1}'],
      ['fraction', '{"items_sent": 1.5}'],
      ['string', '{"items_sent": "12"}'],
      ['null', '{"items_sent": null}'],
      ['boolean', '{"items_sent": true}'],
      ['past the safe integers', '{"items_sent": 1e300}'],
      ['an object', '{"items_sent": {"n": 1}}'],
      ['an array body', '[12]'],
      ['a misspelt key', '{"itemsSent": 12}'],
      ['an extra key', '{"items_sent": 12, "note": "x"}'],
    ];
    for (const [name, body] of bad) {
      const answer = await refusal(await call(PATH, { method: 'POST', token: UPLOAD_TOKEN, body, type: 'application/json' }), 400);
      assert.equal(answer.error, 'invalid_request', name);
      assert.match(answer.message, /items_sent/, name);
    }
    assert.equal((await read()).last_ping_at, null, 'no refused ping counts');
  });

  test('malformed JSON is 400, another media type 415, and neither counts as a ping', async () => {
    assert.equal((await refusal(await call(PATH, { method: 'POST', token: UPLOAD_TOKEN, body: '{"items_sent": ', type: 'application/json' }), 400)).error, 'malformed_json');
    const form = await refusal(await call(PATH, { method: 'POST', token: UPLOAD_TOKEN, body: 'items_sent=3', type: 'application/x-www-form-urlencoded' }), 415);
    assert.match(form.message, /application\/json/);
    assert.equal((await read()).last_ping_at, null);
  });

  test('a body past the limit: 413 on its declared length, before it is sent, and nothing recorded', async () => {
    const answer = await rawExchange(
      port,
      requestBytes('POST', PATH, { Authorization: `Bearer ${UPLOAD_TOKEN}`, 'Content-Type': 'application/json', 'Content-Length': String(1024 ** 3) }, '{"items_sent": '),
    );
    assert.equal(answer.status, 413);
    assert.equal((JSON.parse(answer.body) as { error: string }).error, 'body_too_large');
    assert.ok(answer.closedByServer, 'the connection is closed, not drained');
    const sent = await call(PATH, { method: 'POST', token: UPLOAD_TOKEN, body: `{"items_sent": 1${' '.repeat(20_000)}}`, type: 'application/json' });
    assert.equal((await refusal(sent, 413)).error, 'body_too_large');
    assert.equal((await read()).last_ping_at, null);
  });
});

describe('late', () => {
  test('late one millisecond after grace since the last ping, on time again with the next', async () => {
    await ping(UPLOAD_TOKEN);
    clock.pass(UPLOAD_GRACE_MS);
    assert.equal((await read()).late, false, 'exactly grace: not yet');
    clock.pass(1);
    const late = await read(UPLOAD_TOKEN);
    assert.deepEqual([late.late, late.last_ping_at], [true, new Date(START).toISOString()]);
    const pinged = (await (await ping(UPLOAD_TOKEN)).json()) as HeartbeatAnswer;
    assert.equal(pinged.late, false, 'the POST answers after recording');
    assert.equal((await read()).late, false);
  });

  test('never pinged: late once grace has passed since jaga started', async () => {
    clock.pass(UPLOAD_GRACE_MS);
    assert.deepEqual(await read(), { name: 'upload', grace: 900, last_ping_at: null, late: false, halt: true, last_items_sent: null });
    clock.pass(1);
    assert.equal((await read()).late, true);
    const arsip = await read(ARSIP_TOKEN, '/api/v1/heartbeats/arsip');
    assert.deepEqual([arsip.grace, arsip.late, arsip.halt], [86_400, false, false]);
  });
});
