// jaga in process on virtual time against a fake central server on 127.0.0.1 that answers, refuses,
// blackholes, resets mid-response, answers slowly, answers 500 and flaps. The gate must halt within
// failure_threshold x interval + timeout and reopen after recovery. The real-process smoke of one
// fault stays in test/integration/central-faults.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CentralMode } from '../helpers/fake-central.js';
import { hasReason } from '../helpers/jaga-process.js';
import { World } from './world.js';
import { NO_FILL_RATE_HALT } from '../helpers/config.js';

const INTERVAL_MS = 1_000;
const TIMEOUT_MS = 600;
const FAILURE_THRESHOLD = 3;
const RECOVERY_THRESHOLD = 2;
const RESUME_AFTER_MS = 1_000;
/** The bound the issue states; on virtual time a loaded machine adds nothing, so no margin. */
const DETECTION_BOUND_MS = FAILURE_THRESHOLD * INTERVAL_MS + TIMEOUT_MS;

describe('central server faults, in process on virtual time, 1s schedule', () => {
  let w: World;

  before(async () => {
    w = await World.create({
      centralSlowMs: 3_000,
      config: ({ central, volumeDir }) => ({
        site: 'uji',
        central: {
          schedule: '* * * * * *',
          timeout: `${TIMEOUT_MS}ms`,
          failure_threshold: FAILURE_THRESHOLD,
          recovery_threshold: RECOVERY_THRESHOLD,
          targets: [{ name: 'pusat-api', type: 'http', url: central.url, expect_json: { field: 'status', equals: 'ok' } }],
        },
        storage: { schedule: '* * * * * *', timeout: '500ms', volumes: [{ name: 'rekaman', path: volumeDir, ...NO_FILL_RATE_HALT }] },
        gate: { resume_after: `${RESUME_AFTER_MS}ms` },
      }),
    });
    await w.start();
  });

  after(() => w?.close());

  test('starts halted (STARTING) or allowed, and is allowed once the first round is in', async () => {
    const { gate } = await w.waitForGate((g) => g.state === 'allowed', 10_000, 'the gate to open');
    assert.deepEqual(gate.reasons, []);
    assert.equal((await w.fetch('/readyz')).status, 200);
  });

  const faults: [CentralMode, string][] = [
    ['refuse', 'refused'],
    ['blackhole', 'timeout'],
    ['reset', 'reset'],
    ['slow', 'timeout'],
    ['error500', 'status'],
  ];
  for (const [mode, failure] of faults) {
    test(`${mode}: halts within the bound with CENTRAL_UNREACHABLE and failure "${failure}", then recovers`, async (t) => {
      await w.central.set(mode);
      const halted = await w.waitForGate((g) => g.state === 'halted' && hasReason(g, 'CENTRAL_UNREACHABLE'), DETECTION_BOUND_MS + 2_000, `halt on ${mode}`);
      t.diagnostic(`detection ${halted.tookMs} ms of virtual time (bound ${DETECTION_BOUND_MS} ms)`);
      assert.ok(halted.tookMs <= DETECTION_BOUND_MS, `detected after ${halted.tookMs} ms`);
      const reason = halted.gate.reasons.find((r) => r.code === 'CENTRAL_UNREACHABLE');
      assert.equal(reason?.cause, 'central');

      const status = (await (await w.adminFetch('/api/v1/status')).json()) as {
        targets: { name: string; status: string; last_probe: { failure: string | null; duration_ms: number } }[];
      };
      const target = status.targets.find((x) => x.name === 'pusat-api');
      assert.equal(target?.status, 'down');
      assert.equal(target?.last_probe.failure, failure);
      assert.ok((target?.last_probe.duration_ms ?? Infinity) < TIMEOUT_MS + 500, 'each probe is bounded by the timeout');

      await w.central.set('ok');
      const reopened = await w.waitForGate((g) => g.state === 'allowed', 10_000, `recovery after ${mode}`);
      t.diagnostic(`recovered ${reopened.tookMs} ms of virtual time after the halt was seen`);
    });
  }

  test('flapping (every other answer fails) never adds up to a halt: hysteresis', async () => {
    const history = async () => ((await (await w.fetch('/api/v1/history?limit=1000')).json()) as { items: unknown[] }).items.length;
    const transitionsBefore = await history();
    const connectionsBefore = w.central.connections;
    await w.central.set('flap');
    // Watch at least six probes (three failures among them) go by.
    await w.clock.until(() => w.central.connections - connectionsBefore >= 6, { virtualMs: 15_000, what: 'six flapping probes' });
    assert.equal((await w.gate()).state, 'allowed');
    assert.equal(await history(), transitionsBefore, 'no gate transition while flapping');
    await w.central.set('ok');
  });

  test('the halts and recoveries are in the history, newest first', async () => {
    const body = (await (await w.fetch('/api/v1/history?limit=100')).json()) as { items: { to: string; at: string }[] };
    const halts = body.items.filter((i) => i.to === 'halted').length;
    assert.ok(halts >= faults.length, `expected at least ${faults.length} halts, got ${halts}`);
    const times = body.items.map((i) => Date.parse(i.at));
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
  });

  test('a clean stop: the graceful path runs to its end', async () => {
    await w.stop();
    assert.match(w.logs, /jaga stopped/);
  });
});
