// probeTcp against real loopback listeners, including one whose connects hang.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { TcpTargetConfig } from '../../src/config/schema.js';
import { runTargetProbe } from '../../src/probes/registry.js';
import { probeTcp } from '../../src/probes/tcp.js';
import { assertFailure, probeContext as ctx } from '../helpers/probe-results.js';
import { freePort, serve, startUnaccepting, type RunningServer, type Unaccepting } from '../helpers/servers.js';

const T = { timeout: 15_000 };

function target(host: string, port: number, extra: Partial<TcpTargetConfig> = {}): TcpTargetConfig {
  return { name: 'central-ssh', type: 'tcp', host, port, ...extra };
}

describe('probeTcp', () => {
  let server: RunningServer;
  before(async () => {
    server = await serve(net.createServer((socket) => socket.resume()));
  });
  after(async () => {
    await server.close();
  });

  test('a listening port is ok, timed, and the connection is closed at once', T, async () => {
    const before = server.accepted.length;
    const result = await probeTcp(target('127.0.0.1', server.port), ctx());
    assert.equal(result.ok, true, result.detail);
    assert.equal(result.detail, `connected to 127.0.0.1:${server.port}`);
    assert.ok((result.phases.connect ?? -1) >= 0);
    assert.equal(result.phases.dns, undefined);
    assert.equal(result.phases.total, result.durationMs);
    assert.equal(server.accepted.length, before + 1);
    await server.allClosed(2000);
  });

  test('the registry dispatches a tcp target to probeTcp', T, async () => {
    const result = await runTargetProbe(target('127.0.0.1', server.port), ctx());
    assert.equal(result.ok, true, result.detail);
    assert.equal(result.detail, `connected to 127.0.0.1:${server.port}`);
  });

  test('a host name is resolved first (phase dns)', T, async () => {
    const result = await probeTcp(target('localhost', server.port), ctx());
    assert.equal(result.ok, true, result.detail);
    assert.ok((result.phases.dns ?? -1) >= 0);
  });

  test('IPv6 loopback works, bracketed or not', T, async () => {
    const v6 = await serve(net.createServer((socket) => socket.resume()), '::1');
    try {
      assert.equal((await probeTcp(target('::1', v6.port), ctx())).ok, true);
      const bracketed = await probeTcp(target('[::1]', v6.port), ctx());
      assert.equal(bracketed.ok, true, bracketed.detail);
      assert.equal(bracketed.detail, `connected to [::1]:${v6.port}`);
    } finally {
      await v6.close();
    }
  });

  test('nobody listening is refused', T, async () => {
    const port = await freePort();
    assertFailure(await probeTcp(target('127.0.0.1', port), ctx()), 'refused', /ECONNREFUSED/);
  });

  test('a success slower than max_latency is a latency failure', T, async () => {
    // No loopback connect completes within a microsecond: a whole event-loop turn lies in between.
    assertFailure(await probeTcp(target('127.0.0.1', server.port, { max_latency: 0.001 }), ctx()), 'latency', /max_latency/);
    assert.equal((await probeTcp(target('127.0.0.1', server.port, { max_latency: 5000 }), ctx())).ok, true);
  });

  test('an already aborted signal probes nothing', T, async () => {
    const before = server.accepted.length;
    assertFailure(await probeTcp(target('127.0.0.1', server.port), ctx(2000, AbortSignal.abort())), 'error', /^aborted$/);
    assert.equal(server.accepted.length, before);
  });
});

describe('probeTcp when connects hang', () => {
  let hanging: Unaccepting;
  before(async () => {
    hanging = await startUnaccepting();
  });
  after(async () => {
    await hanging.close();
  });

  test('a connect that never completes is a timeout within the bound', T, async () => {
    const result = await probeTcp(target('127.0.0.1', hanging.port), ctx(300));
    assertFailure(result, 'timeout', /timeout after 300ms during connect/);
    assert.ok(result.durationMs >= 290 && result.durationMs < 1300, `took ${result.durationMs}`);
  });

  test('an abort from outside ends a hanging connect quickly', T, async () => {
    const controller = new AbortController();
    const probing = probeTcp(target('127.0.0.1', hanging.port), ctx(10_000, controller.signal));
    setImmediate(() => controller.abort());
    const result = await probing;
    assertFailure(result, 'error', /^aborted$/);
    assert.ok(result.durationMs < 1000, `took ${result.durationMs}`);
  });
});
