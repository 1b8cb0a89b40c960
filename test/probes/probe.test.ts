// measureProbe, the frame every prober shares: the deadline, its failure class by stage, and the
// promise that nothing escapes. Pure timers, no sockets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cancellation, measureProbe, type ProbeTrace } from '../../src/probes/probe.js';
import { assertFailure, probeContext as ctx } from '../helpers/probe-results.js';

/** Work that reaches `stage` and then never finishes (a hung getaddrinfo, a silent server). */
const hangIn = (stage: string) => (_cancellation: Cancellation, trace: ProbeTrace) => {
  trace.stage = stage;
  return new Promise<never>(() => undefined);
};

const cases: [stage: string, failure: 'dns' | 'timeout', detail: RegExp][] = [
  // Name resolution that never answers is DNS failing: the gate's cause must point at DNS.
  ['dns', 'dns', /^no DNS answer within 100ms/],
  ['connect', 'timeout', /^timeout after 100ms during connect$/],
  ['tls', 'timeout', /^timeout after 100ms during tls$/],
  ['first_byte', 'timeout', /^timeout after 100ms during first_byte$/],
  ['transfer', 'timeout', /^timeout after 100ms during transfer$/],
];

for (const [stage, failure, detail] of cases) {
  test(`the deadline passing during ${stage} is a ${failure} failure, within the bound`, async () => {
    const result = await measureProbe(ctx(100), undefined, hangIn(stage));
    assertFailure(result, failure, detail);
    assert.ok(result.durationMs >= 99 && result.durationMs < 600, `took ${result.durationMs}`);
  });
}

test('an outer abort is an error "aborted", whatever the stage', async () => {
  const controller = new AbortController();
  const probing = measureProbe(ctx(10_000, controller.signal), undefined, hangIn('dns'));
  setImmediate(() => controller.abort());
  assertFailure(await probing, 'error', /^aborted$/);
});

test('work that throws is an error, never an exception', async () => {
  const result = await measureProbe(ctx(), undefined, () => Promise.reject(new Error('boom')));
  assertFailure(result, 'error', /boom/);
});

test('a cancellation runs each handler once, at once for a late one, never a removed one', () => {
  const cancellation = new Cancellation();
  const heard: string[] = [];
  cancellation.onCancel((reason) => heard.push(`early ${reason.message}`));
  const stop = cancellation.onCancel(() => heard.push('removed'));
  stop();
  assert.doesNotThrow(() => cancellation.throwIfCancelled());
  assert.equal(cancellation.reason, null);
  cancellation.cancel(new Error('timeout'));
  cancellation.cancel(new Error('again'));
  cancellation.onCancel((reason) => heard.push(`late ${reason.message}`));
  assert.deepEqual(heard, ['early timeout', 'late timeout']);
  assert.equal(String(cancellation.reason), 'Error: timeout');
  assert.throws(() => cancellation.throwIfCancelled(), /^Error: timeout$/);
});
