// Every public answer hammered at once while a station reads the gate: the real built service on a
// store holding 35 days of */5 samples (written straight into its SQLite file before the start), with
// clients from several loopback addresses looping the report (JSON and CSV), history?limit=1000,
// status, the status page, the feed and /metrics. The gate must keep answering fast: no read fails,
// p99 stays low. Loopback network, process and file I/O.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openStore } from '../../src/store/sqlite.js';
import { tempVolume } from '../helpers/config.js';
import { FakeCentral } from '../helpers/fake-central.js';
import { ADMIN_TOKEN, JagaProcess } from '../helpers/jaga-process.js';

const DAY_MS = 86_400_000;
const SAMPLE_EVERY_MS = 5_000;
const FLOOD_MS = 6_000;
/** A station gives up on the gate after 2 s and fails closed; a reader in the office should never come close. */
const STATION_TIMEOUT_MS = 2_000;
/**
 * Alone on this machine the p99 is about 70 ms; beside two other test files on 2 cores CI saw 297 ms.
 * The defect this guards against (a report computed on the event loop) took every read past 2 s.
 */
const P99_LIMIT_MS = 500;
/** Each flood client comes from its own loopback address, so each has its own rate limit to spend. */
const CLIENT_ADDRESSES = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7'];
const PUBLIC_PATHS = [
  '/api/v1/report',
  '/api/v1/report?format=csv',
  '/api/v1/history?limit=1000',
  '/api/v1/status',
  '/',
  '/feed.atom',
  '/metrics',
];

let central: FakeCentral;
let jaga: JagaProcess;

/** 35 days of samples of `pusat` every 5 s (a short outage every ~8 minutes) and a transition each half hour. */
function fillStore(file: string, now: number): void {
  const store = openStore(file);
  try {
    const first = now - 35 * DAY_MS;
    store.db
      .prepare(
        `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO target_samples (at, target, ok, failure, duration_ms)
         SELECT ? + i * ?, 'pusat', CASE WHEN i % 97 < 2 THEN 0 ELSE 1 END, CASE WHEN i % 97 < 2 THEN 'timeout' END, 12.5 FROM n`,
      )
      .run(Math.floor((35 * DAY_MS) / SAMPLE_EVERY_MS) - 1, first, SAMPLE_EVERY_MS);
    store.transaction(() => {
      for (let at = first, i = 0; at < now - DAY_MS; at += DAY_MS / 48, i += 1) {
        const halted = i % 2 === 0;
        store.transitions.append({
          at,
          from: halted ? 'allowed' : 'halted',
          to: halted ? 'halted' : 'allowed',
          reasons: halted ? [{ code: 'CENTRAL_UNREACHABLE', subject: 'pusat', since: at, facts: { consecutive_failures: 3 } }] : [],
          evidence: { central: { pusat: { ok: !halted } } },
        });
      }
    });
  } finally {
    store.close();
  }
}

before(async () => {
  central = await FakeCentral.start();
  const dir = mkdtempSync(join(tmpdir(), 'jaga-flood-'));
  mkdirSync(join(dir, 'data'));
  fillStore(join(dir, 'data', 'jaga.db'), Date.now());
  jaga = await JagaProcess.create(
    {
      central: { schedule: '*/5 * * * * *', timeout: '1s', targets: [{ name: 'pusat', type: 'http', url: central.url }] },
      storage: { schedule: '*/5 * * * * *', timeout: '1s', volumes: [tempVolume()] },
      gate: { resume_after: '1s' },
    },
    dir,
  );
  await jaga.start(30_000);
  await jaga.waitForGate((g) => g.state === 'allowed', 20_000, 'the gate open before the flood');
});

after(async () => {
  await jaga?.cleanup();
  await central?.close();
});

interface Answer {
  readonly status: number;
  readonly ms: number;
}

/** One GET to jaga, its body read to the end; status 0 when it failed or took longer than `timeoutMs`. */
function get(path: string, agent: Agent, localAddress: string, timeoutMs: number): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: jaga.port, path, agent, localAddress, timeout: timeoutMs }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      res.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end();
  });
}

const percentile = (values: readonly number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? NaN;

test(`the gate keeps answering while every public endpoint is flooded from ${CLIENT_ADDRESSES.length} addresses`, async (t) => {
  const report = await jaga.fetch('/api/v1/report');
  assert.equal(report.status, 200);
  const days = ((await report.json()) as { days: unknown[] }).days.length;
  assert.ok(days >= 30, `the report covers the pre-filled month (${days} days)`);

  const deadline = Date.now() + FLOOD_MS;
  const statuses = new Map<number, number>();
  const flooders = CLIENT_ADDRESSES.map(async (address) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; Date.now() < deadline; i += 1) {
        const answer = await get(PUBLIC_PATHS[i % PUBLIC_PATHS.length] as string, agent, address, 10_000);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      }
    } finally {
      agent.destroy();
    }
  });

  const gateMs: number[] = [];
  let failed = 0;
  const station = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; Date.now() < deadline; i += 1) {
      const answer = await get(i % 2 === 0 ? '/api/v1/gate' : '/api/v1/gate?format=plain', station, '127.0.0.1', STATION_TIMEOUT_MS);
      // 423 is an answer too (HALTED); what a station cannot live with is no answer in time.
      if (answer.status !== 200 && answer.status !== 423) failed += 1;
      else gateMs.push(answer.ms);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    station.destroy();
  }
  await Promise.all(flooders);

  const p99 = percentile(gateMs, 0.99);
  const summary = `gate reads: ${gateMs.length + failed}, failed ${failed}, p50 ${percentile(gateMs, 0.5).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...gateMs).toFixed(1)} ms; flood answers by status: ${JSON.stringify(Object.fromEntries(statuses))}`;
  t.diagnostic(summary);
  console.log(summary);
  assert.ok((statuses.get(200) ?? 0) > 0, 'the flood got real answers, not only refusals');
  assert.equal(statuses.get(0) ?? 0, 0, 'every flood request got an answer (none timed out after 10 s)');
  assert.equal(failed, 0, `no gate read failed or took over ${STATION_TIMEOUT_MS} ms`);
  assert.ok(gateMs.length >= 50, `enough gate reads to judge (${gateMs.length})`);
  assert.ok(p99 < P99_LIMIT_MS, `gate p99 ${p99.toFixed(1)} ms < ${P99_LIMIT_MS} ms`);
});

test('a flooding address is told to slow down (429 with Retry-After); the gate is never limited', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    let limited: Answer | undefined;
    const headers: { retryAfter?: string; body?: string } = {};
    const deadline = Date.now() + 10_000;
    while (limited === undefined && Date.now() < deadline) {
      const answer = await new Promise<Answer>((resolve) => {
        const req = request({ host: '127.0.0.1', port: jaga.port, path: '/api/v1/report', agent, localAddress: '127.0.0.9' }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => {
            if (res.statusCode === 429) Object.assign(headers, { retryAfter: res.headers['retry-after'], body });
            resolve({ status: res.statusCode ?? 0, ms: 0 });
          });
        });
        req.on('error', () => resolve({ status: 0, ms: 0 }));
        req.end();
      });
      if (answer.status === 429) limited = answer;
    }
    assert.ok(limited, 'the report is limited per address');
    assert.match(headers.retryAfter ?? '', /^[1-9]\d*$/);
    assert.deepEqual(Object.keys(JSON.parse(headers.body ?? '{}') as object), ['error', 'message']);
    assert.equal((JSON.parse(headers.body ?? '{}') as { error: string }).error, 'rate_limited');
    for (let i = 0; i < 300; i += 1) {
      const path = i % 2 === 0 ? '/api/v1/gate' : '/api/v1/gate?format=plain';
      assert.notEqual((await get(path, agent, '127.0.0.9', STATION_TIMEOUT_MS)).status, 429, `${path} from the limited address`);
    }
    assert.equal((await get('/api/v1/report', agent, '127.0.0.10', STATION_TIMEOUT_MS)).status, 200, 'another address is not limited');
  } finally {
    agent.destroy();
  }
});

test('a stray Authorization header on the page, the feed or the report counts no failed token', async () => {
  const basic = { authorization: `Basic ${Buffer.from('kantor:rahasia').toString('base64')}` };
  // Six loads with a proxy's Basic login: past the token limiter's 5 failures if they counted.
  for (const path of ['/', '/feed.atom', '/api/v1/report', '/', '/feed.atom', '/api/v1/report']) {
    const response = await fetch(`${jaga.url}${path}`, { headers: basic });
    await response.arrayBuffer();
    assert.equal(response.status, 200, path);
  }
  const status = await fetch(`${jaga.url}/api/v1/status`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  await status.arrayBuffer();
  assert.equal(status.status, 200, 'the right token still works from this address');
});
