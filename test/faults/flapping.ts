// The flapping scenario's moving parts: jaga as a real process behind a seeded 30% loss proxy, with a
// real SMTP server, sampled in the background while other tests run. Process and loopback I/O.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultProxy, PASS } from '../helpers/fault-proxy.js';
import { FakeHttpsCentral } from '../helpers/https-central.js';
import { JagaProcess } from '../helpers/jaga-process.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';
import { metric, pollUntil, readMetrics, readStatus } from './central-support.js';

/** ~90 s by default; JAGA_SOAK=1 flaps for 10 minutes. */
export const FLAP_MS = (process.env.JAGA_SOAK === '1' ? 600 : 90) * 1_000;
/** Seed 20 drops 30 of the first 90 connections, with three runs of 3+ drops among them. */
export const LOSS = { mode: 'loss', p: 0.3, seed: 20, drop: 'silent' } as const;
/** The hysteresis the bounds are computed from. */
export const FLAP_THRESHOLDS = { failure: 3, recovery: 3 } as const;
const GROUP_INTERVAL_MS = 5_000;
const RECIPIENTS = ['kabid@uji.go.id', 'ti@uji.go.id'];

export interface FlapResult {
  readonly lossStartedAt: number;
  readonly emails: Record<string, number>;
  readonly metrics: string;
  readonly haltedTransitionsBefore: number;
  /** Values of jaga_target_consecutive_failures and jaga_target_up seen while flapping. */
  readonly consecutiveFailuresSeen: Set<number>;
  readonly upSeen: Set<number>;
}

export interface Flapping {
  readonly proxy: FaultProxy;
  readonly jaga: JagaProcess;
  /** Waits out the flapping, ends the loss, lets jaga and its outbox settle, and reads the outcome. */
  finish(): Promise<FlapResult>;
  cleanup(): Promise<void>;
}

export async function startFlapping(): Promise<Flapping> {
  const upstream = await FakeHttpsCentral.start();
  const proxy = await FaultProxy.start(upstream.port);
  const smtp: TestSmtpServer = await startSmtpServer();
  const jaga = await JagaProcess.create({
    site: 'flap',
    central: {
      schedule: '* * * * * *',
      timeout: '600ms',
      failure_threshold: FLAP_THRESHOLDS.failure,
      recovery_threshold: FLAP_THRESHOLDS.recovery,
      targets: [{ name: 'pusat-api', type: 'http', url: upstream.url('/health', proxy.address), body_contains: 'ok' }],
    },
    storage: { schedule: '* * * * * *', timeout: '500ms', volumes: [{ name: 'rekaman', path: mkdtempSync(join(tmpdir(), 'jaga-vol-')) }] },
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
  });
  const cleanup = async () => {
    await jaga.cleanup();
    await proxy.close();
    await upstream.close();
    await smtp.close();
  };
  try {
    await jaga.start();
    await jaga.waitForGate((g) => g.state === 'allowed', 20_000, 'the flapping process to open');
  } catch (error) {
    await cleanup();
    throw error;
  }
  const haltedTransitionsBefore = metric(await readMetrics(jaga), 'jaga_gate_transitions_total', { to: 'halted' });
  proxy.resetStats();
  await proxy.set(LOSS);
  const lossStartedAt = Date.now();
  const consecutiveFailuresSeen = new Set<number>();
  const upSeen = new Set<number>();
  const sampling = (async () => {
    // Bounded by time (the flap's length) and so by count (one read per 100 ms). A run of exactly
    // failure_threshold drops shows its count for only ~400 ms (from the last timeout, 600 ms into its
    // second, to the next probe's success): reading every 500 ms missed all three such runs once.
    while (Date.now() < lossStartedAt + FLAP_MS) {
      const text = await readMetrics(jaga).catch(() => '');
      const failures = metric(text, 'jaga_target_consecutive_failures', { target: 'pusat-api' });
      const up = metric(text, 'jaga_target_up', { target: 'pusat-api' });
      if (!Number.isNaN(failures)) consecutiveFailuresSeen.add(failures);
      if (!Number.isNaN(up)) upSeen.add(up);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();

  return {
    proxy,
    jaga,
    cleanup,
    async finish() {
      await sampling;
      await proxy.set(PASS);
      await jaga.waitForGate((g) => g.state === 'allowed', 20_000, 'the gate to reopen after the flapping');
      await pollUntil(() => readStatus(jaga), (s) => s.outbox?.pending === 0, 15_000, 'the outbox to drain');
      // Anything still grouped goes out within group_interval: wait it out, then count.
      await new Promise((resolve) => setTimeout(resolve, GROUP_INTERVAL_MS + 2_000));
      await pollUntil(() => readStatus(jaga), (s) => s.outbox?.pending === 0, 15_000, 'the outbox to drain');
      const emails = Object.fromEntries(RECIPIENTS.map((r) => [r, smtp.received.filter((m) => m.envelopeTo.includes(r)).length]));
      return { lossStartedAt, emails, metrics: await readMetrics(jaga), haltedTransitionsBefore, consecutiveFailuresSeen, upSeen };
    },
  };
}
