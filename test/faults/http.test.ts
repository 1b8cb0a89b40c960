// HTTP faults and abuse against a real jaga process: a thousand concurrent gate readers, huge and
// malformed requests, slow-loris sockets, path traversal, security headers, admin tokens and their rate
// limit, and that probe targets cannot be set over HTTP. The crawl for leaks is in http-leaks.test.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import autocannon from 'autocannon';
import { DEFAULT_SERVER_LIMITS } from '../../src/http/server.js';
import { FakeCentral } from '../helpers/fake-central.js';
import { ADMIN_TOKEN, JagaProcess } from '../helpers/jaga-process.js';
import { rawExchange, requestBytes, type RawAnswer } from '../helpers/raw-http.js';
import { assertNoStack, assertSecurityHeaders, sumSeries } from '../helpers/http-checks.js';
import { fastCentral, fastStorage, httpTarget, tempVolume } from '../helpers/config.js';

let central: FakeCentral;
let jaga: JagaProcess;

before(async () => {
  central = await FakeCentral.start();
  jaga = await JagaProcess.create({
    central: fastCentral([httpTarget(central.url)], { timeout: '900ms' }),
    storage: fastStorage([tempVolume()], { timeout: '900ms' }),
    gate: { resume_after: '1s' },
    alerts: {},
    log_level: 'info',
  });
  await jaga.start();
  await jaga.waitForGate((g) => g.state === 'allowed', 15_000, 'allowed');
});

after(async () => {
  await jaga?.cleanup();
  await central?.close();
});

const metrics = async () => (await jaga.fetch('/metrics')).text();
const jsonOf = (answer: RawAnswer) => JSON.parse(answer.body) as { error: string; message: string };

describe('load', () => {
  test('1,000 concurrent gate readers: no error, consistent answers, probes on schedule', async () => {
    // Node raises its soft limit to the hard one at start; jaga inherits the same hard limit.
    const openFiles = Number(/^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? 0);
    assert.ok(openFiles >= 2_500, `1,000 connections on each side need file descriptors: raise the hard limit (ulimit -Hn 4096) before the tests (now ${openFiles})`);
    const gate = await jaga.gate();
    const samples: { kind: string; status: number; body: string }[] = [];
    let seen = 0;
    const sample = (kind: string) => (status: number, body: string) => {
      seen += 1;
      if (seen % 97 === 0) samples.push({ kind, status, body });
    };
    const before = await metrics();
    const started = performance.now();
    const result = await autocannon({
      url: jaga.url,
      connections: 1_000,
      duration: 10,
      timeout: 10,
      requests: [
        { method: 'GET', path: '/api/v1/gate', onResponse: sample('json') },
        { method: 'GET', path: '/api/v1/gate?format=plain', onResponse: sample('plain') },
        { method: 'GET', path: '/api/v1/gate?lang=en', onResponse: sample('json') },
      ],
    });
    const seconds = (performance.now() - started) / 1000;
    const afterLoad = await metrics();

    assert.deepEqual({ errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx }, { errors: 0, timeouts: 0, non2xx: 0 });
    assert.ok(result.requests.total > 20_000, `${result.requests.total} answers in ${seconds.toFixed(1)} s`);
    assert.ok(samples.length > 100, `${samples.length} bodies sampled`);
    for (const { kind, body } of samples) {
      if (kind === 'plain') assert.equal(body, 'ALLOWED\n');
      else assert.equal((JSON.parse(body) as { state: string }).state, gate.state);
    }
    assert.equal((await jaga.gate()).since, gate.since, 'no gate transition during the load');

    const probes = sumSeries(afterLoad, 'jaga_probe_duration_seconds_count') - sumSeries(before, 'jaga_probe_duration_seconds_count');
    assert.ok(probes >= Math.floor(seconds) - 1 && probes <= Math.ceil(seconds) + 1, `${probes} central probes in ${seconds.toFixed(1)} s at one per second`);
    assert.equal(sumSeries(afterLoad, 'jaga_probe_skipped_total'), sumSeries(before, 'jaga_probe_skipped_total'), 'no probe skipped');
  });
});

describe('huge, malformed and slow requests', () => {
  const chunkedPost = (path: string, chunk: string, end: boolean, headers: Record<string, string> = {}) =>
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n` +
    `${chunk.length.toString(16)}\r\n${chunk}\r\n${end ? '0\r\n\r\n' : ''}`;

  test('a chunked body past 16 KiB without Content-Length: 413 at once, connection closed, not drained', async () => {
    for (const path of ['/api/v1/overrides', '/admin/login', '/nowhere']) {
      const answer = await rawExchange(jaga.port, chunkedPost(path, 'x'.repeat(17 * 1024), false), { waitMs: 5_000 });
      assert.equal(answer.status, 413, path);
      assert.match(jsonOf(answer).message, /16384 bytes/);
      assert.ok(answer.closedByServer && answer.closedAfterMs < 2_000, `${path}: closed after ${Math.round(answer.closedAfterMs)} ms`);
    }
    const small = await rawExchange(jaga.port, chunkedPost('/api/v1/overrides', '{"action": "halt",', true, { Connection: 'close' }));
    assert.equal(small.status, 400, 'a small chunked body is read and parsed');
    assert.equal(jsonOf(small).error, 'malformed_json');
  });

  test('malformed requests: 400 (or 431) in JSON, never 500, never a stack trace', async () => {
    const rows: [string, string, number][] = [
      ['not HTTP at all', 'HELLO\r\n\r\n', 400],
      ['a Content-Length that is not a number', requestBytes('POST', '/api/v1/overrides', { 'Content-Length': 'abc' }), 400],
      ['1 MB of headers', requestBytes('GET', '/api/v1/gate', { Authorization: `Bearer ${'k'.repeat(1024 * 1024)}` }), 431],
      ['broken percent-encoding in an API parameter', requestBytes('DELETE', '/api/v1/overrides/%E0%A4%A', { Authorization: `Bearer ${ADMIN_TOKEN}` }), 400],
      ['broken percent-encoding in an admin parameter', requestBytes('POST', '/admin/overrides/%E0%A4%A/lift', { 'Content-Length': '0' }), 400],
      ['broken percent-encoding in a path', requestBytes('GET', '/api/v1/%E0%A4%A'), 404],
    ];
    for (const [name, bytes, status] of rows) {
      const answer = await rawExchange(jaga.port, bytes);
      assert.equal(answer.status, status, name);
      assertSecurityHeaders(answer.headers, name);
      assertNoStack(answer.body, name);
    }
    assert.ok(!/request failed/.test(jaga.logs), 'none of them was an internal error');
  });

  test('slow-loris sockets are closed within the server timeouts and do not block readers', async () => {
    const { headersTimeoutMs, requestTimeoutMs } = DEFAULT_SERVER_LIMITS;
    const slack = 2_500; // Node looks for expired requests once a second; the rest is scheduling
    const waitMs = requestTimeoutMs + slack + 5_000;
    const open = (n: number, make: () => Promise<RawAnswer>) => Array.from({ length: n }, make);
    const headerDrips = open(150, () => rawExchange(jaga.port, 'GET /api/v1/gate HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Drip: ', { drip: 'a', waitMs }));
    const silent = open(50, () => rawExchange(jaga.port, '', { waitMs }));
    const bodyDrips = open(100, () =>
      rawExchange(jaga.port, 'POST /api/v1/overrides HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{', { drip: ' ', waitMs }),
    );
    const readerTimes: number[] = [];
    const deadline = performance.now() + headersTimeoutMs - 1_000;
    while (performance.now() < deadline) {
      const started = performance.now();
      assert.equal((await jaga.fetch('/api/v1/gate?format=plain')).status, 200);
      readerTimes.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.ok(Math.max(...readerTimes) < 500, `gate reads while 300 slow sockets are open: slowest ${Math.round(Math.max(...readerTimes))} ms`);

    const bounds: [string, Promise<RawAnswer>[], number][] = [
      ['headers one byte a second', headerDrips, headersTimeoutMs],
      ['connected, silent', silent, headersTimeoutMs],
      ['a body that never ends', bodyDrips, requestTimeoutMs],
    ];
    for (const [name, sockets, boundMs] of bounds) {
      const answers = await Promise.all(sockets);
      const times = answers.map((a) => a.closedAfterMs);
      assert.ok(answers.every((a) => a.closedByServer), `${name}: closed by jaga`);
      assert.ok(Math.max(...times) <= boundMs + slack, `${name}: all closed by ${boundMs} ms (+${slack}); slowest ${Math.round(Math.max(...times))} ms`);
      assert.ok(Math.min(...times) >= boundMs - 1_000, `${name}: not before the bound; first after ${Math.round(Math.min(...times))} ms`);
      assert.ok(answers.some((a) => a.status === 408 && a.headers['content-type']?.startsWith('application/json')), `${name}: 408 in JSON`);
    }
  });
});
