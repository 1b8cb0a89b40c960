// The central server's bad days, with jaga in process on virtual time, 1 s schedule: each fault made for
// real (fault proxies, fake HTTPS centrals, a test DNS server), one jaga for the whole matrix. The
// real-process smoke stays in test/faults/central.test.ts.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createTestPki, validFor, type KeyPair, type TestPki } from '../helpers/certs.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { FaultProxy, PASS } from '../helpers/fault-proxy.js';
import { FakeHttpsCentral } from '../helpers/https-central.js';
import { hasReason } from '../helpers/jaga-process.js';
import { serve, type RunningServer } from '../helpers/servers.js';
import { metric, readMetrics, readStatus, targetOf, type StatusView } from '../faults/central-support.js';
import { World } from './world.js';
import { NO_FILL_RATE_HALT } from '../helpers/config.js';

const TIMEOUT_MS = 600;
/** A probe's duration is measured in real time: a loaded 2-core machine may end one a little after its deadline. */
const BOUND_MARGIN_MS = 500;
const FAILURE_THRESHOLD = 3;
const RECOVERY_THRESHOLD = 3;
const RESUME_AFTER_MS = 2_000;
/** failure_threshold probes, one timeout, a decision tick, and slack. */
const HALT_WITHIN_MS = FAILURE_THRESHOLD * 1_000 + TIMEOUT_MS + 1_000 + 3_000;
const REOPEN_WITHIN_MS = RECOVERY_THRESHOLD * 1_000 + RESUME_AFTER_MS + 1_000 + 4_000;
const BODY = 'status ok';
const DAY_MS = 86_400_000;

/** A plain-HTTP target behind its own proxy; `fault` switches its fault on. */
interface ProxiedFault {
  readonly name: string;
  readonly path: string;
  readonly failure: string;
  readonly detail?: RegExp;
  readonly fault: (proxy: FaultProxy, upstream: FakeHttpsCentral) => Promise<void> | void;
}

const headLength = (upstream: FakeHttpsCentral, path: string) => Buffer.byteLength(upstream.response(path).head);

const PROXIED: readonly ProxiedFault[] = [
  { name: 'refused', path: '/health', failure: 'refused', fault: (p) => p.set({ mode: 'refuse' }) },
  { name: 'blackholed', path: '/health', failure: 'timeout', detail: /during first_byte|Headers Timeout/, fault: (p) => p.set({ mode: 'silent' }) },
  { name: 'reset', path: '/health', failure: 'reset', fault: (p, u) => p.set({ mode: 'reset', afterBytes: headLength(u, '/health') + 3 }) },
  { name: 'closed', path: '/health', failure: 'reset', fault: (p, u) => p.set({ mode: 'close', afterBytes: headLength(u, '/health') + 3 }) },
  { name: 'slow', path: '/health', failure: 'timeout', detail: /during first_byte|Headers Timeout/, fault: (p) => p.set({ mode: 'delay', ms: 5_000 }) },
  { name: 'dripping', path: '/drip', failure: 'timeout', detail: /during transfer/, fault: (p, u) => p.set({ mode: 'drip', everyMs: 100, afterBytes: headLength(u, '/drip') }) },
  { name: 'status-503', path: '/s503', failure: 'status', detail: /HTTP 503/, fault: (_p, u) => u.answer('/s503', { status: 503, body: 'ok' }) },
  { name: 'wrong-body', path: '/wrong', failure: 'body', fault: (_p, u) => u.answer('/wrong', { status: 200, body: 'maintenance' }) },
  { name: 'redirect', path: '/moved', failure: 'status', detail: /HTTP 302/, fault: (_p, u) => u.answer('/moved', { status: 302, body: '', headers: { location: 'http://evil.example/' } }) },
];
const TLS_KINDS = ['expired', 'self-signed', 'wrong-name'] as const;

describe('central faults, one jaga in process, 1 s schedule', () => {
  let upstream: FakeHttpsCentral;
  const proxies = new Map<string, FaultProxy>();
  const https = new Map<string, { central: FakeHttpsCentral; bad: KeyPair; good: KeyPair }>();
  let pki: TestPki;
  let dns: TestDnsServer;
  let trap: RunningServer;
  let w: World;
  const status = () => readStatus(w);

  /** Advances virtual time until the status satisfies `done` (read at every instant something fires). */
  async function statusUntil(done: (s: StatusView) => boolean, virtualMs: number, what: string, seen?: (s: StatusView) => void): Promise<StatusView> {
    let last: StatusView | undefined;
    await w.clock.until(
      async () => {
        last = await status();
        seen?.(last);
        return done(last);
      },
      { virtualMs, what, describe: () => JSON.stringify(last).slice(0, 3_000) },
    );
    return last as StatusView;
  }

  before(async () => {
    upstream = await FakeHttpsCentral.start({ fallback: { status: 200, body: BODY } });
    upstream.answer('/drip', { status: 200, body: `${'.'.repeat(2_000)}${BODY}` });
    // Where a followed redirect would land: on loopback, so following it shows instead of leaking out.
    trap = await serve(net.createServer((socket) => socket.destroy()));
    for (const fault of [...PROXIED, { name: 'redirect-local' }]) proxies.set(fault.name, await FaultProxy.start(upstream.port));
    pki = createTestPki();
    const good = pki.issue(['127.0.0.1']);
    // Certificates are judged by TLS on the real clock, not jaga's.
    const bad: Record<(typeof TLS_KINDS)[number], KeyPair> = {
      expired: pki.issue(['127.0.0.1'], validFor(new Date(Date.now() - 3 * DAY_MS), new Date(Date.now() - DAY_MS))),
      'self-signed': pki.selfSigned(['127.0.0.1']),
      'wrong-name': pki.issue(['pusat.example.go.id']),
    };
    for (const kind of TLS_KINDS) https.set(kind, { central: await FakeHttpsCentral.start({ tls: good }), bad: bad[kind], good });
    dns = await startDnsServer({ 'pusat.test': ['10.20.30.40'] });

    const via = (name: string, path: string) => upstream.url(path, proxies.get(name)?.address);
    w = await World.create({
      config: ({ volumeDir }) => ({
        site: 'uji',
        central: {
          schedule: '* * * * * *',
          timeout: `${TIMEOUT_MS}ms`,
          failure_threshold: FAILURE_THRESHOLD,
          recovery_threshold: RECOVERY_THRESHOLD,
          targets: [
            ...PROXIED.map((f) => ({ name: f.name, type: 'http', url: via(f.name, f.path), body_contains: 'ok' })),
            { name: 'redirect-local', type: 'http', url: via('redirect-local', '/moved-local') },
            ...TLS_KINDS.flatMap((kind) => {
              const url = https.get(kind)?.central.url('/health');
              return [
                { name: `tls-${kind}`, type: 'http', url, tls_ca: pki.caPath },
                { name: `tls-${kind}-noverify`, type: 'http', url, tls_ca: pki.caPath, tls_verify: false },
              ];
            }),
            { name: 'pusat-dns', type: 'dns', query: 'pusat.test', server: dns.address, expect: '10.20.30.40' },
          ],
        },
        storage: { schedule: '* * * * * *', timeout: '500ms', volumes: [{ name: 'rekaman', path: volumeDir, ...NO_FILL_RATE_HALT }] },
        gate: { resume_after: `${RESUME_AFTER_MS}ms` },
      }),
    });
    await w.start();
  });

  after(async () => {
    await w?.close();
    for (const proxy of proxies.values()) await proxy.close();
    for (const { central: c } of https.values()) await c.close();
    await upstream?.close();
    await trap?.close();
    await dns?.close();
    pki?.remove();
  });

  test('healthy: every target is up and the gate is open', async () => {
    await statusUntil((s) => s.gate.state === 'allowed' && s.targets.every((t) => t.status === 'up'), 20_000, 'all up');
  });

  test('refused: the gate halts at the failure_threshold-th failure, not before', async () => {
    await proxies.get('refused')?.set({ mode: 'refuse' });
    const seen: { failures: number; gate: string }[] = [];
    const halted = await statusUntil((s) => s.gate.state === 'halted', HALT_WITHIN_MS, 'the halt', (s) =>
      seen.push({ failures: targetOf(s, 'refused').consecutive_failures, gate: s.gate.state }),
    );
    // One snapshot holds the gate and the counters together, so this is the exact rule.
    for (const snapshot of seen) assert.ok(snapshot.gate === 'allowed' || snapshot.failures >= FAILURE_THRESHOLD, JSON.stringify(snapshot));
    assert.ok(seen.some((s) => s.failures === FAILURE_THRESHOLD - 1 && s.gate === 'allowed'), 'still allowed after the 2nd failure');
    const target = targetOf(halted, 'refused');
    assert.equal(target.status, 'down');
    assert.equal(target.last_probe?.failure, 'refused');
    const reason = halted.gate.reasons.find((r) => r.code === 'CENTRAL_UNREACHABLE');
    assert.equal(reason?.cause, 'central');
    assert.equal(reason?.facts.downTargets, 'refused');
  });

  test('every fault is a failed probe of its own class, bounded by the timeout, never piling up', async (t) => {
    for (const proxy of proxies.values()) proxy.resetStats();
    for (const fault of PROXIED) await fault.fault(proxies.get(fault.name) as FaultProxy, upstream);
    upstream.answer('/moved-local', { status: 307, body: '', headers: { location: `http://127.0.0.1:${trap.port}/` } });
    for (const { central: c, bad } of https.values()) c.setCertificate(bad);
    const expected = new Map<string, string>([
      ...PROXIED.map((f): [string, string] => [f.name, f.failure]),
      ['redirect-local', 'status'],
      ...TLS_KINDS.map((kind): [string, string] => [`tls-${kind}`, 'tls']),
    ]);
    const longest = new Map<string, number>();
    let counts: (readonly [string, string, number])[] = [];
    await w.clock.until(
      async () => {
        for (const target of (await status()).targets) {
          if (target.last_probe) longest.set(target.name, Math.max(longest.get(target.name) ?? 0, target.last_probe.duration_ms));
        }
        const text = await readMetrics(w);
        counts = [...expected].map(([target, reason]) => [target, reason, metric(text, 'jaga_probe_failures_total', { target, reason })] as const);
        return counts.every(([, , count]) => count >= 4);
      },
      { virtualMs: 20_000, what: 'four failed probes of every faulty target, of its own class', describe: () => JSON.stringify(counts) },
    );
    const s = await status();
    const text = await readMetrics(w);
    for (const [name, failure] of expected) {
      const target = targetOf(s, name);
      assert.equal(target.last_probe?.failure, failure, `${name}: ${target.last_probe?.detail}`);
      assert.equal(target.status, 'down', name);
      const detail = PROXIED.find((f) => f.name === name)?.detail;
      if (detail) assert.match(target.last_probe?.detail ?? '', detail, name);
      for (const other of ['timeout', 'refused', 'reset', 'dns', 'tls', 'status', 'body', 'latency', 'unreachable', 'error']) {
        if (other !== failure) assert.equal(metric(text, 'jaga_probe_failures_total', { target: name, reason: other }), 0, `${name} also failed as ${other}`);
      }
      assert.ok((longest.get(name) ?? 0) < TIMEOUT_MS + BOUND_MARGIN_MS, `${name} took ${longest.get(name)} ms`);
      t.diagnostic(`${name}: ${failure}, longest ${longest.get(name)} ms, "${target.last_probe?.detail}"`);
    }
    for (const target of s.targets) assert.equal(metric(text, 'jaga_probe_skipped_total', { target: target.name }), 0, `${target.name} skipped`);
    for (const [name, proxy] of proxies) assert.ok(proxy.maxOpen <= 1, `${name}: ${proxy.maxOpen} connections at once`);
    const reason = s.gate.reasons.find((r) => r.code === 'CENTRAL_UNREACHABLE');
    assert.equal(s.gate.state, 'halted');
    assert.equal(reason?.cause, 'central');
    assert.deepEqual(String(reason?.facts.downTargets).split(',').sort(), [...expected.keys()].sort());
  });

  test('TLS verification is off only for the targets whose config says so', async () => {
    const s = await status();
    for (const kind of TLS_KINDS) {
      assert.equal(targetOf(s, `tls-${kind}`).last_probe?.failure, 'tls');
      const unverified = targetOf(s, `tls-${kind}-noverify`);
      assert.equal(unverified.status, 'up', `${kind} with tls_verify: false`);
      assert.equal(unverified.last_probe?.ok, true, unverified.last_probe?.detail);
    }
  });

  test('a redirect to another host is a status failure and is never followed', async () => {
    const redirect = proxies.get('redirect') as FaultProxy;
    const redirectLocal = proxies.get('redirect-local') as FaultProxy;
    // One connection per probe, one request per connection: nothing went anywhere else.
    await w.clock.until(() => upstream.requests.get('/moved') === redirect.connections && upstream.requests.get('/moved-local') === redirectLocal.connections, {
      virtualMs: 5_000,
      what: 'one request upstream per connection to the redirecting proxies',
    });
    assert.equal(trap.accepted.length, 0, 'the loopback redirect target was never contacted');
  });

  // "Same process" (process_start_time_seconds) cannot fail in process: the real-process smoke keeps it.
  test('every fault ends: the targets recover and the gate reopens', async () => {
    for (const proxy of proxies.values()) await proxy.set(PASS);
    for (const path of ['/s503', '/wrong', '/moved', '/moved-local']) upstream.answer(path, undefined);
    for (const { central: c, good } of https.values()) c.setCertificate(good);
    await statusUntil((s) => s.gate.state === 'allowed' && s.targets.every((t) => t.status === 'up'), REOPEN_WITHIN_MS, 'recovery');
  });

  for (const [what, breakDns] of [
    ['silent', () => (dns.mode = 'silent')],
    ['NXDOMAIN', () => dns.records.delete('pusat.test')],
  ] as const) {
    test(`DNS ${what}: halts with cause dns, and the failure ends when DNS answers again, without restart`, async () => {
      breakDns();
      try {
        const halted = await statusUntil((s) => hasReason(s.gate, 'CENTRAL_UNREACHABLE'), HALT_WITHIN_MS, `halt on DNS ${what}`);
        const probe = targetOf(halted, 'pusat-dns').last_probe;
        assert.equal(probe?.failure, 'dns', probe?.detail);
        assert.equal(halted.gate.reasons.find((r) => r.code === 'CENTRAL_UNREACHABLE')?.cause, 'dns');
        assert.ok((probe?.duration_ms ?? Infinity) < TIMEOUT_MS + BOUND_MARGIN_MS);
      } finally {
        dns.mode = 'answer';
        dns.records.set('pusat.test', ['10.20.30.40']);
      }
      await statusUntil((s) => s.gate.state === 'allowed', REOPEN_WITHIN_MS, `recovery after DNS ${what}`);
    });
  }
});
