// Faster detection against the bound the README states, with the defaults (schedule */15 s, timeout
// 5 s, failure and recovery thresholds 3, retry_interval 2 s):
//   interval + timeout + (threshold - 1) x (retry_interval + timeout) = 15 + 5 + 2 x (2 + 5) = 34 s.
// First on the detection rig (real scheduler, engine and target job; a simulated central whose
// blackhole takes the whole timeout in virtual time), central failing and recovering at many phases of
// the schedule, the worst (just after a probe started) among them; then the real service in process
// (test/sim/world.ts) against a real refusing central, where a refused probe takes no virtual time.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hasReason } from '../helpers/jaga-process.js';
import { NO_FILL_RATE_HALT } from '../helpers/config.js';
import { DetectionRig, OK_MS, REFUSED_MS, type CentralAnswer } from './detection-rig.js';
import { FakeClock } from './fake-clock.js';
import { World } from './world.js';

const INTERVAL_MS = 15_000;
const TIMEOUT_MS = 5_000;
const THRESHOLD = 3;
const RETRY_MS = 2_000;
const RESUME_AFTER_MS = 120_000;

/** The stated bound, for probes that end after `probeMs` (the timeout at worst). */
const boundMs = (probeMs: number): number => INTERVAL_MS + probeMs + (THRESHOLD - 1) * (RETRY_MS + probeMs);
const BOUND_MS = boundMs(TIMEOUT_MS);

/** Where in the interval the fault comes, in ms after a probe of the target started: 1 ms is the worst. */
const FIXED_PHASES = [1, 20, 1_000, 2_001, 4_999, 5_001, 7_500, 10_000, 13_000, 14_999, 15_000];
const rng = new FakeClock({ seed: 19 });
const PHASES = [...FIXED_PHASES, ...Array.from({ length: 5 }, () => Math.floor(rng.random() * INTERVAL_MS))];

const summary = (ms: readonly number[]): string => {
  const sorted = [...ms].sort((a, b) => a - b);
  return `min ${sorted[0]} ms, median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted[sorted.length - 1]} ms over ${ms.length} phases`;
};

describe(`detection rig on virtual time, defaults: halt and recovery within ${BOUND_MS} ms`, () => {
  let rig: DetectionRig;
  /** The target's probes start this long after each 15 s slot (its start delay, drawn once). */
  let offsetMs: number;

  before(async () => {
    rig = DetectionRig.create();
    assert.equal(rig.config.central.retry_interval, RETRY_MS, 'the default retry_interval');
    assert.equal(rig.config.central.timeout, TIMEOUT_MS);
    assert.equal(rig.config.central.failure_threshold, THRESHOLD);
    assert.equal(rig.config.central.recovery_threshold, THRESHOLD);
    assert.equal(rig.config.gate.resume_after, RESUME_AFTER_MS);
    rig.start();
    await rig.until(() => rig.engine.gate.state === 'allowed', 5_000, 'the gate to open');
    offsetMs = rig.probeStarts[0] as number;
    assert.ok(offsetMs >= 0 && offsetMs < 1_000, `start delay ${offsetMs} ms`);
  });

  after(() => rig?.stop());

  /** Advances to `phaseMs` after the target's next probe start. */
  async function toPhase(phaseMs: number): Promise<void> {
    const now = rig.clock.monotonic();
    const slots = Math.floor((now - offsetMs - phaseMs) / INTERVAL_MS) + 1;
    await rig.clock.advance(offsetMs + slots * INTERVAL_MS + phaseMs - now);
  }

  const cases: [CentralAnswer, number][] = [
    ['blackhole', TIMEOUT_MS],
    ['refused', REFUSED_MS],
  ];
  for (const [answer, failMs] of cases) {
    test(`${answer}: halted within ${boundMs(failMs)} ms (bound ${BOUND_MS} ms), up again within ${boundMs(OK_MS)} ms, at ${PHASES.length} phases`, async (t) => {
      const detections: number[] = [];
      const recoveries: number[] = [];
      for (const phase of PHASES) {
        // The fault comes after everything due at that instant, a probe starting then included.
        await toPhase(phase);
        const faultAt = rig.clock.monotonic();
        rig.answer(answer);
        const detected = await rig.until(() => rig.engine.gate.state === 'halted', BOUND_MS + 10_000, `halt on ${answer} at phase ${phase}`);
        detections.push(detected);
        assert.ok(detected <= boundMs(failMs), `${answer} at phase ${phase}: halted after ${detected} ms`);
        assert.ok(detected <= BOUND_MS);
        assert.ok(hasCode(rig, 'CENTRAL_UNREACHABLE'));
        // Three failing probes, the second and third retry_interval after the previous one ended.
        const failing = rig.probeStarts.filter((s) => s > faultAt);
        assert.equal(failing.length, THRESHOLD, `probes since the fault at phase ${phase}: ${failing.map((s) => s - faultAt).join(', ')}`);
        for (let i = 1; i < failing.length; i += 1) assert.equal((failing[i] as number) - (failing[i - 1] as number), failMs + RETRY_MS);

        await toPhase((phase * 7) % INTERVAL_MS);
        const clearedAt = rig.clock.monotonic();
        rig.answer('ok');
        // A blackholed probe already running when the fault clears still times out: the next slot starts the run of successes.
        const recovered = await rig.until(() => rig.status === 'up', BOUND_MS + 10_000, `target up after ${answer} at phase ${phase}`);
        recoveries.push(recovered);
        assert.ok(recovered <= boundMs(OK_MS), `recovery after ${answer}: up after ${recovered} ms`);
        const succeeding = rig.probeStarts.filter((s) => s > clearedAt);
        assert.equal(succeeding.length, THRESHOLD, 'three good probes bring the target up');
        for (let i = 1; i < succeeding.length; i += 1) assert.equal((succeeding[i] as number) - (succeeding[i - 1] as number), OK_MS + RETRY_MS);
        await rig.until(() => rig.engine.gate.state === 'allowed', RESUME_AFTER_MS + 2_000, 'the gate to reopen after resume_after');
      }
      assert.deepEqual(rig.problems, [], 'no probe skipped, overdue or failed');
      t.diagnostic(`${answer}: detection ${summary(detections)}; recovery (target up) ${summary(recoveries)}`);
    });
  }

  test('between faults the target is probed once per slot: no retry while it answers', async () => {
    const before = rig.probeStarts.length;
    const from = rig.clock.monotonic();
    await rig.clock.advance(10 * INTERVAL_MS);
    const starts = rig.probeStarts.slice(before);
    assert.equal(starts.length, 10);
    for (const s of starts) assert.equal((s - offsetMs) % INTERVAL_MS, 0, `a probe at ${s - from} ms is on its slot`);
  });
});

function hasCode(rig: DetectionRig, code: string): boolean {
  return rig.engine.gate.reasons.some((r) => r.code === code);
}

describe('the real service in process with the defaults: a refusing central is retried, not left to the next slot', () => {
  let w: World;
  const status = async () =>
    ((await (await w.adminFetch('/api/v1/status')).json()) as { targets: { name: string; status: string; consecutive_failures: number }[] }).targets.find((x) => x.name === 'pusat');

  before(async () => {
    w = await World.create({
      config: ({ central, volumeDir }) => ({
        site: 'uji',
        central: { targets: [{ name: 'pusat', type: 'http', url: central.url }] },
        storage: { volumes: [{ name: 'rekaman', path: volumeDir, ...NO_FILL_RATE_HALT }] },
      }),
    });
    assert.equal(w.config.central.retry_interval, RETRY_MS);
    assert.equal(w.config.central.schedule, '*/15 * * * * *');
    await w.start();
    await w.waitForGate((g) => g.state === 'allowed', 60_000, 'the gate to open');
  });

  after(() => w?.close());

  // A refused probe takes no virtual time here: the first failing probe within an interval, two
  // retries 2 s apart. Without retries the halt would take two more intervals (at least 30 s).
  const WITHIN_MS = INTERVAL_MS + (THRESHOLD - 1) * RETRY_MS;

  test(`refused at four phases: halted within ${WITHIN_MS} ms of virtual time, target up again within ${WITHIN_MS} ms`, async (t) => {
    const detections: number[] = [];
    const recoveries: number[] = [];
    for (const phase of [0, 3_700, 8_200, 14_900]) {
      // Slots fall on whole quarter-minutes of wall time; the probe starts up to a second later (its start delay).
      const wall = w.clock.now();
      await w.clock.advance(Math.ceil((wall + 1) / INTERVAL_MS) * INTERVAL_MS + phase - wall);
      await w.central.set('refuse');
      const halted = await w.waitForGate((g) => g.state === 'halted' && hasReason(g, 'CENTRAL_UNREACHABLE'), BOUND_MS + 10_000, `halt at phase ${phase}`);
      detections.push(halted.tookMs);
      assert.ok(halted.tookMs <= WITHIN_MS, `halted after ${halted.tookMs} ms at phase ${phase}`);
      assert.equal((await status())?.status, 'down');

      await w.central.set('ok');
      let last: Awaited<ReturnType<typeof status>>;
      const up = await w.clock.until(async () => (last = await status())?.status === 'up', {
        virtualMs: BOUND_MS + 10_000,
        what: `target up after phase ${phase}`,
        describe: () => JSON.stringify(last),
      });
      recoveries.push(up);
      assert.ok(up <= WITHIN_MS, `up after ${up} ms`);
      await w.waitForGate((g) => g.state === 'allowed', RESUME_AFTER_MS + 5_000, 'the gate to reopen after resume_after');
    }
    t.diagnostic(`refused, real service: detection ${summary(detections)}; recovery (target up) ${summary(recoveries)}`);
  });
});
