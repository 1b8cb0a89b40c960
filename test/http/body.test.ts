// Request bodies on a real express app on 127.0.0.1: the 16 KiB limit (declared or chunked) answered at
// once, and JSON / form parsing with body-parser's error types. The jaga process tests are in test/faults.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import express, { type ErrorRequestHandler } from 'express';
import { formBody, jsonBody, readBodies } from '../../src/http/body.js';
import { rawExchange, type RawAnswer } from '../helpers/raw-http.js';

let port = 0;
let close: () => void = () => undefined;

before(async () => {
  const app = express();
  app.use(readBodies(64, (res) => res.status(413).json({ error: 'body_too_large' })));
  app.use(jsonBody);
  app.post('/form', formBody, (req, res) => res.json({ body: req.body as unknown }));
  app.post('/json', (req, res) => res.json({ body: req.body as unknown }));
  const onError: ErrorRequestHandler = (error: { type?: string }, _req, res, _next) => res.status(400).json({ type: error.type });
  app.use(onError);
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
  close = () => server.close();
});

after(() => close());

const post = (path: string, type: string, body: string, extra = '') =>
  rawExchange(port, `POST ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`);

describe('readBodies, jsonBody, formBody', () => {
  const rows: [string, () => Promise<RawAnswer>, number, unknown][] = [
    ['JSON object', () => post('/json', 'application/json', '{"a":1}'), 200, { body: { a: 1 } }],
    ['empty JSON body', () => post('/json', 'application/json', ''), 200, {}],
    ['a JSON string is not strict JSON', () => post('/json', 'application/json', '"a"'), 400, { type: 'entity.parse.failed' }],
    ['broken JSON', () => post('/json', 'application/json', '{"a":'), 400, { type: 'entity.parse.failed' }],
    ['latin1 charset', () => post('/json', 'application/json; charset=latin1', '{}'), 400, { type: 'charset.unsupported' }],
    ['gzip', () => post('/json', 'application/json', '{}', 'Content-Encoding: gzip\r\n'), 400, { type: 'encoding.unsupported' }],
    ['declared past the limit', () => post('/json', 'application/json', 'x'.repeat(65)), 413, { error: 'body_too_large' }],
    ['form fields', () => post('/form', 'application/x-www-form-urlencoded', 'a=1&b=x+y&a=2'), 200, { body: { a: ['1', '2'], b: 'x y' } }],
  ];
  for (const [name, send, status, body] of rows) {
    test(name, async () => {
      const answer = await send();
      assert.equal(answer.status, status);
      assert.deepEqual(JSON.parse(answer.body), body);
    });
  }

  test('chunked past the limit: 413 before the body ends, then closed', async () => {
    const answer = await rawExchange(port, `POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n50\r\n${'x'.repeat(80)}\r\n`, { waitMs: 3_000 });
    assert.equal(answer.status, 413);
    assert.ok(answer.closedByServer && answer.closedAfterMs < 1_000);
  });
});
