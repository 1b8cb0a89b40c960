// Detection and decision-to-email, against a real jaga: blackhole the central target (a server that
// accepts and never answers), poll the gate until it is halted, then wait for the SMTP server on
// 127.0.0.1 to accept the alert; recover and repeat. Loopback network I/O, bounded in time.
import { FakeCentral } from '../test/helpers/fake-central.js';
import { startSmtpServer } from '../test/helpers/smtp-server.js';
import { sleep } from './measure.js';
import { join } from 'node:path';
import { cronEvery, JagaSubject, makeDir } from './subjects/jaga.js';

export interface DetectionPlan {
  readonly trials: number;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly failureThreshold: number;
  readonly pollMs: number;
}

export interface DetectionTrial {
  /** From the blackhole to jaga's decision (the gate's `since`). */
  readonly detectionMs: number;
  /** From the blackhole to the first poll that saw `halted` (what a station would see). */
  readonly seenMs: number;
  /** From jaga's decision to the SMTP server's acceptance of the first message after it. */
  readonly decisionToEmailMs: number;
}

export interface DetectionFigures {
  readonly boundMs: number;
  readonly trials: readonly DetectionTrial[];
}

interface GateJson {
  readonly state: 'allowed' | 'halted';
  readonly since: string;
  readonly reasons: readonly { readonly code: string }[];
}

const STEP_DEADLINE_MS = 30_000;

export async function measureDetection(plan: DetectionPlan, how: { nodeFlags?: readonly string[]; bin?: string } = {}): Promise<DetectionFigures> {
  const central = await FakeCentral.start(1_000);
  const smtp = await startSmtpServer();
  let jaga: JagaSubject | undefined;
  try {
    jaga = await JagaSubject.start(
      (dir) => ({
        site: 'bench',
        central: {
          schedule: cronEvery(plan.intervalMs),
          timeout: `${plan.timeoutMs}ms`,
          failure_threshold: plan.failureThreshold,
          recovery_threshold: 1,
          targets: [{ name: 'pusat-api', type: 'http', url: central.url, expect_json: { field: 'status', equals: 'ok' } }],
        },
        storage: { schedule: '*/10 * * * * *', volumes: [{ name: 'rekaman', path: makeDir(join(dir, 'volume')) }] },
        gate: { resume_after: '1s' },
        alerts: {
          language: 'en',
          group_wait: '0s',
          group_interval: '1s',
          send_resolved: false,
          rules: { recording_halted: { for: '0s' }, central_unreachable: { for: '0s' } },
          smtp: { host: smtp.host, port: smtp.port, tls: 'none', from: 'jaga <jaga@bench.invalid>' },
          recipients: [{ name: 'Operator', email: 'operator@bench.invalid', role: 'operator' }],
        },
      }),
      { label: 'jaga detection', ...how },
    );
    const subject = jaga;
    const gate = async (): Promise<GateJson | undefined> => {
      const { status, text } = await subject.get('/api/v1/gate');
      return status === 200 ? (JSON.parse(text) as GateJson) : undefined;
    };
    const waitGate = async (predicate: (g: GateJson) => boolean, what: string): Promise<{ gate: GateJson; at: number }> => {
      const deadline = Date.now() + STEP_DEADLINE_MS;
      for (;;) {
        const g = await gate();
        if (g && predicate(g)) return { gate: g, at: Date.now() };
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last ${JSON.stringify(g)}\n${subject.logs}`);
        await sleep(plan.pollMs);
      }
    };
    const trials: DetectionTrial[] = [];
    for (let trial = 0; trial < plan.trials; trial += 1) {
      await waitGate((g) => g.state === 'allowed', 'the gate to be allowed');
      // Start at a random point of the probe interval: detection depends on where the fault falls.
      await sleep(Math.random() * plan.intervalMs);
      const mailsBefore = smtp.received.length;
      const blackholedAt = Date.now();
      await central.set('blackhole');
      const halted = await waitGate((g) => g.state === 'halted' && g.reasons.some((r) => r.code === 'CENTRAL_UNREACHABLE'), 'the gate to halt');
      const decidedAt = Date.parse(halted.gate.since);
      const mailDeadline = Date.now() + STEP_DEADLINE_MS;
      while (smtp.received.length === mailsBefore) {
        if (Date.now() > mailDeadline) throw new Error(`no alert email within ${STEP_DEADLINE_MS} ms\n${subject.logs}`);
        await sleep(2);
      }
      const acceptedAt = Date.now();
      trials.push({ detectionMs: decidedAt - blackholedAt, seenMs: halted.at - blackholedAt, decisionToEmailMs: acceptedAt - decidedAt });
      await central.set('ok');
    }
    return { boundMs: plan.failureThreshold * plan.intervalMs + plan.timeoutMs, trials };
  } finally {
    await jaga?.stop();
    await smtp.close();
    await central.close();
  }
}
