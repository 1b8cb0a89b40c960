// Gate actions end to end: jaga as a real process (the built dist/), a fake central server, a webhook
// receiver and real files and programs on this machine. The halt file follows the gate, the receiver
// gets each transition once, signed, also after being down, and not again after a restart; a hanging
// command is killed at its timeout and logged.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tempVolume } from '../helpers/config.js';
import { FakeCentral } from '../helpers/fake-central.js';
import { hasReason, JagaProcess } from '../helpers/jaga-process.js';
import { signatureValid, WebhookReceiver, type ReceivedHook } from '../helpers/webhook-receiver.js';
import { waitFor } from '../helpers/wait.js';

const SECRET = 'rahasia-kantor-uji-0123456789';
const SITE = 'palangkaraya';

let central: FakeCentral;
let receiver: WebhookReceiver;
let jaga: JagaProcess;
let haltFile: string;
let commandLog: string;
let savedSecret: string | undefined;

interface GateEvent {
  event: string;
  id: string;
  site: string;
  from: string | null;
  to: string;
  state: string;
  since: string;
}
const event = (hook: ReceivedHook) => JSON.parse(hook.body) as GateEvent;
const events = () => receiver.received.map(event);
const lastEvent = () => events().at(-1);
const commandRuns = () => (existsSync(commandLog) ? readFileSync(commandLog, 'utf8').split('\n').filter(Boolean) : []);

async function outage(): Promise<void> {
  await central.set('refuse');
  await jaga.waitForGate((g) => g.state === 'halted' && hasReason(g, 'CENTRAL_UNREACHABLE'), 15_000, 'the outage to halt the gate');
}

async function recovery(): Promise<void> {
  await central.set('ok');
  await jaga.waitForGate((g) => g.state === 'allowed', 15_000, 'recovery');
}

before(async () => {
  savedSecret = process.env.JAGA_WEBHOOK_SECRET;
  process.env.JAGA_WEBHOOK_SECRET = SECRET; // JagaProcess passes process.env on to jaga
  central = await FakeCentral.start();
  receiver = await WebhookReceiver.start();
  const work = mkdtempSync(join(tmpdir(), 'jaga-actions-it-'));
  haltFile = join(work, 'station', 'HALT');
  mkdirSync(join(work, 'station')); // jaga makes the file, never its directory
  commandLog = join(work, 'command-runs');
  const hangWhileHalted = `if (process.env.JAGA_GATE_STATE === 'halted') setInterval(() => {}, 1000)`;
  const record = `require('node:fs').appendFileSync(process.argv[1], process.env.JAGA_GATE_STATE + ' ' + process.env.JAGA_GATE_REASONS + '\\n')`;
  jaga = await JagaProcess.create({
    site: SITE,
    central: {
      schedule: '* * * * * *',
      timeout: '500ms',
      failure_threshold: 2,
      recovery_threshold: 2,
      targets: [{ name: 'pusat-api', type: 'http', url: central.url }],
    },
    storage: { schedule: '* * * * * *', timeout: '500ms', volumes: [tempVolume()] },
    gate: { resume_after: '1s' },
    gate_actions: [
      { type: 'halt_file', path: haltFile },
      { type: 'webhook', url: receiver.url(), timeout: '1s', max_age: '1h' },
      { type: 'command', command: [process.execPath, '-e', record, commandLog], timeout: '5s', retries: 1 },
      // Hangs while halted; ends at once while allowed, so a graceful stop at the end leaves nothing behind.
      { type: 'command', command: [process.execPath, '-e', hangWhileHalted], timeout: '500ms', retries: 0 },
    ],
  });
  await jaga.start();
  await jaga.waitForGate((g) => g.state === 'allowed', 15_000, 'allowed');
});

after(async () => {
  // Gracefully first: commands jaga runs are in their own process groups, which a SIGKILL of jaga leaves alone.
  await jaga?.stop();
  await jaga?.cleanup();
  await central?.close();
  await receiver?.close();
  if (savedSecret === undefined) delete process.env.JAGA_WEBHOOK_SECRET;
  else process.env.JAGA_WEBHOOK_SECRET = savedSecret;
});

describe('gate actions with jaga as a real process', () => {
  test('on start: no halt file while allowed, the receiver and the command learn the state', async () => {
    await waitFor(() => lastEvent()?.to === 'allowed' && commandRuns().at(-1) === 'allowed ', 15_000, 'the first state to be handed on', { describe: () => JSON.stringify(events()) });
    // If jaga hands on its stored or starting gate (halted, STARTING) before the first probe round, the
    // file may have been there a moment; allowed now, it must be gone.
    await waitFor(() => !existsSync(haltFile), 5_000, 'no halt file while allowed');
    assert.equal(events()[0]?.from, null, 'the first state ever handled comes from nothing');
  });

  test('an outage: the halt file appears, the receiver gets allowed -> halted once, signed; the command runs', async () => {
    const before = receiver.received.length;
    await outage();
    await waitFor(() => existsSync(haltFile), 10_000, 'the halt file');
    const content = JSON.parse(readFileSync(haltFile, 'utf8')) as { state: string; reasons: string[] };
    assert.equal(content.state, 'halted');
    assert.ok(content.reasons.includes('CENTRAL_UNREACHABLE'));
    await waitFor(() => receiver.received.length === before + 1, 10_000, 'the halt delivery');
    const hook = receiver.received.at(-1)!;
    assert.ok(signatureValid(SECRET, hook), 'valid HMAC with JAGA_WEBHOOK_SECRET');
    assert.deepEqual([event(hook).event, event(hook).site, event(hook).from, event(hook).to], ['gate.transition', SITE, 'allowed', 'halted']);
    assert.equal(hook.headers['x-jaga-delivery'], event(hook).id);
    assert.ok(!hook.body.includes('127.0.0.1'), 'the public view: no internal host or address');
    await waitFor(() => commandRuns().at(-1)?.startsWith('halted CENTRAL_UNREACHABLE') === true, 10_000, 'the command with the halted state');
  });

  test('a hanging command is killed at its timeout and logged', async () => {
    await waitFor(() => /command timed out after 500 ms and was killed/.test(jaga.logs), 10_000, 'the timeout in the log');
  });

  test('the receiver down for a while: recovery and a second outage arrive once each, in order, when it is back', async () => {
    await receiver.close();
    const before = receiver.received.length;
    await recovery();
    await waitFor(() => !existsSync(haltFile), 10_000, 'the halt file to go');
    await outage();
    await waitFor(() => /webhook not delivered; will retry/.test(jaga.logs), 10_000, 'a failed attempt while down');
    await receiver.listen();
    await waitFor(() => receiver.received.length >= before + 2, 15_000, 'both deliveries');
    assert.deepEqual(
      receiver.received.slice(before).map((r) => [event(r).from, event(r).to]),
      [
        ['halted', 'allowed'],
        ['allowed', 'halted'],
      ],
    );
    assert.ok(receiver.received.every((r) => signatureValid(SECRET, r)));
  });

  test('SIGKILL and restart while still halted: nothing delivered again; the recovery after it once', async () => {
    const before = receiver.received.length;
    // Both halts' hanging commands have been killed, so the SIGKILL below leaves no orphan behind.
    await waitFor(() => (jaga.logs.match(/command timed out after 500 ms and was killed/g) ?? []).length >= 2, 10_000, 'the second hang to be killed');
    // A kill between the receiver's 2xx and jaga storing it sends that delivery again (at least once,
    // same x-jaga-delivery): this test is about restarts, so the kill waits until every one is stored.
    await waitFor(() => (jaga.logs.match(/"msg":"webhook delivered"/g) ?? []).length >= receiver.received.length, 10_000, 'every received delivery stored as delivered');
    await jaga.kill();
    await jaga.start();
    await jaga.waitForGate((g) => g.state === 'halted', 15_000, 'still halted after restart');
    assert.ok(existsSync(haltFile), 'the halt file stays while halted');
    await recovery();
    await waitFor(() => receiver.received.length === before + 1, 15_000, 'the recovery delivery');
    assert.deepEqual([lastEvent()?.from, lastEvent()?.to], ['halted', 'allowed']);
    await waitFor(() => !existsSync(haltFile), 10_000, 'the halt file to go');
  });

  test('every delivery arrived exactly once, and they chain: each one starts where the previous ended', () => {
    const ids = receiver.received.map((r) => r.headers['x-jaga-delivery']);
    assert.equal(new Set(ids).size, ids.length, `no duplicates in ${ids.join(', ')}`);
    const all = events();
    assert.ok(all.length >= 5, `start, outage, recovery, outage, recovery: got ${all.length}`);
    for (let i = 1; i < all.length; i++) assert.equal(all[i]?.from, all[i - 1]?.to, `delivery ${i} follows delivery ${i - 1}`);
  });
});
