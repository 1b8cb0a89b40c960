// The central server's bad days against a real jaga process on a 1 s schedule, as a smoke: a refused
// proxy, an expired certificate (verified and not) and a DNS name gone, each failing in its own class,
// then recovery in the same process. The whole matrix and the seeded flapping run on virtual time in
// test/sim/central-matrix.test.ts and test/sim/flapping.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tempVolume } from '../helpers/config.js';
import { createTestPki, validFor, type KeyPair, type TestPki } from '../helpers/certs.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { FaultProxy, PASS } from '../helpers/fault-proxy.js';
import { FakeHttpsCentral } from '../helpers/https-central.js';
import { JagaProcess } from '../helpers/jaga-process.js';
import { metric, pollUntil, readMetrics, readStatus, targetOf } from './central-support.js';

const TIMEOUT_MS = 600;
const DAY_MS = 86_400_000;
/** Three failures, a timeout, a decision tick and slack for a loaded machine; the same to recover. */
const WITHIN_MS = 3 * 1_000 + TIMEOUT_MS + 1_000 + 5_000;

describe('central faults, one real jaga process, 1 s schedule (smoke)', () => {
  let upstream: FakeHttpsCentral;
  let proxy: FaultProxy;
  let tls: FakeHttpsCentral;
  let pki: TestPki;
  let good: KeyPair;
  let dns: TestDnsServer;
  let jaga: JagaProcess;
  let startTime: number;
  const status = () => readStatus(jaga);

  before(async () => {
    upstream = await FakeHttpsCentral.start({ fallback: { status: 200, body: 'status ok' } });
    proxy = await FaultProxy.start(upstream.port);
    pki = createTestPki();
    good = pki.issue(['127.0.0.1']);
    tls = await FakeHttpsCentral.start({ tls: good });
    dns = await startDnsServer({ 'pusat.test': ['10.20.30.40'] });
    jaga = await JagaProcess.create({
      site: 'uji',
      central: {
        schedule: '* * * * * *',
        timeout: `${TIMEOUT_MS}ms`,
        failure_threshold: 3,
        recovery_threshold: 3,
        targets: [
          { name: 'refused', type: 'http', url: upstream.url('/health', proxy.address), body_contains: 'ok' },
          { name: 'tls-expired', type: 'http', url: tls.url('/health'), tls_ca: pki.caPath },
          { name: 'tls-expired-noverify', type: 'http', url: tls.url('/health'), tls_ca: pki.caPath, tls_verify: false },
          { name: 'pusat-dns', type: 'dns', query: 'pusat.test', server: dns.address, expect: '10.20.30.40' },
        ],
      },
      storage: { schedule: '* * * * * *', timeout: '500ms', volumes: [tempVolume()] },
      gate: { resume_after: '2s' },
    });
    await jaga.start();
  });

  after(async () => {
    await jaga?.cleanup();
    await proxy?.close();
    await tls?.close();
    await upstream?.close();
    await dns?.close();
    pki?.remove();
  });

  test('healthy: every target is up and the gate is open', { timeout: 30_000 }, async () => {
    await pollUntil(status, (s) => s.gate.state === 'allowed' && s.targets.every((t) => t.status === 'up'), 20_000, 'all up');
    startTime = metric(await readMetrics(jaga), 'process_start_time_seconds');
  });

  test('each fault is a failed probe of its own class and halts the gate; verification is off only where configured', { timeout: 30_000 }, async () => {
    await proxy.set({ mode: 'refuse' });
    tls.setCertificate(pki.issue(['127.0.0.1'], validFor(new Date(Date.now() - 3 * DAY_MS), new Date(Date.now() - DAY_MS))));
    dns.records.delete('pusat.test');
    const expected = { refused: 'refused', 'tls-expired': 'tls', 'pusat-dns': 'dns' } as const;
    const downTargets = (s: Awaited<ReturnType<typeof status>>) => String(s.gate.reasons.find((r) => r.code === 'CENTRAL_UNREACHABLE')?.facts.downTargets).split(',').sort();
    // The gate names a target down from its next decision, a moment after the target's own status says it.
    const halted = await pollUntil(
      status,
      (s) =>
        s.gate.state === 'halted' &&
        Object.entries(expected).every(([name, failure]) => targetOf(s, name).status === 'down' && targetOf(s, name).last_probe?.failure === failure) &&
        downTargets(s).length === Object.keys(expected).length,
      WITHIN_MS,
      'every faulty target down with its own failure, and the halt naming them',
    );
    assert.deepEqual(downTargets(halted), Object.keys(expected).sort());
    const unverified = targetOf(halted, 'tls-expired-noverify');
    assert.equal(unverified.status, 'up', unverified.last_probe?.detail);
  });

  test('every fault ends: the targets recover and the gate reopens, same process', { timeout: 30_000 }, async () => {
    await proxy.set(PASS);
    tls.setCertificate(good);
    dns.records.set('pusat.test', ['10.20.30.40']);
    await pollUntil(status, (s) => s.gate.state === 'allowed' && s.targets.every((t) => t.status === 'up'), WITHIN_MS + 2_000, 'recovery');
    assert.equal(metric(await readMetrics(jaga), 'process_start_time_seconds'), startTime);
  });
});
