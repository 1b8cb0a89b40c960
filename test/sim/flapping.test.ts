// Flapping on virtual time: jaga in process behind a seeded 30% loss proxy, with a real SMTP server,
// its metrics read every 100 ms of virtual time. Transitions bounded by hysteresis, emails bounded,
// metrics showing what happened.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FaultProxy, PASS } from '../helpers/fault-proxy.js';
import { FakeHttpsCentral } from '../helpers/https-central.js';
import { countLoss, metric, readMetrics, readStatus, stateChanges } from '../faults/central-support.js';
import { World } from './world.js';
import { NO_FILL_RATE_HALT } from '../helpers/config.js';

/** 90 s of virtual time by default; JAGA_SOAK=1 flaps for 10 minutes. */
const FLAP_MS = (process.env.JAGA_SOAK === '1' ? 600 : 90) * 1_000;
/** Seed 20 drops 30 of the first 90 connections, with three runs of 3+ drops among them. */
const LOSS = { mode: 'loss', p: 0.3, seed: 20, drop: 'silent' } as const;
/** The hysteresis the bounds are computed from. */
const F = 3;
const R = 3;
const GROUP_INTERVAL_MS = 5_000;
const RECIPIENTS = ['kabid@uji.go.id', 'ti@uji.go.id'];

let upstream: FakeHttpsCentral;
let proxy: FaultProxy;
let w: World;

before(async () => {
  upstream = await FakeHttpsCentral.start();
  proxy = await FaultProxy.start(upstream.port);
  w = await World.create({
    config: ({ smtp, volumeDir }) => ({
      site: 'flap',
      central: {
        schedule: '* * * * * *',
        timeout: '600ms',
        failure_threshold: F,
        recovery_threshold: R,
        targets: [{ name: 'pusat-api', type: 'http', url: upstream.url('/health', proxy.address), body_contains: 'ok' }],
      },
      storage: { schedule: '* * * * * *', timeout: '500ms', volumes: [{ name: 'rekaman', path: volumeDir, ...NO_FILL_RATE_HALT }] },
      gate: { resume_after: '3s' },
      alerts: {
        group_wait: '1s',
        group_interval: `${GROUP_INTERVAL_MS}ms`,
        repeat_interval: '1h',
        smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none', from: 'jaga <jaga@uji.go.id>', timeout: '2s' },
        outbox: { retry_initial: '200ms', retry_max: '1s', max_age: '1h' },
        recipients: [
          { name: 'Kabid PIAK', email: RECIPIENTS[0], role: 'department_head' },
          { name: 'Operator TI', email: RECIPIENTS[1], role: 'operator', language: 'en' },
        ],
      },
    }),
  });
  await w.start();
  await w.waitForGate((g) => g.state === 'allowed', 20_000, 'the gate to open');
  // The opening transition lies at this very instant: the loss starts later, or history's inclusive
  // `since` would count it among the flapping's transitions.
  await w.clock.advance(1_000);
});

after(async () => {
  await w?.close();
  await proxy?.close();
  await upstream?.close();
});

test('flapping at 30% seeded loss: transitions bounded by hysteresis, emails bounded, metrics show it', async (t) => {
  const haltedTransitionsBefore = metric(await readMetrics(w), 'jaga_gate_transitions_total', { to: 'halted' });
  proxy.resetStats();
  await proxy.set(LOSS);
  const lossStartedAt = w.clock.now();
  // Values of jaga_target_consecutive_failures and jaga_target_up seen while flapping.
  const consecutiveFailuresSeen = new Set<number>();
  const upSeen = new Set<number>();
  for (let flapped = 0; flapped < FLAP_MS; flapped += 100) {
    const text = await readMetrics(w);
    consecutiveFailuresSeen.add(metric(text, 'jaga_target_consecutive_failures', { target: 'pusat-api' }));
    upSeen.add(metric(text, 'jaga_target_up', { target: 'pusat-api' }));
    await w.clock.advance(100);
  }
  await proxy.set(PASS);
  await w.waitForGate((g) => g.state === 'allowed', 20_000, 'the gate to reopen after the flapping');
  const outboxEmpty = () => w.clock.until(async () => (await readStatus(w)).outbox?.pending === 0, { virtualMs: 15_000, what: 'the outbox to drain' });
  await outboxEmpty();
  // Anything still grouped goes out within group_interval: wait it out, then count.
  await w.clock.advance(GROUP_INTERVAL_MS + 2_000);
  await outboxEmpty();
  const emails = Object.fromEntries(RECIPIENTS.map((r) => [r, w.smtp.received.filter((m) => m.envelopeTo.includes(r)).length]));
  const text = await readMetrics(w);

  const loss = countLoss(proxy.log, F);
  const changes = await stateChanges(w, lossStartedAt);
  const halts = changes.filter((c) => c.to === 'halted').length;
  t.diagnostic(`probes ${loss.probes}, drops ${loss.drops}, flips ${loss.flips}, runs >= ${F}: ${loss.longRuns}`);
  t.diagnostic(`gate transitions ${changes.length} (halts ${halts}); emails per recipient ${JSON.stringify(emails)}`);
  t.diagnostic(`consecutive_failures seen ${[...consecutiveFailuresSeen].sort().join(',')}; up seen ${[...upSeen].join(',')}`);

  // The seed was chosen so that the sequence holds runs long enough to take the target down.
  assert.ok(loss.longRuns >= 1, 'the seeded sequence has a run of failure_threshold drops');
  // A halt needs failure_threshold drops in a row (to go down) after recovery_threshold passes (to be
  // up again): so halts <= runs of >= failure_threshold drops <= probes / (F + R) + 1, and each halt
  // is at most two transitions (halt, resume).
  assert.ok(halts >= 1, 'a long enough run of drops halted the gate');
  assert.ok(halts <= loss.longRuns, `${halts} halts from ${loss.longRuns} long runs`);
  assert.ok(halts <= Math.ceil(loss.probes / (F + R)) + 1);
  assert.ok(changes.length <= 2 * halts, `${changes.length} transitions`);
  for (const [recipient, count] of Object.entries(emails)) {
    assert.ok(count >= 1 && count <= changes.length, `${recipient}: ${count} emails for ${changes.length} transitions`);
  }
  // What Prometheus sees: every drop counted as a timeout, nothing else, nothing skipped.
  assert.equal(metric(text, 'jaga_probe_failures_total', { target: 'pusat-api', reason: 'timeout' }), loss.drops);
  assert.equal(metric(text, 'jaga_probe_skipped_total', { target: 'pusat-api' }), 0);
  assert.equal(metric(text, 'jaga_gate_transitions_total', { to: 'halted' }) - haltedTransitionsBefore, halts);
  assert.ok(Math.max(...consecutiveFailuresSeen) >= F && consecutiveFailuresSeen.has(0));
  assert.ok(upSeen.has(0) && upSeen.has(1), 'jaga_target_up went down and up');
  assert.ok(proxy.maxOpen <= 1, `${proxy.maxOpen} probe connections at once`);
});
