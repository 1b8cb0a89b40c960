// `jaga status` and `jaga report` on answers written by hand (a local HTTP server on loopback): each
// backlog source and heartbeat on its own line in the chosen language, and an answer from a jaga older
// than the data at risk (no such fields) still shown whole.
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

  test('an older jaga without the data at risk: the gate, targets and volumes as before, nothing more', async () => {
    const { code, shown } = await cli(['status'], `${base}/older`);
    assert.equal(code, 0, shown);
    assert.match(shown, /^Gerbang: /m);
    assert.doesNotMatch(shown, /backlog|heartbeat/);
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
