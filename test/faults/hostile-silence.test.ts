// Issue 16 item 1: a silence regex that backtracks catastrophically in a JavaScript RegExp (from the
// config's recurring silences outside their window, from the API, stored across a restart) must not
// freeze jaga. The real built service, a fake central server that is down so alerts exist, and gate
// reads timed one by one. Process and loopback network I/O.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { FakeCentral } from '../helpers/fake-central.js';
import { hasReason, JagaProcess } from '../helpers/jaga-process.js';
import { fastCentral, fastStorage, httpTarget, tempVolume } from '../helpers/config.js';

// Each takes exponential time in a backtracking engine against "CentralUnreachable" (18 word
// characters, no "x"): hours for the first two. RE2 answers in microseconds.
const HOSTILE_ALTERNATION = '~(\\w|\\w|\\w|\\w)*x';
const HOSTILE_NESTED_STAR = '~(.*.*)*x';
/** Hostile-looking, but it matches: RE2 must still silence with it. */
const HOSTILE_MATCHING = '~(.*.*)*Unreachable';
/** "Usual time" for a gate read on a loaded 2-core machine; a frozen event loop never answers. */
const GATE_READ_MS = 500;
const READS = 100;
const LEGACY_WARNING = 'stored silences with a regex RE2 cannot compile match nothing';

interface Status {
  alerts: { name: string; state: string; silenced_by: string | null }[];
}

let central: FakeCentral;
let jaga: JagaProcess;

/** A cron minute twelve hours from now: its one-minute window is certainly not open during the test. */
function farCron(): string {
  const at = new Date(Date.now() + 12 * 3_600_000);
  return `${at.getMinutes()} ${at.getHours()} * * *`;
}

async function status(): Promise<Status> {
  const response = await jaga.adminFetch('/api/v1/status');
  assert.equal(response.status, 200, `status answered ${response.status}`);
  return (await response.json()) as Status;
}

const centralAlert = (s: Status) => s.alerts.find((a) => a.name === 'CentralUnreachable');

/** READS gate reads one after another: every one 200 within GATE_READ_MS; reports the p99. */
async function gateKeepsAnswering(t: TestContext, what: string): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < READS; i += 1) {
    const started = performance.now();
    const response = await jaga.fetch('/api/v1/gate');
    const ms = performance.now() - started;
    await response.arrayBuffer();
    assert.equal(response.status, 200, `${what}: read ${i} answered ${response.status} after ${Math.round(ms)} ms`);
    assert.ok(ms < GATE_READ_MS, `${what}: read ${i} took ${Math.round(ms)} ms`);
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  const p99 = times[Math.ceil(0.99 * times.length) - 1] ?? NaN;
  t.diagnostic(`${what}: ${READS} gate reads, p50 ${(times[READS / 2] ?? NaN).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${(times.at(-1) ?? NaN).toFixed(1)} ms`);
}

/**
 * SIGTERM must stop it within the deadline; a frozen event loop ignores it, and then SIGKILL ends it so
 * that no test leaves it behind. Returns the exit code.
 */
async function stopWithin(deadlineMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), deadlineMs);
  });
  const stopped = jaga.stop();
  const outcome = await Promise.race([stopped, late]);
  clearTimeout(timer);
  if (outcome !== 'late') return outcome;
  await jaga.kill();
  await stopped;
  throw new Error(`SIGTERM did not stop jaga within ${deadlineMs} ms\n${jaga.logs.slice(-2000)}`);
}

before(async () => {
  central = await FakeCentral.start();
  jaga = await JagaProcess.create({
    central: fastCentral([httpTarget(central.url, 'pusat-api')], { failure_threshold: 1, recovery_threshold: 1 }),
    storage: fastStorage([tempVolume()], { schedule: '*/5 * * * * *', timeout: '2s' }),
    alerts: {
      group_wait: '1s',
      // Outside its window: the window is checked first, so the regex is never even run.
      silences: [{ match: { alertname: HOSTILE_NESTED_STAR }, cron: farCron(), duration: '1m', comment: 'hostile, outside its window' }],
    },
  });
  await jaga.start();
  await jaga.waitForGate((g) => g.state === 'allowed', 15_000, 'allowed');
  await central.set('refuse');
  await jaga.waitForGate((g) => hasReason(g, 'CENTRAL_UNREACHABLE'), 15_000, 'the outage to halt the gate');
});

after(async () => {
  await jaga?.cleanup();
  await central?.close();
});

describe('a hostile silence regex does not freeze jaga', () => {
  test('a recurring config silence outside its window, with an alert firing: the gate keeps answering', async (t) => {
    await jaga.waitFor(async () => centralAlert(await status()) !== undefined, 15_000, 'CentralUnreachable to be evaluated');
    await gateKeepsAnswering(t, 'recurring hostile silence');
    assert.equal(centralAlert(await status())?.silenced_by, null, 'outside its window it silences nothing');
  });

  test('hostile silences from the API: stored, matched in linear time, the gate keeps answering', async (t) => {
    const post = (matchers: Record<string, string>) =>
      jaga.adminFetch('/api/v1/silences', { method: 'POST', body: JSON.stringify({ matchers, comment: 'hostile', for: '1h' }) });
    for (const hostile of [HOSTILE_ALTERNATION, HOSTILE_NESTED_STAR]) {
      const response = await post({ alertname: hostile });
      assert.equal(response.status, 201, await response.text());
    }
    const seenAfter = Date.now();
    // The pipeline runs the silences on every round (each second) and on every status read.
    await jaga.waitFor(async () => centralAlert(await status()) !== undefined && Date.now() - seenAfter > 2_000, 15_000, 'two rounds with the hostile silences');
    await gateKeepsAnswering(t, 'hostile API silences');
    assert.equal(centralAlert(await status())?.silenced_by, null, 'neither matches "CentralUnreachable"');

    const matching = await post({ alertname: HOSTILE_MATCHING });
    const created = await matching.text();
    assert.equal(matching.status, 201, created);
    const { silence } = JSON.parse(created) as { silence: { id: string } };
    await jaga.waitFor(async () => centralAlert(await status())?.silenced_by === silence.id, 10_000, 'the matching silence to mute the alert');
  });

  test('what RE2 cannot compile is refused at input, naming the field', async () => {
    for (const regex of ['~(?=Central).*', '~(Central)\\1', '~Central(', '~a{1001}']) {
      const response = await jaga.adminFetch('/api/v1/silences', {
        method: 'POST',
        body: JSON.stringify({ matchers: { alertname: 'CentralUnreachable', target: regex }, comment: 'refused', for: '1h' }),
      });
      assert.equal(response.status, 400, regex);
      const body = (await response.json()) as { error: string; message: string };
      assert.equal(typeof body.error, 'string');
      assert.match(body.message, /^matchers\.target: not a valid regular expression for RE2: /, regex);
    }
  });

  test('SIGTERM stops it; a restart with the stored hostile silences answers at once', async (t) => {
    assert.equal(await stopWithin(10_000), 0);
    await jaga.start();
    await jaga.waitFor(async () => centralAlert(await status()) !== undefined, 15_000, 'CentralUnreachable after the restart');
    await gateKeepsAnswering(t, 'after a restart');
    assert.equal(await stopWithin(10_000), 0);
  });

  test('a silence stored before RE2 that RE2 cannot compile matches nothing, with one warning', async (t) => {
    // Written as an older jaga stored it: its API took JavaScript regexes (lookahead here).
    const db = new Database(join(jaga.dir, 'data', 'jaga.db'));
    const now = Date.now();
    db.prepare(`INSERT INTO silences (id, matchers_json, starts_at, ends_at, created_by, comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
      'sil-legacy',
      JSON.stringify({ alertname: '~(?=Central)(\\w|\\w|\\w|\\w)*' }),
      now - 60_000,
      now + 3_600_000,
      'tester',
      'stored before RE2',
      now - 60_000,
    );
    db.close();
    await jaga.start();
    const evaluatedAfter = Date.now();
    await jaga.waitFor(async () => centralAlert(await status()) !== undefined && Date.now() - evaluatedAfter > 2_000, 15_000, 'two rounds with the legacy silence');
    await gateKeepsAnswering(t, 'legacy silence');
    assert.notEqual(centralAlert(await status())?.silenced_by, 'sil-legacy');
    const warnings = jaga.logs.split('\n').filter((line) => line.includes(LEGACY_WARNING));
    assert.equal(warnings.length, 1, `one warning, not one per round:\n${warnings.join('\n')}`);
    assert.match(warnings[0] ?? '', /sil-legacy/);
    assert.equal(await stopWithin(10_000), 0);
  });
});
