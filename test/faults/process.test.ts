// Process and state faults (issue 7): restart while halted, a crash loop, wall-clock steps (libfaketime),
// and a long run whose memory, descriptors and database stay flat (2 min; JAGA_SOAK=1: 10 min). Real processes.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FakeCentral, type CentralMode } from '../helpers/fake-central.js';
import { hasReason, JagaProcess } from '../helpers/jaga-process.js';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../helpers/smtp-server.js';
import { FakeClock } from './faketime.js';
import { judgeFlatness, sampleProcess, type ProcessSample } from './soak.js';

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
async function startWorld(extra: Record<string, unknown> = {}, alerts: Record<string, unknown> = {}): Promise<World> {
  const central = await FakeCentral.start(2_000);
  const smtp = await startSmtpServer();
  const jaga = await JagaProcess.create({
    central: { schedule: '* * * * * *', timeout: '500ms', failure_threshold: 2, recovery_threshold: 2, targets: [{ name: 'pusat', type: 'http', url: central.url }] },
    storage: { schedule: '* * * * * *', timeout: '500ms', volumes: [{ name: 'rekaman', path: mkdtempSync(join(tmpdir(), 'jaga-vol-')) }] },
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
      ...alerts,
    },
    ...extra,
  });
  return { central, smtp, jaga };
}

async function stopWorld(world: Partial<World>): Promise<void> {
  await world.jaga?.cleanup();
  await world.central?.close();
  await world.smtp?.close();
}

const haltMails = (w: World, to: string, from = 0) => w.smtp.received.slice(from).filter((m) => m.envelopeTo.includes(to) && !isResolved(m));
const haltsOf = (w: World, from = 0) => [KABID, OPERATOR].map((to) => haltMails(w, to, from).length);
const probes = async (jaga: JagaProcess) =>
  Number(/^jaga_probe_duration_seconds_count\{target="pusat"\} (\d+)$/m.exec(await (await jaga.fetch('/metrics')).text())?.[1] ?? NaN);

describe('restart while halted, and a crash loop', () => {
  const w = {} as World;
  before(async () => {
    Object.assign(w, await startWorld());
    await w.jaga.start();
    await w.jaga.waitForGate((g) => g.state === 'allowed', 15_000, 'allowed');
  });
  after(() => stopWorld(w));

  test('a clean restart while halted: halted at the first answer, with its reasons and since; no second email', async () => {
    await w.central.set('refuse');
    const { gate: halted } = await w.jaga.waitForGate((g) => hasReason(g, 'CENTRAL_UNREACHABLE'), 15_000, 'the halt');
    await w.smtp.waitFor(() => haltsOf(w).every((n) => n === 1), 15_000, 'one halt email each');
    assert.equal(await w.jaga.stop(), 0);
    await w.jaga.start();
    const first = await w.jaga.gate();
    assert.deepEqual([first.state, first.since, first.reasons.map((r) => r.code)], ['halted', halted.since, ['CENTRAL_UNREACHABLE']]);
    await w.jaga.waitFor(async () => (await w.jaga.fetch('/readyz')).status === 200, 10_000, 'the first round');
    await sleep(4_000);
    assert.deepEqual(haltsOf(w), [1, 1], 'still one halt email each');
  });

  test('SIGKILL and restart five times in a row as an outage begins: one halt email per recipient', async () => {
    await w.central.set('ok');
    await w.jaga.waitForGate((g) => g.state === 'allowed', 15_000, 'recovery');
    await w.smtp.waitFor(() => w.smtp.received.filter(isResolved).length === 2, 15_000, 'the resolved emails');
    await sleep(3_000);
    const from = w.smtp.received.length;
    await w.central.set('refuse');
    for (const lifeMs of [300, 900, 1_600, 2_400, 3_500]) {
      await sleep(lifeMs);
      await w.jaga.kill();
      await w.jaga.start();
    }
    await w.jaga.waitForGate((g) => hasReason(g, 'CENTRAL_UNREACHABLE'), 15_000, 'halted after the crash loop');
    await w.smtp.waitFor(() => haltsOf(w, from).every((n) => n >= 1), 15_000, 'the halt email');
    await sleep(5_000);
    assert.deepEqual(haltsOf(w, from), [1, 1], 'exactly one halt email per recipient, not one per restart');
    assert.equal(w.smtp.received.length, from + 2);
  });
});

describe('wall-clock steps (libfaketime): no burst of probes or emails', () => {
  const w = {} as World;
  let clock: FakeClock;
  const HOUR_S = 3_600;
  before(async () => {
    Object.assign(w, await startWorld());
    clock = new FakeClock(w.jaga.dir);
    await w.jaga.start(15_000, clock.env());
    await w.jaga.waitForGate((g) => g.state === 'allowed', 15_000, 'allowed');
  });
  after(() => stopWorld(w));

  /** Probes and gate answers over `ms` of real time, read every 200 ms. */
  async function watch(ms: number): Promise<{ probes: number; states: Set<string>; reasons: Set<string> }> {
    const first = await probes(w.jaga);
    const states = new Set<string>();
    const reasons = new Set<string>();
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const gate = await w.jaga.gate();
      states.add(gate.state);
      for (const r of gate.reasons) reasons.add(r.code);
      await sleep(200);
    }
    return { probes: (await probes(w.jaga)) - first, states, reasons };
  }

  test('two hours forward while healthy: probes keep their pace, the gate stays open, no email', async () => {
    const mails = w.smtp.received.length;
    clock.set(2 * HOUR_S);
    const seen = await watch(8_000);
    assert.ok(seen.probes >= 5 && seen.probes <= 10, `${seen.probes} probes in 8 s`);
    assert.deepEqual([...seen.states], ['allowed'], `no halt from probes that only look old: ${[...seen.reasons].join(',')}`);
    assert.equal(w.smtp.received.length, mails);
  });

  test('during an outage with the mail server refusing: a step forward and one back keep one halt email each, no repeat, no "resolved"; the outbox keeps its pace', async () => {
    await w.smtp.refuseService();
    await w.central.set('refuse');
    await w.jaga.waitForGate((g) => hasReason(g, 'CENTRAL_UNREACHABLE'), 15_000, 'the halt');
    await sleep(3_000); // the halt emails are queued and retried
    const connections = w.smtp.connections;
    clock.set(4 * HOUR_S); // two more hours: past repeat_interval (1h), and every retry "due"
    await sleep(5_000);
    const attempts = w.smtp.connections - connections;
    assert.ok(attempts <= 4, `${attempts} connection attempts in the 5 s after the step`);
    // Back by more than the alerts' age: their start would lie in the future.
    clock.set(4 * HOUR_S - 15);
    await sleep(3_000);
    assert.equal((await w.jaga.gate()).state, 'halted');
    await w.smtp.start();
    await w.smtp.waitFor(() => haltsOf(w).every((n) => n >= 1), 10_000, 'the halt emails, without waiting for the clock to catch up');
    await sleep(5_000);
    assert.deepEqual(haltsOf(w), [1, 1], 'one halt email each: no repeat after the step forward');
    assert.equal(w.smtp.received.filter(isResolved).length, 0, 'no "resolved" after the step back');
  });

  test('after a step back the gate never stays open on old probe results', async () => {
    await w.central.set('ok');
    await w.jaga.waitForGate((g) => g.state === 'allowed', 30_000, 'recovery');
    clock.set(4 * HOUR_S - 315); // five minutes back
    const seen = await watch(8_000);
    // Either probes go on (the scheduler coped) or the gate halts with PROBES_STALE; never open and blind.
    assert.ok(seen.probes >= 5 || seen.reasons.has('PROBES_STALE'), `${seen.probes} probes, reasons ${[...seen.reasons].join(',')}`);
  });

  test('probes keep their cadence after a step back', async () => {
    const seen = await watch(4_000);
    assert.ok(seen.probes >= 3, `${seen.probes} probes in 4 s`);
  });

  test('the steps neither stall the probes nor flood the log: no run skipped, one line per step', () => {
    const lines = w.jaga.logs.split('\n');
    const skipped = lines.filter((line) => line.includes('skipped this run')).length;
    assert.equal(skipped, 0, `${skipped} probe runs skipped`);
    // Four steps were made (two forward, two back): each is said about once, not once per probe or second.
    const steps = lines.filter((line) => /the wall clock stepped (forward|back)/.test(line)).length;
    assert.ok(steps >= 4 && steps <= 8, `${steps} "the wall clock stepped" lines for 4 steps`);
  });
});

describe('a long run with faults cycling', () => {
  const SOAK_MS = process.env.JAGA_SOAK === '1' ? 10 * 60_000 : 2 * 60_000;
  const CYCLE: readonly CentralMode[] = ['refuse', 'ok', 'error500', 'ok', 'blackhole', 'ok', 'reset', 'ok', 'slow', 'ok', 'flap', 'ok'];
  const w = {} as World;
  before(async () => {
    Object.assign(
      w,
      await startWorld(
        { store: { sample_retention: '30s', transition_retention: '30s' } },
        { repeat_interval: '10s', rules: { jaga_degraded: { for: '5s' } }, outbox: { retry_initial: '200ms', retry_max: '2s', max_age: '20s' } },
      ),
    );
    await w.jaga.start();
  });
  after(() => stopWorld(w));

  test(`memory, open descriptors and database size stay flat (${SOAK_MS / 60_000} min at 1 s)`, async () => {
    const samples: ProcessSample[] = [];
    const started = Date.now();
    let step = 0;
    let readers = 0;
    const stop = { now: false };
    const reading = (async () => {
      while (!stop.now) {
        await Promise.all(['/api/v1/gate', '/metrics', '/api/v1/history', '/status'].map((path) => w.jaga.fetch(path).then((r) => r.arrayBuffer())));
        readers += 1;
        await sleep(100);
      }
    })();
    while (Date.now() - started < SOAK_MS) {
      await w.central.set(CYCLE[step % CYCLE.length] as CentralMode);
      if (step % 8 === 4) await w.smtp.stop();
      if (step % 8 === 7) await w.smtp.start();
      step += 1;
      for (let i = 0; i < 3; i += 1) {
        await sleep(2_000);
        const pid = w.jaga.pid;
        assert.ok(pid !== undefined, 'jaga is alive');
        samples.push(sampleProcess(pid, join(w.jaga.dir, 'data')));
      }
    }
    stop.now = true;
    await reading;
    if (w.smtp.mode !== 'up') await w.smtp.start();
    const flat = judgeFlatness(samples);
    assert.ok(flat.ok, flat.report);
    assert.ok(w.smtp.received.length > 0 && readers > 100, `the run did work: ${w.smtp.received.length} emails, ${readers} reads`);
    assert.equal((await w.jaga.fetch('/healthz')).status, 200);
    console.log(`soak: ${flat.report}; ${w.smtp.received.length} emails; ${readers} read rounds`);
  });
});
