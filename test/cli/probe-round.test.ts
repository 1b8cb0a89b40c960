// `jaga probe` in process: the one-shot round reads every backlog source beside the targets and
// volumes, judges them with the gate (a halt_* limit halts), and shows a row per source in the table,
// in both languages. A real central on loopback, a real spool directory, a real command.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { renderProbeTable, runProbeRound } from '../../src/cli/probe-round.js';
import { parseConfig } from '../../src/config/load.js';
import { catalogue } from '../../src/i18n/catalogue.js';
import { fastConfig } from '../helpers/config.js';
import { freePort } from '../helpers/servers.js';

const T = { timeout: 20_000 };
const HOUR_MS = 3_600_000;

let central: http.Server;
let centralUrl: string;
let spool: string;
let refusedPort: number;

before(async () => {
  central = http.createServer((_req, res) => res.end('ok'));
  central.listen(0, '127.0.0.1');
  await once(central, 'listening');
  centralUrl = `http://127.0.0.1:${(central.address() as AddressInfo).port}/health`;
  spool = fs.mkdtempSync(path.join(tmpdir(), 'jaga-probe-spool-'));
  refusedPort = await freePort();
});

after(async () => {
  central.close();
  await once(central, 'close');
  fs.rmSync(spool, { recursive: true, force: true });
});

/** Three recordings of 100 bytes in the spool, the oldest two hours old at `now`. */
function fillSpool(now: number): void {
  for (const [name, ageMs] of [['a.wav', 2 * HOUR_MS], ['b.wav', HOUR_MS], ['c.wav', 0]] as const) {
    const file = path.join(spool, name);
    fs.writeFileSync(file, Buffer.alloc(100));
    fs.utimesSync(file, (now - ageMs) / 1000, (now - ageMs) / 1000);
  }
}

function config(haltItems: number) {
  const sources = [
    { name: 'spool', type: 'directory', path: spool, pattern: '*.wav', halt_items: haltItems },
    { name: 'hitung', type: 'command', command: ['sh', '-c', 'echo 5'] },
    { name: 'aplikasi', type: 'http_json', url: `http://127.0.0.1:${refusedPort}/queue`, items: 'queue.pending' },
  ];
  return parseConfig(JSON.stringify(fastConfig(centralUrl, { backlog: { sources } })), 'jaga.yaml', {});
}

/** The table's line for `name`, its cells split on the table's column gaps. */
function row(table: string, name: string): string[] {
  const line = table.split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line, `no row for ${name} in:\n${table}`);
  return line.split(/ {2,}/);
}

describe('jaga probe with backlog sources', () => {
  test('each source is read and shown; a source at its halt_items limit halts the gate', T, async () => {
    const now = Date.now();
    fillSpool(now);
    const round = await runProbeRound(config(3), () => now);
    assert.deepEqual(
      round.backlogs.map((b) => [b.source, b.kind, b.ok ? b.items : b.failure]),
      [['spool', 'directory', 3], ['hitung', 'command', 5], ['aplikasi', 'http_json', 'unreadable']],
    );
    assert.equal(round.gate.state, 'halted');
    assert.deepEqual(round.gate.reasons.map((r) => [r.code, r.subject]), [['BACKLOG_CRITICAL', 'spool']]);

    const en = renderProbeTable(round, catalogue('en'));
    const [, kind, result, , detail] = row(en, 'spool');
    assert.deepEqual([kind, result, detail], ['backlog/directory', 'ok', '3 recordings, 300 B, oldest waiting 2h']);
    assert.deepEqual(row(en, 'hitung').slice(1, 3), ['backlog/command', 'ok']);
    assert.equal(row(en, 'hitung')[4], '5 recordings');
    const failed = row(en, 'aplikasi');
    assert.deepEqual(failed.slice(1, 3), ['backlog/http_json', 'failed: unreadable']);
    assert.match(failed[4] ?? '', /ECONNREFUSED/);
    assert.match(en, /BACKLOG_CRITICAL/);

    const id = renderProbeTable(round, catalogue('id'));
    assert.equal(row(id, 'spool')[4], '3 rekaman, 300 B, yang tertua menunggu 2j');
    assert.equal(row(id, 'aplikasi')[2], 'gagal: unreadable');
  });

  test('below the limit the same sources leave the gate allowed', T, async () => {
    const now = Date.now();
    fillSpool(now);
    const round = await runProbeRound(config(4), () => now);
    assert.equal(round.gate.state, 'allowed', JSON.stringify(round.gate.reasons));
  });
});
