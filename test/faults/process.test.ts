// Process faults against a real process (issue 7): a restart after SIGKILL while halted, and a wall-clock
// step by libfaketime. The crash loop and the full clock-step scenarios run on virtual time in
// test/sim/restart.test.ts and test/sim/clock-steps.test.ts; the soak is in `npm run bench`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tempVolume } from '../helpers/config.js';
import { FakeCentral } from '../helpers/fake-central.js';
import { hasReason, JagaProcess } from '../helpers/jaga-process.js';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../helpers/smtp-server.js';
import { readStatus } from './central-support.js';
import { FakeClock } from './faketime.js';

const KABID = 'kabid@uji.go.id';
const OPERATOR = 'ti@uji.go.id';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isResolved = (m: ReceivedMail) => /PULIH|RESOLVED/.test(m.subject ?? '');

interface World {
  central: FakeCentral;
  smtp: TestSmtpServer;
  jaga: JagaProcess;
}

/** A fake central server, a real SMTP server and jaga (1 s schedules) with two recipients. */
async function startWorld(): Promise<World> {
  const central = await FakeCentral.start(2_000);
  const smtp = await startSmtpServer();
  const jaga = await JagaProcess.create({
    central: { schedule: '* * * * * *', timeout: '500ms', failure_threshold: 2, recovery_threshold: 2, targets: [{ name: 'pusat', type: 'http', url: central.url }] },
    storage: { schedule: '* * * * * *', timeout: '500ms', volumes: [tempVolume()] },
    gate: { resume_after: '1s' },
    alerts: {
      group_wait: '1s',
      group_interval: '2s',
      repeat_interval: '1h',
      smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none', from: 'jaga <jaga@uji.go.id>', timeout: '1s' },
      outbox: { retry_initial: '500ms', retry_max: '4s', max_age: '1d' },
      recipients: [
        { name: 'Kabid', email: KABID, role: 'department_head' },
        { name: 'Operator', email: OPERATOR, role: 'operator' },
      ],
    },
  });
  return { central, smtp, jaga };
}

async function stopWorld(world: Partial<World>): Promise<void> {
  await world.jaga?.cleanup();
  await world.central?.close();
  await world.smtp?.close();
}

const haltMails = (w: World, to: string) => w.smtp.received.filter((m) => m.envelopeTo.includes(to) && !isResolved(m));
const haltsOf = (w: World) => [KABID, OPERATOR].map((to) => haltMails(w, to).length);
const probes = async (jaga: JagaProcess) =>
  Number(/^jaga_probe_duration_seconds_count\{target="pusat"\} (\d+)$/m.exec(await (await jaga.fetch('/metrics')).text())?.[1] ?? NaN);
const outboxPending = async (jaga: JagaProcess) => (await readStatus(jaga)).outbox?.pending;

describe('restart while halted: a real SIGKILL', () => {
  const w = {} as World;
  before(async () => {
    Object.assign(w, await startWorld());
    await w.jaga.start();
    await w.jaga.waitForGate((g) => g.state === 'allowed', 15_000, 'allowed');
  });
  after(() => stopWorld(w));

  test('SIGKILL while halted, then a start: halted at the first answer, with its reasons and since; no second email', async () => {
    await w.central.set('refuse');
    const { gate: halted } = await w.jaga.waitForGate((g) => hasReason(g, 'CENTRAL_UNREACHABLE'), 15_000, 'the halt');
    await w.smtp.waitFor(() => haltsOf(w).every((n) => n === 1), 15_000, 'one halt email each');
    await w.jaga.kill();
    await w.jaga.start();
    const first = await w.jaga.gate();
    assert.deepEqual([first.state, first.since, first.reasons.map((r) => r.code)], ['halted', halted.since, ['CENTRAL_UNREACHABLE']]);
    // Three probe rounds (group_wait is 1 s) and an empty outbox: a second email would have gone by now.
    await w.jaga.waitFor(async () => (await probes(w.jaga)) >= 3 && (await outboxPending(w.jaga)) === 0, 15_000, 'three rounds and an empty outbox');
    assert.deepEqual(haltsOf(w), [1, 1], 'still one halt email each');
  });
});

describe('a wall-clock step (libfaketime) of a real process: no burst of probes or emails', () => {
  const w = {} as World;
  let clock: FakeClock;
  before(async () => {
    Object.assign(w, await startWorld());
    clock = new FakeClock(w.jaga.dir);
    await w.jaga.start(15_000, clock.env());
    await w.jaga.waitForGate((g) => g.state === 'allowed', 15_000, 'allowed');
  });
  after(() => stopWorld(w));

  test('two hours forward while healthy: probes keep their pace, the gate stays open, no email, one line for the step', async () => {
    const mails = w.smtp.received.length;
    const first = await probes(w.jaga);
    const states = new Set<string>();
    const reasons = new Set<string>();
    clock.set(2 * 3_600);
    // A window of real time: the pace of the real timers is what is watched. Read every 200 ms.
    const end = Date.now() + 8_000;
    while (Date.now() < end) {
      const gate = await w.jaga.gate();
      states.add(gate.state);
      for (const r of gate.reasons) reasons.add(r.code);
      await sleep(200);
    }
    const seen = (await probes(w.jaga)) - first;
    assert.ok(seen >= 5 && seen <= 10, `${seen} probes in 8 s`);
    assert.deepEqual([...states], ['allowed'], `no halt from probes that only look old: ${[...reasons].join(',')}`);
    assert.equal(w.smtp.received.length, mails);
    const lines = w.jaga.logs.split('\n');
    assert.equal(lines.filter((line) => line.includes('skipped this run')).length, 0, 'no probe run skipped');
    const steps = lines.filter((line) => /the wall clock stepped forward/.test(line)).length;
    assert.ok(steps >= 1 && steps <= 2, `${steps} "the wall clock stepped" lines for one step`);
  });
});
