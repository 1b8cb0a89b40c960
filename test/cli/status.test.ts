// `jaga status` and `jaga report` on answers written by hand (a local HTTP server on loopback): each
// backlog source and heartbeat on its own line in the chosen language, the halt forecast and buffer mode,
// and an answer from a jaga older than the data at risk or the forecast (no such fields) still shown whole.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../../src/cli/cli.js';

const gate = { state: 'allowed', since: '2026-12-01T00:00:00.000Z', valid_until: '2026-12-01T00:01:00.000Z', resuming_at: null, reasons: [], overridden: [], override: null };
const older = { gate, targets: [], volumes: [] };
const current = {
  ...older,
  gate: {
    ...gate,
    mode: 'buffering',
    buffering: { since: '2026-12-01T01:00:00.000Z', room_working_hours: 30, ends_at: '2026-12-03T07:00:00.000Z' },
    forecast: {
      halt_at: '2026-12-03T07:00:00.000Z',
      reason: 'CENTRAL_UNREACHABLE',
      subject: 'central',
      model: 'office_hours',
      message: 'forecast: recording will have to stop on Thursday 3 December at about 14:00 WIB, about 2.8 working days from now, because the central server is still unreachable',
    },
  },
  volumes: [
    { name: 'rekaman', available: true, failure: null, used_ratio: 0.5, avail_bytes: 1e9, full_eta_seconds: 7_200, forecast: { model: 'weekly', halt_at: '2026-12-03T07:00:00.000Z', floor_at: null, full_at: null, room_working_hours: 12.25 } },
    { name: 'arsip', available: true, failure: null, used_ratio: 0.1, avail_bytes: 9e9, full_eta_seconds: null, forecast: null },
  ],
  backlogs: [
    { name: 'spool', type: 'directory', available: true, items: 12_345, bytes: 3 * 1024 ** 3, oldest_at: 'x', oldest_age_seconds: 97_200, last_read_at: 'x', failure: null, halting: true },
    { name: 'aplikasi', type: 'http_json', available: false, items: 40, bytes: null, oldest_at: null, oldest_age_seconds: null, last_read_at: 'x', failure: 'timeout', halting: false },
    { name: 'baru', type: 'command', available: false, items: null, bytes: null, oldest_at: null, oldest_age_seconds: null, last_read_at: null, failure: null, halting: false },
  ],
  heartbeats: [
    { name: 'unggah', grace: 900, halt: true, last_ping_at: '2026-11-28T01:00:00.000Z', late: true, last_items_sent: 3 },
    { name: 'sinkron', grace: 7_200, halt: false, last_ping_at: null, late: false, last_items_sent: null },
  ],
};
const total = { start: 's', end: 'e', halted_seconds: 0, halted_percent: 0, halts: 0, reason_seconds: {}, central_availability_percent: 100 };
const reports: Record<string, unknown> = {
  older: { total, longest_central_outage: null, days: [] },
  current: {
    total: { ...total, peak_backlog_items: 12_385, peak_backlog_items_by_source: { spool: 12_345, aplikasi: null }, longest_without_upload_seconds_by_heartbeat: { unggah: 90_000, sinkron: null } },
    longest_central_outage: null,
    days: [],
  },
};

let server: http.Server;
let base: string;

before(async () => {
  server = http.createServer((req, res) => {
    const [path = '', query = ''] = (req.url ?? '').split('?');
    const which = path.startsWith('/older') ? 'older' : 'current';
    const body = path.endsWith('/api/v1/status') ? (which === 'older' ? older : current) : path.endsWith('/api/v1/report') ? reports[which] : undefined;
    if (body === undefined || query.includes('format=csv')) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => server.close());

async function cli(args: readonly string[], url = base): Promise<{ code: number; shown: string }> {
  const lines: string[] = [];
  const code = await runCli([...args, '--url', url], {}, { out: (line) => lines.push(line), err: (line) => lines.push(line) });
  return { code, shown: lines.join('\n') };
}

describe('jaga status', () => {
  test('English: items with their separator, size, oldest age; failures by class; heartbeats late or ok', async () => {
    const { code, shown } = await cli(['status', '--lang', 'en']);
    assert.equal(code, 0, shown);
    assert.match(shown, /^spool\s+backlog\s+ok\s+12,345 recordings, 3\.0 GiB, oldest waiting 1d 3h$/m);
    assert.match(shown, /^aplikasi\s+backlog\s+timeout 40 recordings$/m, 'the last numbers still shown while the source cannot be read');
    assert.match(shown, /^baru\s+backlog\s+\?\s+-$/m);
    assert.match(shown, /^unggah\s+heartbeat late\s+last ping 2026-11-28T01:00:00\.000Z, grace 15m$/m);
    assert.match(shown, /^sinkron\s+heartbeat ok\s+no ping yet, grace 2h$/m);
  });

  test('the halt forecast in people\'s words and the model that answered, for the gate and each volume; the buffer mode', async () => {
    const { code, shown } = await cli(['status', '--lang', 'en']);
    assert.equal(code, 0, shown);
    assert.match(shown, /^Forecast: recording will have to stop on Thursday 3 December at about 14:00 WIB, about 2\.8 working days from now, because the central server is still unreachable$/m);
    assert.match(shown, /^ {2}forecast model: office hours \(office_hours\), until the weekly pattern can be learned$/m);
    assert.match(shown, /^Buffer mode since 2026-12-01T01:00:00\.000Z: .* It must stop on 2026-12-03T07:00:00\.000Z unless the central server is back\.$/m);
    assert.match(shown, /^rekaman\s+storage\s+ok\s+50\.0% eta 120 min\n {31}weekly pattern, learned from this office's own use: halt line 2026-12-03T07:00:00\.000Z, room for about 12\.3 working hours$/m);
    assert.match(shown, /^arsip\s+storage\s+ok\s+10\.0%$/m, 'no forecast line without a forecast');
    const id = await cli(['status']);
    assert.match(id.shown, /^ {31}pola mingguan, dipelajari dari pemakaian kantor ini: batas henti 2026-12-03T07:00:00\.000Z, ruang untuk ± 12,3 jam kerja$/m);
  });

  test('an older jaga without the data at risk: the gate, targets and volumes as before, nothing more', async () => {
    const { code, shown } = await cli(['status'], `${base}/older`);
    assert.equal(code, 0, shown);
    assert.match(shown, /^Gerbang: /m);
    assert.doesNotMatch(shown, /backlog|heartbeat/);
    assert.doesNotMatch(shown, /perkiraan|penyangga/i, 'nor the forecast');
  });
});

describe('jaga report', () => {
  test('Indonesian: the peak backlog with each source, each heartbeat\'s longest wait', async () => {
    const { code, shown } = await cli(['report']);
    assert.equal(code, 0, shown);
    assert.match(shown, /^Rekaman terbanyak yang menunggu unggah sekaligus: 12\.385$/m);
    assert.match(shown, /^ {2}- spool: 12\.345$/m);
    assert.match(shown, /^ {2}- aplikasi: tidak ada data$/m);
    assert.match(shown, /^Jeda terlama tanpa unggahan berhasil \(unggah\): 1h 1j$/m);
    assert.match(shown, /^Jeda terlama tanpa unggahan berhasil \(sinkron\): tidak ada data$/m);
  });

  test('an older jaga: no backlog or upload lines', async () => {
    const { code, shown } = await cli(['report'], `${base}/older`);
    assert.equal(code, 0, shown);
    assert.doesNotMatch(shown, /menunggu unggah|tanpa unggahan/);
  });
});
