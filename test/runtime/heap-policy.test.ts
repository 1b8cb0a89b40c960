// The heap policy in real node processes: the young generation stops at its cap under a load that grows
// it to V8's default maximum without the policy, grows back to the cap after V8 shrank it, and flags
// of the user's own leave the heap alone.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { heapSizedByUser, MAX_SEMI_SPACE_MIB } from '../../src/runtime/heap-policy.js';

const POLICY = fileURLToPath(new URL('../../src/runtime/heap-policy.ts', import.meta.url));

/**
 * Allocates ~200 MB in 1 MB rounds, keeping the newest 40,000 objects alive (a high survival rate, which
 * is what makes V8 grow the young generation), yielding between rounds as a service would. Prints the
 * largest young generation seen, in bytes. With IDLE=1 it then waits, allocating nothing, until V8's
 * memory reducer has shrunk the young generation (up to 60 s; it acts after about 10 s), and churns again.
 */
const CHURN = `
import v8 from 'node:v8';
if (process.env.APPLY === '1') (await import(process.env.POLICY)).applyHeapPolicy();
const youngSize = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
const churn = async () => {
  const kept = new Array(40000);
  let largest = youngSize();
  for (let round = 0, next = 0; round < 200; round++) {
    for (let i = 0; i < 10000; i++) kept[next++ % kept.length] = { round, i, text: 'x'.repeat(40) + i };
    largest = Math.max(largest, youngSize());
    await new Promise((resolve) => setImmediate(resolve));
  }
  return largest;
};
const first = await churn();
if (process.env.IDLE !== '1') {
  console.log(JSON.stringify({ first }));
} else {
  const before = youngSize();
  const deadline = Date.now() + 60_000;
  while (youngSize() >= before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
  const shrunk = youngSize();
  console.log(JSON.stringify({ first, shrunk, again: await churn() }));
}
`;

async function youngGeneration(apply: boolean, idle = false): Promise<{ first: number; shrunk?: number; again?: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHURN], {
    env: { ...process.env, APPLY: apply ? '1' : '0', IDLE: idle ? '1' : '0', POLICY },
    timeout: 120_000,
  });
  return JSON.parse(stdout) as { first: number; shrunk?: number; again?: number };
}

/**
 * Both semi-spaces at the cap. The policy sees the size only after a collection, on the event loop, so
 * a burst that grows the young generation twice before then ends one doubling past the cap (seen in a
 * loaded test-suite run); without the policy the same load reaches four times the cap.
 */
const CAP = 2 * MAX_SEMI_SPACE_MIB * 2 ** 20;

test('the young generation stops growing at the cap; without the policy the same load grows it past', async () => {
  const [{ first: withPolicy }, { first: without }] = await Promise.all([youngGeneration(true), youngGeneration(false)]);
  assert.ok(without > 2 * CAP, `without the policy the load grows the young generation past ${2 * CAP} bytes (it reached ${without})`);
  assert.ok(withPolicy <= 2 * CAP, `with the policy the young generation stays within one doubling of ${CAP} bytes (it reached ${withPolicy})`);
});

test('once V8 has shrunk the young generation, it grows back to the cap, not beyond', async () => {
  const { first, shrunk, again } = await youngGeneration(true, true);
  assert.ok(first >= CAP, `the load grows the young generation to the cap (it reached ${first})`);
  assert.ok(shrunk! < CAP, `an idle process has its young generation shrunk by V8 (it stayed at ${shrunk})`);
  assert.ok(again! >= CAP && again! <= 2 * CAP, `the same load grows it back to the cap (it reached ${again})`);
});

test('node flags that size the heap, in argv or NODE_OPTIONS, mean the user has chosen', () => {
  const cases: [readonly string[], string | undefined, boolean][] = [
    [[], undefined, false],
    [['--enable-source-maps', '--cpu-prof'], '--trace-warnings', false],
    [['--max-semi-space-size=16'], undefined, true],
    [['--max-old-space-size=512'], undefined, true],
    [[], '--enable-source-maps --max-old-space-size=512', true],
    [[], '--heap-growing-percent=50', true],
    [['--no-liftoff-only'], undefined, true],
    // A different flag that merely starts alike is not a heap flag.
    [['--max-semi-space-size-ish'], undefined, false],
  ];
  for (const [execArgv, nodeOptions, expected] of cases) {
    assert.equal(heapSizedByUser(execArgv, nodeOptions), expected, `${execArgv.join(' ')} | ${nodeOptions ?? ''}`);
  }
});
