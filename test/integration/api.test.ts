// The HTTP API of a real jaga process: the gate in JSON and plain form, metrics, and what bad input
// gets (401, 400, 413, 404, 415) always as JSON with a message.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fastConfig } from '../helpers/config.js';
import { FakeCentral } from '../helpers/fake-central.js';
import { ADMIN_TOKEN, hasReason, JagaProcess } from '../helpers/jaga-process.js';

let central: FakeCentral;
let jaga: JagaProcess;

before(async () => {
  central = await FakeCentral.start();
  jaga = await JagaProcess.create({
    ...fastConfig(central.url),
    gate: { resume_after: '1s' },
  });
  await jaga.start();
  await jaga.waitForGate((g) => g.state === 'allowed', 10_000, 'allowed');
});

after(async () => {
  await jaga?.cleanup();
  await central?.close();
});

const json = async (response: Response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown> });

describe('reading the gate', () => {
  test('JSON answer with the contract fields, not cacheable', async () => {
    const response = await jaga.fetch('/api/v1/gate');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const gate = (await response.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(gate).sort(), ['buffering', 'decided_at', 'forecast', 'mode', 'overridden', 'override', 'reasons', 'resuming_at', 'since', 'state', 'valid_until']);
    assert.equal(gate.state, 'allowed');
    assert.ok(Date.parse(gate.valid_until as string) > Date.parse(gate.decided_at as string));
  });

  test('plain answer for shell scripts: 200 ALLOWED, then 423 HALTED under a halt override', async () => {
    const allowed = await jaga.fetch('/api/v1/gate?format=plain');
    assert.equal(allowed.status, 200);
    assert.equal(await allowed.text(), 'ALLOWED\n');
    const created = await json(
      await jaga.adminFetch('/api/v1/overrides', { method: 'POST', body: JSON.stringify({ action: 'halt', reason: 'uji' }) }),
    );
    assert.equal(created.status, 201);
    const halted = await jaga.fetch('/api/v1/gate?format=plain');
    assert.equal(halted.status, 423);
    assert.equal(await halted.text(), 'HALTED\n');
    const gate = await jaga.gate();
    assert.ok(hasReason(gate, 'MANUAL_HALT'));
    assert.match(gate.reasons[0]?.facts.by as string, /tester/);

    const id = (created.body.override as { id: string }).id;
    const listed = await json(await jaga.adminFetch('/api/v1/overrides'));
    assert.deepEqual((listed.body.items as { id: string }[]).map((o) => o.id), [id]);
    assert.equal((await jaga.adminFetch(`/api/v1/overrides/${id}`, { method: 'DELETE' })).status, 200);
    assert.equal((await jaga.adminFetch(`/api/v1/overrides/${id}`, { method: 'DELETE' })).status, 404);
    await jaga.waitForGate((g) => g.state === 'allowed', 10_000, 'allowed after lifting');
  });

  test('language by ?lang= and Accept-Language, Indonesian by default', async () => {
    await jaga.adminFetch('/api/v1/overrides', { method: 'POST', body: JSON.stringify({ action: 'halt', reason: 'uji bahasa', for: '1h' }) });
    const messageOf = async (path: string, headers: Record<string, string> = {}) =>
      ((await (await jaga.fetch(path, { headers })).json()) as { reasons: { message: string }[] }).reasons[0]?.message ?? '';
    assert.match(await messageOf('/api/v1/gate'), /Dihentikan manual oleh tester/);
    assert.match(await messageOf('/api/v1/gate?lang=en'), /Halted by hand by tester/);
    assert.match(await messageOf('/api/v1/gate', { 'accept-language': 'en-US,en;q=0.9' }), /Halted by hand/);
    const items = (await json(await jaga.adminFetch('/api/v1/overrides'))).body.items as { id: string }[];
    for (const item of items) await jaga.adminFetch(`/api/v1/overrides/${item.id}`, { method: 'DELETE' });
  });

  test('/metrics carries every metric of the contract', async () => {
    const text = await (await jaga.fetch('/metrics')).text();
    for (const name of [
      'jaga_target_up{target="pusat"}',
      'jaga_central_reachable',
      'jaga_probe_duration_seconds_bucket{target="pusat",le="0.005"}',
      'jaga_probe_duration_seconds_count{target="pusat"}',
      'jaga_probe_phase_seconds{target="pusat",phase="connect"}',
      'jaga_probe_skipped_total{target="pusat"}',
      'jaga_probe_failures_total{target="pusat",reason="timeout"}',
      'jaga_target_consecutive_failures{target="pusat"}',
      'jaga_volume_size_bytes{volume="rekaman"}',
      'jaga_volume_avail_bytes{volume="rekaman"}',
      'jaga_volume_used_ratio{volume="rekaman"}',
      'jaga_volume_files_free{volume="rekaman"}',
      'jaga_volume_full_eta_seconds{volume="rekaman"}',
      'jaga_recording_allowed',
      'jaga_recording_halt_reason{reason="CENTRAL_UNREACHABLE"}',
      'jaga_gate_transitions_total{to="halted"}',
      'jaga_build_info{version=',
      'process_cpu_seconds_total',
    ]) {
      assert.ok(text.includes(`\n${name}`), `missing ${name}`);
    }
  });

  test('the report: JSON by default, CSV for a spreadsheet, with the halts of this run', async () => {
    const json = (await (await jaga.fetch('/api/v1/report')).json()) as { total: { halts: number; halted_seconds: number; central_availability_percent: number | null }; days: unknown[] };
    assert.ok(json.total.halts >= 1, 'the manual halts above are in the report');
    assert.ok(json.total.halted_seconds > 0);
    assert.ok(json.total.central_availability_percent !== null && json.total.central_availability_percent > 0);
    assert.ok(json.days.length >= 30);
    const csv = await jaga.fetch('/api/v1/report?format=csv&since=2026-01-01&until=2026-01-03');
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    assert.match(csv.headers.get('content-disposition') ?? '', /attachment; filename="jaga-report-2026-01-01\.csv"/);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    assert.deepEqual(lines.map((l) => l.split(',')[0]), ['period', '2026-01-01', '2026-01-02', 'TOTAL']);
  });

  test('/healthz and /readyz', async () => {
    assert.deepEqual(await json(await jaga.fetch('/healthz')), { status: 200, body: { status: 'ok' } });
    assert.deepEqual(await json(await jaga.fetch('/readyz')), { status: 200, body: { ready: true } });
  });
});

describe('bad input gets a 4xx with a JSON message', () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    jaga.fetch('/api/v1/overrides', { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}`, ...headers } });

  const rows: [string, () => Promise<Response>, number, RegExp][] = [
    ['missing token', () => jaga.fetch('/api/v1/overrides'), 401, /admin token/],
    ['wrong token', () => jaga.fetch('/api/v1/overrides', { headers: { authorization: 'Bearer wrong-token-0123456789' } }), 401, /admin token/],
    ['token of another length', () => jaga.fetch('/api/v1/overrides', { headers: { authorization: 'Bearer x' } }), 401, /admin token/],
    ['basic auth instead of bearer', () => jaga.fetch('/api/v1/overrides', { headers: { authorization: `Basic ${ADMIN_TOKEN}` } }), 401, /admin token/],
    ['malformed JSON', () => post('{"action": "halt",'), 400, /not valid JSON/],
    ['body over 16 KiB', () => post(JSON.stringify({ action: 'halt', reason: 'x'.repeat(17_000) })), 413, /16384 bytes/],
    ['allow without expiry', () => post(JSON.stringify({ action: 'allow', reason: 'uji' })), 400, /must expire/],
    ['allow past 24h', () => post(JSON.stringify({ action: 'allow', reason: 'uji', for: '25h' })), 400, /at most 24h/],
    ['unknown action', () => post(JSON.stringify({ action: 'open', reason: 'uji' })), 400, /^action:/],
    ['empty reason', () => post(JSON.stringify({ action: 'halt', reason: '  ' })), 400, /^reason:/],
    ['unknown field', () => post(JSON.stringify({ action: 'halt', reason: 'uji', target: 'http://evil' })), 400, /Unrecognized key/],
    ['bad duration', () => post(JSON.stringify({ action: 'halt', reason: 'uji', for: 'soon' })), 400, /^for:/],
    ['not JSON at all', () => post('action=halt', { 'content-type': 'application/x-www-form-urlencoded' }), 415, /application\/json/],
    ['bad history filter', () => jaga.fetch('/api/v1/history?reason=NOPE'), 400, /^reason:/],
    ['report period backwards', () => jaga.fetch('/api/v1/report?since=2026-02-01&until=2026-01-01'), 400, /^since: must be before until/],
    ['report with a bad date', () => jaga.fetch('/api/v1/report?since=yesterday'), 400, /^since:/],
    ['report on a day the month does not have', () => jaga.fetch('/api/v1/report?since=2026-02-31&until=2026-03-05'), 400, /^since: not a calendar day/],
    ['report until a day the month does not have', () => jaga.fetch('/api/v1/report?since=2026-02-01&until=2026-04-31'), 400, /^until: not a calendar day/],
    ['report starting in the future', () => jaga.fetch('/api/v1/report?since=9999-01-01&until=9999-01-05'), 400, /^since: .*future/],
    ['report starting in the future, no until', () => jaga.fetch('/api/v1/report?since=9999-01-01'), 400, /^since: .*future/],
    ['history limit given twice', () => jaga.fetch('/api/v1/history?limit=1&limit=2'), 400, /^limit: give it once/],
    ['report since given twice', () => jaga.fetch('/api/v1/report?since=2026-01-01&since=2026-01-02'), 400, /^since: give it once/],
    ['audit limit given twice', () => jaga.adminFetch('/api/v1/audit?limit=1&limit=2'), 400, /^limit: give it once/],
    ['unknown path', () => jaga.fetch('/api/v1/nothing'), 404, /no such path/],
    ['path traversal', () => jaga.fetch('/..%2f..%2fetc%2fpasswd'), 404, /no such path/],
  ];
  for (const [name, send, status, message] of rows) {
    test(name, async () => {
      const response = await send();
      assert.equal(response.status, status);
      assert.match(response.headers.get('content-type') ?? '', /application\/json/);
      const body = (await response.json()) as { error: string; message: string };
      assert.match(body.message, message);
      assert.ok(!JSON.stringify(body).includes('    at '), 'no stack trace');
    });
  }

  test('the audit names who did what, newest first', async () => {
    assert.equal((await jaga.fetch('/api/v1/audit')).status, 401);
    const { body } = await json(await jaga.adminFetch('/api/v1/audit?limit=1000'));
    const actions = (body.items as { actor: string; action: string }[]).map((i) => `${i.actor}:${i.action}`);
    assert.deepEqual(actions.slice(0, 4), ['tester:override.lift', 'tester:override.create', 'tester:override.lift', 'tester:override.create']);
  });

  test('no override was created by any of them', async () => {
    const listed = await json(await jaga.adminFetch('/api/v1/overrides'));
    assert.deepEqual(listed.body.items, []);
  });
});
