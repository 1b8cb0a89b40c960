// probeHttp against real loopback servers (plain, raw TCP and TLS with certificates made here).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { HttpTargetConfig } from '../../src/config/schema.js';
import { BODY_LIMIT_BYTES, probeHttp, readForChecks } from '../../src/probes/http.js';
import { EndlessAnswer } from '../helpers/endless-answer.js';
import { waitFor } from '../helpers/wait.js';
import { createTestPki, validFor, type TestPki } from '../helpers/certs.js';
import { assertFailure, probeContext as ctx } from '../helpers/probe-results.js';
import { freePort, serve, type RunningServer } from '../helpers/servers.js';

const T = { timeout: 15_000 };

function target(url: string, extra: Partial<HttpTargetConfig> = {}): HttpTargetConfig {
  return { name: 'central', type: 'http', url, method: 'GET', expect_status: [200], tls_verify: true, ...extra };
}

/** An http.Server answering each path from a table of handlers. */
async function serveRoutes(
  routes: Record<string, (req: http.IncomingMessage, res: http.ServerResponse) => void>,
  host = '127.0.0.1',
): Promise<RunningServer & { url: string }> {
  const server = http.createServer((req, res) => {
    const handler = routes[req.url ?? ''];
    if (handler) handler(req, res);
    else res.writeHead(404).end('no route');
  });
  const running = await serve(server, host);
  return { ...running, url: `http://${net.isIPv6(host) ? `[${host}]` : host}:${running.port}` };
}

describe('probeHttp over plain HTTP', () => {
  let server: RunningServer & { url: string };
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => timers.add(setTimeout(fn, ms));

  before(async () => {
    server = await serveRoutes({
      '/ok': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('all ok'),
      '/500': (_req, res) => res.writeHead(500).end('broken'),
      '/503-ok': (_req, res) => res.writeHead(503).end('ok'),
      '/301': (_req, res) => res.writeHead(301, { location: '/ok' }).end(),
      '/json': (_req, res) => res.writeHead(200).end(JSON.stringify({ data: { status: 'up', version: 3 } })),
      '/not-json': (_req, res) => res.writeHead(200).end('<html>up</html>'),
      '/slow-150ms': (_req, res) => later(150, () => res.writeHead(200).end('ok')),
      '/slow-headers': (_req, res) => later(10_000, () => res.writeHead(200).end('ok')),
      '/drip': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const drip = setInterval(() => res.write('x'), 100);
        res.on('close', () => clearInterval(drip));
      },
      '/big': (_req, res) => {
        res.writeHead(200);
        res.end(`${'x'.repeat(200 * 1024)}needle`);
      },
    });
  });
  after(async () => {
    for (const timer of timers) clearTimeout(timer);
    await server.close();
  });

  test('200 is ok, with phases and the connection closed afterwards', T, async () => {
    const before = server.accepted.length;
    const result = await probeHttp(target(`${server.url}/ok`, { body_contains: 'ok' }), ctx());
    assert.equal(result.ok, true, result.detail);
    assert.equal(result.detail, 'HTTP 200');
    assert.equal(result.phases.dns, undefined, 'no lookup for an IP literal');
    for (const phase of ['connect', 'first_byte', 'transfer', 'total'] as const) {
      assert.ok((result.phases[phase] ?? -1) >= 0, `phase ${phase} present`);
    }
    assert.ok((result.phases.total ?? 0) > 0);
    assert.equal(result.phases.total, result.durationMs);
    assert.equal(server.accepted.length, before + 1);
    await server.allClosed(2000);
  });

  test('each probe opens a new connection', T, async () => {
    const before = server.accepted.length;
    assert.equal((await probeHttp(target(`${server.url}/ok`), ctx())).ok, true);
    assert.equal((await probeHttp(target(`${server.url}/ok`), ctx())).ok, true);
    assert.equal(server.accepted.length - before, 2);
    await server.allClosed(2000);
  });

  test('a host name is resolved and timed as the dns phase', T, async () => {
    const result = await probeHttp(target(`http://localhost:${server.port}/ok`), ctx());
    assert.equal(result.ok, true, result.detail);
    assert.ok((result.phases.dns ?? -1) >= 0);
  });

  test('HEAD is ok', T, async () => {
    const result = await probeHttp(target(`${server.url}/ok`, { method: 'HEAD' }), ctx());
    assert.equal(result.ok, true, result.detail);
  });

  test('500 is a status failure', T, async () => {
    assertFailure(await probeHttp(target(`${server.url}/500`), ctx()), 'status', /^HTTP 500$/);
  });

  test('503 stays a status failure even when the body matches', T, async () => {
    const result = await probeHttp(target(`${server.url}/503-ok`, { body_contains: 'ok' }), ctx());
    assertFailure(result, 'status', /HTTP 503/);
  });

  test('a listed status other than 200 is ok', T, async () => {
    const result = await probeHttp(target(`${server.url}/503-ok`, { expect_status: [200, 503] }), ctx());
    assert.equal(result.ok, true, result.detail);
  });

  test('redirects are not followed: 301 is a status failure', T, async () => {
    assertFailure(await probeHttp(target(`${server.url}/301`), ctx()), 'status', /HTTP 301/);
  });

  test('a body without the expected text is a body failure', T, async () => {
    const result = await probeHttp(target(`${server.url}/ok`, { body_contains: 'healthy' }), ctx());
    assertFailure(result, 'body', /body does not contain "healthy"/);
  });

  test('only the first 64 KiB of the body are searched, and a big body does not stall the probe', T, async () => {
    assertFailure(await probeHttp(target(`${server.url}/big`, { body_contains: 'needle' }), ctx()), 'body');
    assert.equal((await probeHttp(target(`${server.url}/big`), ctx())).ok, true);
  });

  test('an endless body: 64 KiB read, a quick verdict that says the rest was not read, the connection closed', T, async (t) => {
    const endless = await EndlessAnswer.start({ status: 200, prefix: '{"status":' });
    t.after(() => endless.close());
    const plain = await probeHttp(target(endless.url()), ctx(10_000));
    assert.equal(plain.ok, true, plain.detail);
    const contains = await probeHttp(target(endless.url(), { body_contains: 'healthy' }), ctx(10_000));
    assertFailure(contains, 'body', /^body does not contain "healthy" within its first 64 KiB \(the rest is not read\)$/);
    const json = await probeHttp(target(endless.url(), { expect_json: { field: 'status', equals: 'ok' } }), ctx(10_000));
    assertFailure(json, 'body', /^body is not JSON within its first 64 KiB/);
    for (const result of [plain, contains, json]) assert.ok(result.durationMs < 2_000, `${result.durationMs} ms`);
    // Loopback socket buffers hold a few MB; reading the answers through would have moved gigabytes.
    assert.ok(endless.sentBytes < 32 * 1024 * 1024, `${endless.sentBytes} bytes sent`);
    await waitFor(() => endless.openConnections === 0, 5_000, 'the probes to close their connections');
  });

  test('expect_json: a matching field is ok', T, async () => {
    const json = { field: 'data.status', equals: 'up' };
    assert.equal((await probeHttp(target(`${server.url}/json`, { expect_json: json }), ctx())).ok, true);
    const number = { field: 'data.version', equals: 3 };
    assert.equal((await probeHttp(target(`${server.url}/json`, { expect_json: number }), ctx())).ok, true);
  });

  test('expect_json: a different value, a missing field and a non-JSON body are body failures', T, async () => {
    const mismatch = await probeHttp(target(`${server.url}/json`, { expect_json: { field: 'data.status', equals: 'down' } }), ctx());
    assertFailure(mismatch, 'body', /data\.status is "up", expected "down"/);
    const missing = await probeHttp(target(`${server.url}/json`, { expect_json: { field: 'data.nope', equals: null } }), ctx());
    assertFailure(missing, 'body', /missing/);
    const notJson = await probeHttp(target(`${server.url}/not-json`, { expect_json: { field: 'a', equals: 1 } }), ctx());
    assertFailure(notJson, 'body', /not JSON/);
  });

  test('a success slower than max_latency is a latency failure', T, async () => {
    const result = await probeHttp(target(`${server.url}/slow-150ms`, { max_latency: 50 }), ctx());
    assertFailure(result, 'latency', /max_latency 50ms/);
    assert.ok(result.durationMs >= 150);
    assert.equal((await probeHttp(target(`${server.url}/slow-150ms`, { max_latency: 5000 }), ctx())).ok, true);
  });

  test('headers slower than the timeout are a timeout, and the connection is closed', T, async () => {
    const result = await probeHttp(target(`${server.url}/slow-headers`), ctx(300));
    assertFailure(result, 'timeout', /during first_byte/);
    assert.ok(result.durationMs >= 290 && result.durationMs < 1300, `took ${result.durationMs}`);
    await server.allClosed(2000);
  });

  test('a body that drips forever is a timeout, with or without a body check', T, async () => {
    for (const check of [{ body_contains: 'ok' }, {}]) {
      const result = await probeHttp(target(`${server.url}/drip`, check), ctx(500));
      assertFailure(result, 'timeout', /during transfer/);
      assert.ok(result.durationMs < 1500, `took ${result.durationMs}`);
      await server.allClosed(2000);
    }
  });

  test('an abort from outside ends the probe quickly', T, async () => {
    const controller = new AbortController();
    const probing = probeHttp(target(`${server.url}/slow-headers`), ctx(10_000, controller.signal));
    await once(server.server, 'request');
    controller.abort();
    const result = await probing;
    assertFailure(result, 'error', /^aborted$/);
    assert.ok(result.durationMs < 1000, `took ${result.durationMs}`);
    await server.allClosed(2000);
  });

  test('an already aborted signal probes nothing', T, async () => {
    const before = server.accepted.length;
    assertFailure(await probeHttp(target(`${server.url}/ok`), ctx(2000, AbortSignal.abort())), 'error', /aborted/);
    assert.equal(server.accepted.length, before);
  });
});

// A thousand targets without a body check must not hold 64 KiB each while their bodies arrive.
describe('readForChecks', () => {
  /** 1 KiB chunks, twice the limit; counts what was pulled and whether the source was closed. */
  function bigBody() {
    const seen = { pulled: 0, closed: false };
    async function* body(): AsyncGenerator<Uint8Array> {
      try {
        for (let i = 0; i < (2 * BODY_LIMIT_BYTES) / 1024; i += 1) {
          seen.pulled += 1;
          yield Buffer.alloc(1024, 'x');
        }
      } finally {
        seen.closed = true;
      }
    }
    return { body: body(), seen };
  }
  const url = 'http://127.0.0.1:1/health';

  test('without a body check: read up to the limit (so transfer is timed), none of it kept', async () => {
    const { body, seen } = bigBody();
    assert.equal(await readForChecks(body, target(url)), null);
    assert.deepEqual(seen, { pulled: BODY_LIMIT_BYTES / 1024 + 1, closed: true });
  });

  test('with body_contains or expect_json: the first 64 KiB kept, marked as cut', async () => {
    for (const check of [{ body_contains: 'ok' }, { expect_json: { field: 'status', equals: 'up' } }]) {
      const read = await readForChecks(bigBody().body, target(url, check));
      assert.equal(read?.bytes.length, BODY_LIMIT_BYTES);
      assert.equal(read?.whole, false);
    }
  });
});

describe('probeHttp when the connection misbehaves', () => {
  test('nobody listening is refused', T, async () => {
    const port = await freePort();
    assertFailure(await probeHttp(target(`http://127.0.0.1:${port}/`), ctx()), 'refused', /ECONNREFUSED 127\.0\.0\.1/);
  });

  test('a server that accepts and never answers is a timeout within the bound', T, async () => {
    // Reads (so it notices our close) but never answers.
    const server = await serve(net.createServer((socket) => socket.resume()));
    try {
      const result = await probeHttp(target(`http://127.0.0.1:${server.port}/`), ctx(400));
      assertFailure(result, 'timeout');
      assert.ok(result.durationMs < 400 + 1000, `took ${result.durationMs}`);
      assert.equal(server.accepted.length, 1);
      await server.allClosed(2000);
    } finally {
      await server.close();
    }
  });

  for (const [what, reply] of [
    ['in the headers', 'HTTP/1.1 200 OK\r\nContent-Le'],
    ['in the body', 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial'],
  ] as const) {
    test(`a reset ${what} is a reset`, T, async () => {
      const server = await serve(
        net.createServer((socket) => {
          socket.once('data', () => socket.write(reply, () => socket.resetAndDestroy()));
        }),
      );
      try {
        assertFailure(await probeHttp(target(`http://127.0.0.1:${server.port}/`, { body_contains: 'x' }), ctx()), 'reset');
      } finally {
        await server.close();
      }
    });
  }

  test('a server that closes without answering is a reset', T, async () => {
    const server = await serve(net.createServer((socket) => socket.once('data', () => socket.end())));
    try {
      assertFailure(await probeHttp(target(`http://127.0.0.1:${server.port}/`), ctx()), 'reset', /other side closed/);
    } finally {
      await server.close();
    }
  });

  test('IPv6 loopback works', T, async () => {
    const server = await serveRoutes({ '/': (_req, res) => res.end('ok') }, '::1');
    try {
      assert.equal((await probeHttp(target(`${server.url}/`), ctx())).ok, true);
    } finally {
      await server.close();
    }
  });
});

describe('probeHttp over TLS', () => {
  let pki: TestPki;
  const servers: RunningServer[] = [];
  const serveTls = async (pair: { key: string; cert: string }) => {
    const server = await serve(https.createServer(pair, (_req, res) => res.end('ok')));
    servers.push(server);
    return server.port;
  };

  before(() => {
    pki = createTestPki();
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    pki.remove();
  });

  test('a self-signed certificate is a tls failure, and ok without verification', T, async () => {
    const port = await serveTls(pki.selfSigned(['localhost', '127.0.0.1']));
    const url = `https://localhost:${port}/`;
    assertFailure(await probeHttp(target(url), ctx()), 'tls', /DEPTH_ZERO_SELF_SIGNED_CERT/);
    const unverified = await probeHttp(target(url, { tls_verify: false }), ctx());
    assert.equal(unverified.ok, true, unverified.detail);
    assert.ok((unverified.phases.tls ?? -1) >= 0, 'tls phase present');
  });

  test('a TLS probe of a plain HTTP port is a tls failure', T, async () => {
    const server = await serveRoutes({ '/': (_req, res) => res.end('ok') });
    try {
      assertFailure(await probeHttp(target(`https://127.0.0.1:${server.port}/`, { tls_verify: false }), ctx()), 'tls');
    } finally {
      await server.close();
    }
  });

  test('with the CA in tls_ca: valid is ok; wrong name and expired are tls failures', T, async () => {
    const day = 24 * 60 * 60 * 1000;
    const valid = await serveTls(pki.issue(['localhost', '127.0.0.1']));
    const otherName = await serveTls(pki.issue(['other.example']));
    const nameOnly = await serveTls(pki.issue(['localhost']));
    const expired = await serveTls(pki.issue(['localhost', '127.0.0.1'], validFor(new Date(Date.now() - 3 * day), new Date(Date.now() - day))));
    const trusting = (url: string) => probeHttp(target(url, { tls_ca: pki.caPath }), ctx());
    const byName = await trusting(`https://localhost:${valid}/`);
    const byIp = await trusting(`https://127.0.0.1:${valid}/`);
    assert.equal(byName.ok, true, `positive control: ${byName.detail}`);
    assert.equal(byIp.ok, true, `positive control: ${byIp.detail}`);
    assertFailure(await probeHttp(target(`https://localhost:${valid}/`), ctx()), 'tls', /UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify/i);
    assertFailure(await trusting(`https://localhost:${otherName}/`), 'tls', /ERR_TLS_CERT_ALTNAME_INVALID/);
    assertFailure(await trusting(`https://127.0.0.1:${nameOnly}/`), 'tls', /ERR_TLS_CERT_ALTNAME_INVALID/);
    assertFailure(await trusting(`https://localhost:${expired}/`), 'tls', /CERT_HAS_EXPIRED/);
  });

  test('tls_ca costs a probe about what the system CAs cost: its context is built once, not per probe', T, async () => {
    // Built per probe, it parsed every system root (~25 ms of CPU each), and the garbage it left made
    // GC pauses long enough to time out other probes running at the same moment.
    const url = `https://127.0.0.1:${await serveTls(pki.issue(['127.0.0.1']))}/`;
    const cpuMsOf = async (extra: Partial<HttpTargetConfig>, probes: number) => {
      const start = process.cpuUsage();
      for (let i = 0; i < probes; i++) {
        const result = await probeHttp(target(url, extra), ctx());
        assert.equal(result.ok, true, result.detail);
      }
      const used = process.cpuUsage(start);
      return (used.user + used.system) / 1000;
    };
    const systemCas = { tls_verify: false };
    const ownCa = { tls_ca: pki.caPath };
    await cpuMsOf(systemCas, 10);
    await cpuMsOf(ownCa, 10);
    const baseline = await cpuMsOf(systemCas, 60);
    const withCa = await cpuMsOf(ownCa, 60);
    assert.ok(withCa < 3 * baseline + 60, `60 probes with tls_ca took ${withCa.toFixed(0)} ms of CPU, without ${baseline.toFixed(0)} ms`);
  });
});
