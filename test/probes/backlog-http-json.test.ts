// The http_json backlog source against real local servers on 127.0.0.1, port 0: good and malformed JSON,
// paths that are missing or not numbers, a server that never answers or drips, huge and endless bodies,
// error statuses, a refused port, and TLS with and without verification. Loopback I/O.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { HttpJsonSourceConfig } from '../../src/config/schema.js';
import type { BacklogResult } from '../../src/core/types.js';
import { BODY_LIMIT_BYTES, readHttpJsonSource } from '../../src/probes/backlog/http-json.js';
import { createTestPki, type TestPki } from '../helpers/certs.js';
import { freePort } from '../helpers/servers.js';
import { waitFor } from '../helpers/wait.js';

const T = { timeout: 20_000 };
const T0 = Date.UTC(2026, 2, 2, 1, 12, 0);

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const json = (body: unknown): Handler => (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

const ROUTES: Record<string, Handler> = {
  '/good': json({ queue: { pending: 12, bytes: 4096, oldest: '2026-03-02T08:12:00+07:00' } }),
  '/epoch': json({ queue: { pending: 3, bytes: 10, oldest: T0 / 1000 } }),
  '/empty': json({ queue: { pending: 0, bytes: 0, oldest: null } }),
  '/array': json({ queues: [{ n: 1 }, { n: 7 }] }),
  '/not-json': json('<html>login</html>'),
  '/truncated': json('{"queue": {"pending": 12'),
  '/missing': json({ queue: { bytes: 1 } }),
  '/string': json({ queue: { pending: '12', bytes: 1, oldest: null } }),
  '/negative': json({ queue: { pending: -4, bytes: 1, oldest: null } }),
  '/ms-by-mistake': json({ queue: { pending: 1, bytes: 1, oldest: T0 } }),
  '/500': (_req, res) => {
    res.writeHead(500);
    res.end('{"queue": {"pending": 1}}');
  },
  '/404': (_req, res) => {
    res.writeHead(404);
    res.end();
  },
  '/redirect': (_req, res) => {
    res.writeHead(302, { location: '/good' });
    res.end();
  },
  // Headers never come.
  '/silent': () => undefined,
  // Headers at once, then the body a byte a second.
  '/drip': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{');
    const timer = setInterval(() => res.write(' '), 1_000);
    res.on('close', () => clearInterval(timer));
  },
  '/huge': json(`{"queue": {"pending": 1, "pad": "${'x'.repeat(BODY_LIMIT_BYTES)}"}}`),
  // A body without end: the read must stop at the limit, not at the deadline.
  '/endless': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  },
};

function route(req: http.IncomingMessage, res: http.ServerResponse): void {
  const handler = ROUTES[(req.url ?? '').split('?')[0] ?? ''];
  if (handler) handler(req, res);
  else {
    res.writeHead(404);
    res.end();
  }
}

function source(url: string, extra: Partial<HttpJsonSourceConfig> = {}): HttpJsonSourceConfig {
  return { name: 'app', type: 'http_json', url, items: 'queue.pending', bytes: 'queue.bytes', oldest: 'queue.oldest', tls_verify: true, resume_fraction: 0.8, halt_when_unavailable: false, ...extra };
}

function read(url: string, extra: Partial<HttpJsonSourceConfig> = {}, timeoutMs = 3_000, signal = new AbortController().signal): Promise<BacklogResult> {
  return readHttpJsonSource(source(url, extra), { timeoutMs, signal });
}

function assertReading(result: BacklogResult, items: number, bytes: number | null, oldestAt: number | null): void {
  assert.equal(result.ok, true, result.ok ? '' : `${result.failure}: ${result.detail}`);
  if (!result.ok) return;
  assert.deepEqual({ items: result.items, bytes: result.bytes, oldestAt: result.oldestAt }, { items, bytes, oldestAt });
  assert.ok(result.durationMs >= 0 && result.durationMs < 3_000);
}

function assertFailure(result: BacklogResult, failure: string, detail: RegExp): void {
  assert.equal(result.ok, false, `expected ${failure}, got ${JSON.stringify(result)}`);
  if (result.ok) return;
  assert.equal(result.failure, failure, result.detail);
  assert.match(result.detail, detail);
  assert.ok(result.durationMs >= 0 && Number.isFinite(result.durationMs));
}

describe('readHttpJsonSource over plain HTTP', () => {
  let server: http.Server;
  let base: string;
  const sockets = new Set<net.Socket>();
  before(async () => {
    server = http.createServer(route);
    server.on('connection', (s: net.Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    server.close();
    await once(server, 'close');
  });

  test('good answers: items, bytes and oldest by dotted path; ISO and epoch seconds', T, async () => {
    assertReading(await read(`${base}/good`), 12, 4096, T0);
    assertReading(await read(`${base}/epoch`), 3, 10, T0);
    assertReading(await read(`${base}/empty`), 0, 0, null);
    assertReading(await read(`${base}/good`, { bytes: undefined, oldest: undefined }), 12, null, null);
    assertReading(await read(`${base}/array`, { items: 'queues.1.n', bytes: undefined, oldest: undefined }), 7, null, null);
    assertReading(await read(`${base}/good?site=palangkaraya`), 12, 4096, T0);
  });

  test('each read closes its connection', T, async () => {
    await read(`${base}/good`);
    await waitFor(() => sockets.size === 0, 5_000, 'the connection to close', { describe: () => `${sockets.size} open` });
  });

  test('malformed answers are bad_output, naming the path', T, async () => {
    const rows: [string, Partial<HttpJsonSourceConfig>, RegExp][] = [
      ['/not-json', {}, /\/not-json: answer is not JSON/],
      ['/truncated', {}, /answer is not JSON/],
      ['/missing', {}, /queue\.pending is missing/],
      ['/good', { items: 'queue.count' }, /queue\.count is missing/],
      ['/good', { bytes: 'queue.size' }, /queue\.size is missing/],
      ['/string', {}, /queue\.pending is a string "12", expected a whole number/],
      ['/negative', {}, /queue\.pending -4 is negative/],
      ['/ms-by-mistake', {}, /queue\.oldest 1772413920000 is past the year 9999/],
      ['/good', { items: 'queue.oldest' }, /queue\.oldest is a string/],
    ];
    for (const [path, extra, detail] of rows) assertFailure(await read(`${base}${path}`, extra), 'bad_output', detail);
  });

  test('a body past the limit is bad_output, read no further: a finite huge one and an endless one', T, async () => {
    assertFailure(await read(`${base}/huge`), 'bad_output', /answer larger than 1024 KiB/);
    const started = performance.now();
    assertFailure(await read(`${base}/endless`, {}, 10_000), 'bad_output', /answer larger than 1024 KiB/);
    assert.ok(performance.now() - started < 5_000, 'stopped at the limit, not at the deadline');
  });

  test('error statuses are failed with the status; redirects are not followed', T, async () => {
    assertFailure(await read(`${base}/500`), 'failed', /answered HTTP 500$/);
    assertFailure(await read(`${base}/404`), 'failed', /answered HTTP 404$/);
    assertFailure(await read(`${base}/redirect`), 'failed', /answered HTTP 302$/);
  });

  test('no answer, or a body that drips, is a timeout at the deadline', T, async () => {
    for (const path of ['/silent', '/drip']) {
      const started = performance.now();
      assertFailure(await read(`${base}${path}`, {}, 400), 'timeout', /no complete answer from .* within 400ms/);
      const took = performance.now() - started;
      assert.ok(took >= 390 && took < 2_000, `${path}: returned after ${took} ms`);
    }
    await waitFor(() => sockets.size === 0, 5_000, 'the timed-out connections to close', { describe: () => `${sockets.size} open` });
  });

  test('an outer abort ends the read at once', T, async () => {
    const controller = new AbortController();
    const reading = read(`${base}/silent`, {}, 10_000, controller.signal);
    setTimeout(() => controller.abort(), 50);
    assertFailure(await reading, 'timeout', /^aborted$/);
  });
});

describe('readHttpJsonSource: unreachable and TLS', () => {
  let pki: TestPki;
  let server: https.Server;
  let port: number;
  before(async () => {
    pki = createTestPki();
    const leaf = pki.selfSigned(['127.0.0.1']);
    server = https.createServer({ key: leaf.key, cert: leaf.cert }, route);
    server.on('tlsClientError', () => undefined);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as net.AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
    pki.remove();
  });

  test('a refused connection is unreadable, with the error', T, async () => {
    const closed = await freePort();
    assertFailure(await read(`http://127.0.0.1:${closed}/good`), 'unreadable', /ECONNREFUSED/);
  });

  test('a self-signed certificate is unreadable unless tls_verify is false', T, async () => {
    assertFailure(await read(`https://127.0.0.1:${port}/good`), 'unreadable', /self.signed|SELF_SIGNED/i);
    assertReading(await read(`https://127.0.0.1:${port}/good`, { tls_verify: false }), 12, 4096, T0);
  });

  test('plain HTTP spoken to a TLS port is unreadable, not a hang', T, async () => {
    assertFailure(await read(`http://127.0.0.1:${port}/good`), 'unreadable', /./);
  });
});
