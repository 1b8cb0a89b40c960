// probeDns against a tiny DNS server on loopback, including one that stops answering and recovers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DnsTargetConfig } from '../../src/config/schema.js';
import { probeDns } from '../../src/probes/dns.js';
import { assertFailure, probeContext as ctx } from '../helpers/probe-results.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { freePort } from '../helpers/servers.js';

const T = { timeout: 15_000 };

describe('probeDns', () => {
  let server: TestDnsServer;
  const target = (query: string, extra: Partial<DnsTargetConfig> = {}): DnsTargetConfig => ({
    name: 'central-dns',
    type: 'dns',
    query,
    record_type: 'A',
    server: server.address,
    ...extra,
  });

  before(async () => {
    server = await startDnsServer({ 'central.test': ['10.1.2.3', '10.1.2.4'] });
  });
  after(async () => {
    await server.close();
  });

  test('a server given by host name is resolved first', T, async () => {
    const byName = server.address.replace('127.0.0.1', 'localhost');
    const result = await probeDns(target('central.test', { server: byName }), ctx());
    assert.equal(result.ok, true, result.detail);
  });

  test('an answer containing `expect` is ok, with the dns phase', T, async () => {
    const result = await probeDns(target('central.test', { expect: '10.1.2.4' }), ctx());
    assert.equal(result.ok, true, result.detail);
    assert.match(result.detail, /10\.1\.2\.3, 10\.1\.2\.4/);
    assert.ok((result.phases.dns ?? -1) >= 0);
    assert.equal(result.phases.total, result.durationMs);
  });

  test('an answer without `expect` is a body failure', T, async () => {
    assertFailure(await probeDns(target('central.test', { expect: '10.9.9.9' }), ctx()), 'body', /no answer contains "10\.9\.9\.9"/);
  });

  test('NXDOMAIN is a dns failure naming the rcode', T, async () => {
    assertFailure(await probeDns(target('missing.test'), ctx()), 'dns', /NXDOMAIN/);
  });

  test('a known name without records of the type is a dns failure (NODATA)', T, async () => {
    assertFailure(await probeDns(target('central.test', { record_type: 'TXT' }), ctx()), 'dns', /NODATA/);
  });

  test('SERVFAIL is a dns failure naming the rcode', T, async () => {
    server.mode = 'servfail';
    try {
      assertFailure(await probeDns(target('central.test'), ctx()), 'dns', /SERVFAIL/);
    } finally {
      server.mode = 'answer';
    }
  });

  test('a silent server is a dns failure (whom to call: DNS, not central) within the bound', T, async () => {
    server.mode = 'silent';
    try {
      const asked = server.queries;
      const result = await probeDns(target('central.test'), ctx(400));
      assertFailure(result, 'dns', /no DNS answer within 400ms|ETIMEOUT/);
      assert.ok(result.durationMs < 400 + 1000, `took ${result.durationMs}`);
      assert.ok(server.queries > asked, 'the server was asked');
    } finally {
      server.mode = 'answer';
    }
  });

  test('max_latency applies to a successful answer', T, async () => {
    server.mode = 'answer';
    // No resolver round trip over a UDP socket completes within a microsecond.
    assertFailure(await probeDns(target('central.test', { max_latency: 0.001 }), ctx()), 'latency');
  });

  test('failures end as soon as DNS recovers: nothing is cached', T, async () => {
    server.records.delete('late.test');
    assertFailure(await probeDns(target('late.test'), ctx()), 'dns', /NXDOMAIN/);
    server.mode = 'silent';
    assertFailure(await probeDns(target('late.test'), ctx(300)), 'dns', /no DNS answer|ETIMEOUT/);
    server.mode = 'answer';
    server.records.set('late.test', ['10.7.7.7']);
    const recovered = await probeDns(target('late.test', { expect: '10.7.7.7' }), ctx());
    assert.equal(recovered.ok, true, recovered.detail);
    // And the other way round: a good answer is not reused once the name is gone.
    server.records.delete('late.test');
    assertFailure(await probeDns(target('late.test'), ctx()), 'dns', /NXDOMAIN/);
  });

  test('an abort from outside ends the probe quickly', T, async () => {
    server.mode = 'silent';
    try {
      const controller = new AbortController();
      const probing = probeDns(target('central.test'), ctx(10_000, controller.signal));
      setImmediate(() => controller.abort());
      const result = await probing;
      assertFailure(result, 'error', /^aborted$/);
      assert.ok(result.durationMs < 1000, `took ${result.durationMs}`);
    } finally {
      server.mode = 'answer';
    }
  });

  test('a server with nothing listening on its port is a dns failure', T, async () => {
    const port = await freePort();
    const result = await probeDns(target('central.test', { server: `127.0.0.1:${port}` }), ctx(1000));
    assertFailure(result, 'dns', /ECONNREFUSED/);
  });
});
