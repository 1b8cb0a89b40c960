// What people see of the data at risk, from the real service in this process (startService: real
// scheduler reading a real spool directory, real SQLite, real HTTP on loopback, the system clock):
// /api/v1/status for the public and for token holders, /admin, the report (JSON and CSV), and
// `jaga status` and `jaga report` as a person runs them.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { runCli } from '../../src/cli/cli.js';
import { parseConfig } from '../../src/config/load.js';
import { startService, type RunningService } from '../../src/main.js';
import { fastConfig, tempVolume } from '../helpers/config.js';
import { ADMIN_TOKEN } from '../helpers/jaga-process.js';
import { freePort } from '../helpers/servers.js';
import { waitFor } from '../helpers/wait.js';

const HOUR = 3_600_000;

interface BacklogJson {
  name: string;
  type: string;
  available: boolean;
  items: number | null;
  bytes: number | null;
  oldest_at: string | null;
  oldest_age_seconds: number | null;
  last_read_at: string | null;
  failure: string | null;
  detail?: string;
  halting: boolean;
}

interface HeartbeatJson {
  name: string;
  grace: number;
  halt: boolean;
  last_ping_at: string | null;
  late: boolean;
  last_items_sent: number | null;
}

interface StatusJson {
  backlogs: BacklogJson[];
  heartbeats: HeartbeatJson[];
}

const root = mkdtempSync(join(tmpdir(), 'jaga-risk-status-'));
const spool = join(root, 'spool');
/** A path the public must never see: it names the office's disk layout. */
const missing = join(root, 'rahasia-tidak-ada');
/** Whole seconds: an mtime keeps what the filesystem can. */
const oldest = Math.floor(Date.now() / 1000) * 1000 - 26 * HOUR;
let service: RunningService;

async function call(path: string, token?: string): Promise<Response> {
  return fetch(`${service.url}${path}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5_000) });
}

async function status(token?: string): Promise<StatusJson> {
  const response = await call('/api/v1/status', token);
  assert.equal(response.status, 200);
  return (await response.json()) as StatusJson;
}

/** `jaga ...` in this process, its lines captured. */
async function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await runCli([...args, '--url', service.url], env, { out: (line) => out.push(line), err: (line) => out.push(line) });
  return { code, out };
}

before(async () => {
  mkdirSync(join(spool, '2026', '11'), { recursive: true });
  writeFileSync(join(spool, 'a.mp4'), Buffer.alloc(1_000));
  writeFileSync(join(spool, '2026', 'b.mp4'), Buffer.alloc(2_000));
  writeFileSync(join(spool, '2026', '11', 'c.mp4'), Buffer.alloc(3_000));
  utimesSync(join(spool, '2026', 'b.mp4'), new Date(oldest), new Date(oldest));
  const config = parseConfig(
    stringify({
      ...fastConfig('http://127.0.0.1:9/health', { storage: { volumes: [tempVolume()] } }),
      listen: { host: '127.0.0.1', port: await freePort() },
      data_dir: join(root, 'data'),
      backlog: {
        schedule: '* * * * * *',
        timeout: '900ms',
        sources: [
          { name: 'spool', type: 'directory', path: spool, halt_items: 1_000 },
          { name: 'hilang', type: 'directory', path: missing, warn_items: 10 },
        ],
      },
      heartbeats: [
        { name: 'unggah', grace: '1h', halt: true },
        { name: 'sinkron', grace: '1s' },
      ],
    }),
    'jaga.yaml',
    { JAGA_ADMIN_TOKENS: `tester=${ADMIN_TOKEN}` },
  );
  service = await startService(config, pino({ level: 'silent' }));
  const ping = await fetch(`${service.url}/api/v1/heartbeats/unggah`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ items_sent: 12 }),
  });
  assert.equal(ping.status, 200, await ping.text());
  await waitFor(
    async () => {
      const { backlogs, heartbeats } = await status();
      return backlogs.every((b) => b.last_read_at !== null || b.failure !== null) && heartbeats.some((h) => h.name === 'sinkron' && h.late);
    },
    15_000,
    'both sources read and sinkron late',
  );
});

after(async () => {
  await service?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('/api/v1/status', () => {
  test('each source with its type, numbers, oldest age and whether it halts; each heartbeat', async () => {
    const { backlogs, heartbeats } = await status();
    const [read, unread] = backlogs;
    assert.deepEqual(
      { ...read, oldest_age_seconds: undefined, last_read_at: undefined },
      {
        name: 'spool', type: 'directory', available: true, items: 3, bytes: 6_000, oldest_at: new Date(oldest).toISOString(),
        oldest_age_seconds: undefined, last_read_at: undefined, failure: null, halting: true,
      },
    );
    assert.ok(Math.abs((read?.oldest_age_seconds ?? 0) - 26 * 3600) < 60, `oldest age ${read?.oldest_age_seconds}`);
    assert.deepEqual(
      { name: unread?.name, available: unread?.available, items: unread?.items, failure: unread?.failure, halting: unread?.halting },
      { name: 'hilang', available: false, items: null, failure: 'unreadable', halting: false },
    );
    const [upload, sync] = heartbeats;
    assert.equal(upload?.late, false);
    assert.equal(upload?.last_items_sent, 12);
    assert.equal(upload?.grace, 3600);
    assert.deepEqual(sync, { name: 'sinkron', grace: 1, halt: false, last_ping_at: null, late: true, last_items_sent: null });
  });

  test('the public answer has no path or error text anywhere; a token holder gets the detail', async () => {
    const open = JSON.stringify(await status());
    for (const secret of [root, 'rahasia-tidak-ada', 'ENOENT', 'no such file']) assert.ok(!open.includes(secret), `public answer shows ${secret}`);
    const inside = await status(ADMIN_TOKEN);
    assert.match(inside.backlogs[1]?.detail ?? '', /rahasia-tidak-ada/);
    assert.equal(inside.backlogs[0]?.detail, undefined, 'a source read fine has no detail');
  });
});

describe('the report', () => {
  test('JSON: the peak backlog per source and all together, the longest time without an upload per heartbeat', async () => {
    await waitFor(async () => ((await (await call('/api/v1/report')).json()) as { total: { peak_backlog_items: number | null } }).total.peak_backlog_items === 3, 10_000, 'the reads stored');
    const { total } = (await (await call('/api/v1/report')).json()) as { total: Record<string, unknown> };
    assert.equal(total.peak_backlog_items, 3);
    assert.deepEqual(total.peak_backlog_items_by_source, { spool: 3, hilang: null });
    const waits = total.longest_without_upload_seconds_by_heartbeat as Record<string, number>;
    assert.deepEqual(Object.keys(waits), ['unggah', 'sinkron']);
    assert.ok((waits.sinkron ?? 0) >= 1, 'never pinged: since jaga began watching');
  });

  test('CSV: a column per source and heartbeat', async () => {
    const csv = await (await call('/api/v1/report?format=csv')).text();
    const [header, ...rows] = csv.trimEnd().split('\r\n');
    assert.match(header ?? '', /,peak_backlog_items,longest_without_upload_seconds,peak_backlog_items_spool,peak_backlog_items_hilang,longest_without_upload_seconds_unggah,longest_without_upload_seconds_sinkron$/);
    assert.match(rows.at(-1) ?? '', /^TOTAL,.*,3,\d+,3,,\d+,\d+$/);
  });
});

describe('/admin', () => {
  test('the dashboard shows both sources (with the detail) and both heartbeats', async () => {
    const login = await fetch(`${service.url}/admin/login?lang=en`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: service.url },
      body: new URLSearchParams({ token: ADMIN_TOKEN }).toString(),
    });
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('jaga_admin='))?.split(';')[0];
    assert.ok(cookie, `signed in (${login.status})`);
    const page = await (await fetch(`${service.url}/admin?lang=en`, { headers: { cookie } })).text();
    assert.match(page, /<section id="backlog">[\s\S]*<td>spool<\/td><td>directory<\/td><td><span class="tag ok">readable<\/span><\/td><td class="num">3<\/td>/);
    assert.match(page, /<td>hilang<\/td><td>directory<\/td><td><span class="tag bad">unreadable<\/span><br><code>[^<]*rahasia-tidak-ada/);
    assert.match(page, /<section id="heartbeats">[\s\S]*<td>unggah<\/td><td><span class="tag ok">on time<\/span>/);
    assert.match(page, /<td>sinkron<\/td><td><span class="tag bad">late<\/span><\/td><td><span class="muted">no upload reported yet<\/span>/);
  });
});

describe('jaga status and jaga report', () => {
  test('status: a line per source and heartbeat, in Indonesian by default', async () => {
    const run = await cli(['status']);
    const shown = run.out.join('\n');
    assert.match(shown, /^spool\s+backlog\s+ok\s+3 rekaman, 5\.9 KiB, yang tertua menunggu 1h 2j$/m);
    assert.match(shown, /^hilang\s+backlog\s+unreadable -$/m);
    assert.match(shown, /^unggah\s+heartbeat ok\s+ping terakhir \S+Z, tenggang 1j$/m);
    assert.match(shown, /^sinkron\s+heartbeat late\s+belum pernah ada ping, tenggang 1d$/m);
  });

  test('report: the peak backlog and each heartbeat\'s longest wait, in English', async () => {
    const run = await cli(['report', '--lang', 'en']);
    const shown = run.out.join('\n');
    assert.equal(run.code, 0, shown);
    assert.match(shown, /^Most recordings waiting for upload at once: 3$/m);
    assert.match(shown, /^ {2}- spool: 3$/m);
    assert.match(shown, /^ {2}- hilang: no data$/m);
    assert.match(shown, /^Longest time without a successful upload \(unggah\): \d+[dhms]( \d+[hms])?$/m);
    assert.match(shown, /^Longest time without a successful upload \(sinkron\): \d+[dhms]( \d+[hms])?$/m);
  });
});
