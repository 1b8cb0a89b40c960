// What an unauthenticated visitor can learn from a real jaga in a bad state (central outage, a missing
// volume, a manual halt with a secret-looking reason, mail and Alertmanager unreachable): every page and
// endpoint is crawled and none may show hosts, ports, URLs, tokens, paths, addresses or stack frames.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { crawl, findLeaks, type Secrets } from '../helpers/crawl.js';
import { FakeCentral } from '../helpers/fake-central.js';
import { ADMIN_TOKEN, hasReason, JagaProcess } from '../helpers/jaga-process.js';
import { freePort } from '../helpers/servers.js';
import { fastCentral, fastStorage, httpTarget, NO_FILL_RATE_HALT } from '../helpers/config.js';

const HOST = 'jaga.kantor.test';
const REASON = 'sandi-rahasia-Xy9!Q2 tiket#4471';
const SMTP_HOST = '0:0:0:0:0:0:0:1'; // ::1 written so that it is recognisable; an IP literal needs no DNS
const EMAIL = 'kabid.rahasia@kantor.test';
const CONTACT = 'telepon-rahasia-0812';

let central: FakeCentral;
let jaga: JagaProcess;
let secrets: Secrets;

before(async () => {
  central = await FakeCentral.start();
  const [routerPort, smtpPort, amPort] = [await freePort(), await freePort(), await freePort()];
  const volumes = mkdtempSync(join(tmpdir(), 'jaga-vol-rahasia-'));
  mkdirSync(join(volumes, 'rekaman'));
  const centralUrl = `http://127.0.0.1:${central.port}/siak-rahasia/v2/health`;
  const amUrl = `http://127.0.0.1:${amPort}/am-rahasia`;
  jaga = await JagaProcess.create({
    central: fastCentral([httpTarget(centralUrl, 'pusat-siak')], {
      failure_threshold: 2,
      reference_targets: [{ name: 'router-kantor', type: 'tcp', host: '127.0.0.1', port: routerPort }],
    }),
    storage: fastStorage([
      { name: 'rekaman', path: join(volumes, 'rekaman'), ...NO_FILL_RATE_HALT },
      { name: 'arsip', path: join(volumes, 'arsip-hilang') },
    ]),
    alerts: {
      group_wait: '0s',
      smtp: { host: SMTP_HOST, port: smtpPort, tls: 'none', from: 'jaga@kantor.test', timeout: '1s' },
      outbox: { retry_initial: '1s', retry_max: '1s', max_age: '3s' },
      contacts: { central: CONTACT },
      recipients: [{ name: 'Kabid', email: EMAIL, role: 'department_head' }],
      alertmanager: { url: amUrl, timeout: '1s' },
    },
  });
  await central.set('refuse');
  await jaga.start();
  secrets = {
    literals: {
      'central URL': centralUrl,
      'central path': '/siak-rahasia',
      'central port': `:${central.port}`,
      'loopback address': '127.0.0.1',
      'reference port': `:${routerPort}`,
      'SMTP host': SMTP_HOST,
      'SMTP port': `:${smtpPort}`,
      'Alertmanager URL': amUrl,
      'Alertmanager path': '/am-rahasia',
      'Alertmanager port': `:${amPort}`,
      'recipient address': EMAIL,
      contact: CONTACT,
      'override reason': 'sandi-rahasia',
      'admin token': ADMIN_TOKEN,
      'volume path': volumes,
      'test directory (data_dir, config file)': jaga.dir,
      'config file name': 'jaga.yaml',
      'temporary directory': `${tmpdir()}/`,
      'working directory': process.cwd(),
    },
    patterns: {
      'stack frame': /\bat [^\n]*\.[cm]?[jt]s:\d+/,
      'error code': /\bE(?:CONNREFUSED|NOENT|HOSTUNREACH|TIMEDOUT|CONNRESET|ACCES|PIPE|ADDRNOTAVAIL)\b/,
      'node_modules path': /node_modules/,
    },
  };
});

after(async () => {
  await jaga?.cleanup();
  await central?.close();
});

interface InternalStatus {
  targets: { last_probe: { detail?: string } | null }[];
  volumes: { detail?: string }[];
  overrides: { reason?: string }[];
  alerts: { state: string }[];
  outbox: { pending: number; given_up: { error?: string }[] } | null;
}

test('in a bad state, no unauthenticated answer shows hosts, ports, URLs, tokens, paths or stack frames', async () => {
  await jaga.waitForGate((g) => hasReason(g, 'CENTRAL_UNREACHABLE') && hasReason(g, 'VOLUME_UNAVAILABLE'), 15_000, 'outage and a missing volume');
  const created = await jaga.adminFetch('/api/v1/overrides', { method: 'POST', body: JSON.stringify({ action: 'halt', reason: REASON }) });
  assert.equal(created.status, 201);
  // Wait until the internals hold every secret: then their absence below means something.
  let internal = '';
  await jaga.waitFor(
    async () => {
      internal = await (await jaga.adminFetch('/api/v1/status')).text();
      const status = JSON.parse(internal) as InternalStatus;
      return (
        /ECONNREFUSED/.test(internal) &&
        internal.includes(REASON) &&
        status.volumes.some((v) => v.detail?.includes('arsip-hilang')) &&
        status.alerts.some((a) => a.state === 'firing') &&
        (status.outbox?.given_up.length ?? 0) > 0
      );
    },
    20_000,
    'internals to hold the details (refused probes, missing volume, reason, firing alerts, a given-up email)',
    () => internal.slice(0, 2000),
  );
  assert.match(jaga.logs, /the SMTP server cannot be reached/, 'jaga did try the mail server');

  const visited = await crawl(
    jaga.port,
    HOST,
    ['/', '/?lang=en', '/admin/login', '/admin/login?lang=en'],
    [
      ...['', '?format=plain', '?lang=en', '?format=plain&lang=en'].map((q) => ({ path: `/api/v1/gate${q}` })),
      { method: 'HEAD', path: '/api/v1/gate' },
      ...['/api/v1/status', '/api/v1/status?lang=en', '/api/v1/history', '/api/v1/history?lang=en&limit=1000'].map((path) => ({ path })),
      { path: '/api/v1/status', headers: { authorization: 'Bearer not-the-token-0123456789' } },
      ...['/api/v1/report', '/api/v1/report?format=csv', '/api/v1/report?lang=en'].map((path) => ({ path })),
      ...['/metrics', '/healthz', '/readyz', '/feed.atom', '/feed.atom?lang=en', '/admin', '/admin/'].map((path) => ({ path })),
      ...['/tidak-ada', '/admin/tidak-ada', '/api/v1/tidak-ada', '/api/v1/overrides', '/api/v1/audit', '/api/v1/silences'].map((path) => ({ path })),
      { path: '/api/v1/history?reason=NOPE' },
      { path: '/api/v1/report?since=kemarin' },
      { method: 'POST', path: '/api/v1/overrides', headers: { 'content-type': 'application/json' }, body: '{"action":' },
      { method: 'POST', path: '/api/v1/overrides', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(20_000) },
      { method: 'DELETE', path: '/api/v1/overrides/%E0%A4%A' },
      { method: 'POST', path: '/admin/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=salah-0123456789abcdef' },
      { method: 'POST', path: '/admin/overrides/%E0%A4%A/lift', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'csrf=x' },
    ],
  );
  const paths = new Set(visited.map((v) => v.request));
  for (const expected of ['GET /', 'GET /assets/status.css', 'GET /feed.atom', 'GET /feed.atom?lang=en', 'GET /?lang=id', 'GET /admin/assets/admin.css']) {
    assert.ok(paths.has(expected), `the crawl followed the links to ${expected}: ${[...paths].join(', ')}`);
  }
  assert.ok(visited.every((v) => v.status < 500), `no 5xx: ${visited.filter((v) => v.status >= 500).map((v) => v.request).join(', ')}`);
  assert.deepEqual(findLeaks(visited, secrets), []);
});
