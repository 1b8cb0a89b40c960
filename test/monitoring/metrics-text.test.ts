// What /metrics says, written from src/runtime/metrics.ts: the per-target families jaga writes itself must be
// valid text format (Debian's promtool parses and lints it) and mean what the README says: cumulative
// buckets, failures by class, phases only once a probe had them. Spawns promtool; no network.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { initialTargetState } from '../../src/core/assess.js';
import type { TargetObservation, TargetState } from '../../src/core/types.js';
import { labelPair, sampleValue } from '../../src/runtime/exposition.js';
import { EVENT_LOOP_SAMPLE_MS, Metrics } from '../../src/runtime/metrics.js';
import { waitFor } from '../helpers/wait.js';

const topology = { version: 'test', targets: ['pusat-api', 'pusat-vpn'], volumes: ['rekaman'], alertmanager: false, alertChannels: ['email'], gateActionTypes: [], backlogSources: ['spool'], heartbeats: ['upload'] };

function probed(metrics: Metrics, obs: TargetObservation, state: Partial<TargetState> = {}): void {
  metrics.recordProbe({ ...initialTargetState(obs.target, 'http', 'central'), ...state }, obs);
}

/** What a scrape of /metrics reads. */
async function scrape(metrics: Metrics): Promise<string> {
  return (await metrics.body()).toString();
}

/** The value of one exact series line (name and labels as written), or undefined when absent. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics text', () => {
  test('promtool check metrics passes (exit 0) with nothing to remark, prom-client\'s families included', async () => {
    const metrics = new Metrics(topology);
    probed(metrics, { target: 'pusat-api', at: 1, ok: true, durationMs: 12, detail: 'HTTP 200', phases: { connect: 1, first_byte: 9, transfer: 1, total: 12 } }, { status: 'up' });
    probed(metrics, { target: 'pusat-vpn', at: 1, ok: false, failure: 'refused', durationMs: 0.4, detail: 'refused', phases: { total: 0.4 } });
    metrics.recordSkippedProbe('pusat-vpn');
    const text = await scrape(metrics);
    const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.error, undefined, `cannot run promtool: ${String(run.error)}`);
    const said = `${run.stdout}${run.stderr}`;
    // A user's CI lints the scrape: prom-client's `nodejs_active_*_total` gauges once made it exit 3.
    assert.equal(run.status, 0, said);
    assert.equal(said, '', 'no lint remark at all');
    assert.ok(text.endsWith('\n'));
  });

  test('the backlog and heartbeat series exist from the first scrape: unknown numbers NaN, not available, never pinged, not late', async () => {
    const text = await scrape(new Metrics(topology));
    for (const family of ['jaga_backlog_items', 'jaga_backlog_bytes', 'jaga_backlog_oldest_age_seconds']) {
      assert.ok(Number.isNaN(value(text, `${family}{source="spool"}`)), `${family} is NaN before the first read`);
    }
    assert.equal(value(text, 'jaga_backlog_available{source="spool"}'), 0);
    assert.equal(value(text, 'jaga_heartbeat_last_timestamp_seconds{heartbeat="upload"}'), 0);
    assert.equal(value(text, 'jaga_heartbeat_late{heartbeat="upload"}'), 0);
  });

  test('a backlog reading: items, bytes and the age; an empty spool with no oldest item is 0 s old', async () => {
    const metrics = new Metrics(topology);
    metrics.recordBacklog('spool', { items: 12_345, bytes: 9_000_000, oldestAt: 1_000 }, 86_400_000, true);
    metrics.recordHeartbeat('upload', 1_765_000_000_000, true);
    let text = await scrape(metrics);
    assert.equal(value(text, 'jaga_backlog_items{source="spool"}'), 12_345);
    assert.equal(value(text, 'jaga_backlog_bytes{source="spool"}'), 9_000_000);
    assert.equal(value(text, 'jaga_backlog_oldest_age_seconds{source="spool"}'), 86_400);
    assert.equal(value(text, 'jaga_backlog_available{source="spool"}'), 1);
    assert.equal(value(text, 'jaga_heartbeat_last_timestamp_seconds{heartbeat="upload"}'), 1_765_000_000);
    assert.equal(value(text, 'jaga_heartbeat_late{heartbeat="upload"}'), 1);
    metrics.recordBacklog('spool', { items: 0, bytes: null, oldestAt: null }, null, true);
    text = await scrape(metrics);
    assert.equal(value(text, 'jaga_backlog_oldest_age_seconds{source="spool"}'), 0);
    assert.ok(Number.isNaN(value(text, 'jaga_backlog_bytes{source="spool"}')), 'a source that does not say its bytes');
  });

  test('the per-type active handles, requests and resources stay; their _total gauges are gone', async () => {
    const text = await scrape(new Metrics(topology));
    for (const family of ['nodejs_active_handles', 'nodejs_active_requests', 'nodejs_active_resources']) {
      assert.match(text, new RegExp(`^# TYPE ${family} gauge$`, 'm'));
      assert.doesNotMatch(text, new RegExp(`^${family}_total`, 'm'));
    }
  });

  test('the latency histogram is cumulative per target, with sum and count', async () => {
    const metrics = new Metrics(topology);
    for (const durationMs of [3, 20, 20, 700, 4_000]) {
      probed(metrics, { target: 'pusat-api', at: 1, ok: true, durationMs, detail: 'HTTP 200', phases: { total: durationMs } });
    }
    const text = await scrape(metrics);
    const bucket = (le: string) => value(text, `jaga_probe_duration_seconds_bucket{target="pusat-api",le="${le}"}`);
    assert.deepEqual(['0.005', '0.025', '0.1', '0.5', '2.5', '+Inf'].map(bucket), [1, 3, 3, 3, 4, 5]);
    assert.equal(value(text, 'jaga_probe_duration_seconds_count{target="pusat-api"}'), 5);
    assert.ok(Math.abs(value(text, 'jaga_probe_duration_seconds_sum{target="pusat-api"}')! - 4.743) < 1e-9);
    assert.equal(value(text, 'jaga_probe_duration_seconds_count{target="pusat-vpn"}'), 0, 'a target not yet probed has its series at 0');
  });

  test('failures count by class; status and skips per target', async () => {
    const metrics = new Metrics(topology);
    const failed = (failure: 'timeout' | 'reset') => ({ target: 'pusat-vpn', at: 1, ok: false as const, failure, durationMs: 1, detail: failure, phases: { total: 1 } });
    probed(metrics, failed('timeout'), { consecutiveFailures: 1 });
    probed(metrics, failed('timeout'), { consecutiveFailures: 2 });
    probed(metrics, failed('reset'), { consecutiveFailures: 3, status: 'down' });
    metrics.recordSkippedProbe('pusat-vpn');
    metrics.recordSkippedProbe('not-a-target');
    const text = await scrape(metrics);
    assert.equal(value(text, 'jaga_probe_failures_total{target="pusat-vpn",reason="timeout"}'), 2);
    assert.equal(value(text, 'jaga_probe_failures_total{target="pusat-vpn",reason="reset"}'), 1);
    assert.equal(value(text, 'jaga_probe_failures_total{target="pusat-api",reason="timeout"}'), 0);
    assert.equal(value(text, 'jaga_target_consecutive_failures{target="pusat-vpn"}'), 3);
    assert.equal(value(text, 'jaga_target_up{target="pusat-vpn"}'), 0);
    assert.equal(value(text, 'jaga_probe_skipped_total{target="pusat-vpn"}'), 1);
    assert.doesNotMatch(text, /not-a-target/);
  });

  test('a phase appears with the first probe that had it and keeps the latest value', async () => {
    const metrics = new Metrics(topology);
    const phase = async (name: string) => value(await scrape(metrics), `jaga_probe_phase_seconds{target="pusat-api",phase="${name}"}`);
    assert.equal(await phase('connect'), undefined);
    probed(metrics, { target: 'pusat-api', at: 1, ok: true, durationMs: 5, detail: 'HTTP 200', phases: { connect: 2, first_byte: 3, total: 5 } });
    assert.equal(await phase('connect'), 0.002);
    assert.equal(await phase('first_byte'), 0.003);
    // Timed out while connecting: no first_byte this time, the previous one stays.
    probed(metrics, { target: 'pusat-api', at: 2, ok: false, failure: 'timeout', durationMs: 900, detail: 'timeout', phases: { connect: 900, total: 900 } });
    assert.equal(await phase('connect'), 0.9);
    assert.equal(await phase('first_byte'), 0.003);
    assert.equal(await phase('tls'), undefined, 'plain HTTP never has tls');
    assert.equal(await phase('total'), undefined, 'the whole probe is the histogram');
  });

  test('label values and special numbers are written as the text format wants', () => {
    assert.equal(labelPair('target', 'a"b\\c\nd'), 'target="a\\"b\\\\c\\nd"');
    assert.deepEqual([0.005, 12, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN].map(sampleValue), ['0.005', '12', '+Inf', '-Inf', 'NaN']);
  });

  test(`the event loop is sampled every ${EVENT_LOOP_SAMPLE_MS} ms, not 100 times a second`, async () => {
    const metrics = new Metrics(topology);
    // Each scrape resets the histogram; an empty one reports a huge minimum. Scrape until one holds samples.
    let shortest = Number.POSITIVE_INFINITY;
    await waitFor(
      async () => {
        shortest = value(await scrape(metrics), 'nodejs_eventloop_lag_min_seconds') ?? Number.POSITIVE_INFINITY;
        return shortest < 1_000;
      },
      10_000,
      'a scrape with event-loop samples',
      { everyMs: 3 * EVENT_LOOP_SAMPLE_MS, describe: () => `${shortest} s` },
    );
    // The shortest gap between two samples is the sampling interval (prom-client's default gives 0.01).
    assert.ok(shortest >= (EVENT_LOOP_SAMPLE_MS / 1000) * 0.9, `shortest sample gap ${shortest} s`);
  });
});
